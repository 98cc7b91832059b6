"""The lab: a simulated internet on loopback (DNS root, web sites, CA, CT log) in one event loop.

``Lab`` runs in the caller's event loop; ``LabThread`` runs one in a background thread for
synchronous callers. Everything listens on 127.0.0.0/8 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import threading
from collections.abc import Coroutine, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.errors import InvalidName, LabError
from mirrorhunt.lab.ca import LabCA
from mirrorhunt.lab.ctlog import CtLog, CtServer
from mirrorhunt.lab.dns import NAMESERVER, DnsServer, LabZone
from mirrorhunt.lab.ports import listen_error
from mirrorhunt.lab.spec import SiteSpec, check_loopback
from mirrorhunt.lab.web import WebServer
from mirrorhunt.names import normalize_name, registrable_domain

FIRST_SITE_ADDRESS = ipaddress.IPv4Address("127.0.10.1")
LAST_SITE_ADDRESS = ipaddress.IPv4Address("127.255.255.254")
_START_TIMEOUT_SECONDS = 30.0
T = TypeVar("T")


def _name(text: str) -> str:
    try:
        return normalize_name(text)
    except InvalidName as exc:
        raise LabError(exc.message, hint=exc.hint) from exc


def _flatten(prefix: str, values: Mapping[str, Any], into: dict[str, str]) -> dict[str, str]:
    for key, value in values.items():
        name = f"{prefix}{key.upper()}"
        if isinstance(value, Mapping):
            _flatten(f"{name}__", value, into)
        elif isinstance(value, bool):
            into[name] = "true" if value else "false"
        elif isinstance(value, list):
            into[name] = json.dumps(value)
        else:
            into[name] = str(value)
    return into


@dataclass(frozen=True, kw_only=True)
class _Running:
    """The servers of a started lab."""

    ca: LabCA
    zone: LabZone
    dns: DnsServer
    ct: CtServer
    web: WebServer


class Lab:
    """A simulated internet on loopback; use ``async with Lab(workdir=…) as lab``."""

    def __init__(
        self,
        *,
        sites: Iterable[SiteSpec] = (),
        workdir: Path,
        dns_port: int = 0,
        http_port: int = 0,
        https_port: int = 0,
        ct_port: int = 0,
        host: str = "127.0.0.1",
        clock: Clock | None = None,
    ) -> None:
        try:
            self.host = check_loopback(host)
        except ValueError as exc:
            raise LabError(
                f"the lab listens on loopback only: {exc}", hint="use an address in 127.0.0.0/8"
            ) from exc
        self.workdir = workdir
        self._initial = list(sites)
        self._ports = {"dns": dns_port, "http": http_port, "https": https_port, "ct": ct_port}
        self._clock = clock if clock is not None else SystemClock()
        self._sites: dict[str, SiteSpec] = {}
        self._state: _Running | None = None

    async def __aenter__(self) -> Lab:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start every server, then add the initial sites; raises ``LabError`` (and stops) on failure."""
        if self._state is not None:
            raise LabError("the lab is already running")
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
            (self.workdir / "certs").mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise LabError(f"cannot create the lab folder {self.workdir}: {exc.strerror}") from exc
        ca = LabCA(now=self._clock.now())
        ca.write_bundle(self.ca_bundle)
        zone = LabZone(nameserver_address=self.host)
        dns = DnsServer(zone)
        ct = CtServer(CtLog(clock=self._clock), roots=[ca.der])
        web = WebServer(host=self.host)
        started: list[DnsServer | CtServer | WebServer] = []
        try:
            try:
                await dns.start(host=self.host, port=self._ports["dns"])
            except OSError as exc:
                raise listen_error(exc, host=self.host, port=self._ports["dns"], option="--dns-port") from exc
            started.append(dns)
            await ct.start(host=self.host, port=self._ports["ct"])
            started.append(ct)
            started.append(web)
            await web.start(http_port=self._ports["http"], https_port=self._ports["https"])
            self._state = _Running(ca=ca, zone=zone, dns=dns, ct=ct, web=web)
            for spec in self._initial:
                await self.add_site(spec)
        except BaseException:
            self._state = None
            self._sites.clear()
            for server in reversed(started):
                await server.stop()
            raise

    async def stop(self) -> None:
        """Stop every server (nothing if not running)."""
        state, self._state = self._state, None
        self._sites.clear()
        if state is not None:
            await state.web.stop()
            await state.ct.stop()
            await state.dns.stop()

    def _running(self) -> _Running:
        if self._state is None:
            raise LabError("the lab is not running", hint="start it first")
        return self._state

    @property
    def dns_address(self) -> str:
        """``127.0.0.1:PORT`` of the lab name server (UDP and TCP)."""
        return f"{self.host}:{self._running().dns.port}"

    @property
    def http_port(self) -> int:
        return self._running().web.http_port

    @property
    def https_port(self) -> int:
        return self._running().web.https_port

    @property
    def ct_url(self) -> str:
        """Base URL of the lab CT log (``…/ct/v1/get-sth`` below it)."""
        return f"http://{self.host}:{self._running().ct.port}/"

    @property
    def ct_tiles_url(self) -> str:
        """Monitoring prefix of the same CT log served as a tiled log (``…/checkpoint`` below it)."""
        return f"{self.ct_url}tiles/"

    @property
    def ct_public_key(self) -> bytes:
        """The CT log's public key, PEM (SubjectPublicKeyInfo)."""
        return self._running().ct.log.public_key_pem

    @property
    def ca_bundle(self) -> Path:
        """The lab CA certificate, PEM, in the work folder."""
        return self.workdir / "ca.pem"

    @property
    def sites(self) -> list[SiteSpec]:
        """The sites served now, with their addresses."""
        return list(self._sites.values())

    async def add_site(self, spec: SiteSpec) -> None:
        """Serve a site now: DNS, HTTP(S) on its address, and for TLS a certificate logged in CT."""
        state = self._running()
        name = _name(spec.name)
        if name in self._sites or name == NAMESERVER:
            raise LabError(f"site {name} is already in the lab", hint="remove it first")
        if spec.cname is not None:
            self._add_alias(replace(spec, name=name), state=state)
            return
        if (spec.files is None) == (spec.redirect is None):
            raise LabError(f"site {name}: give exactly one of files or redirect")
        if spec.address is None:
            address = self._free_address()
        else:
            try:
                address = check_loopback(spec.address)
            except ValueError as exc:
                raise LabError(f"site {name}: {exc}", hint="the lab serves 127.0.0.0/8 only") from exc
        await state.web.listen_on(address)
        certificate = self._write_certificate(name) if spec.tls else None
        site = replace(spec, name=name, address=address)
        state.web.set_site(site, address=address, certificate=certificate)
        state.zone.set_addresses(name, [address])
        if site.nameservers:
            state.zone.set_nameservers(registrable_domain(name) or name, site.nameservers)
        self._sites[name] = site

    def _add_alias(self, alias: SiteSpec, *, state: _Running) -> None:
        """DNS answers a CNAME; when the target is a lab site, the web serves it under the alias name too
        (as a CDN does), with a certificate of its own when the target has TLS."""
        assert alias.cname is not None
        state.zone.set_alias(alias.name, alias.cname)
        target = self._sites.get(alias.cname)
        if target is not None and target.address is not None:
            served = replace(target, name=alias.name)
            certificate = self._write_certificate(alias.name) if target.tls else None
            state.web.set_site(served, address=target.address, certificate=certificate)
        self._sites[alias.name] = alias

    async def remove_site(self, name: str) -> None:
        """Stop serving a site: its name answers NXDOMAIN again."""
        state = self._running()
        name = _name(name)
        site = self._sites.pop(name, None)
        if site is None:
            raise LabError(f"site {name} is not in the lab")
        if site.nameservers:
            state.zone.set_nameservers(registrable_domain(name) or name, ())
        state.zone.remove(name)
        state.web.remove_site(name)

    def issue_certificate(self, names: list[str]) -> bytes:
        """Issue a lab certificate for ``names`` and log it in the CT log; returns its DER."""
        state = self._running()
        normalised = [_name(name) for name in names]
        if not normalised:
            raise LabError("a certificate needs at least one name")
        issued = state.ca.issue(normalised, now=self._clock.now())
        state.ct.log.add(issued.der, chain=[state.ca.der])
        return issued.der

    def settings_overrides(self) -> dict[str, Any]:
        """Settings that point mirrorhunt at the lab, for ``load_settings(overrides=…)``."""
        return {
            "resolvers": [self.dns_address],
            "allow_private_addresses": True,
            "probe": {
                "http_port": self.http_port,
                "https_port": self.https_port,
                "ca_bundle": str(self.ca_bundle),
            },
            "ct": {"logs": [self.ct_url]},
        }

    def environment(self) -> dict[str, str]:
        """The same settings as ``MIRRORHUNT_*`` environment variables."""
        return _flatten("MIRRORHUNT_", self.settings_overrides(), {})

    def _write_certificate(self, name: str) -> tuple[Path, Path]:
        state = self._running()
        issued = state.ca.issue([name], now=self._clock.now())
        state.ct.log.add(issued.der, chain=[state.ca.der])
        certificate, key = self.workdir / "certs" / f"{name}.pem", self.workdir / "certs" / f"{name}.key"
        certificate.write_bytes(issued.certificate_pem)
        descriptor = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(issued.key_pem)
        return certificate, key

    def _free_address(self) -> str:
        used = {site.address for site in self._sites.values()}
        candidate = FIRST_SITE_ADDRESS
        while str(candidate) in used or str(candidate).endswith((".0", ".255")):
            if candidate >= LAST_SITE_ADDRESS:
                raise LabError("no free loopback address left for a site")
            candidate += 1
        return str(candidate)


