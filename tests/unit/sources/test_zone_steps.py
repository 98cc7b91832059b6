"""Which files of a watched zone folder are due, and what each is diffed with."""

from __future__ import annotations

from pathlib import Path

import pytest

from mirrorhunt.engine.zone_source import ZoneFile, due_steps, zone_files
from mirrorhunt.errors import InvalidInput


def _touch(folder: Path, *names: str) -> None:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text("x.fr. 3600 IN NS ns.x.fr.\n")


def _dates(steps: list[tuple[ZoneFile | None, ZoneFile]]) -> list[tuple[int | None, int]]:
    return [(None if before is None else before.date, after.date) for before, after in steps]


def test_files_are_grouped_by_series_and_dated(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "fr-20261121.zone",
        "fr-20261120.zone.gz",
        "fr-20261121.zone.gz",  # the same day twice counts once
        "gg-20261121.zone",
        "newly-20261121.txt",
        "notes.txt",
        "fr-2026112.zone",
        "fr-20261122.zone.part",
    )
    (tmp_path / "fr-20261123.zone").mkdir()
    found = zone_files(tmp_path)
    assert [(f.zone, f.date, f.listing) for f in found] == [
        ("fr", 20261120, False),
        ("fr", 20261121, False),
        ("gg", 20261121, False),
        ("newly", 20261121, True),
    ]
    assert found[1].path.name == "fr-20261121.zone"
    assert found[0].series == f"zone:{tmp_path}:fr"
    assert found[3].series == f"zone:{tmp_path}:newly.txt"


def test_a_missing_folder_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read the zone folder"):
        zone_files(tmp_path / "absent")


def test_a_new_series_starts_at_its_newest_file_and_a_known_one_after_its_position(tmp_path: Path) -> None:
    _touch(tmp_path, *(f"fr-2026112{d}.zone" for d in range(4)), "gg-20261122.zone", "newly-20261121.txt")
    _touch(tmp_path, "newly-20261122.txt")
    files = zone_files(tmp_path)
    fr, gg, newly = (f"zone:{tmp_path}:{s}" for s in ("fr", "gg", "newly.txt"))

    def steps(done: dict[str, int]) -> dict[str, list[tuple[int | None, int]]]:
        found: dict[str, list[tuple[int | None, int]]] = {}
        for step in due_steps(files, done=done):
            found.setdefault(step.file.series, []).extend(_dates([(step.previous, step.file)]))
        return found

    first = steps({})
    assert first == {fr: [(20261122, 20261123)], gg: [(None, 20261122)], newly: [(None, 20261122)]}
    later = steps({fr: 20261120, gg: 20261122, newly: 20261120})
    assert later == {
        fr: [(20261120, 20261121), (20261121, 20261122), (20261122, 20261123)],
        newly: [(None, 20261121), (None, 20261122)],
    }
    assert steps({fr: 20261123, gg: 20261122, newly: 20261122}) == {}
