"""Misbehaving servers on loopback, for tests that the prober refuses, caps and never hangs.

``HostileWeb`` speaks raw HTTP/1.1 (and TLS) on 127.0.0.1, one misbehaviour per path; ``RebindingDns``
answers a name with one address first and another ever after. Nothing here talks beyond loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import socket
import ssl
import struct
import zlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import cast

import brotli
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mirrorhunt.lab.ca import LabCA

HOST = "127.0.0.1"
BOMB_BYTES = 50_000_000
DRIP_INTERVAL = 0.05
PAGE = b"<html><head><title>hostile</title></head><body>hostile</body></html>"
SELF_SIGNED_NAME = "selfsigned.test"


@functools.cache
def _bombs() -> dict[str, tuple[str, bytes]]:
    filler = b"<html><body>" + b" " * BOMB_BYTES
    deflate = zlib.compressobj(9)
    return {
        "/gzip-bomb": ("gzip", gzip.compress(filler, compresslevel=9)),
        "/deflate-bomb": ("deflate", deflate.compress(filler) + deflate.flush()),
        "/br-bomb": ("br", brotli.compress(filler, quality=5)),
    }


class HostileWeb:
    """HTTP on ``http_port`` and HTTPS on ``https_port`` of 127.0.0.1; the path picks the misbehaviour.

    HTTPS presents, for ``selfsigned.test``, a self-signed certificate, and for any other name a
    certificate of ``ca`` that names ``elsewhere.test`` (a wrong-SNI answer).
    """

    def __init__(self, *, workdir: Path) -> None:
        self.workdir = workdir
        self.http_port = 0
        self.https_port = 0
        self.connections = 0
        self._servers: list[asyncio.Server] = []
        self._writers: set[asyncio.StreamWriter] = set()
        self._bombs = _bombs()
        self.ca = LabCA(now=datetime.now(UTC), name="hostile lab root")

    @property
    def ca_bundle(self) -> Path:
        return self.workdir / "hostile-ca.pem"

    async def __aenter__(self) -> HostileWeb:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ca_bundle.write_bytes(self.ca.pem)
        http = await asyncio.start_server(self._serve, HOST, 0)
        https = await asyncio.start_server(self._serve, HOST, 0, ssl=self._tls_context())
        self._servers = [http, https]
        self.http_port = http.sockets[0].getsockname()[1]
        self.https_port = https.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        for server in self._servers:
            server.close()
            await server.wait_closed()

    def _tls_context(self) -> ssl.SSLContext:
        wrong = self.ca.issue(["elsewhere.test"], now=datetime.now(UTC))
        default = _server_context(self.workdir / "wrong-name", wrong.certificate_pem, wrong.key_pem)
        self_signed = _server_context(self.workdir / "self-signed", *_self_signed(SELF_SIGNED_NAME))

        def choose(sock: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> None:
            if name == SELF_SIGNED_NAME:
                sock.context = self_signed

        default.sni_callback = choose
        return default

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            path = request.split(b" ", 2)[1].decode("latin-1")
            await self._answer(path, writer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, IndexError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _answer(self, path: str, writer: asyncio.StreamWriter) -> None:
        if path.startswith("/redirect/"):
            step = int(path.rsplit("/", 1)[1] or 0) + 1
            writer.write(_head(302, {"Location": f"/redirect/{step}", "Content-Length": "0"}))
        elif path in _PRIVATE_TARGETS:
            writer.write(_head(302, {"Location": _PRIVATE_TARGETS[path], "Content-Length": "0"}))
        elif path == "/drip":
            writer.write(_head(200, {"Content-Type": "text/html", "Content-Length": "1000000"}))
            while True:
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(DRIP_INTERVAL)
        elif path == "/huge":
            writer.write(_head(200, {"Content-Type": "text/html", "Content-Length": str(10**12)}))
            chunk = b"x" * 65536
            while True:
                writer.write(chunk)
                await writer.drain()
        elif path in self._bombs:
            coding, body = self._bombs[path]
            writer.write(_head(200, {"Content-Type": "text/html", "Content-Encoding": coding}, body))
        elif path == "/garbage":
            writer.write(b"HELLO I AM NOT HTTP\r\n\r\n")
        elif path == "/reset":
            writer.write(_head(200, {"Content-Type": "text/html", "Content-Length": "100000"}) + PAGE)
            await writer.drain()
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
        elif path == "/long-header":
            writer.write(_head(200, {"Content-Type": "text/html", "X-Long": "a" * 20_000}, PAGE))
        elif path == "/many-headers":
            fields = {"Content-Type": "text/html", **{f"X-Field-{i}": "b" * 1000 for i in range(90)}}
            writer.write(_head(200, fields, PAGE))
        elif path == "/image":
            writer.write(_head(200, {"Content-Type": "image/png"}, b"\x89PNG" + b"\x00" * 1000))
        elif path == "/mislabelled":
            body = "<html><body>café señor</body></html>".encode("latin-1")
            writer.write(_head(200, {"Content-Type": "text/html; charset=utf-8"}, body))
        elif path == "/windows-1252":
            body = "<html><body>“quoted” 10 €</body></html>".encode("cp1252")
            writer.write(_head(200, {"Content-Type": "text/html; charset=windows-1252"}, body))
        else:
            writer.write(_head(200, {"Content-Type": "text/html"}, PAGE))


_PRIVATE_TARGETS = {
    "/to-private": "http://10.0.0.1/",
    "/to-metadata": "http://169.254.169.254/latest/meta-data/",
    "/to-private-name": "http://private.test/",
}


def _head(status: int, fields: Mapping[str, str], body: bytes | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} X", *(f"{key}: {value}" for key, value in fields.items())]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


def _server_context(stem: Path, certificate: bytes, key: bytes) -> ssl.SSLContext:
    stem.with_suffix(".pem").write_bytes(certificate)
    stem.with_suffix(".key").write_bytes(key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(stem.with_suffix(".pem"), stem.with_suffix(".key"))
    return context


def _self_signed(name: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


class RebindingDns(asyncio.DatagramProtocol):
    """A UDP name server on 127.0.0.1: each name's A record is its first address on the first query
    and its next address on every later one (DNS rebinding); other names are NXDOMAIN."""

    def __init__(self, answers: Mapping[str, Sequence[str]]) -> None:
        self.answers = {name: list(addresses) for name, addresses in answers.items()}
        self.asked: dict[str, int] = {}
        self.transport: asyncio.DatagramTransport | None = None
        self.port = 0

    async def start(self) -> RebindingDns:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, local_addr=(HOST, 0))
        return self

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)
        self.port = self.transport.get_extra_info("sockname")[1]

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        with contextlib.suppress(Exception):  # a test server: ignore what it cannot parse
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text(omit_final_dot=True)
            addresses = self.answers.get(name)
            if addresses is None:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif question.rdtype == dns.rdatatype.A:
                count = self.asked.get(name, 0)
                self.asked[name] = count + 1
                address = addresses[min(count, len(addresses) - 1)]
                response.answer.append(dns.rrset.from_text(question.name, 0, "IN", "A", address))
            assert self.transport is not None
            self.transport.sendto(response.to_wire(), addr)