class LabThread:
    """A ``Lab`` running in a background thread with its own event loop, for synchronous callers."""

    def __init__(self, **options: Any) -> None:
        self.lab = Lab(**options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> LabThread:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the lab and return once it serves; raises ``LabError`` if it cannot."""
        if self._thread is not None:
            raise LabError("the lab is already running")
        loop = asyncio.new_event_loop()
        outcome: list[BaseException | None] = []
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.lab.start())
            except BaseException as exc:  # handed to the starting thread
                outcome.append(exc)
                started.set()
                loop.close()
                return
            outcome.append(None)
            started.set()
            loop.run_forever()
            loop.run_until_complete(self.lab.stop())
            loop.close()

        thread = threading.Thread(target=run, name="mirrorhunt-lab", daemon=True)
        thread.start()
        if not started.wait(_START_TIMEOUT_SECONDS):
            raise LabError("the lab did not start in time")
        if outcome[0] is not None:
            thread.join()
            error = outcome[0]
            if isinstance(error, LabError):
                raise error
            raise LabError(f"the lab cannot start: {error}") from error
        self._loop, self._thread = loop, thread

    def stop(self) -> None:
        """Stop the lab and its thread (nothing if not running)."""
        loop, thread, self._loop, self._thread = self._loop, self._thread, None, None
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(self.lab.stop(), loop).result()
            loop.call_soon_threadsafe(loop.stop)
        thread.join()

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            coroutine.close()
            raise LabError("the lab is not running", hint="start it first")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    @property
    def dns_address(self) -> str:
        return self.lab.dns_address

    @property
    def http_port(self) -> int:
        return self.lab.http_port

    @property
    def https_port(self) -> int:
        return self.lab.https_port

    @property
    def ct_url(self) -> str:
        return self.lab.ct_url

    @property
    def ct_tiles_url(self) -> str:
        return self.lab.ct_tiles_url

    @property
    def ct_public_key(self) -> bytes:
        return self.lab.ct_public_key

    @property
    def ca_bundle(self) -> Path:
        return self.lab.ca_bundle

    @property
    def sites(self) -> list[SiteSpec]:
        return self.lab.sites

    def environment(self) -> dict[str, str]:
        return self.lab.environment()

    def settings_overrides(self) -> dict[str, Any]:
        return self.lab.settings_overrides()

    def add_site(self, spec: SiteSpec) -> None:
        self._call(self.lab.add_site(spec))

    def remove_site(self, name: str) -> None:
        self._call(self.lab.remove_site(name))

    def issue_certificate(self, names: list[str]) -> bytes:
        async def issue() -> bytes:
            return self.lab.issue_certificate(names)

        return self._call(issue())
