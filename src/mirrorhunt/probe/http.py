"""HTTP for the prober: single bounded requests over connections that go only where safety allows.

Every connection is opened through ``GuardedResolver``: it resolves with our ``Resolver`` and checks
each address with ``check_address`` at connect time, so a redirect to a name that points at 10.0.0.1
is refused like the first name. URLs keep their names (Host header, SNI, certificate check) while
the default ports 80 and 443 are mapped to the configured ones (the lab serves on other ports).

Connections are kept alive and reused across captures of the same host (``connections`` counts them);
``probe.max_per_host`` and ``probe.max_per_address`` bound the requests in flight to one name and to
one address. With ``probe.proxy`` every connection goes through SOCKS5 (see ``proxy``).
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from ssl import SSLCertVerificationError, SSLContext
from types import TracebackType
from typing import Any

import aiohttp
import aiohttp_socks
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.connector import Connection
from yarl import URL

from mirrorhunt.config import Settings
from mirrorhunt.errors import InvalidInput, ProbeError, SafetyRefusal
from mirrorhunt.model import DnsResult
from mirrorhunt.probe.dns import Resolver
from mirrorhunt.probe.politeness import KeyedLimiter
from mirrorhunt.probe.proxy import Socks5Proxy, is_onion
from mirrorhunt.probe.safety import (
    MAX_HEADER_COUNT,
    MAX_HEADER_LINE,
    ContentDecoder,
    accepts,
    check_address,
    check_headers,
)
from mirrorhunt.probe.tls import client_context, describe_tls_error, peer_chain, unverified_context

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate, br"


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that answers only with addresses the safety rules allow."""

    def __init__(self, resolver: Resolver, *, allow_private: bool, exempt: Sequence[str] = ()) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._exempt = tuple(exempt)
        self._pins: dict[str, list[DnsResult]] = {}

    @contextmanager
    def pinned(self, result: DnsResult) -> Iterator[None]:
        """Connect to ``result.name`` at the addresses already resolved (and recorded) for it; pins
        nest, the latest wins."""
        stack = self._pins.setdefault(result.name, [])
        stack.append(result)
        try:
            yield
        finally:
            stack.remove(result)
            if not stack:
                del self._pins[result.name]

    def check(self, addresses: tuple[str, ...]) -> None:
        """Raise ``SafetyRefusal`` if any address is not allowed."""
        for address in addresses:
            check_address(address, allow_private=self._allow_private, exempt=self._exempt)

    async def lookup(self, host: str) -> DnsResult:
        """The pinned answer for ``host``, else a fresh one; raises unless it resolves to allowed ones."""
        stack = self._pins.get(host)
        result = stack[-1] if stack else None
        if result is None:
            try:
                result = await self._resolver.resolve(host)
            except InvalidInput as exc:
                raise ProbeError(f"cannot resolve {host!r}: {exc.message}") from exc
        if result.outcome != "resolves":
            raise ProbeError(f"{host} does not resolve ({result.error or result.outcome})")
        self.check(result.addresses)
        return result

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        result = await self.lookup(host)
        answers: list[ResolveResult] = []
        for address in result.addresses:
            kind = socket.AF_INET6 if ":" in address else socket.AF_INET
            if family in (socket.AF_UNSPEC, kind):
                answers.append(
                    ResolveResult(
                        hostname=host,
                        host=address,
                        port=port,
                        family=kind,
                        proto=0,
                        flags=socket.AI_NUMERICHOST,
                    )
                )
        if not answers:
            raise ProbeError(f"{host} has no address of the family {family.name}")
        return answers

    async def close(self) -> None:
        return None


@dataclass(slots=True)
class ConnectionCounts:
    """Connections the client opened, and requests that reused a kept-alive one."""

    opened: int = 0
    reused: int = 0


