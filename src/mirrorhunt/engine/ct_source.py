"""Certificate Transparency as a source of ``scan`` and ``run``: every followed log read at once.

The logs are those of ``ct.logs`` and of the ``ct.log_list`` file, RFC 6962 or tiled alike
(``ctfollow.log_specs``). Each log's new entries, from its cursor in the store to its verified tree head,
are cut into ranges that the engine reads (``engine/ct_ranges.py``: on this process's loop, or on the
workers of a Dask cluster); every name is matched against the watch rules of all cases at once and only
the matches come back. This process checks the tree heads, stores the candidates as each range returns,
and then moves the cursor past the ranges finished one after the other, so a failed range is read
again rather than skipped; a log that rewinds or forks is a warning and its cursor stays where it was.
With several processes on one database each log is a lease (``ct:<url>``), shared out among them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp

from mirrorhunt.clock import Clock
from mirrorhunt.config import Settings
from mirrorhunt.engine.ct_ranges import BATCHES_PER_RANGE, RangeRead, advanced, ranges_of, read_range
from mirrorhunt.engine.executor import Executor, InProcess
from mirrorhunt.engine.leader import Claims
from mirrorhunt.errors import MirrorhuntError, SourceError
from mirrorhunt.model import Candidate
from mirrorhunt.sources.ctfollow import Cursor, LogReader, LogSpec, log_specs, reader_of, verified_span
from mirrorhunt.sources.treehead import TreeHead
from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex
from mirrorhunt.store import Store
from mirrorhunt.store.positions import read_positions, write_positions

_ROOT_WORDS = 4
"""A SHA-256 root is kept as four signed 64-bit positions."""


class StoreCursors:
    """Each log's cursor in the store's source positions, saved in one transaction.

    ``ct:<url>`` is the next entry to read (the key and meaning positions had before tree heads were
    kept, so those positions carry on, also when ``ct.logs`` spelled the URL without its final slash);
    ``ct:<url>:size``, ``:timestamp`` and ``:root0`` … ``:root3`` hold the tree head verified there.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def load(self, key: str) -> Cursor | None:
        keys = _keys(key)
        legacy = f"ct:{key.rstrip('/')}"
        found = read_positions(self._store, keys=[*keys, legacy])
        index = found.get(keys[0], found.get(legacy))
        if index is None:
            return None
        if any(k not in found for k in keys[1:]):
            return Cursor(index=index)
        size, timestamp, *words = (found[k] for k in keys[1:])
        root = b"".join(word.to_bytes(8, "big", signed=True) for word in words)
        return Cursor(index=index, head=TreeHead(size=size, root=root, timestamp=timestamp))

    def save(self, key: str, cursor: Cursor) -> None:
        keys = _keys(key)
        values: list[int | None] = [cursor.index, *[None] * (len(keys) - 1)]
        if cursor.head is not None:
            head = cursor.head
            if len(head.root) != 8 * _ROOT_WORDS:
                raise SourceError(f"CT log {key}: a tree root of {len(head.root)} bytes, not 32")
            words = [int.from_bytes(head.root[i : i + 8], "big", signed=True) for i in range(0, 32, 8)]
            values = [cursor.index, head.size, head.timestamp, *words]
        write_positions(self._store, dict(zip(keys, values, strict=True)))


def _keys(url: str) -> list[str]:
    base = f"ct:{url}"
    return [base, f"{base}:size", f"{base}:timestamp", *(f"{base}:root{i}" for i in range(_ROOT_WORDS))]


@dataclass(frozen=True, slots=True, kw_only=True)
class CtPass:
    """One pass over every log: the candidates its names made, how many entries were read, and each
    log's problem."""

    found: list[Candidate]
    read: int
    warnings: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class _LogPass:
    found: list[Candidate]
    read: int
    problem: str | None = None


class CtSource:
    """The followed logs of ``settings``; their tree heads are read through ``session`` with one reader
    per log for the whole life of the source, their entries by ``executor`` (this process by default)."""

    def __init__(
        self,
        *,
        store: Store,
        settings: Settings,
        session: aiohttp.ClientSession,
        clock: Clock,
        executor: Executor | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._executor = executor or InProcess()
        self._limit = settings.ct.max_entries_per_pass
        self._range = settings.ct.batch_size * BATCHES_PER_RANGE
        self._logs = [(spec, reader_of(spec, session=session)) for spec in log_specs(settings)]
        self._cursors = StoreCursors(store)

    async def read(self, index: WatchIndex, *, priority: int = 0, claims: Claims | None = None) -> CtPass:
        """Read every log from its cursor (with ``claims``, only the logs this process holds the lease
        ``ct:<url>`` of); names that meet a case's watch rules become candidates of that case, queued with
        ``priority`` (each returned, new or already known)."""
        logs = self._logs
        if claims is not None and logs:
            held = set(claims.share([f"ct:{spec.url}" for spec, _ in logs], group="ct"))
            logs = [(spec, reader) for spec, reader in logs if f"ct:{spec.url}" in held]
        rules = tuple(index.rules)
        passes = await asyncio.gather(
            *(self._read_log(spec, reader, rules=rules, priority=priority) for spec, reader in logs)
        )
        return CtPass(
            found=[candidate for one in passes for candidate in one.found],
            read=sum(one.read for one in passes),
            warnings=[
                f"CT log {spec.url}: {one.problem}"
                for (spec, _), one in zip(logs, passes, strict=True)
                if one.problem
            ],
        )

    async def _read_log(
        self, spec: LogSpec, reader: LogReader, *, rules: tuple[WatchRules, ...], priority: int
    ) -> _LogPass:
        """Check the log's new tree head here, read its entries on the engine, store what matched, and
        move the cursor past what was read."""
        found: list[Candidate] = []
        reads: list[RangeRead] = []
        try:
            span = await verified_span(reader, self._cursors.load(spec.url), limit=self._limit)
            if span.head is None:
                return _LogPass(found=[], read=0, problem=span.problem)
            ranges = ranges_of(spec, start=span.start, end=span.end, rules=rules, size=self._range)
            async for done in self._executor.map_partitions(read_range, ranges):
                reads.append(done)
                found += self._store_matches(spec.url, done, priority=priority)
        except MirrorhuntError as exc:
            return _LogPass(found=found, read=sum(done.read for done in reads), problem=exc.diagnostics())
        self._cursors.save(spec.url, Cursor(index=advanced(span.start, reads), head=span.head))
        problems = [done.problem for done in sorted(reads, key=lambda done: done.start) if done.problem]
        return _LogPass(
            found=found, read=sum(done.read for done in reads), problem=problems[0] if problems else None
        )

    def _store_matches(self, url: str, done: RangeRead, *, priority: int) -> list[Candidate]:
        found = []
        for match in done.matches:
            candidate = Candidate(
                case=match.case,
                name=match.name,
                source="ct",
                detail=f"certificate in {url} entry {match.index}: {match.reason}",
                found_at=self._clock.now(),
            )
            self._store.add_candidate(candidate, priority=priority)
            found.append(candidate)
        return found
