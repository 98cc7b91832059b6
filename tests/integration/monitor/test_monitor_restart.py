"""`mirrorhunt run` as a process: killed with SIGKILL it resumes without losing or doubling candidates;
SIGTERM and --for stop it cleanly; `mirrorhunt candidates` shows state, verdict, how found and history."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import monitor_scenario as scenario

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import submit_tip
from mirrorhunt.lab import LabThread
from mirrorhunt.store import Store

DEADLINE_SECONDS = 40.0


def _environment(lab: LabThread, settings: Settings) -> dict[str, str]:
    pace = {f"MIRRORHUNT_MONITOR__{k.upper()}": str(v) for k, v in settings.monitor.model_dump().items()}
    return {
        **os.environ,
        **lab.environment(),
        **pace,
        "MIRRORHUNT_DATABASE_URL": settings.database_url,
        "MIRRORHUNT_EVIDENCE_DIR": settings.evidence_dir,
        "MIRRORHUNT_PERMUTE__TYPOS": "false",
    }


def _mirrorhunt(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mirrorhunt", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the monitor did not get there in time"
        time.sleep(0.1)


def _judged(store: Store) -> set[str]:
    return {
        c.name
        for c in store.candidates(scenario.CASE)
        if c.name in scenario.EXPECTED and store.latest_verdict(scenario.CASE, c.name) is not None
    }


def test_a_killed_monitor_resumes_where_it_stopped(lab: LabThread, opened: Settings, tmp_path: Path) -> None:
    env = _environment(lab, opened)
    with Store.open(opened.database_url) as store:
        submit_tip(store=store, case=scenario.CASE, name=scenario.TIP)
        first = _mirrorhunt("run", env=env, cwd=tmp_path)
        _wait_for(lambda: len(_judged(store)) >= 2, first)
        first.kill()
        first.wait()
        killed_with = _judged(store)

        second = _mirrorhunt("run", env=env, cwd=tmp_path)
        _wait_for(lambda: _judged(store) == set(scenario.EXPECTED), second)
        second.send_signal(signal.SIGTERM)
        out, err = second.communicate(timeout=DEADLINE_SECONDS)
        assert second.returncode == 0, err
        assert out.startswith("stopped:"), out

        assert killed_with < set(scenario.EXPECTED), "the first monitor was killed before it was done"
        found = Counter((e.detail["case"], e.subject) for e in store.events(kind="candidate.found"))
        assert max(found.values()) == 1, "no candidate was proposed twice"
        assert {c.name: c.source for c in store.candidates(scenario.CASE) if c.name in scenario.EXPECTED} == (
            scenario.EXPECTED
        )
        assert store.candidates(state="resolving") == []

    timed = _mirrorhunt("run", "--for", "0.5", env=env, cwd=tmp_path)
    out, err = timed.communicate(timeout=DEADLINE_SECONDS)
    assert timed.returncode == 0, err

    listing = _mirrorhunt("candidates", "--case", scenario.CASE, "--json", env=env, cwd=tmp_path)
    out, err = listing.communicate(timeout=DEADLINE_SECONDS)
    assert listing.returncode == 0, err
    rows = {row["name"]: row for row in json.loads(out)}
    gg = rows["salon-lumiere.gg"]
    assert (gg["source"], gg["verdict"], gg["state"]) == ("permutation:tld-swap", "mirror", "live")
    assert [step["to"] for step in gg["history"]][:2] == ["resolving", "live"]


def test_bad_duration_is_one_clear_error(opened: Settings, lab: LabThread, tmp_path: Path) -> None:
    process = _mirrorhunt("run", "--for", "-1", env=_environment(lab, opened), cwd=tmp_path)
    out, err = process.communicate(timeout=DEADLINE_SECONDS)
    assert process.returncode == 1 and out == ""
    assert err.startswith("error:") and "--for" in err
