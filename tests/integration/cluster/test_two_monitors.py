"""Two `mirrorhunt run --primary` processes on one PostgreSQL database: they split the probe queue
without probing a name twice, one of them serves the RPZ primary, and when that one is killed with
SIGKILL the other takes over its sources, its claimed candidates and the primary."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rdatatype
import pytest
import sqlalchemy as sa

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import open_case, submit_tip
from mirrorhunt.engine.leader import PRIMARY
from mirrorhunt.lab import LabThread
from mirrorhunt.lab.demo.scenario import DemoScenario
from mirrorhunt.store import Store
from mirrorhunt.store.leases import Leases

pytestmark = pytest.mark.postgres

CASE = "lumiere"
ZONE = "rpz.mirrorhunt."
DEADLINE_SECONDS = 45.0
TIPS = [f"absent-tip-{i}.example" for i in range(60)]
PACE = {"ct_every": 0.3, "queue_every": 0.2, "reprobe_every": 3600, "reprobe_gone_every": 3600}


@pytest.fixture
def database(postgres_url: str) -> str:
    """A schema of its own in the session's PostgreSQL database."""
    schema = f"two_{secrets.token_hex(6)}"
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{postgres_url}?options=-csearch_path%3D{schema}"


@pytest.fixture
def running(
    database: str, demo: tuple[DemoScenario, LabThread], tmp_path: Path
) -> Iterator[tuple[list[subprocess.Popen[str]], list[Path], int]]:
    scenario, lab = demo
    port = _free_port()
    settings = Settings.model_validate(
        {**lab.settings_overrides(), "database_url": database, "permute": {"typos": False}}
    )
    with Store.open(database) as store:
        asyncio.run(
            open_case(store=store, settings=settings, name=CASE, url=scenario.seized_url,
                      reference=scenario.reference, favicon=scenario.favicon, keywords=scenario.keywords,
                      auto_list=True)
        )  # fmt: skip
    env = {
        **os.environ,
        **lab.environment(),
        **{f"MIRRORHUNT_MONITOR__{key.upper()}": str(value) for key, value in PACE.items()},
        "MIRRORHUNT_DATABASE_URL": database,
        "MIRRORHUNT_EVIDENCE_DIR": str(tmp_path / "evidence"),
        "MIRRORHUNT_PERMUTE__TYPOS": "false",
        "MIRRORHUNT_PROBE__CONCURRENCY": "2",
        "MIRRORHUNT_PROBE__TIMEOUT": "2",
        "MIRRORHUNT_ENGINE__LEASE_SECONDS": "2",
        "MIRRORHUNT_PUBLISH__LISTEN": f"127.0.0.1:{port}",
        "MIRRORHUNT_PUBLISH__ZONE": ZONE,
    }
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    processes = []
    for log in logs:
        with log.open("w") as handle:
            command = [sys.executable, "-m", "mirrorhunt", "run", "--primary"]
            process = subprocess.Popen(
                command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=handle, text=True
            )
            processes.append(process)
    try:
        yield processes, logs, port
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=DEADLINE_SECONDS)


def test_two_monitors_split_the_work_and_one_survives_the_other(
    running: tuple[list[subprocess.Popen[str]], list[Path], int], database: str
) -> None:
    processes, logs, port = running
    with Store.open(database) as store:
        leases = Leases(store)
        _wait_for(lambda: leases.get(PRIMARY) is not None, processes)
        leader_lease = leases.get(PRIMARY)
        assert leader_lease is not None
        by_pid = {process.pid: process for process in processes}
        leader = by_pid[int(leader_lease.holder.rsplit(":", 1)[1])]
        survivor = next(process for process in processes if process is not leader)
        _wait_for(lambda: _serial(port) is not None, processes)

        for tip in TIPS:
            submit_tip(store=store, case=CASE, name=tip)
        _wait_for(lambda: all(store.latest_capture(CASE, tip) is not None for tip in TIPS), processes)
        probed = [_probed(log) & set(TIPS) for log in logs]
        assert all(probed), f"both monitors probed tips: {probed}"
        assert probed[0].isdisjoint(probed[1]) and probed[0] | probed[1] == set(TIPS)
        assert all(len(store.captures(CASE, tip)) == 1 for tip in TIPS), "no tip was probed twice"

        leader.kill()
        leader.wait()
        submit_tip(store=store, case=CASE, name="refuge-77.org")

        def taken_over() -> bool:
            lease = leases.get(PRIMARY)
            return lease is not None and lease.holder.endswith(f":{survivor.pid}")

        _wait_for(taken_over, [survivor])
        _wait_for(lambda: _serial(port) is not None, [survivor])
        expected = {"salon-lumiere.gg", "lumiere-secours.net", "nouvelle-adresse.xyz", "refuge-77.org"}
        _wait_for(lambda: expected <= {listing.name for listing in store.listings()}, [survivor])
        _wait_for(lambda: not store.candidates(state="resolving"), [survivor])

        def all_held() -> bool:
            held = {lease.name: lease.holder for lease in leases.all()}
            names = [name for name in held if name.startswith("ct:")] + [f"permute:{CASE}"]  # one lease a log
            return len(names) > 1 and all(held.get(name, "").endswith(f":{survivor.pid}") for name in names)

        _wait_for(all_held, [survivor])

        survivor.send_signal(signal.SIGTERM)
        out, _ = survivor.communicate(timeout=DEADLINE_SECONDS)
        assert survivor.returncode == 0, logs[processes.index(survivor)].read_text()
        assert out.startswith("stopped:"), out
        assert not [lease for lease in leases.all() if lease.holder.endswith(f":{survivor.pid}")], (
            "a clean stop releases its leases"
        )
        found = Counter((e.detail["case"], e.subject) for e in store.events(kind="candidate.found"))
        assert max(found.values()) == 1, "no candidate was proposed twice"


def _probed(log: Path) -> set[str]:
    """The names a monitor reported a probe of, from its log."""
    return set(re.findall(r"^(\S+) \(" + CASE + r"\): ", log.read_text(), flags=re.MULTILINE))


def _serial(port: int) -> int | None:
    """The SOA serial the primary on ``port`` answers, or None when nothing answers."""
    query = dns.message.make_query(ZONE, dns.rdatatype.SOA)
    try:
        answer = dns.query.udp(query, "127.0.0.1", port=port, timeout=0.5)
    except (TimeoutError, OSError, dns.exception.DNSException):
        return None
    return next((int(r.serial) for rrset in answer.answer for r in rrset), None)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        return int(udp.getsockname()[1])


def _wait_for(condition: Callable[[], bool], processes: list[subprocess.Popen[str]]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        for process in processes:
            assert process.poll() is None, f"a monitor stopped: {process.returncode}"
        assert time.monotonic() < deadline, "the monitors did not get there in time"
        time.sleep(0.1)
