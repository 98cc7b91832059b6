"""The evidence tests' lab: a live site (salon.gg) and a seized platform still online (seized.fr)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mirrorhunt.config import Settings, load_settings
from mirrorhunt.lab import Lab, SiteSpec

PAGES = {"salon.gg": "Salon", "seized.fr": "Seized"}


@pytest.fixture
async def lab(tmp_path: Path) -> AsyncIterator[Lab]:
    sites = []
    for name, title in PAGES.items():
        folder = tmp_path / "sites" / name
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(
            f"<html><head><title>{title}</title></head><body>Salon</body></html>"
        )
        (folder / "favicon.ico").write_bytes(b"\x00\x00\x01\x00icon")
        sites.append(SiteSpec(name=name, files=folder))
    async with Lab(sites=sites, workdir=tmp_path / "lab") as running:
        yield running


@pytest.fixture
def settings(lab: Lab, tmp_path: Path) -> Settings:
    overrides = {**lab.settings_overrides(), "database_url": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    return load_settings(config_file=None, environ={}, overrides=overrides)
