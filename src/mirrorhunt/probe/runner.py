"""The prober: one bounded capture per name (DNS, certificate, redirect chain, landing page, favicon).

``Prober.capture`` never raises for a failing target: the ``Capture`` carries the error in words
("refused: 127.0.0.1 is a loopback address", "timeout after 10.0 s", "too many redirects (6)")
next to the DNS answer. It fetches the landing page (HTML only) and the favicon (images only),
nothing else. Given an ``EvidenceFolder``, every capture is also written as a WARC there.

An onion name (``.onion``) is not looked up in DNS: it is captured through ``probe.proxy`` (Tor), and
refused without one. Every other name is resolved here and checked even when a proxy will connect.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType

from yarl import URL

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.errors import InvalidInput, MirrorhuntError, ProbeError
from mirrorhunt.evidence import EvidenceFolder, Exchange
from mirrorhunt.model import Capture, DnsResult, Hop
from mirrorhunt.names import host_of, normalize_name
from mirrorhunt.probe.dns import Resolver
from mirrorhunt.probe.favicon import favicon_url
from mirrorhunt.probe.http import ConnectionCounts, HttpClient, Response
from mirrorhunt.probe.proxy import is_onion
from mirrorhunt.probe.safety import ICON_TYPES, PAGE_TYPES

FAVICON_MAX_BYTES = 100_000


@dataclass(slots=True)
class _Chain:
    """What one walk along redirects has seen so far; kept when the walk fails half-way."""

    hops: list[Hop] = field(default_factory=list)
    page: Response | None = None
    last: Response | None = None
    """The last answer received, the page or a redirect: its TLS details describe the capture."""
    error: str | None = None
    timed_out: bool = False


class Prober:
    """Captures names and URLs within the limits of ``settings.probe``; use as ``async with``."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        resolver: Resolver | None = None,
        evidence: EvidenceFolder | None = None,
        exempt: Sequence[str] = (),
    ) -> None:
        """``exempt``: networks (CIDR) allowed even when private addresses are refused."""
        self._settings = settings
        self._evidence = evidence
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._owns_resolver = resolver is None
        self._resolver = resolver if resolver is not None else Resolver.from_settings(settings)
        self._http = HttpClient(settings=settings, resolver=self._resolver, exempt=exempt)

    async def __aenter__(self) -> Prober:
        await self._http.__aenter__()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._http.__aexit__(kind, exc, tb)
        if self._owns_resolver:
            await self._resolver.close()

    @property
    def connections(self) -> ConnectionCounts:
        """Connections opened so far, and requests that reused a kept-alive one."""
        return self._http.connections

    async def resolve(self, name: str) -> DnsResult:
        """The DNS answer for ``name``; raises ``InvalidName`` for a malformed name."""
        return await self._resolver.resolve(name)

    async def capture(self, target: str) -> Capture:
        """Capture a name (HTTPS, else HTTP) or an http(s) URL as given; never raises for the target.

        With an evidence folder, the returned capture references its WARC (``warc_path``).
        """
        exchanges: list[Exchange] = []
        capture = await self._capture(target, exchanges=exchanges)
        if self._evidence is not None:
            capture = await self._evidence.keep(capture, exchanges)
        return capture

    async def _capture(self, target: str, *, exchanges: list[Exchange]) -> Capture:
        started_at = self._clock.now()
        loop = asyncio.get_running_loop()
        begun = loop.time()
        timeout = self._settings.probe.timeout
        deadline = begun + timeout

        def finish(dns: DnsResult, chain: _Chain, favicon: bytes | None = None) -> Capture:
            page, last = chain.page, chain.last
            return Capture(
                name=dns.name,
                dns=dns,
                url=str(page.url) if page else None,
                status=page.status if page else None,
                headers=page.headers if page else (),
                body=page.body if page else b"",
                truncated=page.truncated if page else False,
                certificate=last.certificate if last else None,
                certificate_chain=last.certificate_chain if last else (),
                tls_verified=last.tls_verified if last else None,
                tls_error=last.tls_error if last else None,
                redirects=tuple(chain.hops),
                error=chain.error,
                started_at=started_at,
                favicon=favicon,
                elapsed_ms=(loop.time() - begun) * 1000,
            )

        try:
            name, start = _parse_target(target)
        except InvalidInput as exc:
            text = target.strip()
            return finish(DnsResult(name=text, outcome="error", error=exc.message), _Chain(error=exc.message))
        if is_onion(name):
            if self._http.proxy is None:
                error = f"refused: {name} is an onion service, reachable only through Tor (probe.proxy)"
                return finish(DnsResult(name=name, outcome="error", error=error), _Chain(error=error))
            dns = DnsResult(name=name, outcome="resolves")  # the proxy resolves it; no address is seen
            return finish(dns, *await self._fetch(dns, start, deadline=deadline, exchanges=exchanges))
        try:
            async with asyncio.timeout_at(deadline):
                dns = await self._resolver.resolve(name, nameservers=True)
        except TimeoutError:
            error = f"timeout after {timeout} s"
            return finish(DnsResult(name=name, outcome="error", error=error), _Chain(error=error))
        if dns.outcome != "resolves":
            return finish(dns, _Chain(error=f"{name} does not resolve ({dns.error or dns.outcome})"))
        try:
            self._http.guard.check(dns.addresses)
        except MirrorhuntError as exc:
            return finish(dns, _Chain(error=exc.message))

        return finish(dns, *await self._fetch(dns, start, deadline=deadline, exchanges=exchanges))

    async def _fetch(
        self, dns: DnsResult, start: URL | None, *, deadline: float, exchanges: list[Exchange]
    ) -> tuple[_Chain, bytes | None]:
        """The landing page's chain and the favicon, connecting to the name at the addresses of ``dns``."""
        with self._http.guard.pinned(dns):
            chain = await self._landing_page(dns.name, start, deadline=deadline, exchanges=exchanges)
            favicon = None
            if chain.page is not None:
                favicon = await self._favicon(chain.page, deadline=deadline, exchanges=exchanges)
        return chain, favicon

    async def capture_many(
        self, targets: Iterable[str], *, concurrency: int | None = None
    ) -> AsyncIterator[Capture]:
        """Capture every target, at most ``concurrency`` at a time, yielding captures as they finish."""
        limit = concurrency if concurrency is not None else self._settings.probe.concurrency
        if limit < 1:
            raise InvalidInput(f"concurrency must be at least 1, not {limit}")
        waiting = iter(targets)
        running: set[asyncio.Task[Capture]] = set()
        try:
            while True:
                for target in itertools.islice(waiting, limit - len(running)):
                    running.add(asyncio.create_task(self.capture(target)))
                if not running:
                    return
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    yield task.result()
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _landing_page(
        self, name: str, start: URL | None, *, deadline: float, exchanges: list[Exchange]
    ) -> _Chain:
        """Follow redirects from ``start``, or from https://name/ falling back to http://name/."""
        first = start if start is not None else URL.build(scheme="https", host=name, path="/")
        chain = await self._follow(first, deadline=deadline, exchanges=exchanges)
        if start is None and chain.error is not None and not chain.hops and not chain.timed_out:
            https_error = chain.error
            chain = await self._follow(first.with_scheme("http"), deadline=deadline, exchanges=exchanges)
            if chain.error is not None and not chain.timed_out:
                chain.error = f"{chain.error} (over HTTPS: {https_error})"
        return chain

    async def _follow(self, url: URL, *, deadline: float, exchanges: list[Exchange]) -> _Chain:
        chain = _Chain()
        limit = self._settings.probe.max_redirects
        visited = {str(url)}
        try:
            async with asyncio.timeout_at(deadline):
                while True:
                    response = await self._get(
                        url,
                        max_bytes=self._settings.probe.max_body_bytes,
                        content_types=PAGE_TYPES,
                        exchanges=exchanges,
                    )
                    chain.last = response
                    location = response.location
                    if location is None:
                        chain.page = response
                        return chain
                    chain.hops.append(Hop(url=str(url), status=response.status, location=location))
                    if len(chain.hops) > limit:
                        raise ProbeError(f"too many redirects ({len(chain.hops)})")
                    url = _redirect_target(url, location)
                    if str(url) in visited:
                        raise ProbeError(f"redirect loop: back to {url} after {len(chain.hops)} redirects")
                    visited.add(str(url))
        except TimeoutError:
            chain.timed_out = True
            chain.error = f"timeout after {self._settings.probe.timeout} s"
        except MirrorhuntError as exc:
            chain.error = exc.message
        return chain

    async def _favicon(self, page: Response, *, deadline: float, exchanges: list[Exchange]) -> bytes | None:
        """The icon bytes, or None when it is missing, too large, not an image, or fails; never fails
        the capture."""
        url = favicon_url(page.url, page.body if page.content_type in PAGE_TYPES else b"")
        try:
            async with asyncio.timeout_at(deadline):
                icon = await self._get(
                    url, max_bytes=FAVICON_MAX_BYTES, content_types=ICON_TYPES, exchanges=exchanges
                )
        except (TimeoutError, MirrorhuntError):
            return None
        if icon.status != 200 or icon.truncated or not icon.body:
            return None
        return icon.body

    async def _get(
        self, url: URL, *, max_bytes: int, content_types: frozenset[str], exchanges: list[Exchange]
    ) -> Response:
        """One GET, its request and answer added to ``exchanges`` for the WARC."""
        at = self._clock.now()
        response = await self._http.get(url, max_bytes=max_bytes, content_types=content_types)
        exchanges.append(
            Exchange(
                url=str(url),
                at=at,
                request=response.request,
                response_head=response.head,
                response_body=response.raw_body,
                address=response.address,
                elapsed_ms=response.elapsed_ms,
                notes=response.notes,
            )
        )
        return response


def _parse_target(target: str) -> tuple[str, URL | None]:
    """(name, URL to start from, or None for a bare name); raises ``InvalidInput``."""
    text = target.strip()
    if "://" not in text:
        return normalize_name(text), None
    name = host_of(text)
    try:
        url = URL(text)
    except ValueError as exc:
        raise InvalidInput(f"{target!r} is not a valid URL") from exc
    return name, url.with_host(name).with_fragment(None)


def _redirect_target(current: URL, location: str) -> URL:
    try:
        target = current.join(URL(location.strip()))
    except ValueError as exc:
        raise ProbeError(f"redirect to an invalid URL {location!r}") from exc
    if target.scheme not in ("http", "https") or not target.raw_host:
        raise ProbeError(f"redirect to a URL the prober does not follow: {location!r}")
    return target
