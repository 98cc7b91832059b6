"""The tlog-tiles layout: paths, which tiles a tree has, hash tiles and entry bundles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt import merkle
from mirrorhunt.audit.tiles import Tile, bundle, covers, hash_tile, parse_tile, tiles_of, unbundle


def test_paths_follow_the_spec() -> None:
    assert Tile(0, 0, 256).path == "tile/0/000"
    assert Tile(None, 1234067, 256).path == "tile/entries/x001/x234/067"
    assert Tile(1, 2, 7).path == "tile/1/002.p/7"


@pytest.mark.parametrize(
    ("path", "tile"),
    [
        ("0/000", Tile(0, 0, 256)),
        ("entries/x001/x234/067.p/8", Tile(None, 1234067, 8)),
        ("2/001.p/255", Tile(2, 1, 255)),
        ("0/00", None),
        ("0/000.p/256", None),
        ("0/000.p/0", None),
        ("0/1234", None),
        ("data/000", None),
        ("0/001/002", None),
    ],
)
def test_paths_parse_back(path: str, tile: Tile | None) -> None:
    assert parse_tile(path) == tile


def test_a_tree_of_70000_leaves_has_these_files() -> None:
    files = [tile.path for tile in tiles_of(70_000)]
    assert files[:2] == ["tile/entries/000", "tile/0/000"]
    assert "tile/entries/273.p/112" in files and "tile/0/273.p/112" in files
    assert "tile/1/000" in files and "tile/1/001.p/17" in files and "tile/2/000.p/1" in files
    assert len(files) == 274 * 2 + 2 + 1
    assert list(tiles_of(0)) == []


def test_covers() -> None:
    assert covers(Tile(0, 0, 5), 5) and not covers(Tile(0, 0, 6), 5)
    assert covers(Tile(1, 0, 1), 256) and not covers(Tile(1, 0, 1), 255)


def test_hash_tiles_hold_the_roots_of_complete_subtrees() -> None:
    hashes = [merkle.hash_leaf(str(i).encode()) for i in range(600)]
    assert hash_tile(Tile(0, 2, 88), hashes) == b"".join(hashes[512:600])
    assert hash_tile(Tile(1, 0, 2), hashes) == merkle.root_hash(hashes[:256]) + merkle.root_hash(
        hashes[256:512]
    )
    with pytest.raises(ValueError):
        hash_tile(Tile(None, 0, 2), hashes)


@given(st.lists(st.binary(max_size=300), max_size=20))
def test_bundles_round_trip(entries: list[bytes]) -> None:
    assert unbundle(bundle(entries)) == entries


def test_bad_bundles() -> None:
    with pytest.raises(ValueError, match="too large"):
        bundle([bytes(70_000)])
    with pytest.raises(ValueError, match="inside an entry"):
        unbundle(b"\x00\x05abc")
    with pytest.raises(ValueError, match="inside a length"):
        unbundle(b"\x00\x01a\x00")
