"""Permutation sweeps on the engine: the names near a seized one, looked up in partitions, wherever the
engine runs them; those that resolve come back as candidates of the case."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace

from mirrorhunt.clock import Clock
from mirrorhunt.config import Settings
from mirrorhunt.engine.executor import Executor
from mirrorhunt.engine.probe_list import NamesPartition, dns_share, partitions_of, probe_partition
from mirrorhunt.model import Candidate
from mirrorhunt.sources.permute import Permutation


@dataclass(frozen=True, slots=True, kw_only=True)
class Swept:
    """What one partition of a sweep found: how many names it looked up, and those that resolve."""

    checked: int
    resolving: tuple[str, ...]


RETRIES = 2
"""How many more times a name whose lookup failed (a timeout, a dropped reply) is asked, more gently
each time: a loaded resolver drops some queries of a burst, and a mirror must not be lost to that."""


async def sweep_partition(partition: NamesPartition) -> Swept:
    """The names of the partition that resolve (a worker's task); failed lookups are asked again."""
    resolving: list[str] = []
    pending = partition
    for attempt in range(RETRIES + 1):
        records = await probe_partition(pending)
        resolving += (record["name"] for record in records if record["dns"] == "resolves")
        failed = tuple(record["name"] for record in records if record["dns"] == "error")
        if not failed or attempt == RETRIES:
            break
        gentler = max(1, (pending.concurrency or 64) // 4)
        pending = replace(pending, names=failed, concurrency=gentler)
    return Swept(checked=len(partition.names), resolving=tuple(resolving))


async def sweep(
    names: Sequence[Permutation], *, case: str, executor: Executor, settings: Settings, clock: Clock
) -> AsyncIterator[tuple[int, list[Candidate]]]:
    """For each partition as it finishes: how many names it looked up, and the candidates it found."""
    by_name = {permutation.name: permutation for permutation in names}
    share = dns_share(settings, slots=executor.slots)
    partitions = partitions_of(by_name, settings=settings, dns_only=True, concurrency=share)
    async for swept in executor.map_partitions(sweep_partition, partitions):
        found = [
            Candidate(
                case=case,
                name=name,
                source=f"permutation:{by_name[name].fuzzer}",
                detail=by_name[name].detail,
                found_at=clock.now(),
            )
            for name in swept.resolving
        ]
        yield swept.checked, found
