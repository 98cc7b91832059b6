"""The one-channel-per-mirror lab, its settings and a store with both cases opened."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import monitor_scenario as scenario
import pytest

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import open_case
from mirrorhunt.lab import LabThread
from mirrorhunt.store import Store

PACE = {
    "ct_every": 0.2,
    "queue_every": 0.2,
    "zones_every": 0.2,
    "reprobe_every": 1.0,
    "reprobe_gone_every": 5.0,
}


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[LabThread]:
    with LabThread(sites=scenario.build(tmp_path / "sites"), workdir=tmp_path / "lab") as running:
        yield running


@pytest.fixture
def settings(lab: LabThread, tmp_path: Path) -> Settings:
    return Settings.model_validate(
        {
            **lab.settings_overrides(),
            "database_url": f"sqlite:///{tmp_path / 'monitor.db'}",
            "evidence_dir": str(tmp_path / "evidence"),
            "permute": {"typos": False},
            "probe": {**lab.settings_overrides()["probe"], "timeout": 5.0},
            "monitor": PACE,
        }
    )


@pytest.fixture
def opened(settings: Settings, tmp_path: Path) -> Settings:
    """Both cases opened in the settings' store."""
    page, icon = scenario.seized_reference(tmp_path)
    with Store.open(settings.database_url) as store:
        asyncio.run(
            open_case(store=store, settings=settings, name=scenario.CASE, url=f"https://{scenario.SEIZED_NAME}/",
                      reference=page, favicon=icon, keywords=["lumiere"], auto_list=True)
        )  # fmt: skip
        asyncio.run(
            open_case(store=store, settings=settings, name=scenario.OTHER_CASE, url="https://phare-club.fr/",
                      reference=scenario.other_reference(tmp_path), keywords=["phare"])
        )  # fmt: skip
    return settings
