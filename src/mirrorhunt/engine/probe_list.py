"""Probe a list of names as a stream: DNS only, or a full capture, a bounded number at a time.

Memory stays flat however long the list: lines are read in small batches as room frees up, and
each result is yielded as soon as it is known (in completion order, not input order). With
``[engine] scheduler`` set, the list is cut into partitions probed on the cluster's workers.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mirrorhunt.clock import Clock
from mirrorhunt.config import Settings
from mirrorhunt.engine.executor import open_executor, shipped
from mirrorhunt.engine.probe_record import capture_record, dns_record
from mirrorhunt.errors import InvalidInput
from mirrorhunt.names import host_of
from mirrorhunt.probe import Prober, Resolver

DNS_CONCURRENCY = 160
"""Names in flight for a DNS-only sweep (queries are cheap; the resolver is the limit)."""
MIN_DNS_SHARE = 16
"""Names in flight for one partition of a sweep spread over many workers, at the least."""
_BATCH = 256

Record = dict[str, Any]


async def probe_names(
    lines: Iterable[str],
    *,
    settings: Settings,
    dns_only: bool = False,
    concurrency: int | None = None,
    clock: Clock | None = None,
) -> AsyncIterator[Record]:
    """One JSON-ready record per non-blank line of ``lines`` (``#`` starts a comment line).

    ``lines`` is read in a worker thread, so a slow pipe never stalls the queries in flight.
    Raises ``InvalidInput`` for a concurrency below 1; never for a bad line (that is a record).
    """
    default = DNS_CONCURRENCY if dns_only else settings.probe.concurrency
    limit = concurrency if concurrency is not None else default
    if limit < 1:
        raise InvalidInput(f"concurrency must be at least 1, not {limit}")
    if settings.engine.scheduler is not None:
        async with open_executor(settings) as executor:
            if dns_only and concurrency is None:
                limit = dns_share(settings, slots=executor.slots) or limit
            partitions = partitions_of(_names(lines), settings=settings, dns_only=dns_only, concurrency=limit)
            async for records in executor.map_partitions(probe_partition, partitions):
                for record in records:
                    yield record
        return
    async with Resolver.from_settings(settings) as resolver:
        if dns_only:
            async for result in resolver.sweep(_batches(map(_host, _names(lines))), limit=limit):
                yield dns_record(result)
            return
        names = _batches(_names(lines))
        async with Prober(settings, clock=clock, resolver=resolver) as prober:
            async for record in _bounded(names, lambda line: _capture(prober, line), limit=limit):
                yield record


def dns_share(settings: Settings, *, slots: int) -> int | None:
    """Names in flight for each of ``slots`` DNS partitions running at once, so that together they keep
    about ``DNS_CONCURRENCY`` in flight at each resolver, as one process does: the resolvers are shared by
    every worker, and one sent more than it can take drops queries, each drop costing a timeout. None for
    a single slot (the default of ``probe_names``). More resolvers, more in flight."""
    if slots <= 1:
        return None
    return max(MIN_DNS_SHARE, DNS_CONCURRENCY * max(1, len(settings.resolvers)) // slots)


@dataclass(frozen=True, slots=True, kw_only=True)
class NamesPartition:
    """Names to probe on one worker, with the settings as plain data (``executor.shipped``)."""

    settings: dict[str, Any]
    names: tuple[str, ...]
    dns_only: bool = True
    concurrency: int | None = None


def partitions_of(
    names: Iterable[str], *, settings: Settings, dns_only: bool = True, concurrency: int | None = None
) -> Iterator[NamesPartition]:
    """``names`` cut into partitions of ``engine.partition_names``, read lazily."""
    data = shipped(settings)
    iterator = iter(names)
    while chunk := tuple(itertools.islice(iterator, settings.engine.partition_names)):
        yield NamesPartition(settings=data, names=chunk, dns_only=dns_only, concurrency=concurrency)


async def probe_partition(partition: NamesPartition) -> list[Record]:
    """The record of every name of the partition, probed where this runs (a worker's task)."""
    settings = Settings.model_validate(partition.settings)
    probed = probe_names(
        partition.names, settings=settings, dns_only=partition.dns_only, concurrency=partition.concurrency
    )
    return [record async for record in probed]


def _names(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        text = line.strip()
        if text and not text.startswith("#"):
            yield text


async def _batches(names: Iterator[str]) -> AsyncIterator[list[str]]:
    while batch := await asyncio.to_thread(lambda: list(itertools.islice(names, _BATCH))):
        yield batch


def _host(line: str) -> str:
    """The name to resolve for a line: the host of a URL, else the line (checked by the resolver)."""
    if "://" not in line:
        return line
    try:
        return host_of(line)
    except InvalidInput:
        return line


async def _capture(prober: Prober, line: str) -> Record:
    return capture_record(await prober.capture(line))


async def _bounded(
    batches: AsyncIterator[list[str]], work: Callable[[str], Awaitable[Record]], *, limit: int
) -> AsyncIterator[Record]:
    """Run ``work`` on every item, at most ``limit`` at a time, yielding results as they finish.

    Finished tasks are queued by a done-callback (``asyncio.wait`` would cost O(limit) per result).
    """
    waiting: list[str] = []
    running: set[asyncio.Future[Record]] = set()
    finished: deque[asyncio.Future[Record]] = deque()
    wake = asyncio.Event()
    exhausted = False

    def on_done(task: asyncio.Future[Record]) -> None:
        finished.append(task)
        wake.set()

    try:
        while True:
            while len(running) < limit:
                if not waiting and not exhausted:
                    batch = await anext(batches, None)
                    exhausted = batch is None
                    waiting = list(reversed(batch or []))
                if not waiting:
                    break
                task: asyncio.Future[Record] = asyncio.ensure_future(work(waiting.pop()))
                task.add_done_callback(on_done)
                running.add(task)
            if not running:
                return
            if not finished:
                wake.clear()
                await wake.wait()
            while finished:
                ready = finished.popleft()
                running.discard(ready)
                yield ready.result()
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
