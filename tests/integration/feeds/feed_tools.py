"""What the feed tests share: Debian's minisign (a missing tool fails the test) and a store with listings."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mirrorhunt.model import Case, Listing
from mirrorhunt.store import Store

AT = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


def minisign_verify(public_key: Path, file: Path, signature: Path) -> subprocess.CompletedProcess[str]:
    """``minisign -V -H`` (prehashed signatures only) of ``file`` against ``signature``."""
    tool = shutil.which("minisign")
    if tool is None:
        pytest.fail("minisign is missing: apt-get install minisign (scripts/setup --test)", pytrace=False)
    command = [tool, "-V", "-H", "-p", str(public_key), "-m", str(file), "-x", str(signature)]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def listed_store(url: str, names: list[str]) -> Store:
    """A store holding one case and ``names`` listed for it."""
    store = Store.open(url)
    store.add_case(
        Case(name="salon", url="https://salon-lumiere.fr/", created_at=AT, expires=date(2027, 6, 30))
    )
    for name in names:
        store.add_listing(
            Listing(
                name=name,
                case="salon",
                reason="mirror",
                decided_by="test",
                since=AT,
                expires=date(2027, 6, 30),
            )
        )
    return store
