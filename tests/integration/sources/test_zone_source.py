"""Newly registered names: watched folders diffed file by file with positions in the store, and
`mirrorhunt zonediff` as users run it."""

from __future__ import annotations

import asyncio
import gzip
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mirrorhunt.clock import SystemClock
from mirrorhunt.engine.zone_source import ZonePass, read_zone_folders
from mirrorhunt.model import Candidate, Case
from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex
from mirrorhunt.store import Store

NOW = datetime(2026, 11, 23, tzinfo=UTC)
CASES = (
    Case(name="lumiere", url="https://salon-lumiere.fr/", keywords=("lumiere",), created_at=NOW),
    Case(name="phares", url="https://phare-club.fr/", keywords=("phare",), created_at=NOW),
)


def zone(path: Path, names: list[str], *, extra: str = "") -> Path:
    text = "$ORIGIN fr.\n$TTL 3600\n@ 3600 IN SOA a. b. 1 2 3 4 5\n" + extra
    text += "".join(f"{name}. 86400 IN NS ns1.host.net.\n" for name in names)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _opened(store_url: str) -> Store:
    store = Store.open(store_url)
    for case in CASES:
        store.add_case(case)
    return store


def _pass(store: Store, folder: Path) -> ZonePass:
    def add(candidate: Candidate) -> bool:
        return store.add_candidate(candidate)

    index = WatchIndex(WatchRules.of(case) for case in CASES)
    return asyncio.run(
        read_zone_folders(
            [str(folder)], index=index, store=store, clock=SystemClock(), add=add, stop=asyncio.Event()
        )
    )


def test_each_new_file_is_diffed_once_with_the_one_before(store_url: str, tmp_path: Path) -> None:
    watched = tmp_path / "zones"
    watched.mkdir()
    zone(watched / "fr-20261120.zone", ["old-lumiere.fr", "a.fr"])
    zone(watched / "fr-20261121.zone", ["old-lumiere.fr", "a.fr", "lumiere-nuit.fr", "b.fr"])
    with _opened(store_url) as store:
        first = _pass(store, watched)
        assert (first.files, first.added, first.warnings) == (1, 2, [])
        assert [(c.case, c.name) for c in first.found] == [("lumiere", "lumiere-nuit.fr")]
        found = store.get_candidate("lumiere", "lumiere-nuit.fr")
        assert found.source == "zone"
        assert found.detail.startswith("new in fr-20261121.zone (not in fr-20261120.zone): ")
        assert "old-lumiere.fr" not in {c.name for c in store.candidates("lumiere")}

        assert _pass(store, watched).files == 0, "a file is processed once"

        zone(watched / "fr-20261122.zone.gz", ["a.fr", "b.fr", "lumiere-nuit.fr", "phare-neuf.fr"])
        (watched / "newly-20261122.txt").write_text("lumiere-liste.net\nbroken line here\nz.net\n")
        later = _pass(store, watched)
        assert later.files == 2 and later.added == 3
        assert {(c.case, c.name) for c in later.found} == {
            ("phares", "phare-neuf.fr"),
            ("lumiere", "lumiere-liste.net"),
        }
        assert store.get_candidate("lumiere", "lumiere-liste.net").detail.startswith(
            "listed in newly-20261122.txt: "
        )
        assert store.get_position(f"zone:{watched}:fr") == 20261122


def test_a_broken_file_is_a_warning_and_its_series_waits(store_url: str, tmp_path: Path) -> None:
    watched = tmp_path / "zones"
    watched.mkdir()
    zone(watched / "fr-20261120.zone", ["a.fr"])
    with _opened(store_url) as store:
        assert _pass(store, watched).files == 1  # the first file of a series has nothing to diff with
        whole = gzip.compress(b"a.fr. 1 IN NS ns.\nlumiere-coupe.fr. 1 IN NS ns.\n" * 50)
        (watched / "fr-20261121.zone.gz").write_bytes(whole[: len(whole) // 2])
        broken = _pass(store, watched)
        assert broken.files == 0 and broken.found == []
        assert len(broken.warnings) == 1 and "cannot be read to its end" in broken.warnings[0]
        assert store.get_position(f"zone:{watched}:fr") == 20261120
        (watched / "fr-20261121.zone.gz").write_bytes(whole)
        mended = _pass(store, watched)
        assert [c.name for c in mended.found] == ["lumiere-coupe.fr"]
        assert store.get_position(f"zone:{watched}:fr") == 20261121
        missing = _pass(store, tmp_path / "absent")
        assert "cannot read the zone folder" in missing.warnings[0]


def mirrorhunt(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mirrorhunt", "--database-url", f"sqlite:///{cwd / 'm.db'}", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_zonediff_command_proposes_the_matches(tmp_path: Path) -> None:
    _opened(f"sqlite:///{tmp_path / 'm.db'}").close()
    old = zone(tmp_path / "fr-20261120.zone.gz", ["a.fr", "b.fr"])
    new = zone(
        tmp_path / "fr-20261121.zone",
        ["a.fr", "lumiere-nuit.fr", "phare-neuf.fr", "c.fr"],
        extra=f"broken\n{'x' * 9000}.fr. 1 IN NS ns.\n",
    )
    done = mirrorhunt("zonediff", str(old), str(new), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "lumiere-nuit.fr (lumiere): new in fr-20261121.zone (not in fr-20261120.zone.gz)" in done.stdout
    assert "3 names added, 2 match a case, 2 new candidates" in done.stdout
    assert f"{new}: 2 of" in done.stderr and "lines skipped" in done.stderr
    again = mirrorhunt("zonediff", str(old), str(new), "--case", "phares", cwd=tmp_path)
    assert "3 names added, 1 match a case, 0 new candidates" in again.stdout, again.stderr
    with Store.open(f"sqlite:///{tmp_path / 'm.db'}") as store:
        assert store.get_candidate("phares", "phare-neuf.fr").source == "zone"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["zonediff", "absent.zone", "absent2.zone"], "cannot read"),
        (["zonediff", "a.zone", "a.zone", "--case", "nope"], "nope"),
    ],
)
def test_the_zonediff_command_refuses_bad_input(args: list[str], message: str, tmp_path: Path) -> None:
    _opened(f"sqlite:///{tmp_path / 'm.db'}").close()
    zone(tmp_path / "a.zone", ["a.fr"])
    done = mirrorhunt(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("error:") and message in done.stderr
