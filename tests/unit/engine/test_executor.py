"""The in-process engine: every partition's result once, a bounded number in flight, partitions read
lazily; settings shipped to a worker never point it at a cluster of its own."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import pytest

from mirrorhunt.config import Settings
from mirrorhunt.engine.executor import InProcess, open_executor, shipped
from mirrorhunt.engine.probe_list import partitions_of


async def test_each_partition_runs_once_and_at_most_parallel_at_a_time() -> None:
    running = 0
    most = 0

    async def work(partition: int) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001 * (partition % 3))
        running -= 1
        return partition * 10

    results = [result async for result in InProcess(parallel=3).map_partitions(work, range(50))]
    assert sorted(results) == [n * 10 for n in range(50)]
    assert most == 3


async def test_partitions_are_taken_only_as_room_frees_up() -> None:
    taken: list[int] = []

    def partitions() -> Iterator[int]:
        for number in itertools.count():
            taken.append(number)
            yield number

    async def work(partition: int) -> int:
        return partition

    async for result in InProcess(parallel=2).map_partitions(work, partitions()):
        if result >= 5:
            break
    assert len(taken) <= 8, "an endless source is read only a little ahead"


async def test_a_failing_partition_raises_and_cancels_the_others() -> None:
    cancelled = asyncio.Event()

    async def work(partition: int) -> int:
        if partition == 0:
            await asyncio.sleep(0)
            raise ValueError("broken partition")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return partition

    with pytest.raises(ValueError, match="broken partition"):
        async for _ in InProcess(parallel=2).map_partitions(work, range(4)):
            pass
    assert cancelled.is_set()


async def test_without_a_scheduler_the_engine_is_this_process() -> None:
    async with open_executor(Settings()) as executor:
        assert isinstance(executor, InProcess) and executor.slots >= 1


def test_shipped_settings_run_where_they_land() -> None:
    settings = Settings.model_validate(
        {"engine": {"scheduler": "tcp://127.0.0.1:8786"}, "resolvers": ["127.0.0.1:53"]}
    )
    data = shipped(settings)
    back = Settings.model_validate(data)
    assert back.engine.scheduler is None and back.resolvers == ["127.0.0.1:53"]
    assert back.model_copy(update={"engine": settings.engine}) == settings


def test_names_are_cut_into_partitions_of_the_configured_size() -> None:
    settings = Settings.model_validate({"engine": {"partition_names": 4}})
    cut = list(partitions_of((f"n{i}.example" for i in range(10)), settings=settings, concurrency=7))
    assert [len(p.names) for p in cut] == [4, 4, 2]
    assert [name for p in cut for name in p.names] == [f"n{i}.example" for i in range(10)]
    assert all(p.concurrency == 7 and p.dns_only and p.settings["engine"]["scheduler"] is None for p in cut)
