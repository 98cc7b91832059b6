"""A Dask cluster of two worker processes on loopback, and the demo's lab the workers probe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from mirrorhunt.lab import LabThread
from mirrorhunt.lab.demo.scenario import DemoScenario, build_demo


@pytest.fixture(scope="session")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as running:
        yield running


@pytest.fixture(scope="session")
def client(cluster: LocalCluster) -> Iterator[Client]:
    """A synchronous client of the cluster, for the test's own questions (worker process ids)."""
    with Client(cluster) as connected:  # type: ignore[no-untyped-call]
        yield connected


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoScenario, LabThread]]:
    workdir: Path = tmp_path_factory.mktemp("demo")
    scenario = build_demo(workdir)
    with LabThread(sites=scenario.sites, workdir=workdir / "lab") as lab:
        yield scenario, lab
