"""The monitor finds every mirror of the lab case, each through the one channel that reaches it."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

import monitor_scenario as scenario

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import submit_tip
from mirrorhunt.engine.history import candidate_views
from mirrorhunt.engine.monitor import monitor
from mirrorhunt.lab import LabThread, SiteSpec
from mirrorhunt.lab.demo.scenario import DECOYS_DIR, SEIZED
from mirrorhunt.store import Store

DEADLINE_SECONDS = 40.0


def _found(store: Store) -> dict[str, str]:
    """Mirrors of the case that have a verdict, with the source that proposed them."""
    return {
        c.name: c.source
        for c in store.candidates(scenario.CASE)
        if c.name in scenario.EXPECTED and store.latest_verdict(scenario.CASE, c.name) is not None
    }


async def _run_until_found(store: Store, settings: Settings) -> None:
    stop, progress = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(
        monitor(store=store, settings=settings, stop=stop, notify=lambda line: progress.set())
    )
    submit_tip(store=store, case=scenario.CASE, name=scenario.TIP, detail="a reader wrote in")
    try:
        async with asyncio.timeout(DEADLINE_SECONDS):
            while set(_found(store)) != set(scenario.EXPECTED) and not running.done():
                await progress.wait()
                progress.clear()
    finally:
        stop.set()
        await running


def test_every_channel_finds_its_mirror(opened: Settings) -> None:
    with Store.open(opened.database_url) as store:
        asyncio.run(_run_until_found(store, opened))
        assert _found(store) == scenario.EXPECTED
        views = {v.candidate.name: v for v in candidate_views(store, case=scenario.CASE)}
        # Each carries its reason.
        assert "nouvelle adresse" in views["abri-nocturne.org"].candidate.detail
        assert "favicon" in views["phare-ancien.com"].candidate.detail
        assert scenario.ANALYTICS in views["phare-bleu.com"].candidate.detail
        assert "salon-lumiere.gg" in views["phare-bleu.com"].candidate.detail
        assert "salon-lumiere.fr redirects" in views["lanterne-sombre.xyz"].candidate.detail
        # The mirrors are judged mirrors and listed (the case allows it); history shows the probe.
        assert views["salon-lumiere.gg"].verdict is not None
        assert views["salon-lumiere.gg"].verdict.label == "mirror"
        assert [c.state for c in views["salon-lumiere.gg"].changes][:2] == ["resolving", "live"]
        assert "salon-lumiere.gg" in {listing.name for listing in store.listings()}
        # Nothing is left claimed once the monitor has stopped.
        assert store.candidates(state="resolving") == []


async def _run_until(store: Store, settings: Settings, done: Callable[[], bool]) -> None:
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


def test_a_parked_name_that_becomes_a_mirror_is_changed(
    opened: Settings, lab: LabThread, tmp_path: Path
) -> None:
    parked, mirror = tmp_path / "parked", tmp_path / "mirror"
    parked.mkdir()
    shutil.copy(DECOYS_DIR / "parked.html", parked / "index.html")
    shutil.copytree(SEIZED, mirror)
    lab.add_site(SiteSpec(name="lumiere-parking.com", files=parked, tls=False))
    name = "lumiere-parking.com"
    with Store.open(opened.database_url) as store:
        submit_tip(store=store, case=scenario.CASE, name=name)

        def verdict() -> str | None:
            seen = store.latest_verdict(scenario.CASE, name)
            return seen.label if seen else None

        asyncio.run(_run_until(store, opened, lambda: verdict() == "unrelated"))
        lab.remove_site(name)
        lab.add_site(SiteSpec(name=name, files=mirror, tls=False))
        asyncio.run(_run_until(store, opened, lambda: verdict() == "mirror"))
        states = [e.detail["to"] for e in store.events(subject=name, kind="candidate.state")]
        assert "live" in states and states.index("changed") > states.index("live")
