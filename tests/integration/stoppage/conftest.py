"""A lab serving the listed site and the stop page's name; the resolver helpers of
tests/integration/resolvers (real Unbound started from the project's configs) are shared."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "resolvers"))

from stoppage_lab import SITE, SITE_ADDRESS, STOP, STOP_ADDRESS

from mirrorhunt.lab import Lab, SiteSpec


@pytest.fixture
async def lab(tmp_path: Path) -> AsyncIterator[Lab]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><title>Salon</title></html>")
    sites = [
        SiteSpec(name=SITE, files=site, address=SITE_ADDRESS),
        SiteSpec(name=STOP, files=site, address=STOP_ADDRESS, tls=False),
    ]
    async with Lab(sites=sites, workdir=tmp_path / "lab") as running:
        yield running
