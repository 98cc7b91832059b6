"""The CT follower against the lab's RFC 6962 log, and against a small log server that misbehaves."""

from __future__ import annotations

import base64
import ipaddress
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from mirrorhunt.errors import SourceError
from mirrorhunt.lab import Lab, SiteSpec
from mirrorhunt.sources.ct import CtEntry, CtFollower, names_of_certificate
from mirrorhunt.sources.ct_leaf import encode_certificate_chain, encode_merkle_tree_leaf
from mirrorhunt.sources.ctfollow import Cursor, follow_log

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def certificate(
    *, sans: list[x509.GeneralName] | None = None, common_name: str | None = None, precert: bool = False
) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)] if common_name else [])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW)
        .not_valid_after(NOW + timedelta(days=30))
    )
    if sans is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if precert:
        builder = builder.add_extension(x509.PrecertPoison(), critical=True)
    return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.DER)


def test_names_come_from_the_san_and_the_common_name_normalised() -> None:
    der = certificate(
        sans=[
            x509.DNSName("*.Salon.GG"),
            x509.DNSName("salon.gg"),
            x509.DNSName("www.salon.gg"),
            x509.IPAddress(ipaddress.ip_address("192.0.2.1")),
        ],
        common_name="Chat.Salon.gg",
    )
    assert names_of_certificate(der) == ("salon.gg", "www.salon.gg", "chat.salon.gg")


def test_a_common_name_that_is_not_a_domain_name_is_left_out() -> None:
    assert names_of_certificate(certificate(common_name="Salon Lumiere Ltd")) == ()
    assert names_of_certificate(certificate(common_name="solo.example")) == ("solo.example",)


def test_garbage_is_not_a_certificate() -> None:
    with pytest.raises(SourceError, match=r"not a usable X\.509 certificate"):
        names_of_certificate(b"\x30\x03\x02\x01\x00")


# The lab's log.


@pytest.fixture
async def lab(tmp_path: Path) -> AsyncIterator[Lab]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>hello</body></html>")
    async with Lab(sites=[SiteSpec(name="salon.gg", files=site)], workdir=tmp_path / "lab") as running:
        yield running


async def follow_once(follower: CtFollower, *, position: int, limit: int) -> tuple[list[CtEntry], int]:
    """The entries read from ``position`` and where the next read starts."""
    result = await follow_log(follower, Cursor(index=position), limit=limit)
    assert result.cursor is not None
    return result.entries, result.cursor.index


async def test_a_newly_logged_name_is_found_and_the_position_advances(
    lab: Lab, session: aiohttp.ClientSession
) -> None:
    follower = CtFollower(log_url=lab.ct_url, session=session)
    start = await follower.tree_size()
    assert start >= 1
    before, position = await follow_once(follower, position=0, limit=1000)
    assert position == start
    assert any("salon.gg" in entry.names for entry in before)
    der = lab.issue_certificate(["only-in-ct.example"])
    entries, position = await follow_once(follower, position=position, limit=1000)
    assert [entry.names for entry in entries] == [("only-in-ct.example",)]
    assert entries[0].der == der and entries[0].index == start
    assert position == start + 1
    assert abs(entries[0].timestamp - datetime.now(UTC)) < timedelta(minutes=5)


async def test_resuming_returns_only_newer_entries_and_honours_the_limit(
    lab: Lab, session: aiohttp.ClientSession
) -> None:
    follower = CtFollower(log_url=lab.ct_url, session=session, batch_size=2)
    position = await follower.tree_size()
    for number in range(5):
        lab.issue_certificate([f"n{number}.example"])
    first, position = await follow_once(follower, position=position, limit=3)
    rest, end = await follow_once(follower, position=position, limit=100)
    again, same = await follow_once(follower, position=end, limit=100)
    assert [entry.names[0] for entry in first] == ["n0.example", "n1.example", "n2.example"]
    assert [entry.names[0] for entry in rest] == ["n3.example", "n4.example"]
    assert (again, same) == ([], end)
    assert end == await follower.tree_size()


async def test_entries_reads_a_range_in_as_many_calls_as_needed(
    lab: Lab, session: aiohttp.ClientSession
) -> None:
    follower = CtFollower(log_url=lab.ct_url, session=session, batch_size=1)
    start = await follower.tree_size()
    lab.issue_certificate(["a.example"])
    lab.issue_certificate(["b.example", "www.b.example"])
    found = [entry async for entry in follower.entries(start, start + 2)]
    assert [(entry.index, entry.names) for entry in found] == [
        (start, ("a.example",)),
        (start + 1, ("b.example", "www.b.example")),
    ]


