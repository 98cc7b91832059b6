"""Certificate Transparency as a source of ``scan`` and ``run``: every followed log read at once.

The logs are those of ``ct.logs`` and of the ``ct.log_list`` file, RFC 6962 or tiled alike
(``ctfollow.readers_for``); each is read from its cursor in the store, concurrently, and every name of
every certificate is matched against the watch rules of all cases at once (``WatchIndex``). Candidates
are stored before a log's cursor moves on, so a crash replays entries rather than losing them; a log
that rewinds or forks is a warning and its cursor stays where it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from mirrorhunt.clock import Clock
from mirrorhunt.config import Settings
from mirrorhunt.errors import SourceError
from mirrorhunt.model import Candidate
from mirrorhunt.sources.ct import CtEntry
from mirrorhunt.sources.ctfollow import Cursor, follow_logs, readers_for
from mirrorhunt.sources.treehead import TreeHead
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


class CtSource:
    """The followed logs of ``settings``, read through ``session``; one reader per log for the whole
    life of the source, so a tiled log's full tiles are fetched once."""

    def __init__(
        self, *, store: Store, settings: Settings, session: aiohttp.ClientSession, clock: Clock
    ) -> None:
        self._store = store
        self._clock = clock
        self._limit = settings.ct.max_entries_per_pass
        self._readers = readers_for(settings, session=session)
        self._cursors = StoreCursors(store)

    async def read(self, index: WatchIndex, *, priority: int = 0) -> CtPass:
        """Read every log from its cursor; names that meet a case's watch rules become candidates of
        that case, queued with ``priority`` (each returned, new or already known)."""
        found: list[Candidate] = []

        def process(url: str, entries: list[CtEntry]) -> None:
            for entry in entries:
                for name in entry.names:
                    for case, reason in index.matches(name):
                        candidate = Candidate(
                            case=case,
                            name=name,
                            source="ct",
                            detail=f"certificate in {url} entry {entry.index}: {reason}",
                            found_at=self._clock.now(),
                        )
                        self._store.add_candidate(candidate, priority=priority)
                        found.append(candidate)

        results = await follow_logs(self._readers, cursors=self._cursors, limit=self._limit, process=process)
        return CtPass(
            found=found,
            read=sum(len(result.entries) for result in results),
            warnings=[f"CT log {result.url}: {result.problem}" for result in results if result.problem],
        )
