"""Candidates captured, fingerprinted and judged on the cluster's workers: the same captures, verdicts,
states and listings as in the process, the evidence written by the submitting process, and the judging
counted on the workers (not here)."""

from __future__ import annotations

import asyncio
import hashlib
import pickle
from pathlib import Path

from demo_case import CASE, open_demo_case
from distributed import Client, LocalCluster

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import submit_tip
from mirrorhunt.engine.judge_partition import ReferencePages, judged_here
from mirrorhunt.engine.scan import ScanReport, scan
from mirrorhunt.evidence import EvidenceFolder, evidence_root
from mirrorhunt.lab import LabThread
from mirrorhunt.lab.demo.scenario import DemoScenario
from mirrorhunt.store import Store

REDIRECTED = "nouvelle-adresse.xyz"
"""Only reached through ``salon-lumiere.to``'s redirect, in a second round of the same pass."""
ABSENT = ("absent-1.example", "absent-2.example")

Seen = tuple[str, str, int | None, str | None, str, bool]
"""A capture without its times: DNS outcome, final URL, status, error, SHA-256 of the page, has a WARC."""
Outcome = tuple[dict[str, Seen], dict[str, tuple[str, float, str]], dict[str, str], set[str]]


def _settings(lab: LabThread, workdir: Path, scheduler: str | None) -> Settings:
    """Tips only (no permutation sweep): every demo site but the redirect's target, and two absent names."""
    workdir.mkdir()
    return Settings.model_validate(
        {
            **lab.settings_overrides(),
            "database_url": f"sqlite:///{workdir / 'mirrorhunt.db'}",
            "evidence_dir": str(workdir / "evidence"),
            "engine": {"scheduler": scheduler},
            "permute": {"tld_swap": False, "typos": False},
        }
    )


def _scan(scenario: DemoScenario, settings: Settings) -> tuple[ScanReport, Outcome, str]:
    """Open the demo's case, tip the demo's sites, scan once: what was captured, judged and listed, and
    the digest of the case's references."""
    with Store.open(settings.database_url) as store:
        open_demo_case(store, settings=settings, scenario=scenario)
        for name in (*(site.name for site in scenario.sites if site.name != REDIRECTED), *ABSENT):
            submit_tip(store=store, case=CASE, name=name)
        report = asyncio.run(scan(CASE, store=store, settings=settings))
        digest = ReferencePages.of(store.references(CASE)).digest
        states = {c.name: c.state for c in store.candidates(CASE)}
        listings = {listing.name for listing in store.listings()}
    captures = {
        r.capture.name: (
            str(r.capture.dns.outcome),
            r.capture.url or "",
            r.capture.status,
            r.capture.error,
            hashlib.sha256(r.capture.body).hexdigest(),
            r.capture.warc_path is not None,
        )
        for r in report.results
    }
    verdicts = {
        r.candidate.name: (str(r.verdict.label), round(r.verdict.score, 6), r.verdict.reasons)
        for r in report.results
        if r.verdict
    }
    return report, (captures, verdicts, states, listings), digest


def _judged_on_workers(client: Client, digest: str) -> int:
    counts: dict[str, dict[str, int]] = client.run(judged_here)
    return sum(count.get(digest, 0) for count in counts.values())


def test_workers_judge_what_one_process_judges(
    cluster: LocalCluster, client: Client, demo: tuple[DemoScenario, LabThread], tmp_path: Path
) -> None:
    scenario, lab = demo
    _, here, digest = _scan(scenario, _settings(lab, tmp_path / "here", None))
    before = _judged_on_workers(client, digest)
    settings = _settings(lab, tmp_path / "there", cluster.scheduler_address)
    report, there, digest_there = _scan(scenario, settings)
    assert digest_there == digest, "the same references"
    assert there == here
    captures, verdicts, states, listings = here
    assert set(captures) == {site.name for site in scenario.sites} | set(ABSENT), "the redirect followed"
    assert {states[name] for name in ABSENT} == {"gone"} and set(ABSENT).isdisjoint(verdicts)
    assert {name for name, (label, _, _) in verdicts.items() if label == "mirror"} == listings
    assert set(scenario.mirrors) <= listings and listings.isdisjoint(scenario.decoys)

    judged = _judged_on_workers(client, digest) - before
    assert judged == len(verdicts) > 0, "every page was fingerprinted and judged on a worker"
    assert digest not in judged_here(), "and none in this process"

    evidence = EvidenceFolder(evidence_root(settings))
    for result in report.results:
        capture = result.capture
        assert capture.warc_path and capture.warc_sha256
        assert evidence.read(capture.warc_path, sha256=capture.warc_sha256), "the WARC was written here"
        assert pickle.loads(pickle.dumps(result)) == result, "a result is plain data"