class _CertificateResponse(aiohttp.ClientResponse):
    """A response that keeps the certificates and the peer address of the connection it arrived on,
    and counts connections: a transport seen before is a kept-alive one reused."""

    peer_chain: tuple[bytes, ...] = ()
    peer_address: str | None = None
    counts: ConnectionCounts
    transports: weakref.WeakSet[asyncio.BaseTransport]

    async def start(self, connection: Connection) -> aiohttp.ClientResponse:
        transport = connection.transport
        if transport is not None:
            if transport in self.transports:
                self.counts.reused += 1
            else:
                self.counts.opened += 1
                self.transports.add(transport)
            ssl_object = transport.get_extra_info("ssl_object")
            if ssl_object is not None:
                self.peer_chain = peer_chain(ssl_object)
            peer = transport.get_extra_info("peername")
            self.peer_address = str(peer[0]) if peer else None
        return await super().start(connection)


def _counting_responses(counts: ConnectionCounts) -> type[_CertificateResponse]:
    """A response class of its own for one client, counting into ``counts``."""
    attributes = {"counts": counts, "transports": weakref.WeakSet()}
    return type("_CountedResponse", (_CertificateResponse,), attributes)


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """One answer, its body read up to a cap, with what evidence needs: the bytes as they came."""

    url: URL
    status: int
    headers: tuple[tuple[str, str], ...]
    content_type: str
    body: bytes = b""
    """Decoded (content coding undone), at most the cap."""
    truncated: bool = False
    certificate: bytes | None = None
    certificate_chain: tuple[bytes, ...] = ()
    tls_verified: bool | None = None
    tls_error: str | None = None
    request: bytes = b""
    """The request head as sent: request line and header fields."""
    head: bytes = b""
    """The status line and header fields as received."""
    raw_body: bytes = b""
    """The body as received, content coding kept (chunked transfer coding undone)."""
    address: str | None = None
    elapsed_ms: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def location(self) -> str | None:
        """The redirect target as written by the server, for a redirect status."""
        if self.status not in REDIRECT_STATUSES:
            return None
        return next((value for key, value in self.headers if key.lower() == "location"), None)


