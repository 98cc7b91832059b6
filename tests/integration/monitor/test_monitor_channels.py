"""The monitor finds every mirror of the lab case, each through the one channel that reaches it."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

import monitor_scenario as scenario
import pytest

from mirrorhunt.config import Settings, ZoneSettings
from mirrorhunt.engine.cases import submit_tip
from mirrorhunt.engine.history import candidate_views
from mirrorhunt.engine.monitor import monitor
from mirrorhunt.errors import ConfigError
from mirrorhunt.lab import LabThread, SiteSpec
from mirrorhunt.lab.demo.scenario import DECOYS_DIR, SEIZED
from mirrorhunt.store import Store

DEADLINE_SECONDS = 40.0
WIDER_DEADLINE_SECONDS = 90.0
"""The sweep of every typo takes some 20 s on a loaded 2-core machine."""


def _found(store: Store, expected: Mapping[str, str]) -> dict[str, str]:
    """Mirrors of the case that have a verdict, with the source that proposed them."""
    return {
        c.name: c.source
        for c in store.candidates(scenario.CASE)
        if c.name in expected and store.latest_verdict(scenario.CASE, c.name) is not None
    }


async def _run_until(
    store: Store,
    settings: Settings,
    done: Callable[[], bool],
    *,
    meanwhile: Callable[[], Awaitable[None]] | None = None,
    deadline: float = DEADLINE_SECONDS,
) -> None:
    """Run the monitor until ``done()``, doing ``meanwhile`` once it has started; at the deadline it
    stops too, and what is missing shows in the caller's asserts."""
    stop, progress = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(
        monitor(store=store, settings=settings, stop=stop, notify=lambda line: progress.set())
    )
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(deadline):
                if meanwhile is not None:
                    await meanwhile()
                while not done() and not running.done():
                    await progress.wait()
                    progress.clear()
    finally:
        stop.set()
        await running


async def _run_until_found(
    store: Store,
    settings: Settings,
    expected: Mapping[str, str],
    *,
    zones: Path | None = None,
    deadline: float = DEADLINE_SECONDS,
) -> None:
    """Run the monitor until every expected mirror is judged; a tip comes in once it runs and, with
    ``zones``, a new zone file naming the zone-only mirror once it has taken the folder's first file."""

    async def meanwhile() -> None:
        submit_tip(store=store, case=scenario.CASE, name=scenario.TIP, detail="a reader wrote in")
        if zones is not None:
            while store.get_position(f"zone:{zones}:{scenario.ZONE_SERIES}") is None:  # noqa: ASYNC110
                await asyncio.sleep(0.05)  # the store has nothing to wait on
            scenario.zone_file(zones, date=20261123, names=[scenario.ZONE, "unrelated-shop.club"])

    def found_all() -> bool:
        return set(_found(store, expected)) == set(expected)

    await _run_until(store, settings, found_all, meanwhile=meanwhile, deadline=deadline)


def test_every_channel_finds_its_mirror(opened: Settings) -> None:
    with Store.open(opened.database_url) as store:
        asyncio.run(_run_until_found(store, opened, scenario.EXPECTED))
        assert _found(store, scenario.EXPECTED) == scenario.EXPECTED
        views = {v.candidate.name: v for v in candidate_views(store, case=scenario.CASE)}
        # Each carries its reason.
        assert "nouvelle adresse" in views["abri-nocturne.org"].candidate.detail
        assert "favicon" in views["phare-ancien.com"].candidate.detail
        assert scenario.ANALYTICS in views["phare-bleu.com"].candidate.detail
        assert "salon-lumiere.gg" in views["phare-bleu.com"].candidate.detail
        assert views["phare-discret.com"].candidate.detail == (
            f"shares its name servers {', '.join(scenario.NAMESERVERS)} with salon-lumiere.gg (case lumiere)"
        )
        discret = store.latest_capture(scenario.OTHER_CASE, "phare-discret.com")
        assert discret is not None and discret.dns.nameservers == scenario.NAMESERVERS
        assert "salon-lumiere.fr redirects" in views["lanterne-sombre.xyz"].candidate.detail
        # The mirrors are judged mirrors and listed (the case allows it); history shows the probe.
        assert views["salon-lumiere.gg"].verdict is not None
        assert views["salon-lumiere.gg"].verdict.label == "mirror"
        assert [c.state for c in views["salon-lumiere.gg"].changes][:2] == ["resolving", "live"]
        assert "salon-lumiere.gg" in {listing.name for listing in store.listings()}
        # Nothing is left claimed once the monitor has stopped.
        assert store.candidates(state="resolving") == []


async def _every_channel(store: Store, settings: Settings, folder: Path) -> None:
    zones = folder / "zones"
    zones.mkdir()
    scenario.zone_file(zones, date=20261122, names=["unrelated-shop.club"])
    async with scenario.tiled_log(folder, names=[scenario.TILED_CT]) as log_list:
        # Typos make the sweep 13,000 names: in partitions of 1,024 the first finds come sooner, and a
        # longer DNS timeout keeps a loaded machine from losing lookups (the sweep does not retry them).
        wider = settings.model_copy(
            update={
                "permute": settings.permute.model_copy(update={"typos": True}),
                "probe": settings.probe.model_copy(update={"timeout": 10.0}),
                "engine": settings.engine.model_copy(update={"partition_names": 1024}),
                "ct": settings.ct.model_copy(update={"log_list": str(log_list)}),
                "zones": ZoneSettings(watch=[str(zones)]),
            }
        )
        expected = {**scenario.EXPECTED, **scenario.WIDER}
        await _run_until_found(store, wider, expected, zones=zones, deadline=WIDER_DEADLINE_SECONDS)


def test_the_wider_channels_find_theirs_too(opened: Settings, tmp_path: Path) -> None:
    """Affix with another TLD and a look-alike letter (the sweep), a tiled CT log, a zone diff."""
    expected = {**scenario.EXPECTED, **scenario.WIDER}
    with Store.open(opened.database_url) as store:
        asyncio.run(_every_channel(store, opened, tmp_path))
        assert _found(store, expected) == expected
        details = {c.name: c.detail for c in store.candidates(scenario.CASE)}
        assert "affix '-fr', with .net" in details[scenario.AFFIX]
        assert "look-alike 'è'" in details[scenario.HOMOGLYPH_A_LABEL]
        assert details[scenario.TILED_CT].startswith("certificate in http://127.0.0.1:")
        assert "/tiles/ entry 0" in details[scenario.TILED_CT]
        assert details[scenario.ZONE].startswith("new in club-20261123.zone (not in club-20261122.zone)")
        assert "unrelated-shop.club" not in details
        for name in scenario.WIDER:
            verdict = store.latest_verdict(scenario.CASE, name)
            assert verdict is not None and verdict.label == "mirror", name


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


def test_a_bad_log_list_is_refused_at_start(opened: Settings, tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text('{"operators": "none"}', encoding="utf-8")
    broken = opened.model_copy(
        update={"ct": opened.ct.model_copy(update={"log_list": str(tmp_path / "list.json")})}
    )
    with Store.open(opened.database_url) as store, pytest.raises(ConfigError, match="has no operators"):
        asyncio.run(monitor(store=store, settings=broken, stop=asyncio.Event()))
