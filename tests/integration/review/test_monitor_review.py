"""``mirrorhunt run`` keeps the review lifecycle going on the lab: it withdraws a name the machine listed
when nobody confirms it in time (and does not list it again on its own), and proposes delisting a listed
name that its re-probes no longer find."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mirrorhunt.clock import SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import open_case, submit_tip
from mirrorhunt.engine.monitor import monitor
from mirrorhunt.lab import LabThread, SiteSpec
from mirrorhunt.lab.demo.scenario import SEIZED
from mirrorhunt.review.actor import Actor
from mirrorhunt.review.desk import ReviewDesk
from mirrorhunt.store import Store

MIRROR = "salon-lumiere.gg"
DEADLINE_SECONDS = 40.0


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[LabThread]:
    mirror = tmp_path / "mirror"
    shutil.copytree(SEIZED, mirror)
    sites = [SiteSpec(name=MIRROR, files=mirror, tls=False)]
    with LabThread(sites=sites, workdir=tmp_path / "lab") as running:
        yield running


def settings_of(lab: LabThread, tmp_path: Path, *, review: dict[str, Any]) -> Settings:
    overrides = lab.settings_overrides()
    return Settings.model_validate(
        {
            **overrides,
            "database_url": f"sqlite:///{tmp_path / 'monitor.db'}",
            "evidence_dir": str(tmp_path / "evidence"),
            "permute": {"tld_swap": False, "typos": False},
            "probe": {**overrides["probe"], "timeout": 5.0},
            "monitor": {"queue_every": 0.1, "reprobe_every": 0.5, "reprobe_gone_every": 0.5},
            "review": {"sweep_every": 0.1, **review},
        }
    )


def opened(settings: Settings, tmp_path: Path, *, auto_list: bool) -> Store:
    page = tmp_path / "reference.html"
    shutil.copy(SEIZED / "index.html", page)
    store = Store.open(settings.database_url)
    asyncio.run(
        open_case(
            store=store,
            settings=settings,
            name="lumiere",
            url="https://salon-lumiere.fr/",
            reference=page,
            auto_list=auto_list,
        )
    )
    submit_tip(store=store, case="lumiere", name=MIRROR, detail="a reader wrote in")
    return store


async def run_until(store: Store, settings: Settings, done: Callable[[], bool]) -> None:
    stop, progress = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(
        monitor(store=store, settings=settings, stop=stop, notify=lambda line: progress.set())
    )
    try:
        async with asyncio.timeout(DEADLINE_SECONDS):
            while not done() and not running.done():
                await progress.wait()
                progress.clear()
    finally:
        stop.set()
        await running


def test_an_unconfirmed_machine_listing_is_withdrawn_and_left_to_a_person(
    lab: LabThread, tmp_path: Path
) -> None:
    settings = settings_of(lab, tmp_path, review={"confirm_within": 0.5})
    with opened(settings, tmp_path, auto_list=True) as store:

        def withdrawn() -> bool:
            return any(e.detail.get("why") == "unconfirmed" for e in store.events(kind="listing.removed"))

        asyncio.run(run_until(store, settings, withdrawn))
        assert withdrawn()
        [added] = store.events(kind="listing.added")
        assert (added.subject, added.detail["decided_by"]) == (MIRROR, "matcher/1 (case allows auto-listing)")

        def probes() -> int:
            return len(store.events(subject=MIRROR, kind="verdict.added"))

        seen = probes()
        asyncio.run(run_until(store, settings, lambda: probes() >= seen + 2))  # judged a mirror again, twice
        assert store.listings() == []  # but not listed again by the machine
        assert len(store.events(kind="listing.added")) == 1


def test_a_listed_name_no_longer_found_is_proposed_for_delisting(lab: LabThread, tmp_path: Path) -> None:
    settings = settings_of(lab, tmp_path, review={"delist_after": 2})
    with opened(settings, tmp_path, auto_list=False) as store:

        def judged() -> bool:
            verdict = store.latest_verdict("lumiere", MIRROR)
            return verdict is not None and verdict.label == "mirror"

        asyncio.run(run_until(store, settings, judged))
        desk = ReviewDesk(store=store, settings=settings, clock=SystemClock())
        alice = Actor("alice", "approver")
        assert (
            desk.approve(case="lumiere", name=MIRROR, actor=alice, reason="the seized page").kind == "listed"
        )
        lab.remove_site(MIRROR)

        def proposed() -> bool:
            return bool(store.events(subject=MIRROR, kind="review.delist_proposed"))

        asyncio.run(run_until(store, settings, proposed))
        [item] = desk.queue()
        assert (item.name, item.kind) == (MIRROR, "delist")
        assert [listing.name for listing in store.listings()] == [MIRROR]  # a person decides
