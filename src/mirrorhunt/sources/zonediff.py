"""Newly registered names: the delegations in today's zone file that were not in yesterday's.

Zone files as registries publish them (``name. TTL IN NS host.``, often gzip, tens of millions of
lines) are read as a stream; their names are sorted in chunks into temporary files and merged back,
so memory stays bounded whatever the size. A plain list of names (one per line) works the same way.
Lines that are comments, directives, malformed or giant are skipped and counted.
"""

from __future__ import annotations

import gzip
import heapq
import logging
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mirrorhunt.errors import InvalidInput

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 4096
CHUNK_NAMES = 2_000_000
"""Names sorted in memory at once (about 150 MB of bytes objects)."""


@dataclass(slots=True)
class ReadStats:
    """What reading one file saw."""

    lines: int = 0
    names: int = 0
    skipped: int = 0


def _open(path: Path) -> BinaryIO:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidInput(
            f"cannot read {path}: {exc.strerror}", hint="give a zone file or a list of names"
        ) from exc
    if handle.read(2) == b"\x1f\x8b":
        handle.seek(0)
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    handle.seek(0)
    return handle


def _lines(stream: BinaryIO, stats: ReadStats) -> Iterator[bytes]:
    """Lines of at most ``MAX_LINE_BYTES``; a longer line is skipped without being held in memory."""
    while True:
        line = stream.readline(MAX_LINE_BYTES)
        if not line:
            return
        stats.lines += 1
        if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            stats.skipped += 1
            continue
        yield line


def zone_names(stream: BinaryIO, stats: ReadStats) -> Iterator[bytes]:
    """Owner names (lower case, no trailing dot) of the NS records of a zone file, or the names of a
    plain list; ``$ORIGIN`` applies to relative names."""
    origin = b""
    for line in _lines(stream, stats):
        fields = line.split(b";", 1)[0].split()
        if not fields:
            continue
        if fields[0].startswith(b"$"):
            if fields[0].upper() == b"$ORIGIN" and len(fields) > 1:
                origin = fields[1].lower().rstrip(b".")
            continue
        if len(fields) > 1 and b"NS" not in (f.upper() for f in fields[1:4]):
            if len(fields) < 4:
                stats.skipped += 1
            continue
        name = fields[0].lower()
        if name.endswith(b"."):
            name = name[:-1]
        elif origin and len(fields) > 1:
            name = name + b"." + origin if name != b"@" else origin
        if not name or len(name) > 253 or b"." not in name:
            stats.skipped += 1
            continue
        stats.names += 1
        yield name


def _sorted_runs(names: Iterable[bytes], folder: Path, *, chunk: int) -> list[Path]:
    runs: list[Path] = []
    batch: set[bytes] = set()
    for name in names:
        batch.add(name)
        if len(batch) >= chunk:
            runs.append(_write_run(batch, folder, len(runs)))
            batch = set()
    if batch:
        runs.append(_write_run(batch, folder, len(runs)))
    return runs


def _write_run(batch: set[bytes], folder: Path, number: int) -> Path:
    path = folder / f"run-{number:05d}"
    with path.open("wb") as handle:
        handle.write(b"\n".join(sorted(batch)) + b"\n")
    return path


def _merged(runs: list[Path], stack: ExitStack) -> Iterator[bytes]:
    """The names of sorted runs, merged, each once."""
    streams = [(line.rstrip(b"\n") for line in stack.enter_context(run.open("rb"))) for run in runs]
    previous = None
    for name in heapq.merge(*streams):
        if name != previous:
            yield name
            previous = name


def sorted_names(path: Path, folder: Path, stats: ReadStats, *, chunk: int = CHUNK_NAMES) -> list[Path]:
    """Sorted runs of the names of one file, written into ``folder``."""
    with _open(path) as stream:
        return _sorted_runs(zone_names(stream, stats), folder, chunk=chunk)


def listed_names(path: Path, stats: ReadStats | None = None) -> Iterator[str]:
    """The names of one file (a list of new names, or the delegations of a zone file), as they come."""
    stats = stats if stats is not None else ReadStats()
    with _open(path) as stream:
        for name in zone_names(stream, stats):
            yield name.decode("ascii", "replace")
    _log_skipped(path, stats)


def added_names(
    old: Path,
    new: Path,
    *,
    workdir: Path | None = None,
    chunk: int = CHUNK_NAMES,
    old_stats: ReadStats | None = None,
    new_stats: ReadStats | None = None,
) -> Iterator[str]:
    """Names delegated in ``new`` and not in ``old``, in sorted order (each a zone file, gzip or not,
    or a plain list of names). Temporary runs live in ``workdir`` (default: the system's) until the
    iterator ends. What reading each file saw goes into ``old_stats`` and ``new_stats`` when given."""
    if chunk < 1:
        raise InvalidInput(f"chunk must be at least 1, not {chunk}")
    with (
        tempfile.TemporaryDirectory(prefix="mirrorhunt-zonediff-", dir=workdir) as temporary,
        ExitStack() as stack,
    ):
        folder = Path(temporary)
        (folder / "old").mkdir()
        (folder / "new").mkdir()
        old_stats = old_stats if old_stats is not None else ReadStats()
        new_stats = new_stats if new_stats is not None else ReadStats()
        old_runs = sorted_names(old, folder / "old", old_stats, chunk=chunk)
        new_runs = sorted_names(new, folder / "new", new_stats, chunk=chunk)
        _log_skipped(old, old_stats)
        _log_skipped(new, new_stats)
        before = _merged(old_runs, stack)
        current = next(before, None)
        for name in _merged(new_runs, stack):
            while current is not None and current < name:
                current = next(before, None)
            if name != current:
                yield name.decode("ascii", "replace")


def _log_skipped(path: Path, stats: ReadStats) -> None:
    if stats.skipped:
        log.warning("%s: %d of %d lines skipped (malformed or too long)", path, stats.skipped, stats.lines)
