"""Where the heavy work runs: on this process's event loop (the default), or on a Dask cluster
(``[engine] scheduler``, ``engine/dask.py``). The pipeline cannot tell which.

The pipeline cuts its work into partitions of plain data (``engine/partitions.py``) and hands them over
with a top-level async function to apply to each; it gets every partition's result exactly once, in
completion order. Partition functions never write to the store: the caller stores what comes back, so a
partition run twice (its worker died half-way) changes nothing.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar

from mirrorhunt.config import Settings

T = TypeVar("T")
R = TypeVar("R")

IN_PROCESS_PARALLEL = 1
"""Partitions in flight on this process's loop. One: a partition keeps its own hundreds of queries in
flight, and two would double what one resolver receives at once (dropped answers cost a timeout)."""


class Executor(Protocol):
    """Runs partition functions somewhere; see the module docstring."""

    @property
    def slots(self) -> int:
        """Partitions it runs at once (worker threads of a cluster)."""
        ...

    def map_partitions(
        self, work: Callable[[T], Coroutine[Any, Any, R]], partitions: Iterable[T]
    ) -> AsyncIterator[R]:
        """``work(partition)`` for every partition, each result once, as each finishes.

        ``partitions`` is read lazily: only a few more than ``slots`` are taken at a time."""
        ...


class InProcess:
    """Partitions run as tasks of the current event loop."""

    def __init__(self, *, parallel: int = IN_PROCESS_PARALLEL) -> None:
        self._parallel = parallel

    @property
    def slots(self) -> int:
        return self._parallel

    async def map_partitions(
        self, work: Callable[[T], Coroutine[Any, Any, R]], partitions: Iterable[T]
    ) -> AsyncIterator[R]:
        async for _, result in bounded(partitions, work, self._parallel):
            yield result


@asynccontextmanager
async def open_executor(settings: Settings) -> AsyncIterator[Executor]:
    """The engine ``settings.engine`` chooses: a client of its Dask scheduler, or this process."""
    if settings.engine.scheduler is None:
        yield InProcess()
        return
    from mirrorhunt.engine.dask import DaskExecutor  # only clusters need distributed imported

    async with DaskExecutor.connect(settings.engine.scheduler) as executor:
        yield executor


def shipped(settings: Settings) -> dict[str, object]:
    """The settings as plain data for a worker, which runs its partition where it is: never on a cluster
    of its own."""
    data = settings.model_dump(mode="json")
    data["engine"] = {**data["engine"], "scheduler": None}
    return data


async def bounded(
    items: Iterable[T], work: Callable[[T], Coroutine[Any, Any, R]], limit: int
) -> AsyncIterator[tuple[T, R]]:
    """Run ``work`` over ``items`` with at most ``limit`` in flight; yield (item, result) as each finishes."""
    iterator = iter(items)

    async def one(item: T) -> tuple[T, R]:
        return item, await work(item)

    pending = {asyncio.ensure_future(one(item)) for item in itertools.islice(iterator, limit)}
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                yield task.result()
            pending |= {asyncio.ensure_future(one(item)) for item in itertools.islice(iterator, len(done))}
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