class HttpClient:
    """An aiohttp session for probes: no cookies, no proxies from the environment, guarded connections,
    capped headers, content coding undone here (so the bytes as received are kept)."""

    def __init__(self, *, settings: Settings, resolver: Resolver, exempt: Sequence[str] = ()) -> None:
        probe = settings.probe
        self._settings = settings
        self.guard = GuardedResolver(resolver, allow_private=settings.allow_private_addresses, exempt=exempt)
        self.proxy = Socks5Proxy.parse(probe.proxy) if probe.proxy else None
        self._ssl = client_context(ca_bundle=probe.ca_bundle)
        self._unverified = unverified_context()
        self._per_host = KeyedLimiter(probe.max_per_host, what="probe.max_per_host")
        self._per_address = KeyedLimiter(probe.max_per_address, what="probe.max_per_address")
        self.connections = ConnectionCounts()
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> HttpClient:
        probe = self._settings.probe
        options: dict[str, Any] = {
            "ssl": self._ssl,
            "limit": max(1, probe.concurrency),
            "keepalive_timeout": probe.keepalive,
        }
        if self.proxy is not None:
            connector = self.proxy.connector(**options)
        else:
            connector = aiohttp.TCPConnector(resolver=self.guard, use_dns_cache=False, **options)
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={
                "User-Agent": probe.user_agent,
                "Accept": "text/html,*/*;q=0.8",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=probe.connect_timeout, sock_read=probe.timeout
            ),
            response_class=_counting_responses(self.connections),
            trust_env=False,
            auto_decompress=False,
            max_line_size=MAX_HEADER_LINE,
            max_field_size=MAX_HEADER_LINE,
            max_headers=MAX_HEADER_COUNT,
        )
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(self, url: URL, *, max_bytes: int, content_types: frozenset[str] | None = None) -> Response:
        """GET ``url`` without following redirects; the body only for ``content_types`` (None: any;
        ``image/*`` stands for every image type).

        A certificate that fails verification is recorded (``tls_verified=False``, ``tls_error``) and
        the answer fetched again without verification. Raises ``SafetyRefusal`` or ``ProbeError``;
        never reads more than ``max_bytes`` of body, before or after decompression, into memory.
        """
        try:
            return await self._get(url, ssl=self._ssl, max_bytes=max_bytes, content_types=content_types)
        except _CertificateRejected as rejected:
            response = await self._get(
                url, ssl=self._unverified, max_bytes=max_bytes, content_types=content_types
            )
            return replace(response, tls_verified=False, tls_error=rejected.reason)

    async def _get(
        self, url: URL, *, ssl: SSLContext, max_bytes: int, content_types: frozenset[str] | None
    ) -> Response:
        if self._session is None:
            raise RuntimeError("HttpClient used outside 'async with'")
        host = (url.raw_host or "").lower()
        answer = await self._allowed(host)
        address = answer.addresses[0] if answer is not None else host
        async with self._per_host.hold(host), self._per_address.hold(address):
            with self.guard.pinned(answer) if answer is not None else nullcontext():
                return await self._send(
                    url, host=host, ssl=ssl, max_bytes=max_bytes, content_types=content_types
                )

    async def _allowed(self, host: str) -> DnsResult | None:
        """The checked DNS answer for the name ``host`` (None for an address or an onion service);
        raises ``SafetyRefusal`` or ``ProbeError`` when it may not be fetched."""
        if is_onion(host):
            if self.proxy is None:
                raise SafetyRefusal(
                    f"refused: {host} is an onion service, reachable only through Tor",
                    hint='set probe.proxy = "socks5://127.0.0.1:9050" to probe it through Tor',
                )
            return None
        if _is_address(host):
            self.guard.check((host,))
            return None
        return await self.guard.lookup(host)

    async def _send(
        self, url: URL, *, host: str, ssl: SSLContext, max_bytes: int, content_types: frozenset[str] | None
    ) -> Response:
        assert self._session is not None
        probe = self._settings.probe
        connect_url = url
        if url.explicit_port is None:
            connect_url = url.with_port(probe.https_port if url.scheme == "https" else probe.http_port)
        begun = time.monotonic()
        try:
            async with self._session.get(
                connect_url,
                headers={"Host": url.host_port_subcomponent or host},
                allow_redirects=False,
                ssl=ssl,
            ) as raw:
                response = await _read(raw, url=url, max_bytes=max_bytes, content_types=content_types)
                if response.truncated:
                    raw.close()
        except (SafetyRefusal, ProbeError):
            raise
        except aiohttp.ClientConnectorCertificateError as exc:
            raise _CertificateRejected(describe_tls_error(exc.certificate_error)) from exc
        except aiohttp.ClientOSError as exc:
            if isinstance(exc.__cause__, SSLCertVerificationError):  # so it comes through the proxy
                raise _CertificateRejected(describe_tls_error(exc.__cause__)) from exc
            raise ProbeError(describe_client_error(exc, connect_timeout=probe.connect_timeout)) from exc
        except (
            aiohttp_socks.ProxyError,
            aiohttp_socks.ProxyConnectionError,
            aiohttp_socks.ProxyTimeoutError,
        ) as exc:
            raise ProbeError(f"through the proxy {self.proxy}: {exc}") from exc
        except aiohttp.ClientResponseError as exc:
            if _is_header_overflow(exc):
                raise SafetyRefusal(
                    f"refused: response headers over the limits ({MAX_HEADER_COUNT} fields, "
                    f"{MAX_HEADER_LINE} bytes a line)"
                ) from exc
            raise ProbeError(describe_client_error(exc, connect_timeout=probe.connect_timeout)) from exc
        except aiohttp.ClientError as exc:
            raise ProbeError(describe_client_error(exc, connect_timeout=probe.connect_timeout)) from exc
        except (ValueError, OSError) as exc:  # a hostile answer can upset the client in other ways
            raise ProbeError(f"unusable answer: {type(exc).__name__}: {exc}") from exc
        tls_verified = True if url.scheme == "https" else None
        response = replace(response, tls_verified=tls_verified, elapsed_ms=(time.monotonic() - begun) * 1000)
        if self.proxy is not None:
            note = f"through the proxy {self.proxy}: the server's address is not known"
            response = replace(response, address=None, notes=(*response.notes, note))
        return response


