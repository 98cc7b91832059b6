"""The demo's whole flow on the lab: every planted mirror found, no decoy listed, a zone BIND accepts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import dns.zone
import pytest

from mirrorhunt.audit.keys import read_verifier
from mirrorhunt.audit.log import AuditLog
from mirrorhunt.lab.demo.run import EXPORTS, ZONE, demo_lab, run_demo
from mirrorhunt.store import Store


def _quiet(stage: str, done: int, total: int) -> None:
    assert 0 <= done <= total, (stage, done, total)


def test_demo_flow_finds_every_mirror_and_lists_no_decoy(tmp_path: Path, store_url: str) -> None:
    with demo_lab(tmp_path, database_url=store_url) as (scenario, lab, settings):
        outcome = run_demo(scenario=scenario, lab=lab, settings=settings, workdir=tmp_path, progress=_quiet)

    assert outcome.problems == ()
    verdicts = {r.candidate.name: r for r in outcome.report.results}
    for mirror in scenario.mirrors:
        assert verdicts[mirror].verdict is not None
        assert verdicts[mirror].verdict.label == "mirror", (mirror, verdicts[mirror].verdict)
    for decoy in scenario.decoys:
        assert decoy in verdicts, f"the decoy {decoy} was never probed, so the test proves nothing about it"
        assert verdicts[decoy].verdict is not None and verdicts[decoy].verdict.label == "unrelated"
    assert set(outcome.listed) == set(scenario.mirrors)
    sources = {name: verdicts[name].candidate.source for name in scenario.mirrors}
    assert sources["salon-lumiere.gg"] == "permutation:tld-swap"
    assert sources["lumiere-secours.net"] == "ct"
    assert sources["nouvelle-adresse.xyz"] == "redirect"
    assert sources["refuge-77.org"] == "tip"

    zone = dns.zone.from_text(outcome.rpz.read_text(encoding="utf-8"), origin=ZONE, relativize=False)
    blocked = {str(name).removesuffix("." + ZONE) for name, _ in zone.nodes.items()} - {ZONE, "_log"}
    assert blocked == set(scenario.mirrors) | {f"*.{m}" for m in scenario.mirrors}
    head = zone.find_rdataset(f"_log.{ZONE}", "TXT")[0].to_text()
    assert f"size={outcome.log_size}" in head and outcome.log_size == len(scenario.mirrors)
    with Store.open(store_url) as store:
        verified_log = AuditLog(store).verify(key=read_verifier(str(outcome.audit_key)))
    assert verified_log.size == outcome.log_size and f"root={verified_log.root.hex()}" in head
    checker = shutil.which("named-checkzone") or "/usr/sbin/named-checkzone"
    checked = subprocess.run([checker, ZONE, str(outcome.rpz)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    minisign = shutil.which("minisign")
    if minisign is None:
        pytest.fail("minisign is missing: apt-get install minisign (scripts/setup --test)", pytrace=False)
    files = [path for path in outcome.exports if path.suffix != ".minisig"]
    assert {path.name for path in files} == set(EXPORTS.values())
    for path in files:
        signature = path.with_name(path.name + ".minisig")
        assert signature in outcome.exports
        command = [minisign, "-V", "-H", "-p", str(outcome.public_key), "-m", str(path), "-x", str(signature)]
        verified = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        assert verified.returncode == 0, (path.name, verified.stdout + verified.stderr)
        assert f"serial:{outcome.serial}" in verified.stdout, "every export carries the zone's serial"
        assert f"log_size:{outcome.log_size}" in verified.stdout, "and the transparency log's head"


def test_demo_command_prints_the_table_and_exits_zero(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mirrorhunt", "demo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Every planted mirror found" in done.stdout
    assert "salon-lumiere.gg" in done.stdout and "CNAME ." in done.stdout
    assert not list(tmp_path.iterdir()), "without --keep the demo leaves nothing behind"
