"""Following many CT logs at once, each from its persisted cursor, RFC 6962 and tiled alike.

A cursor is the next entry to read and the last tree head verified. Each pass reads the log's new
head; a log whose tree shrank (a rewind) or whose new tree does not extend the verified one (a failed
consistency check) is reported and its cursor left where it was. Entries are handed to ``process``
before the cursor is saved, so a crash replays entries rather than losing them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
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


async def follow_log(reader: LogReader, cursor: Cursor | None, *, limit: int) -> FollowResult:
    """Read from ``cursor`` up to ``limit`` entries of the log's current tree (a new cursor starts
    ``limit`` entries before its end). A rewind or an inconsistent tree reads nothing and keeps the
    cursor; a failure after some entries keeps them and stops there."""
    if limit < 1:
        raise InvalidInput(f"CT limit must be at least 1, not {limit}")
    head = await reader.head()
    if cursor is None:
        cursor = Cursor(index=max(0, head.size - limit))
    elif cursor.head is not None:
        if head.size < cursor.head.size:
            problem = f"the log rewound from {cursor.head.size} to {head.size} entries"
            return FollowResult(url=reader.url, cursor=cursor, problem=problem)
        if not await reader.consistent(cursor.head, head):
            problem = (
                f"the tree of {head.size} entries does not extend the verified tree of {cursor.head.size}"
            )
            return FollowResult(url=reader.url, cursor=cursor, problem=problem)
    position, end, found = cursor.index, min(head.size, cursor.index + limit), []
    stopped: str | None = None
    while position < end:
        try:
            decoded, position = await reader.batch(position, end)
        except MirrorhuntError as exc:
            stopped = f"stopped at entry {position}: {exc.diagnostics()}"
            break
        found.extend(decoded)
    return FollowResult(
        url=reader.url, entries=found, cursor=Cursor(index=position, head=head), problem=stopped
    )


async def follow_logs(
    readers: Sequence[LogReader],
    *,
    cursors: CursorStore,
    limit: int,
    process: Callable[[str, list[CtEntry]], None],
) -> list[FollowResult]:
    """One pass over every log concurrently. ``process(url, entries)`` runs for each log before its
    cursor is saved; a log that fails is a result with a problem, the others go on."""

    async def one(reader: LogReader) -> FollowResult:
        try:
            result = await follow_log(reader, cursors.load(reader.url), limit=limit)
        except MirrorhuntError as exc:
            return FollowResult(url=reader.url, problem=exc.diagnostics())
        if result.problem:
            log.warning("CT log %s: %s", reader.url, result.problem)
        process(reader.url, result.entries)
        if result.cursor is not None:
            cursors.save(reader.url, result.cursor)
        return result

    return list(await asyncio.gather(*(one(reader) for reader in readers)))


def readers_for(settings: Settings, *, session: aiohttp.ClientSession) -> list[LogReader]:
    """A reader per log of ``ct.logs`` (RFC 6962, key unknown) and of the ``ct.log_list`` file."""
    readers: list[LogReader] = [
        CtFollower(log_url=url, session=session, batch_size=settings.ct.batch_size)
        for url in settings.ct.logs
    ]
    if settings.ct.log_list is not None:
        for info in load_log_list(Path(settings.ct.log_list)):
            if info.kind == "tiled":
                readers.append(TiledFollower(monitoring_url=info.url, session=session, key=info.key))
            else:
                readers.append(
                    CtFollower(
                        log_url=info.url, session=session, batch_size=settings.ct.batch_size, key=info.key
                    )
                )
    return _unique(readers)


def _unique(readers: Iterable[LogReader]) -> list[LogReader]:
    seen: dict[str, LogReader] = {}
    for reader in readers:
        seen.setdefault(reader.url, reader)
    return list(seen.values())
