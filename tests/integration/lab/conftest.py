"""A running lab with two small sites, made in tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mirrorhunt.lab import Lab, SiteSpec


def make_site(folder: Path, title: str) -> Path:
    (folder / "js").mkdir(parents=True)
    (folder / "index.html").write_text(
        f"<html><head><title>{title}</title></head><body>{title}</body></html>"
    )
    (folder / "favicon.ico").write_bytes(b"\x00\x00\x01\x00" + title.encode())
    (folder / "js" / "app.js").write_text(f"console.log({title!r});")
    (folder / "style.css").write_text("body { color: black; }")
    return folder


@pytest.fixture
def site_folders(tmp_path: Path) -> tuple[Path, Path]:
    return make_site(tmp_path / "salon", "Salon"), make_site(tmp_path / "club", "Club")


@pytest.fixture
async def lab(tmp_path: Path, site_folders: tuple[Path, Path]) -> AsyncIterator[Lab]:
    salon, club = site_folders
    sites = [
        SiteSpec(name="salon.gg", files=salon, address="127.0.10.21"),
        SiteSpec(name="club.example", files=club, address="127.0.10.22", tls=False),
        SiteSpec(name="old-salon.fr", redirect="https://salon.gg/"),
    ]
    async with Lab(sites=sites, workdir=tmp_path / "lab") as running:
        yield running
