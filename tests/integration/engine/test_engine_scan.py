"""The engine on a small lab: cases from live pages, repeated scans, CT positions, a dead CT log."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import open_case, submit_tip
from mirrorhunt.engine.scan import scan
from mirrorhunt.errors import InvalidName, ProbeError, UnknownCase
from mirrorhunt.lab import LabThread, SiteSpec
from mirrorhunt.store import Store

PAGE = (
    "<!DOCTYPE html><html><head><title>Forum Crépuscule</title></head><body><h1>Forum Crépuscule</h1>"
    "<p>Bienvenue au forum crépuscule, ouvert aux noctambules depuis des années, salons et messages.</p>"
    "<p>Les modérateurs veillent sur les discussions ; chaque pseudonyme reste anonyme jusqu'à l'aube.</p>"
    "<p>Contact : garde@forum-crepuscule.fr et le canal t.me/crepuscule_annonces pour les nouvelles.</p>"
    "</body></html>"
)


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[LabThread]:
    sites = tmp_path / "sites"
    for name in ("forum-crepuscule.fr", "forum-crepuscule.gg"):
        (sites / name).mkdir(parents=True)
        (sites / name / "index.html").write_text(PAGE.replace("forum-crepuscule.fr", name), encoding="utf-8")
    specs = [
        SiteSpec(name="forum-crepuscule.fr", files=sites / "forum-crepuscule.fr"),
        SiteSpec(name="forum-crepuscule.gg", files=sites / "forum-crepuscule.gg"),
    ]
    with LabThread(sites=specs, workdir=tmp_path / "lab") as running:
        yield running


def _settings(lab: LabThread, store_url: str, **extra: object) -> Settings:
    evidence = lab.ca_bundle.parent / "evidence"  # beside the lab's files, in the test's own folder
    return Settings.model_validate(
        {**lab.settings_overrides(), "database_url": store_url, "evidence_dir": str(evidence), **extra}
    )


def test_reference_captured_from_the_live_url(lab: LabThread, store_url: str) -> None:
    settings = _settings(lab, store_url)
    with Store.open(store_url) as store:
        asyncio.run(open_case(store=store, settings=settings, name="c", url="https://forum-crepuscule.fr/"))
        (reference,) = store.references("c")
    assert reference.source == "live"
    assert "Forum Crépuscule" in reference.html


def test_a_reference_that_cannot_be_captured_writes_nothing(lab: LabThread, store_url: str) -> None:
    settings = _settings(lab, store_url)
    with Store.open(store_url) as store:
        with pytest.raises(ProbeError, match="could not capture the reference"):
            asyncio.run(open_case(store=store, settings=settings, name="c", url="https://no-such-site.fr/"))
        with pytest.raises(UnknownCase):
            store.get_case("c")
        assert store.events() == []


def test_rescans_list_once_and_read_the_ct_log_from_where_they_stopped(
    lab: LabThread, store_url: str
) -> None:
    settings = _settings(lab, store_url)
    with Store.open(store_url) as store:
        asyncio.run(open_case(store=store, settings=settings, name="c", url="https://forum-crepuscule.fr/",
                              keywords=["crepuscule"], auto_list=True))  # fmt: skip
        first = asyncio.run(scan("c", store=store, settings=settings))
        assert first.ct_entries_read == 2
        # The seized name itself still serves the platform in this lab: it is listed like any mirror.
        listed = {"forum-crepuscule.fr", "forum-crepuscule.gg"}
        assert {r.candidate.name for r in first.results if r.listed} == listed
        serial = store.zone_serial()

        lab.issue_certificate(["crepuscule-nuit.net"])
        second = asyncio.run(scan("c", store=store, settings=settings))
        assert second.ct_entries_read == 1, "only the entry logged since the first pass is read"
        assert store.get_candidate("c", "crepuscule-nuit.net").source == "ct"
        # A pass judges again what its sources propose now: the permutation, not last pass's CT names.
        assert {r.candidate.name for r in second.results if r.verdict} == {"forum-crepuscule.gg"}
        assert {r.candidate.name: r.candidate.state for r in second.results}["crepuscule-nuit.net"] == "gone"
        assert store.zone_serial() == serial, "listing an already listed name is no change"
        assert {x.name for x in store.listings()} == listed


def test_a_dead_ct_log_is_a_warning_not_a_failure(lab: LabThread, store_url: str) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{unused.getsockname()[1]}/"
    settings = _settings(lab, store_url, ct={"logs": [dead]})
    with Store.open(store_url) as store:
        asyncio.run(open_case(store=store, settings=settings, name="c", url="https://forum-crepuscule.fr/"))
        report = asyncio.run(scan("c", store=store, settings=settings))
    assert len(report.warnings) == 1 and dead in report.warnings[0]
    assert "forum-crepuscule.gg" in {r.candidate.name for r in report.results}


def test_tips_are_checked_before_they_are_kept(lab: LabThread, store_url: str) -> None:
    settings = _settings(lab, store_url)
    with Store.open(store_url) as store:
        asyncio.run(open_case(store=store, settings=settings, name="c", url="https://forum-crepuscule.fr/"))
        assert submit_tip(store=store, case="c", name="https://Refuge.Example.org/path") is True
        assert submit_tip(store=store, case="c", name="refuge.example.org") is False
        with pytest.raises(InvalidName, match="public suffix"):
            submit_tip(store=store, case="c", name="github.io")
        with pytest.raises(UnknownCase):
            submit_tip(store=store, case="other", name="x.example.org")
        assert [c.name for c in store.candidates("c")] == ["refuge.example.org"]
