"""The RPZ primary: serves ``[publish] zone`` over UDP and TCP and sends NOTIFY on every change.

It only moves bytes: answers come from ``transfer.respond``, NOTIFYs from ``notify.notify_message``,
the zone from ``zone.PublishedZone``. It learns of a change by polling ``Store.zone_serial()``
every ``poll_seconds`` (one indexed read; changes made by other processes are seen too), or at once
when the same process calls ``changed()``. It serves the version the safety valve released
(``publication.py``), which may be older than the store's. It then reads the listing events after the
last one it applied (``Store.listing_changes(after=…)``, a cursor: nothing is read twice), applies them to the
journal and notifies every secondary in ``[publish] notify``, retrying until each acknowledges. Each
new version asks the ``log_head`` provider, when given, for the transparency log head it carries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, cast

import dns.asyncquery
import dns.exception
import dns.message

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.config import PublishSettings
from mirrorhunt.dnstcp import serve_connection
from mirrorhunt.errors import ConfigError
from mirrorhunt.publish.journal import Change, Journal
from mirrorhunt.publish.notify import RETRY_TIMEOUTS, acknowledged, notify_message
from mirrorhunt.publish.publication import LogHeadProvider, Publication
from mirrorhunt.publish.rpz import policy_target, zone_origin
from mirrorhunt.publish.serial import Epoch, open_epoch
from mirrorhunt.publish.transfer import Access, Transport, networks_of, prepare, respond
from mirrorhunt.publish.tsig import parse_tsig
from mirrorhunt.publish.zone import PublishedZone
from mirrorhunt.store import ListingChange, Store

log = logging.getLogger(__name__)
_TCP_IDLE_SECONDS = 30.0


def host_port(text: str, *, default_port: int, setting: str) -> tuple[str, int]:
    """``"host:port"``, ``"[v6]:port"`` or a bare host; raises ``ConfigError``."""
    text = text.strip()
    host, port = text, str(default_port)
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":") or port
    elif text.count(":") == 1:
        host, port = text.split(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(
            f"{setting} {text!r} is not host:port", hint='e.g. "127.0.0.1:5400" or "[::1]:5400"'
        )
    return host, int(port)


class Primary:
    """``async with Primary(store, settings=…) as primary``: serving until the block ends."""

    def __init__(
        self,
        store: Store,
        *,
        settings: PublishSettings,
        clock: Clock | None = None,
        poll_seconds: float = 0.05,
        log_head: LogHeadProvider | None = None,
    ) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock or SystemClock()
        self._poll_seconds = poll_seconds
        key = None if settings.tsig is None else parse_tsig(settings.tsig)
        self._key = key
        self._access = Access(networks=networks_of(settings.allow), key=key)
        self._listen = host_port(settings.listen, default_port=53, setting="publish.listen")
        self._targets = [host_port(t, default_port=53, setting="publish.notify") for t in settings.notify]
        self._zone: PublishedZone | None = None
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp: asyncio.Server | None = None
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._notifying: dict[tuple[str, int], asyncio.Task[None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cursor = 0
        self._publication = Publication(store, settings=settings, clock=self._clock, log_head=log_head)
        self.port = 0

    @property
    def zone(self) -> PublishedZone:
        if self._zone is None:
            raise RuntimeError("the primary is not started")
        return self._zone

    @property
    def address(self) -> str:
        """Where it listens, ``host:port`` (``[v6]:port``)."""
        host = self._listen[0]
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"

    async def __aenter__(self) -> Primary:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Load the zone, open a new serial epoch, listen, notify; raises ``ConfigError`` on a bad port."""
        self._loop = asyncio.get_running_loop()
        self._zone = await asyncio.to_thread(self._load, None)
        host, port = self._listen
        try:
            await self._bind(host, port)
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host} port {port}: {exc.strerror or exc}",
                hint="choose another publish.listen",
            ) from exc
        self._spawn(self._poll())
        self._notify_all()

    async def stop(self) -> None:
        tasks = [*self._tasks, *self._notifying.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._udp is not None:
            self._udp.close()
        if self._tcp is not None:
            self._tcp.close()
            await self._tcp.wait_closed()

    def changed(self) -> None:
        """Look at the store now instead of at the next poll; safe from any thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    # loading and polling

    def _load(self, running: PublishedZone | None) -> PublishedZone:
        """Replay the events into a journal and open an epoch above every serial already published.

        The epoch is saved in the store before anything is served with it (``serial.py``).
        """
        journal = Journal()
        self._cursor = 0
        self._follow(journal, self._store.listing_changes(), released=self._publication.released())
        log_head = self._publication.log_head()  # after the rows: the log holds every change the zone does
        origin = zone_origin(self._settings.zone)
        keys = (f"publish.{origin}.epoch.start", f"publish.{origin}.epoch.base")
        start, base = (self._store.get_position(key) for key in keys)
        previous = None if start is None or base is None else Epoch(start=start, base=base)
        if running is not None:
            previous = Epoch(start=journal.head, base=running.serial)
        epoch = open_epoch(
            store_serial=journal.head, previous=previous, now_seconds=int(self._clock.now().timestamp())
        )
        self._store.set_position(keys[0], epoch.start)
        self._store.set_position(keys[1], epoch.base)
        journal.forget_before(journal.head)
        zone = PublishedZone(
            zone=origin,
            ttl=self._settings.ttl,
            journal=journal,
            epoch=epoch,
            exclusions=self._publication.exclusions,
            log_head=log_head,
        )
        log.info("zone %s: %d names, serial %d", origin, len(journal.names), zone.serial)
        return zone

    def _follow(self, journal: Journal, rows: list[ListingChange], *, released: int) -> int:
        """Apply ``rows`` up to the ``released`` serial (``publication.py``) to ``journal`` and move the
        cursor past those applied; how many were applied. A redirect without a stop page raises
        ``ConfigError`` before anything is applied."""
        chosen = [row for row in rows if row.serial <= released]
        if self._publication.exclusions.stop_page is None and any(row.action == "redirect" for row in chosen):
            policy_target("redirect", stop_page=None)  # raises ConfigError
        applied = journal.apply(
            Change(
                serial=row.serial,
                name=row.name,
                listed=row.kind != "listing.removed",
                action=row.action or "nxdomain",
            )
            for row in chosen
        )
        for row in rows:
            if row.serial > journal.head:
                break
            self._cursor = row.id
        return applied

    async def _poll(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
            self._wake.clear()
            try:
                await self._refresh()
            except Exception:  # the primary keeps serving the last good zone
                log.exception("cannot read the store; serving serial %d", self.zone.serial)

    async def _refresh(self) -> None:
        zone = self.zone
        serial = await asyncio.to_thread(self._publication.released)
        if serial == zone.journal.head:
            return
        if serial < zone.journal.head:
            log.warning("the store went back to serial %d: reloading the whole zone", serial)
            self._zone = await asyncio.to_thread(self._load, zone)
        else:
            rows = await asyncio.to_thread(self._store.listing_changes, after=self._cursor)
            if not self._follow(zone.journal, rows, released=serial):
                return
            log_head = await asyncio.to_thread(self._publication.log_head)  # after the rows, as in _load
            zone.built(log_head)
        self._notify_all()

    # NOTIFY

    def _notify_all(self) -> None:
        for target in self._targets:
            running = self._notifying.pop(target, None)
            if running is not None:
                running.cancel()
            self._notifying[target] = asyncio.create_task(self._notify(target))

    async def _notify(self, target: tuple[str, int]) -> None:
        host, port = target
        message = notify_message(self.zone, key=self._key)
        for timeout in RETRY_TIMEOUTS:
            try:
                reply = await dns.asyncquery.udp(message, host, port=port, timeout=timeout)
            except (dns.exception.DNSException, OSError) as exc:
                log.debug("NOTIFY to %s:%d: %s", host, port, exc)
                continue
            if acknowledged(message, reply):
                return
        log.warning("NOTIFY to %s:%d was not acknowledged; it will poll at the SOA refresh", host, port)

    # serving

    async def _bind(self, host: str, port: int) -> None:
        loop = asyncio.get_running_loop()
        for attempt in range(8):
            udp, _ = await loop.create_datagram_endpoint(lambda: _Udp(self), local_addr=(host, port))
            chosen = int(udp.get_extra_info("sockname")[1])
            try:
                self._tcp = await asyncio.start_server(self._serve_tcp, host, chosen)
            except OSError:
                udp.close()
                if port != 0 or attempt == 7:
                    raise
                continue
            self._udp, self.port = udp, chosen
            return

    def answer(self, wire: bytes, *, source: str, transport: Transport) -> list[bytes]:
        return respond(wire, source=source, transport=transport, zone=self.zone, access=self._access)

    async def _serve_tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_connection(reader, writer, self._answer_tcp, idle_seconds=_TCP_IDLE_SECONDS)

    async def _answer_tcp(self, wire: bytes, source: str) -> list[bytes]:
        encode = prepare(wire, source=source, transport="tcp", zone=self.zone, access=self._access)
        return await asyncio.to_thread(encode)  # a full zone takes seconds to encode

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, primary: Primary) -> None:
        self._primary = primary
        self._transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        replies = self._primary.answer(data, source=str(addr[0]), transport="udp")
        if replies and self._transport is not None:
            self._transport.sendto(replies[0], addr)
