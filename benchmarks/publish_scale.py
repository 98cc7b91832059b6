"""Publishing at scale: one million listings through the store, the zone renderers and the RPZ primary.

    .venv/bin/python benchmarks/publish_scale.py [--names 1000000] [--secondaries 100] [--trials 5]

Targets (issue 6): the full zone rendered in ≤ 10 s and ≤ 1 GB; an IXFR carrying one change answered
in ≤ 50 ms; 100 secondaries notified in ≤ 1 s. Each rendering runs in a fresh process so that its time
and peak memory (``ru_maxrss``) are its own. Loopback only; a SQLite store in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import statistics
import struct
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from math import inf
from multiprocessing import get_context
from pathlib import Path
from typing import cast

import dns.message
import dns.opcode
import dns.rcode
import dns.rdatatype
import dns.rrset

from mirrorhunt.config import PublishSettings
from mirrorhunt.model import Case, Listing
from mirrorhunt.publish.primary import Primary
from mirrorhunt.publish.rpz import render_rpz_names
from mirrorhunt.publish.stix import render_stix
from mirrorhunt.store import Store

ZONE = "rpz.bench"
AT = datetime(2026, 5, 1, tzinfo=UTC)
CASE = Case(name="bench", url="https://seized.example/", created_at=AT)


def listing(index: int) -> Listing:
    return Listing(name=f"mirror-{index:07d}.gg", case="bench", reason="bench", decided_by="bench", since=AT)


BATCH = 100_000


def fill(url: str, count: int) -> float:
    """Seconds to list ``count`` names, in batches of ``BATCH`` (one zone serial each)."""
    with Store.open(url) as store:
        store.add_case(CASE)
        started = time.perf_counter()
        for first in range(0, count, BATCH):
            store.add_listings([listing(i) for i in range(first, min(count, first + BATCH))])
        return time.perf_counter() - started


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def render_in_child(url: str, renderer: str) -> tuple[float, float, float, int]:
    """(seconds to read from the store, seconds to render, peak MB of this process, characters).

    The zone needs the names alone (``Store.listed_names``, as ``signed.snapshot_of`` reads it); the
    STIX bundle needs every listing's record.
    """
    started = time.perf_counter()
    with Store.open(url) as store:
        read: list[str] | list[Listing] = store.listed_names() if renderer == "rpz" else store.listings()
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    if renderer == "rpz":
        text = render_rpz_names(cast(list[str], read), zone=ZONE, serial=2, generated_at=AT)
    else:
        text = render_stix(cast(list[Listing], read), generated_at=AT, serial=2)
    return seconds, time.perf_counter() - started, peak_mb(), len(text)


def measure_rendering(url: str, renderer: str) -> None:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        read, render, peak, size = pool.submit(render_in_child, url, renderer).result()
    print(
        f"{renderer} zone/export: read {read:.2f} s + render {render:.2f} s = {read + render:.2f} s, "
        f"peak {peak:.0f} MB, {size / 1e6:.0f} MB of text"
    )


async def tcp_exchange(port: int, query: dns.message.Message, *, records: int) -> float:
    """Seconds until the whole transfer answering ``query`` (``records`` records) arrived; only the last
    message is decoded (a client decoding every record would measure dnspython, not the primary)."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    wire = query.to_wire()
    writer.write(struct.pack(">H", len(wire)) + wire)
    await writer.drain()
    count = 0
    try:
        while True:
            size = struct.unpack(">H", await reader.readexactly(2))[0]
            message = await reader.readexactly(size)
            count += struct.unpack(">H", message[6:8])[0]
            if count >= records:
                last = dns.message.from_wire(message, one_rr_per_rrset=True).answer[-1]
                assert count == records and last.rdtype == dns.rdatatype.SOA, "an incomplete transfer"
                break
    finally:
        writer.close()
    return time.perf_counter() - started


def ixfr_query(serial: int) -> dns.message.Message:
    query = dns.message.make_query(ZONE + ".", dns.rdatatype.IXFR)
    soa = dns.rrset.from_text(
        ZONE + ".", 0, "IN", "SOA", f"localhost. hostmaster.{ZONE}. {serial} 60 30 86400 60"
    )
    query.authority.append(soa)
    return query


