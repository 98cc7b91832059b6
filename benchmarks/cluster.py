"""The Dask engine against the in-process one: a permutation sweep of N names (default 1,000,000) and a
zone diff of two files of N lines (default 20 million), on a LocalCluster of loopback workers.

    .venv/bin/python benchmarks/cluster.py [--names N] [--lines N] [--workers 1,2] [--partition 10000]
                                           [--partitions 8] [--dir DIR]

The sweep's names (almost all non-existent, as in a real sweep) are answered by BIND as the
authoritative root (benchmarks/probe.py: no response-rate limit, so the engine is the limit). The same
names go through the in-process engine and through clusters of each size in ``--workers``, in one run;
it prints names/s for each, the cluster/in-process ratio and each worker's own throughput (the names of
the partitions it ran over the sweep's wall time, and over its busy time). The zone diff runs as the
partitioned sorted merge (engine/zonediff.py) on a fresh cluster of the largest size and prints each
worker's peak RSS. ``--names 0`` or ``--lines 0`` skips a part. Nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from distributed import Client, LocalCluster
from probe import bind_server, load, settings_for, sweep_names
from zonediff import write_zone

from mirrorhunt.config import Settings
from mirrorhunt.engine.executor import open_executor
from mirrorhunt.engine.probe_list import dns_share, partitions_of
from mirrorhunt.engine.sweep import sweep_partition
from mirrorhunt.engine.zonediff import diff_on_engine, merged

LIVE_EVERY = 1000
"""One name in this many exists (at a loopback address), as in a real sweep."""


@contextmanager
def local_cluster(workers: int) -> Iterator[tuple[LocalCluster, Client]]:
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        client.wait_for_workers(workers)
        yield cluster, client


def with_engine(settings: Settings, *, scheduler: str | None, partition: int) -> Settings:
    engine = settings.engine.model_copy(update={"scheduler": scheduler, "partition_names": partition})
    return settings.model_copy(update={"engine": engine})


def sweep_rate(names: list[str], settings: Settings) -> tuple[float, int]:
    """(names per second, names found) of a sweep of ``names`` on the engine ``settings`` choose."""

    async def run() -> int:
        found = 0
        async with open_executor(settings) as executor:
            share = dns_share(settings, slots=executor.slots)  # as the pipeline's sweeps do
            partitions = partitions_of(names, settings=settings, concurrency=share)
            async for swept in executor.map_partitions(sweep_partition, partitions):
                found += len(swept.resolving)
        return found

    began = time.perf_counter()
    found = asyncio.run(run())
    return len(names) / (time.perf_counter() - began), found


def per_worker(
    tasks: list[dict[str, object]], *, partition: int, wall: float
) -> dict[str, tuple[float, float]]:
    """Each worker's (names/s over the sweep's wall time, names/s over its busy time), from the task
    stream (every partition counted as full)."""
    names: Counter[str] = Counter()
    busy: defaultdict[str, float] = defaultdict(float)
    for task in tasks:
        if not str(task.get("key", "")).startswith("run_partition"):
            continue
        worker = str(task["worker"])
        names[worker] += partition
        for step in task.get("startstops", ()):  # type: ignore[attr-defined]
            if step["action"] == "compute":
                busy[worker] += step["stop"] - step["start"]
    return {
        worker: (count / wall, count / busy[worker] if busy[worker] else 0.0)
        for worker, count in names.items()
    }


def bench_sweep(args: argparse.Namespace, workdir: Path) -> None:
    names = sweep_names(args.names)
    zone = {name: f"127.0.0.{1 + number % 250}" for number, name in enumerate(names[::LIVE_EVERY])}
    print(
        f"sweep of {len(names):,} names, {len(zone):,} of them exist; partitions of {args.partition:,} names"
    )
    with bind_server(workdir, zone) as server:
        if server is None:
            raise SystemExit("BIND (named) is not installed: apt-get install bind9")
        base = settings_for(server)
        here, found = sweep_rate(names, with_engine(base, scheduler=None, partition=args.partition))
        print(f"  in-process engine            {here:9,.0f} names/s  ({found:,} found)")
        for workers in args.workers:
            with local_cluster(workers) as (cluster, client):
                client.get_task_stream()  # type: ignore[no-untyped-call]  # starts recording
                began = time.time()
                settings = with_engine(base, scheduler=cluster.scheduler_address, partition=args.partition)
                rate, found_there = sweep_rate(names, settings)
                wall = time.time() - began
                tasks = client.get_task_stream(start=began)  # type: ignore[no-untyped-call]
            print(
                f"  LocalCluster({workers} workers)      {rate:9,.0f} names/s  ({found_there:,} found)  "
                f"cluster / in-process {rate / here:5.2f}"
            )
            for worker, (over_wall, over_busy) in sorted(
                per_worker(tasks, partition=args.partition, wall=wall).items()
            ):
                print(
                    f"    worker {worker:24} {over_wall:9,.0f} names/s over the sweep, {over_busy:9,.0f} busy"
                )
            if found_there != found:
                print(f"  MISMATCH: the cluster found {found_there:,}, the process {found:,}")
        again, _ = sweep_rate(names, with_engine(base, scheduler=None, partition=args.partition))
        print(f"  in-process engine, again     {again:9,.0f} names/s  (drift of the machine over the run)")


def _peak_rss_mb() -> float:
    """This process's peak resident memory (run on each worker)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_zonediff(args: argparse.Namespace, workdir: Path) -> None:
    churn = max(1, args.lines // 100)
    old, new = workdir / f"old-{args.lines}.zone.gz", workdir / f"new-{args.lines}.zone.gz"
    for path, start in ((old, 0), (new, churn)):
        if not path.exists():
            began = time.perf_counter()
            write_zone(path, start, args.lines)
            print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - began:.0f} s")
    workers = max(args.workers)
    folder = workdir / "zonediff-work"
    folder.mkdir(exist_ok=True)
    with local_cluster(workers) as (cluster, client):
        settings = Settings.model_validate({"engine": {"scheduler": cluster.scheduler_address}})

        async def run() -> list[Path]:
            async with open_executor(settings) as executor:
                return await diff_on_engine(
                    old, new, executor=executor, folder=folder, partitions=args.partitions
                )

        began = time.perf_counter()
        paths = asyncio.run(run())
        wall = time.perf_counter() - began
        peaks = client.run(_peak_rss_mb)
    added = sum(1 for _ in merged(paths))
    print(
        f"zone diff of 2 x {args.lines:,} lines on LocalCluster({workers} workers), "
        f"{args.partitions} partitions: {wall:.1f} s, {added:,} names added (expected {churn:,})"
    )
    for worker, peak in sorted(peaks.items()):
        print(f"    worker {worker:24} peak RSS {peak:7.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=20_000_000)
    parser.add_argument("--workers", type=lambda text: [int(n) for n in text.split(",")], default=[1, 2])
    parser.add_argument("--partition", type=int, default=10_000, help="names per sweep partition")
    parser.add_argument("--partitions", type=int, default=8, help="partitions of the zone diff")
    parser.add_argument("--dir", type=Path, default=None, help="where the zone files are kept")
    args = parser.parse_args()
    print(f"{load()} at the start; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        if args.names:
            bench_sweep(args, Path(folder))
        if args.lines:
            zones = args.dir or Path(folder)
            zones.mkdir(parents=True, exist_ok=True)
            bench_zonediff(args, zones)
    print(f"{load()} at the end")


if __name__ == "__main__":
    main()
