"""The same pipeline on a Dask cluster of two worker processes: the same candidates, verdicts and
listings as in-process on the demo's lab, the same list-probe records, and a worker killed mid-sweep
loses and doubles nothing. The lab runs in this process on 127.0.0.1; the workers reach it through the
settings they are shipped (its resolver, private addresses allowed)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from demo_case import CASE, open_demo_case
from distributed import Client, LocalCluster
from distributed.scheduler import Scheduler

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import submit_tip
from mirrorhunt.engine.executor import open_executor
from mirrorhunt.engine.probe_list import partitions_of, probe_names
from mirrorhunt.engine.scan import scan
from mirrorhunt.engine.sweep import Swept, sweep_partition
from mirrorhunt.lab import LabThread
from mirrorhunt.lab.demo.scenario import SEIZED_NAME, DemoScenario
from mirrorhunt.sources.permute import permutations
from mirrorhunt.store import Store

SCAN_LIMIT = 800
"""The demo's permutation mirrors and decoys are all among the first 800 permutations."""
Outcome = tuple[int, set[tuple[str, str, str]], set[tuple[str, str, float]], set[str]]


def _settings(lab: LabThread, workdir: Path, scheduler: str | None) -> Settings:
    workdir.mkdir(exist_ok=True)
    return Settings.model_validate(
        {
            **lab.settings_overrides(),
            "database_url": f"sqlite:///{workdir / 'mirrorhunt.db'}",
            "evidence_dir": str(workdir / "evidence"),
            "engine": {"scheduler": scheduler, "partition_names": 100},
            "permute": {"scan_limit": SCAN_LIMIT},
        }
    )


def _partitions_done(dask_scheduler: Scheduler) -> int:
    """Sweep and probe partitions the cluster has finished so far (run on the scheduler)."""
    prefix = dask_scheduler.task_prefixes.get("run_partition")
    return 0 if prefix is None else int(prefix.state_counts["memory"])


def _done(client: Client) -> int:
    done: int = client.run_on_scheduler(_partitions_done)  # type: ignore[no-untyped-call]
    return done


def _scan(scenario: DemoScenario, settings: Settings) -> Outcome:
    """Open the demo's case, give its tip, scan once: what was found, judged and listed."""
    with Store.open(settings.database_url) as store:
        open_demo_case(store, settings=settings, scenario=scenario)
        for tip in scenario.tips:
            submit_tip(store=store, case=CASE, name=tip)
        report = asyncio.run(scan(CASE, store=store, settings=settings))
        candidates = {(c.name, c.source, c.state) for c in store.candidates(CASE)}
        verdicts = {
            (r.candidate.name, str(r.verdict.label), round(r.verdict.score, 6))
            for r in report.results
            if r.verdict
        }
        listings = {listing.name for listing in store.listings()}
    return report.permutations_checked, candidates, verdicts, listings


def test_the_cluster_finds_judges_and_lists_what_one_process_does(
    cluster: LocalCluster, client: Client, demo: tuple[DemoScenario, LabThread], tmp_path: Path
) -> None:
    scenario, lab = demo
    here = _scan(scenario, _settings(lab, tmp_path / "here", None))
    before = _done(client)
    there = _scan(scenario, _settings(lab, tmp_path / "there", cluster.scheduler_address))
    assert _done(client) - before >= SCAN_LIMIT // 100, "the workers swept"
    assert there == here
    checked, candidates, verdicts, listings = here
    assert checked == SCAN_LIMIT
    assert set(scenario.mirrors) <= {name for name, _, _ in candidates}
    assert {name for name, label, _ in verdicts if label == "mirror"} == listings
    assert {"salon-lumiere.gg", "salon-lumeire.fr"} <= listings


async def _records(names: list[str], settings: Settings) -> dict[str, tuple[Any, ...]]:
    """What a full list probe says of each name, without its timing."""
    found: dict[str, tuple[Any, ...]] = {}
    async for record in probe_names(names, settings=settings):
        assert record["name"] not in found, "each name once"
        fingerprint = record["fingerprint"] or {}
        found[record["name"]] = (
            record["dns"],
            record["status"],
            record["final_url"],
            fingerprint.get("title"),
        )
    return found


async def test_a_list_probe_on_the_cluster_gives_the_same_records(
    cluster: LocalCluster, demo: tuple[DemoScenario, LabThread], tmp_path: Path
) -> None:
    scenario, lab = demo
    names = [site.name for site in scenario.sites] + [f"absent-{i}.example" for i in range(40)]
    here = await _records(names, _settings(lab, tmp_path, None).model_copy())
    settings = _settings(lab, tmp_path, cluster.scheduler_address)
    settings = settings.model_copy(
        update={"engine": settings.engine.model_copy(update={"partition_names": 7})}
    )
    there = await _records(names, settings)
    assert there == here and set(here) == set(names)
    assert Counter(dns for dns, *_ in here.values()) == {"resolves": len(scenario.sites), "nxdomain": 40}
    assert here["salon-lumiere.gg"][1] == 200


async def test_a_worker_killed_mid_sweep_loses_and_doubles_nothing(
    cluster: LocalCluster, client: Client, demo: tuple[DemoScenario, LabThread], tmp_path: Path
) -> None:
    _, lab = demo
    names = [p.name for p in permutations(SEIZED_NAME)][:4000]
    settings = _settings(lab, tmp_path, cluster.scheduler_address)
    settings = settings.model_copy(
        update={"engine": settings.engine.model_copy(update={"partition_names": 200})}
    )
    victims = await asyncio.to_thread(client.run, os.getpid)
    victim = next(iter(victims.values()))
    results: list[Swept] = []
    async with open_executor(settings) as executor:
        async for swept in executor.map_partitions(sweep_partition, partitions_of(names, settings=settings)):
            results.append(swept)
            if len(results) == 1:
                os.kill(victim, signal.SIGKILL)
    assert len(results) == 20 and sum(r.checked for r in results) == len(names)
    resolving = [name for r in results for name in r.resolving]
    assert len(resolving) == len(set(resolving)), "no name reported twice"
    expected = {site.name for site in demo[0].sites} & set(names)
    assert set(resolving) == expected and "salon-lumiere.gg" in expected
    await asyncio.to_thread(client.wait_for_workers, 2, 60)
    assert victim not in (await asyncio.to_thread(client.run, os.getpid)).values(), "the victim died"


def test_mirrorhunt_probe_runs_on_the_cluster_the_settings_name(
    cluster: LocalCluster, client: Client, demo: tuple[DemoScenario, LabThread], tmp_path: Path
) -> None:
    scenario, lab = demo
    lines = ["# a comment", "https://salon-lumiere.gg/some/page", "not a name!", "absent-1.example"]
    lines += [site.name for site in scenario.sites]
    env = {
        **os.environ,
        **lab.environment(),
        "MIRRORHUNT_ENGINE__SCHEDULER": cluster.scheduler_address,
        "MIRRORHUNT_ENGINE__PARTITION_NAMES": "4",
    }
    before = _done(client)
    process = subprocess.run(
        [sys.executable, "-m", "mirrorhunt", "probe", "-", "--dns-only"],
        input="\n".join(lines) + "\n", env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr
    records = [json.loads(line) for line in process.stdout.splitlines()]
    assert len(records) == len(lines) - 1, "one record a name, none for the comment"
    outcomes = Counter(record["dns"] for record in records)
    assert outcomes == {"resolves": len(scenario.sites) + 1, "nxdomain": 1, "error": 1}
    assert _done(client) - before >= len(records) // 4, "the workers probed"