class Secondary(asyncio.DatagramProtocol):
    """A listener that acknowledges every NOTIFY and records when the first one came."""

    def __init__(self, arrived: dict[int, float], index: int) -> None:
        self._arrived = arrived
        self._index = index
        self._transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        message = dns.message.from_wire(data)
        if message.opcode() != dns.opcode.NOTIFY or self._transport is None:
            return
        self._arrived.setdefault(self._index, time.perf_counter())
        reply = dns.message.make_response(message)
        self._transport.sendto(reply.to_wire(), addr)


async def measure_primary(url: str, *, secondaries: int, trials: int, count: int) -> None:
    loop = asyncio.get_running_loop()
    arrived: dict[int, float] = {}
    listeners = []
    for index in range(secondaries):
        transport, _ = await loop.create_datagram_endpoint(
            lambda index=index: Secondary(arrived, index), local_addr=("127.0.0.1", 0)
        )
        listeners.append(transport)
    ports = [t.get_extra_info("sockname")[1] for t in listeners]
    settings = PublishSettings(
        zone=ZONE,
        listen="127.0.0.1:0",
        notify=[f"127.0.0.1:{p}" for p in ports],
        max_added=count + 1000,  # the safety valve would hold the first million for a person
    )
    store = Store.open(url)
    try:
        started = time.perf_counter()
        primary = Primary(store, settings=settings, poll_seconds=3600)
        await primary.start()
        print(f"primary start (load {count:,} names, open the epoch): {time.perf_counter() - started:.2f} s")
        try:
            for attempt in ("first", "second"):
                query = dns.message.make_query(ZONE + ".", "AXFR")
                axfr = await tcp_exchange(primary.port, query, records=2 * count + 3)
                print(f"AXFR of the full zone over TCP ({attempt}): {axfr:.2f} s, {2 * count + 3:,} records")
            ixfr_times: list[float] = []
            notify_times: list[tuple[float, float, float]] = []
            for trial in range(trials):
                before = primary.zone.serial
                await asyncio.sleep(0.3)  # let the last round of NOTIFY retries settle
                arrived.clear()
                changed = time.perf_counter()
                await asyncio.to_thread(store.add_listing, listing(count + trial))
                primary.changed()
                await wait_for_all(arrived, secondaries, within=60)
                if len(arrived) < secondaries:
                    print(f"only {len(arrived)} of {secondaries} secondaries were notified within 60 s")
                first, last = min(arrived.values(), default=inf), max(arrived.values(), default=inf)
                notify_times.append((first - changed, last - first, last - changed))
                seconds = await tcp_exchange(primary.port, ixfr_query(before), records=6)
                ixfr_times.append(seconds)
            print(
                f"IXFR carrying one change: median {statistics.median(ixfr_times) * 1000:.1f} ms, "
                f"max {max(ixfr_times) * 1000:.1f} ms ({trials} trials)"
            )
            for label, index in (
                ("listing committed → first NOTIFY received", 0),
                (f"first → last of the {secondaries} secondaries notified", 1),
                (f"listing committed → all {secondaries} secondaries notified", 2),
            ):
                values = [t[index] * 1000 for t in notify_times]
                print(f"{label}: median {statistics.median(values):.1f} ms, max {max(values):.1f} ms")
        finally:
            await primary.stop()
    finally:
        store.close()
        for transport in listeners:
            transport.close()


async def wait_for_all(arrived: dict[int, float], count: int, *, within: float) -> None:
    deadline = time.perf_counter() + within
    while len(arrived) < count and time.perf_counter() < deadline:  # noqa: ASYNC110 (polls a dict)
        await asyncio.sleep(0.001)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--secondaries", type=int, default=100)
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--skip-stix", action="store_true")
    options = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'scale.db'}"
        seconds = fill(url, options.names)
        print(f"{options.names:,} listings stored by Store.add_listings, {BATCH:,} a batch: {seconds:.1f} s")
        measure_rendering(url, "rpz")
        if not options.skip_stix:
            measure_rendering(url, "stix")
        asyncio.run(
            measure_primary(url, secondaries=options.secondaries, trials=options.trials, count=options.names)
        )


if __name__ == "__main__":
    sys.exit(main())
