"""Newly registered names as a source of ``run`` and of ``mirrorhunt zonediff``.

A watched folder receives, over time, a registry's zone files (``<zone>-YYYYMMDD.zone``, gzip or not)
or lists of new names (``<feed>-YYYYMMDD.txt``); a file must appear whole (written elsewhere, then
moved in). Each file newer than the last one processed in its series is diffed with the series'
previous file, in a worker thread and bounded memory (a list needs no diff: every name in it is new);
the names it adds that meet a case's watch rules become candidates with source ``zone``, stored before
the series' position (the date of its last processed file) moves on. A series seen for the first
time starts at its newest file.
"""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.errors import InvalidInput, InvalidName, MirrorhuntError
from mirrorhunt.model import Candidate
from mirrorhunt.names import normalize_name
from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex
from mirrorhunt.sources.zonediff import ReadStats, added_names, listed_names
from mirrorhunt.store import Store
from mirrorhunt.store.positions import read_positions

SOURCE = "zone"

_FILE = re.compile(r"(?P<zone>.+)-(?P<date>\d{8})\.(?P<kind>zone|txt)(?:\.gz)?")


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneFile:
    """One file of a watched folder: the series it belongs to and its date (``YYYYMMDD``)."""

    path: Path
    zone: str
    date: int
    listing: bool
    """A list of new names, taken whole; a zone file is diffed with the one before it."""

    @property
    def series(self) -> str:
        """The key of the series' position in the store."""
        return f"zone:{self.path.parent}:{self.zone}{'.txt' if self.listing else ''}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneStep:
    """A file to process, and the file of its series it is diffed with (None for a list, or for the
    first zone file of a series: nothing to diff it with)."""

    file: ZoneFile
    previous: ZoneFile | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneMatches:
    """What one file added: how many new names, those that concern a case, and what reading saw."""

    added: int
    found: list[Candidate]
    old: ReadStats | None
    new: ReadStats


@dataclass(slots=True, kw_only=True)
class ZonePass:
    """One look at every watched folder."""

    files: int = 0
    added: int = 0
    found: list[Candidate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def zone_files(folder: Path) -> list[ZoneFile]:
    """The files of ``folder`` named like a zone file or a list, by series then date (a date given
    twice, e.g. gzip and not, counts once); ``InvalidInput`` when the folder cannot be read."""
    try:
        entries = sorted(folder.absolute().iterdir())
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the zone folder {folder}: {exc.strerror}", hint="check [zones] watch"
        ) from exc
    files: dict[tuple[str, int], ZoneFile] = {}
    for path in entries:
        matched = _FILE.fullmatch(path.name)
        if matched is None or not path.is_file():
            continue
        file = ZoneFile(
            path=path,
            zone=matched["zone"],
            date=int(matched["date"]),
            listing=matched["kind"] == "txt",
        )
        files.setdefault((file.series, file.date), file)
    return sorted(files.values(), key=lambda f: (f.series, f.date))


def due_steps(files: Sequence[ZoneFile], *, done: Mapping[str, int]) -> list[ZoneStep]:
    """The files after their series' position ``done``, oldest first, each with its predecessor; a
    series without a position starts at its newest file."""
    series: dict[str, list[ZoneFile]] = {}
    for file in sorted(files, key=lambda f: (f.series, f.date)):
        series.setdefault(file.series, []).append(file)
    steps: list[ZoneStep] = []
    for key, chain in series.items():
        last = done.get(key)
        first = (
            len(chain) - 1
            if last is None
            else next((i for i, f in enumerate(chain) if f.date > last), len(chain))
        )
        for i in range(first, len(chain)):
            previous = chain[i - 1] if i > 0 and not chain[i].listing else None
            steps.append(ZoneStep(file=chain[i], previous=previous))
    return steps


def match_names(names: Iterable[str], *, index: WatchIndex, detail: str, clock: Clock) -> list[Candidate]:
    """Candidates of every case whose watch rules a name meets; ``detail`` says where it was seen."""
    found: list[Candidate] = []
    for name in names:
        for case, reason in index.matches(name):
            try:
                normal = normalize_name(name)
            except InvalidName:
                continue
            found.append(
                Candidate(
                    case=case, name=normal, source=SOURCE, detail=f"{detail}: {reason}", found_at=clock.now()
                )
            )
    return found


