"""HTTP for the prober: single bounded requests over connections that go only where safety allows.

Every connection is opened through ``GuardedResolver``: it resolves with our ``Resolver`` and checks
each address with ``check_address`` at connect time, so a redirect to a name that points at 10.0.0.1
is refused like the first name. URLs keep their names (Host header, SNI, certificate check) while
the default ports 80 and 443 are mapped to the configured ones (the lab serves on other ports).
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.connector import Connection
from yarl import URL

from mirrorhunt.config import Settings
from mirrorhunt.errors import InvalidInput, ProbeError, SafetyRefusal
from mirrorhunt.model import DnsResult
from mirrorhunt.probe.dns import Resolver
from mirrorhunt.probe.safety import check_address
from mirrorhunt.probe.tls import client_context, describe_tls_error

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that answers only with addresses the safety rules allow."""

    def __init__(self, resolver: Resolver, *, allow_private: bool) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._pins: dict[str, DnsResult] = {}

    @contextmanager
    def pinned(self, result: DnsResult) -> Iterator[None]:
        """Connect to ``result.name`` at the addresses already resolved (and recorded) for it."""
        self._pins[result.name] = result
        try:
            yield
        finally:
            if self._pins.get(result.name) is result:
                del self._pins[result.name]

    def check(self, addresses: tuple[str, ...]) -> None:
        """Raise ``SafetyRefusal`` if any address is not allowed."""
        for address in addresses:
            check_address(address, allow_private=self._allow_private)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        result = self._pins.get(host)
        if result is None:
            try:
                result = await self._resolver.resolve(host)
            except InvalidInput as exc:
                raise ProbeError(f"cannot resolve {host!r}: {exc.message}") from exc
        if result.outcome != "resolves":
            raise ProbeError(f"{host} does not resolve ({result.error or result.outcome})")
        self.check(result.addresses)
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


class _CertificateResponse(aiohttp.ClientResponse):
    """A response that keeps the leaf certificate of the connection it arrived on."""

    peer_certificate: bytes | None = None

    async def start(self, connection: Connection) -> aiohttp.ClientResponse:
        transport = connection.transport
        ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
        if ssl_object is not None:
            self.peer_certificate = ssl_object.getpeercert(binary_form=True)
        return await super().start(connection)


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """One answer, its body read up to a cap."""

    url: URL
    status: int
    headers: tuple[tuple[str, str], ...]
    content_type: str
    body: bytes = b""
    truncated: bool = False
    certificate: bytes | None = None

    @property
    def location(self) -> str | None:
        """The redirect target as written by the server, for a redirect status."""
        if self.status not in REDIRECT_STATUSES:
            return None
        return next((value for key, value in self.headers if key.lower() == "location"), None)


class HttpClient:
    """An aiohttp session for probes: no cookies, no proxies from the environment, guarded connections."""

    def __init__(self, *, settings: Settings, resolver: Resolver) -> None:
        self._settings = settings
        self.guard = GuardedResolver(resolver, allow_private=settings.allow_private_addresses)
        self._ssl = client_context(ca_bundle=settings.probe.ca_bundle)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> HttpClient:
        probe = self._settings.probe
        connector = aiohttp.TCPConnector(
            resolver=self.guard, ssl=self._ssl, use_dns_cache=False, limit=max(1, probe.concurrency)
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": probe.user_agent, "Accept": "text/html,*/*;q=0.8"},
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=probe.connect_timeout, sock_read=probe.timeout
            ),
            response_class=_CertificateResponse,
            trust_env=False,
        )
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(self, url: URL, *, max_bytes: int, content_types: frozenset[str] | None = None) -> Response:
        """GET ``url`` without following redirects; the body only for ``content_types`` (None: any).

        Raises ``SafetyRefusal`` or ``ProbeError``; never reads more than ``max_bytes`` of body
        (decompressed) into memory.
        """
        if self._session is None:
            raise RuntimeError("HttpClient used outside 'async with'")
        host = url.raw_host or ""
        if _is_address(host):
            self.guard.check((host,))
        probe = self._settings.probe
        connect_url = url
        if url.explicit_port is None:
            connect_url = url.with_port(probe.https_port if url.scheme == "https" else probe.http_port)
        try:
            async with self._session.get(
                connect_url, headers={"Host": url.host_port_subcomponent or host}, allow_redirects=False
            ) as raw:
                response = await _read(raw, url=url, max_bytes=max_bytes, content_types=content_types)
                if response.truncated:
                    raw.close()
                return response
        except (SafetyRefusal, ProbeError):
            raise
        except aiohttp.ClientError as exc:
            raise ProbeError(describe_client_error(exc, connect_timeout=probe.connect_timeout)) from exc
        except (ValueError, OSError) as exc:  # a hostile answer can upset the client in other ways
            raise ProbeError(f"unusable answer: {type(exc).__name__}: {exc}") from exc


async def _read(
    raw: aiohttp.ClientResponse, *, url: URL, max_bytes: int, content_types: frozenset[str] | None
) -> Response:
    content_type = raw.content_type.lower()
    body = bytearray()
    truncated = False
    if content_types is None or content_type in content_types:
        async for chunk in raw.content.iter_chunked(_CHUNK):
            room = max_bytes - len(body)
            if len(chunk) > room:
                body += chunk[:room]
                truncated = True
                break
            body += chunk
    certificate = raw.peer_certificate if isinstance(raw, _CertificateResponse) else None
    return Response(
        url=url,
        status=raw.status,
        headers=tuple(raw.headers.items()),
        content_type=content_type,
        body=bytes(body),
        truncated=truncated,
        certificate=certificate,
    )


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
