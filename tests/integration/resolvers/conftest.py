"""A lab with one site, a store and the mirrorhunt primary, for real resolvers to consume."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from resolver_processes import ADDRESS, SITE, MissingBinary, binary

from mirrorhunt.lab import Lab, SiteSpec
from mirrorhunt.model import Case
from mirrorhunt.store import Store


@pytest.fixture
def binaries() -> None:
    """Fail, never skip, when Unbound or BIND is missing."""
    try:
        for name in ("unbound", "named"):
            binary(name)
    except MissingBinary as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
async def lab(tmp_path: Path) -> AsyncIterator[Lab]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><title>Salon</title></html>")
    async with Lab(
        sites=[SiteSpec(name=SITE, files=site, address=ADDRESS)], workdir=tmp_path / "lab"
    ) as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'mirrorhunt.db'}") as opened:
        opened.add_case(Case(name="salon", url=f"https://{SITE}/", created_at=datetime.now(UTC)))
        yield opened