# A log that misbehaves in the ways real logs do.


def leaf_entry(der: bytes, *, precert: bool = False) -> dict[str, str]:
    leaf = encode_merkle_tree_leaf(timestamp_ms=int(NOW.timestamp() * 1000), certificate=der)
    extra = encode_certificate_chain([])
    if precert:  # entry_type 1, issuer_key_hash, TBSCertificate: the leaf the log would hold
        leaf = leaf[:10] + b"\x00\x01" + bytes(32) + leaf[12:]
        extra = len(der).to_bytes(3, "big") + der + encode_certificate_chain([])
    return {"leaf_input": base64.b64encode(leaf).decode(), "extra_data": base64.b64encode(extra).decode()}


Handler = Callable[[web.Request], web.Response]
StartLog = Callable[..., Awaitable[str]]


@pytest.fixture
async def small_log() -> AsyncIterator[StartLog]:
    """Starts a log server on 127.0.0.1 with given entries, page size and get-sth answer."""
    runners: list[web.AppRunner] = []

    async def start(
        entries: list[dict[str, Any] | str], *, page: int = 1, sth: Handler | None = None, status: int = 200
    ) -> str:
        async def get_sth(request: web.Request) -> web.Response:
            document = {
                "tree_size": len(entries),
                "timestamp": 1,
                "sha256_root_hash": base64.b64encode(bytes(32)).decode(),
                "tree_head_signature": "AA==",
            }
            return sth(request) if sth else web.json_response(document, status=status)

        async def get_entries(request: web.Request) -> web.Response:
            if status != 200:
                return web.Response(status=status, text="slow down")
            first, last = int(request.query["start"]), int(request.query["end"])
            return web.json_response({"entries": entries[first : min(last + 1, first + page)]})

        app = web.Application()
        app.router.add_get("/log/ct/v1/get-sth", get_sth)
        app.router.add_get("/log/ct/v1/get-entries", get_entries)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}/log"

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_short_pages_garbage_entries_and_precertificates(
    small_log: StartLog, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    entries: list[dict[str, Any] | str] = [
        leaf_entry(certificate(sans=[x509.DNSName("one.example")])),
        {"leaf_input": "not base64!", "extra_data": ""},
        "not an object",
        leaf_entry(certificate(sans=[x509.DNSName("pre.example")], precert=True), precert=True),
        leaf_entry(b"\x30\x00"),
    ]
    url = await small_log(entries, page=1)
    follower = CtFollower(log_url=url, session=session, batch_size=256)
    with caplog.at_level(logging.WARNING, logger="mirrorhunt.sources.ct"):
        found, position = await follow_once(follower, position=0, limit=10)
    assert [(entry.index, entry.names) for entry in found] == [(0, ("one.example",)), (3, ("pre.example",))]
    assert all(isinstance(entry, CtEntry) and entry.timestamp == NOW for entry in found)
    assert position == 5
    skipped = [record.getMessage() for record in caplog.records]
    assert len(skipped) == 3 and all("skipped" in message for message in skipped)


@pytest.mark.parametrize("status", [429, 503])
async def test_an_overloaded_log_is_a_source_error_with_a_hint(
    small_log: StartLog, session: aiohttp.ClientSession, status: int
) -> None:
    url = await small_log([leaf_entry(certificate(common_name="x.example"))], status=status)
    with pytest.raises(SourceError) as caught:
        await follow_once(CtFollower(log_url=url, session=session, max_wait=0), position=0, limit=10)
    assert f"HTTP {status}" in caught.value.message
    assert caught.value.hint is not None and "later" in caught.value.hint


@pytest.mark.parametrize(
    "answer",
    [
        web.Response(text="<html>not json</html>"),
        web.json_response([1, 2]),
        web.json_response({"tree_size": "12"}),
        web.json_response(
            {"tree_size": -1, "timestamp": 1, "sha256_root_hash": "", "tree_head_signature": ""}
        ),
    ],
)
async def test_a_garbage_tree_head_is_a_source_error(
    small_log: StartLog, session: aiohttp.ClientSession, answer: web.Response
) -> None:
    url = await small_log([], sth=lambda _: answer)
    with pytest.raises(SourceError, match="get-sth"):
        await CtFollower(log_url=url, session=session).tree_size()


@pytest.fixture
def refusing_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


async def test_an_unreachable_log_is_a_source_error(
    session: aiohttp.ClientSession, refusing_port: int
) -> None:
    url = f"http://127.0.0.1:{refusing_port}/"
    with pytest.raises(SourceError, match="cannot be read") as caught:
        await CtFollower(log_url=url, session=session).tree_size()
    assert caught.value.hint is not None
