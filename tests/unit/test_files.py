"""Files replaced whole, readable by the consumers they are for."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mirrorhunt.errors import InvalidInput
from mirrorhunt.files import write_atomically


def test_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out" / "zone.rpz"
    write_atomically(path, "old\n")
    write_atomically(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in path.parent.iterdir()] == ["zone.rpz"]


def test_exports_are_readable_by_others_and_secrets_are_not(tmp_path: Path) -> None:
    write_atomically(tmp_path / "zone.rpz", "x")
    write_atomically(tmp_path / "secret.key", "x", mode=0o600)
    assert stat.S_IMODE((tmp_path / "zone.rpz").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInput, match="cannot write"):
        write_atomically(tmp_path / "file" / "below", "x")
