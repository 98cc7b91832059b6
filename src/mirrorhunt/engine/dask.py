"""The Dask engine: partitions run as tasks on the workers of a ``distributed`` scheduler.

Each task is ``run_partition(work, partition)``: a top-level function with plain arguments, so a worker
needs only mirrorhunt installed (the same version) to run it. It runs the async partition function on
an event loop of its own, in the worker's thread. When a worker dies, the scheduler gives its tasks to
another worker; each future still resolves once, so the caller sees each result once.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from distributed import Client, as_completed
from distributed.scheduler import KilledWorker

from mirrorhunt.errors import EngineError

T = TypeVar("T")
R = TypeVar("R")

CONNECT_TIMEOUT = 10.0
"""Seconds to reach the scheduler, and then to see a worker."""
WINDOW_PER_SLOT = 2
"""Partitions submitted ahead per worker thread: every worker always has its next one queued, and the
driver holds only a few partitions' names and results at once."""


def run_partition(work: Callable[[T], Coroutine[Any, Any, R]], partition: T) -> R:
    """What a worker runs: ``work(partition)`` on a fresh event loop."""
    return asyncio.run(work(partition))


async def _worker_threads(client: Client, address: str) -> int:
    """The cluster's worker threads, once it has a worker; ``EngineError`` when none comes in time."""
    try:
        await client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)  # type: ignore[func-returns-value,misc]
    except TimeoutError as exc:
        raise EngineError(
            f"the Dask scheduler at {address} has no workers",
            hint="start some: dask worker " + address + " (docs/scale.md)",
        ) from exc
    threads: dict[str, int] = await client.nthreads()  # type: ignore[no-untyped-call]
    return max(1, sum(threads.values()))


class DaskExecutor:
    """An ``Executor`` over a ``distributed.Client`` (asynchronous, on the caller's event loop)."""

    def __init__(self, client: Client, *, slots: int) -> None:
        self._client = client
        self._slots = slots

    @classmethod
    @asynccontextmanager
    async def connect(cls, address: str) -> AsyncIterator[DaskExecutor]:
        """A client of the scheduler at ``address`` (``tcp://host:8786``), closed on exit."""
        try:
            client = await Client(address, asynchronous=True, timeout=CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise EngineError(
                f"cannot reach the Dask scheduler at {address}: {exc}",
                hint="start it (dask scheduler) or check engine.scheduler (docs/scale.md)",
            ) from exc
        try:
            yield cls(client, slots=await _worker_threads(client, address))
        finally:
            await client.close()

    @property
    def slots(self) -> int:
        """Worker threads when this client connected (workers that join later still get work)."""
        return self._slots

    async def map_partitions(
        self, work: Callable[[T], Coroutine[Any, Any, R]], partitions: Iterable[T]
    ) -> AsyncIterator[R]:
        waiting = iter(partitions)
        window = self.slots * WINDOW_PER_SLOT
        submit = self._client.submit
        first = [submit(run_partition, work, p, pure=False) for p in itertools.islice(waiting, window)]
        # on this client's loop: another client of the process may be the default one
        running = as_completed(first, loop=self._client.loop)  # type: ignore[no-untyped-call]
        async for future in running:
            try:
                result: R = await future
            except KilledWorker as exc:
                raise EngineError(
                    f"a partition killed every worker that ran it: {exc}",
                    hint="look at the workers' logs (memory limit, crash)",
                ) from exc
            future.release()
            for partition in itertools.islice(waiting, 1):
                running.add(submit(run_partition, work, partition, pure=False))  # type: ignore[no-untyped-call]
            yield result
