"""The log as static files, in the layout of c2sp.org/tlog-tiles: hash tiles and entry bundles.

A tile holds up to 256 hashes of one level: level 0 the leaf hashes, level L the roots of complete
subtrees of 256**L leaves. ``tile/<L>/<N>`` is a full tile, ``tile/<L>/<N>.p/<W>`` the first ``W``
hashes of one not yet full. ``tile/entries/<N>`` holds the entries of the level-0 tile ``N``, each
as a big-endian 2-byte length and the entry. Paths are written as ``sources.tiles.tile_path``, the
reader of tiled CT logs, writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from mirrorhunt import merkle
from mirrorhunt.sources.tiles import TILE_WIDTH, tile_path

CHECKPOINT_FILE = "checkpoint"
"""The signed checkpoint, at the top of the layout."""

MAX_ENTRY = 0xFFFF
"""The largest entry a bundle can hold."""

_REQUEST = re.compile(r"(?P<level>entries|\d)/(?P<index>(?:x\d{3}/)*\d{3})(?:\.p/(?P<width>[1-9]\d{0,2}))?")


@dataclass(frozen=True, slots=True)
class Tile:
    """One file under ``tile/``: a hash tile of ``level``, or the entry bundle when ``level`` is None."""

    level: int | None
    index: int
    width: int

    @property
    def path(self) -> str:
        level = "entries" if self.level is None else self.level
        return f"tile/{tile_path(level, self.index, self.width)}"


def parse_tile(path: str) -> Tile | None:
    """The tile ``tile/<path>`` names; None when the path is not a tile path."""
    found = _REQUEST.fullmatch(path)
    if found is None:
        return None
    width = int(found["width"] or TILE_WIDTH)
    if width > TILE_WIDTH or (found["width"] and width == TILE_WIDTH):
        return None
    level = None if found["level"] == "entries" else int(found["level"])
    return Tile(level, int(found["index"].replace("x", "").replace("/", "")), width)


def tiles_of(size: int) -> Iterator[Tile]:
    """Every file of the layout of a tree of ``size`` leaves: entry bundles, then hash tiles by level."""
    count, level = size, 0
    while count:
        for index in range(-(-count // TILE_WIDTH)):
            width = min(TILE_WIDTH, count - index * TILE_WIDTH)
            if level == 0:
                yield Tile(None, index, width)
            yield Tile(level, index, width)
        count //= TILE_WIDTH
        level += 1


def covers(tile: Tile, size: int) -> bool:
    """Whether the tree of ``size`` leaves has every hash (or entry) the tile holds."""
    span: int = TILE_WIDTH ** (tile.level or 0)
    return (tile.index * TILE_WIDTH + tile.width) * span <= size


def hash_tile(tile: Tile, leaf_hashes: Sequence[bytes]) -> bytes:
    """The content of hash tile ``tile``, from the leaf hashes it covers."""
    if tile.level is None:
        raise ValueError("an entry bundle is not a hash tile")
    span: int = TILE_WIDTH**tile.level
    first = tile.index * TILE_WIDTH
    return b"".join(
        merkle.root_hash(leaf_hashes[(first + i) * span : (first + i + 1) * span]) for i in range(tile.width)
    )


def bundle(entries: Sequence[bytes]) -> bytes:
    """An entry bundle: each entry after its length as two big-endian bytes."""
    parts = []
    for entry in entries:
        if len(entry) > MAX_ENTRY:
            raise ValueError(f"an entry of {len(entry)} bytes is too large for an entry bundle")
        parts.append(len(entry).to_bytes(2, "big") + entry)
    return b"".join(parts)


def unbundle(data: bytes) -> list[bytes]:
    """The entries of a bundle; ``ValueError`` when the bundle is cut short."""
    entries, offset = [], 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise ValueError("the entry bundle ends inside a length")
        length = int.from_bytes(data[offset : offset + 2], "big")
        offset += 2
        if offset + length > len(data):
            raise ValueError("the entry bundle ends inside an entry")
        entries.append(data[offset : offset + length])
        offset += length
    return entries
