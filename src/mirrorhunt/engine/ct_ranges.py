"""A CT log's new entries as ranges on the engine: each range fetched, parsed and matched wherever the
engine runs it, only the matches coming back.

A range is plain data (the log, its first and last entry, the cases' watch rules), so a cluster worker
rebuilds the reader and the ``WatchIndex`` itself. The process that submits the ranges owns the log's
cursor: it moves only past ranges that finished one after the other from the cursor (``advanced``), so
a range that failed, or has not come back yet, is read again by the next pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import aiohttp

from mirrorhunt.sources.ctfollow import LogSpec, read_entries, reader_of
from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex

BATCHES_PER_RANGE = 4
"""A range is this many of the log's batches (``ct.batch_size``): a few requests per task, so a task is
worth shipping and a failed one costs little to read again."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CtRange:
    """Entries ``[start, end)`` of one log, and the watch rules to match their names against."""

    log: LogSpec
    start: int
    end: int
    rules: tuple[WatchRules, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CtMatch:
    """A name of entry ``index`` that meets the watch rules of ``case``, and why."""

    name: str
    case: str
    reason: str
    index: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RangeRead:
    """What came of one range: entries before ``reached`` were read (all of them when ``reached`` is its
    end), ``read`` of them decoded, and the names among them that matched."""

    start: int
    end: int
    reached: int
    read: int
    matches: tuple[CtMatch, ...]
    problem: str | None = None


def ranges_of(
    log: LogSpec, *, start: int, end: int, rules: tuple[WatchRules, ...], size: int
) -> Iterator[CtRange]:
    """``[start, end)`` cut into ranges of ``size`` entries, in log order."""
    for first in range(start, end, size):
        yield CtRange(log=log, start=first, end=min(end, first + size), rules=rules)


async def read_range(part: CtRange) -> RangeRead:
    """Fetch, parse and match one range (an engine task). A failure stops the range where it happened
    and is its ``problem``; the entries before it still count."""
    async with aiohttp.ClientSession() as session:
        reader = reader_of(part.log, session=session)
        entries, reached, problem = await read_entries(reader, start=part.start, end=part.end)
    index = WatchIndex(part.rules)
    matches = tuple(
        CtMatch(name=name, case=case, reason=reason, index=entry.index)
        for entry in entries
        for name in entry.names
        for case, reason in index.matches(name)
    )
    return RangeRead(
        start=part.start, end=part.end, reached=reached, read=len(entries), matches=matches, problem=problem
    )


def advanced(cursor: int, reads: Iterable[RangeRead]) -> int:
    """Where the cursor may move: past every range that finished one after the other from ``cursor``, and
    into the first unfinished one as far as it got; never past an entry not read."""
    by_start = {read.start: read for read in reads}
    while (read := by_start.get(cursor)) is not None:
        cursor = read.reached
        if read.reached < read.end:
            break
    return cursor
