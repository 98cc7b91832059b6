"""Following CT logs from their persisted cursors, RFC 6962 and tiled alike.

A cursor is the next entry to read and the last tree head verified. Each pass reads the log's new
head; a log whose tree shrank (a rewind) or whose new tree does not extend the verified one (a failed
consistency check) is reported and its cursor left where it was. The engine (``engine.ct_source``)
stores what the entries propose before it saves the cursor, so a crash replays entries rather than
losing them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import aiohttp

from mirrorhunt.config import Settings
from mirrorhunt.errors import InvalidInput, MirrorhuntError
from mirrorhunt.sources.ct import CtEntry, CtFollower
from mirrorhunt.sources.ctlist import load_log_list
from mirrorhunt.sources.tiles import TiledFollower
from mirrorhunt.sources.treehead import TreeHead

log = logging.getLogger(__name__)


class LogReader(Protocol):
    """What both kinds of log offer: ``CtFollower`` and ``TiledFollower``."""

    url: str

    async def head(self) -> TreeHead: ...

    async def consistent(self, old: TreeHead, new: TreeHead) -> bool: ...

    async def batch(self, start: int, end: int) -> tuple[list[CtEntry], int]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Cursor:
    """Where reading a log resumes, and the tree head last verified there."""

    index: int
    head: TreeHead | None = None


class CursorStore(Protocol):
    """Where cursors are kept between passes (``engine.ct_source.StoreCursors``: in the store)."""

    def load(self, key: str) -> Cursor | None: ...

    def save(self, key: str, cursor: Cursor) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowResult:
    """One pass over one log: what was read, where the next pass starts, and what went wrong."""

    url: str
    entries: list[CtEntry] = field(default_factory=list)
    cursor: Cursor | None = None
    problem: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """What a pass may read of one log: entries ``[start, end)`` of the verified tree ``head``, or
    nothing and why (``problem``)."""

    start: int
    end: int
    head: TreeHead | None = None
    problem: str | None = None


async def verified_span(reader: LogReader, cursor: Cursor | None, *, limit: int) -> Span:
    """The entries to read from ``cursor``, at most ``limit`` of the log's current tree (a new cursor
    starts ``limit`` entries before its end); a rewind or an inconsistent tree is an empty span."""
    if limit < 1:
        raise InvalidInput(f"CT limit must be at least 1, not {limit}")
    head = await reader.head()
    if cursor is None:
        cursor = Cursor(index=max(0, head.size - limit))
    elif cursor.head is not None:
        problem = None
        if head.size < cursor.head.size:
            problem = f"the log rewound from {cursor.head.size} to {head.size} entries"
        elif not await reader.consistent(cursor.head, head):
            problem = (
                f"the tree of {head.size} entries does not extend the verified tree of {cursor.head.size}"
            )
        if problem is not None:
            return Span(start=cursor.index, end=cursor.index, problem=problem)
    return Span(start=cursor.index, end=min(head.size, cursor.index + limit), head=head)


async def follow_log(reader: LogReader, cursor: Cursor | None, *, limit: int) -> FollowResult:
    """Read ``verified_span`` of the log. A rewind or an inconsistent tree reads nothing and keeps the
    cursor; a failure after some entries keeps them and stops there."""
    span = await verified_span(reader, cursor, limit=limit)
    if span.head is None:
        return FollowResult(url=reader.url, cursor=cursor, problem=span.problem)
    found, position, stopped = await read_entries(reader, start=span.start, end=span.end)
    return FollowResult(
        url=reader.url, entries=found, cursor=Cursor(index=position, head=span.head), problem=stopped
    )


async def read_entries(reader: LogReader, *, start: int, end: int) -> tuple[list[CtEntry], int, str | None]:
    """The decodable entries of ``[start, end)``, the index reached, and why reading stopped before
    ``end`` (None when it did not): a failure keeps the entries read before it."""
    position, found = start, list[CtEntry]()
    while position < end:
        try:
            decoded, position = await reader.batch(position, end)
        except MirrorhuntError as exc:
            return found, position, f"stopped at entry {position}: {exc.diagnostics()}"
        found.extend(decoded)
    return found, position, None


@dataclass(frozen=True, slots=True, kw_only=True)
class LogSpec:
    """A followed log as plain data, so that a reader can be made for it anywhere (a cluster worker)."""

    url: str
    tiled: bool = False
    key: bytes | None = None
    batch_size: int = 256


def log_specs(settings: Settings) -> list[LogSpec]:
    """Each log of ``ct.logs`` (RFC 6962, key unknown) and of the ``ct.log_list`` file, once."""
    batch = settings.ct.batch_size
    specs = [LogSpec(url=_slashed(url), batch_size=batch) for url in settings.ct.logs]
    if settings.ct.log_list is not None:
        specs += [
            LogSpec(url=_slashed(info.url), tiled=info.kind == "tiled", key=info.key, batch_size=batch)
            for info in load_log_list(Path(settings.ct.log_list))
        ]
    unique: dict[str, LogSpec] = {}
    for spec in specs:
        unique.setdefault(spec.url, spec)
    return list(unique.values())


def reader_of(spec: LogSpec, *, session: aiohttp.ClientSession) -> LogReader:
    """The reader of one log, through ``session``."""
    if spec.tiled:
        return TiledFollower(monitoring_url=spec.url, session=session, key=spec.key)
    return CtFollower(log_url=spec.url, session=session, batch_size=spec.batch_size, key=spec.key)


def _slashed(url: str) -> str:
    """A log's URL as its reader spells it: with one final slash."""
    return url.rstrip("/") + "/"