def step_matches(step: ZoneStep, *, index: WatchIndex, clock: Clock) -> ZoneMatches:
    """Diff (or read) one file and match what it adds; blocking, for a worker thread."""
    file = step.file
    if file.listing:
        stats = ReadStats()
        return _matched(
            _readable(listed_names(file.path, stats), str(file.path)),
            index=index,
            detail=f"listed in {file.path.name}",
            clock=clock,
            old=None,
            new=stats,
        )
    if step.previous is None:
        return ZoneMatches(added=0, found=[], old=None, new=ReadStats())
    return diff_matches(step.previous.path, file.path, index=index, clock=clock)


def diff_matches(old: Path, new: Path, *, index: WatchIndex, clock: Clock) -> ZoneMatches:
    """The names ``new`` adds to ``old`` that meet a case's watch rules; blocking."""
    old_stats, new_stats = ReadStats(), ReadStats()
    added = added_names(old, new, old_stats=old_stats, new_stats=new_stats)
    return _matched(
        _readable(added, f"{old} or {new}"),
        index=index,
        detail=f"new in {new.name} (not in {old.name})",
        clock=clock,
        old=old_stats,
        new=new_stats,
    )


def _matched(
    names: Iterable[str],
    *,
    index: WatchIndex,
    detail: str,
    clock: Clock,
    old: ReadStats | None,
    new: ReadStats,
) -> ZoneMatches:
    counted = _Counted(names)
    found = match_names(counted, index=index, detail=detail, clock=clock)
    return ZoneMatches(added=counted.count, found=found, old=old, new=new)


class _Counted:
    """An iterable that counts what went through it."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = names
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for name in self._names:
            self.count += 1
            yield name


def _readable(names: Iterable[str], what: str) -> Iterator[str]:
    """``names``, with a file that breaks while read (corrupt or truncated gzip) as ``InvalidInput``."""
    try:
        yield from names
    except (OSError, EOFError, zlib.error) as exc:
        raise InvalidInput(
            f"{what} cannot be read to its end: {exc}", hint="a file must be moved in whole, once written"
        ) from exc


async def read_zone_folders(
    folders: Sequence[str],
    *,
    index: WatchIndex,
    store: Store,
    clock: Clock,
    add: Callable[[Candidate], object],
    stop: asyncio.Event,
) -> ZonePass:
    """Process every file due in ``folders``; ``add`` stores each candidate before the series'
    position moves past its file. A folder or file that cannot be read is a warning, and its series
    waits for the next pass. ``stop`` is looked at between files: a diff under way ends first."""
    result = ZonePass()
    for folder in folders:
        try:
            files = zone_files(Path(folder))
        except InvalidInput as exc:
            result.warnings.append(exc.diagnostics())
            continue
        done = read_positions(store, keys={f.series for f in files})
        failed: set[str] = set()
        for step in due_steps(files, done=done):
            if stop.is_set():
                return result
            if step.file.series in failed:
                continue
            try:
                matched = await asyncio.to_thread(step_matches, step, index=index, clock=clock)
            except MirrorhuntError as exc:
                result.warnings.append(exc.diagnostics())
                failed.add(step.file.series)
                continue
            for candidate in matched.found:
                add(candidate)
            store.set_position(step.file.series, step.file.date)
            result.files += 1
            result.added += matched.added
            result.found.extend(matched.found)
    return result


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneDiffReport:
    """``mirrorhunt zonediff``: what the new file adds, and the candidates proposed from it."""

    matches: ZoneMatches
    proposed: int
    """Candidates new to their case (the others were known already)."""


def propose_zone_diff(
    *, store: Store, old: Path, new: Path, case: str | None = None, clock: Clock | None = None
) -> ZoneDiffReport:
    """Diff two zone files (or lists) and propose the added names that meet the watch rules of
    ``case`` (default: every case) as candidates."""
    clock = clock or SystemClock()
    cases = [store.get_case(case)] if case is not None else store.list_cases()
    index = WatchIndex(WatchRules.of(c) for c in cases)
    matches = diff_matches(old, new, index=index, clock=clock)
    proposed = sum(store.add_candidate(candidate) for candidate in matches.found)
    return ZoneDiffReport(matches=matches, proposed=proposed)