class _CertificateRejected(Exception):
    """The server's certificate failed verification; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def _read(
    raw: aiohttp.ClientResponse, *, url: URL, max_bytes: int, content_types: frozenset[str] | None
) -> Response:
    check_headers(raw.raw_headers)
    content_type = raw.content_type.lower()
    body = bytearray()
    received = bytearray()
    truncated = False
    notes: list[str] = []
    if content_types is None or accepts(content_type, content_types):
        decoder = ContentDecoder(raw.headers.get("Content-Encoding", ""), limit=max_bytes)
        async for chunk in raw.content.iter_chunked(_CHUNK):
            received += chunk[: max_bytes - len(received)]
            body += decoder.feed(chunk)
            if decoder.full or len(received) >= max_bytes:
                truncated = True
                notes.append(f"body cut at {max_bytes} bytes")
                break
    else:
        notes.append(f"body not read: content type {content_type or 'missing'} is not fetched")
    if raw.headers.get("Transfer-Encoding", "").lower() == "chunked":
        notes.append("chunked transfer coding undone; the Transfer-Encoding field is renamed in the WARC")
    chain = raw.peer_chain if isinstance(raw, _CertificateResponse) else ()
    return Response(
        url=url,
        status=raw.status,
        headers=tuple(raw.headers.items()),
        content_type=content_type,
        body=bytes(body),
        truncated=truncated,
        certificate=chain[0] if chain else None,
        certificate_chain=chain,
        request=_request_head(raw.request_info),
        head=_response_head(raw),
        raw_body=bytes(received),
        address=raw.peer_address if isinstance(raw, _CertificateResponse) else None,
        notes=tuple(notes),
    )


def _request_head(info: aiohttp.RequestInfo) -> bytes:
    target = info.url.raw_path_qs or "/"
    lines = [f"{info.method} {target} HTTP/1.1", *(f"{key}: {value}" for key, value in info.headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")


def _response_head(raw: aiohttp.ClientResponse) -> bytes:
    version = raw.version or aiohttp.HttpVersion11
    head = f"HTTP/{version.major}.{version.minor} {raw.status} {raw.reason or ''}".rstrip()
    lines = [head.encode("latin-1", errors="replace")]
    for name, value in raw.raw_headers:
        if name.lower() == b"transfer-encoding" and value.strip().lower() == b"chunked":
            name = b"X-Mirrorhunt-Was-Transfer-Encoding"
        lines.append(name + b": " + value)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _is_header_overflow(exc: aiohttp.ClientResponseError) -> bool:
    cause = exc.__cause__ or exc.__context__
    text = f"{exc.message} {cause}".lower()
    return any(sign in text for sign in ("too long", "too many headers", "too large", "got more than"))


def describe_client_error(exc: aiohttp.ClientError, *, connect_timeout: float) -> str:
    """A short account of an aiohttp failure for ``Capture.error``."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return describe_tls_error(exc.certificate_error)
    if isinstance(exc, aiohttp.ClientSSLError):
        return describe_tls_error(exc.os_error)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return f"connect timeout after {connect_timeout} s"
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return "read timeout: the server stopped sending"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "connection closed by the server before an answer"
    if isinstance(exc, aiohttp.ClientOSError):
        return _describe_os_error(exc)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return f"broken response body: {exc}"
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"malformed response: {exc.message}"
    return f"{type(exc).__name__}: {exc}"


def _describe_os_error(exc: OSError) -> str:
    cause: Any = getattr(exc, "os_error", exc)
    number = getattr(cause, "errno", None)
    if number == errno.ECONNREFUSED:
        return "connection refused"
    if number in (errno.ECONNRESET, errno.EPIPE) or isinstance(cause, ConnectionResetError):
        return "connection reset"
    return f"cannot connect: {getattr(cause, 'strerror', None) or cause}"


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
