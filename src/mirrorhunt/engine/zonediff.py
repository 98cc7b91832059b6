"""Zone diffs on the engine: the names a new zone file delegates that an old one did not, as a
partitioned sorted merge spread over the workers.

1. ``split_file``, one task per file (the two run at once): the file's names are dealt into
   ``partitions`` plain lists by a hash of the name, streamed, so memory stays flat.
2. ``diff_partition``, one task per partition: the sorted merge of ``sources/zonediff.py`` (sorted runs
   on disk, bounded memory) over that partition's old and new lists, written as a sorted file.

A name falls in the same partition from both files, so together the partitions' results are the diff;
``merged`` reads them back in sorted order. The folder must be at the same path on every worker (one
machine, or a shared filesystem), like the zone files themselves.
"""

from __future__ import annotations

import asyncio
import heapq
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from mirrorhunt.engine.executor import Executor
from mirrorhunt.errors import InvalidInput
from mirrorhunt.sources.zonediff import CHUNK_NAMES, added_names, listed_names

_FLUSH = 10_000
"""Names kept per partition before they are appended to its file."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitJob:
    """Deal the names of ``source`` into ``partitions`` lists ``folder/<stem>-NNNN``."""

    source: str
    folder: str
    stem: str
    partitions: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PartitionJob:
    """Diff one partition's old and new lists into ``added``."""

    old: str
    new: str
    added: str
    chunk: int


async def split_file(job: SplitJob) -> int:
    """How many names the file had (a worker's task; the work runs in a thread)."""
    return await asyncio.to_thread(_split, job)


async def diff_partition(job: PartitionJob) -> int:
    """How many names the partition adds (a worker's task; the work runs in a thread)."""
    return await asyncio.to_thread(_diff, job)


async def diff_on_engine(
    old: Path, new: Path, *, executor: Executor, folder: Path, partitions: int, chunk: int = CHUNK_NAMES
) -> list[Path]:
    """The sorted files of the names ``new`` adds to ``old``, one per partition (read them with
    ``merged``); the partition lists and results are written in ``folder``."""
    if partitions < 1:
        raise InvalidInput(f"partitions must be at least 1, not {partitions}")
    splits = [
        SplitJob(source=str(path), folder=str(folder), stem=stem, partitions=partitions)
        for path, stem in ((old, "old"), (new, "new"))
    ]
    async for _ in executor.map_partitions(split_file, splits):
        pass
    jobs = [
        PartitionJob(
            old=str(_part(folder, "old", number)),
            new=str(_part(folder, "new", number)),
            added=str(_part(folder, "added", number)),
            chunk=chunk,
        )
        for number in range(partitions)
    ]
    async for _ in executor.map_partitions(diff_partition, jobs):
        pass
    return [Path(job.added) for job in jobs]


def merged(paths: list[Path]) -> Iterator[str]:
    """The names of sorted files, in sorted order."""
    with ExitStack() as stack:
        streams = [(line.rstrip("\n") for line in stack.enter_context(path.open())) for path in paths]
        yield from heapq.merge(*streams)


def _part(folder: Path, stem: str, number: int) -> Path:
    return folder / f"{stem}-{number:04d}"


def _split(job: SplitJob) -> int:
    folder = Path(job.folder)
    pending: list[list[bytes]] = [[] for _ in range(job.partitions)]
    count = 0
    with ExitStack() as stack:
        outputs = [
            stack.enter_context(_part(folder, job.stem, number).open("wb"))
            for number in range(job.partitions)
        ]
        for name in listed_names(Path(job.source)):
            encoded = name.encode("ascii", "replace")
            number = zlib.crc32(encoded) % job.partitions
            pending[number].append(encoded)
            count += 1
            if len(pending[number]) >= _FLUSH:
                outputs[number].write(b"\n".join(pending[number]) + b"\n")
                pending[number] = []
        for output, names in zip(outputs, pending, strict=True):
            if names:
                output.write(b"\n".join(names) + b"\n")
    return count


def _diff(job: PartitionJob) -> int:
    added = Path(job.added)
    count = 0
    with added.open("w") as output:
        for name in added_names(Path(job.old), Path(job.new), workdir=added.parent, chunk=job.chunk):
            output.write(f"{name}\n")
            count += 1
    return count
