"""Following a tiled CT log (c2sp.org/static-ct-api): checkpoint, Merkle tiles and data tiles.

``TiledFollower`` has the same face as ``CtFollower`` (``head``, ``consistent``, ``batch``). Every
entry of a data tile is checked against the leaf hashes of its level-0 tile; the checkpoint's root
and any earlier root are recomputed from the tiles, which is what proves the log consistent.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import aiohttp

from mirrorhunt import merkle
from mirrorhunt.errors import InvalidInput, SourceError
from mirrorhunt.sources.ct import CtEntry, names_of_certificate
from mirrorhunt.sources.ct_leaf import TileLeaf, parse_tile_leaves
from mirrorhunt.sources.cthttp import fetch
from mirrorhunt.sources.treehead import TreeHead, parse_checkpoint

log = logging.getLogger(__name__)

TILE_WIDTH = 256
_HASH = 32


def tile_path(level: int | str, index: int, width: int = TILE_WIDTH) -> str:
    """``<L>/<N>[.p/<W>]`` with ``N`` cut into 3-digit elements, all but the last after an ``x``."""
    digits = f"{index:03d}"
    digits = "0" * (-len(digits) % 3) + digits
    parts = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    path = "/".join([*(f"x{part}" for part in parts[:-1]), parts[-1]])
    return f"{level}/{path}" + ("" if width == TILE_WIDTH else f".p/{width}")


def _tile_width(index: int, count: int) -> int:
    """Width of tile ``index`` of a level that holds ``count`` hashes."""
    return min(TILE_WIDTH, count - index * TILE_WIDTH)


class TiledFollower:
    """Reads one tiled log through a session the caller owns."""

    def __init__(
        self,
        *,
        monitoring_url: str,
        session: aiohttp.ClientSession,
        key: bytes | None = None,
        timeout: float = 30.0,
        max_wait: float = 120.0,
    ) -> None:
        self.url = monitoring_url.rstrip("/") + "/"
        self._session = session
        self._key = key
        self._timeout = timeout
        self._max_wait = max_wait
        self._full_tiles: dict[tuple[int, int], bytes] = {}
        self._head: TreeHead | None = None

    async def head(self) -> TreeHead:
        """The current checkpoint, its signature checked when the key is known and its root
        recomputed from the Merkle tiles."""
        head = parse_checkpoint(
            (await self._get("checkpoint")).decode("utf-8", "replace"), key_der=self._key, url=self.url
        )
        if await self._root(head.size, tree_size=head.size) != head.root:
            raise SourceError(f"CT log {self.url}: the tiles do not hash to the checkpoint's root")
        self._head = head
        return head

    async def tree_size(self) -> int:
        return (await self.head()).size

    async def consistent(self, old: TreeHead, new: TreeHead) -> bool:
        """True if the tree ``new`` (whose tiles are served now) has ``old`` as a prefix."""
        if old.size > new.size:
            return False
        return await self._root(old.size, tree_size=new.size) == old.root

    async def batch(self, start: int, end: int) -> tuple[list[CtEntry], int]:
        """The entries of ``[start, end)`` that share ``start``'s data tile, and the index after them.

        Entries are checked against the level-0 tile; one that does not match is a ``SourceError``
        (nothing of that tile is returned); a certificate that does not parse is skipped and logged.
        """
        size = self._head.size if self._head is not None else (await self.head()).size
        if not 0 <= start < end <= size:
            raise InvalidInput(f"CT entries range [{start}, {end}) is empty or outside the tree of {size}")
        index, offset = divmod(start, TILE_WIDTH)
        width = _tile_width(index, size)
        leaves = parse_tile_leaves(await self._get(f"tile/data/{tile_path(0, index, width)[2:]}"))
        hashes = await self._tile(0, index, width)
        if len(leaves) != width:
            raise SourceError(
                f"CT log {self.url}: data tile {index} holds {len(leaves)} entries, not {width}"
            )
        stop = min(end - index * TILE_WIDTH, width)
        found = []
        for i in range(offset, stop):
            if merkle.hash_leaf(leaves[i].merkle_tree_leaf) != hashes[i * _HASH : (i + 1) * _HASH]:
                raise SourceError(
                    f"CT log {self.url}: entry {index * TILE_WIDTH + i} is not in its Merkle tile"
                )
            entry = self._decode(index * TILE_WIDTH + i, leaves[i])
            if entry is not None:
                found.append(entry)
        return found, index * TILE_WIDTH + stop

    def _decode(self, position: int, leaf: TileLeaf) -> CtEntry | None:
        try:
            names = names_of_certificate(leaf.certificate)
        except SourceError as exc:
            log.warning("CT log %s entry %d skipped: %s", self.url, position, exc.message)
            return None
        timestamp = datetime.fromtimestamp(leaf.timestamp_ms / 1000, UTC)
        return CtEntry(index=position, timestamp=timestamp, names=names, der=leaf.certificate)

    async def _root(self, size: int, *, tree_size: int) -> bytes:
        """The Merkle Tree Hash of the first ``size`` leaves, from the tiles of a tree of ``tree_size``."""
        if size == 0:
            return merkle.EMPTY_ROOT
        start, parts = 0, []
        while start < size:  # the left-to-right complete subtrees that make up the tree
            span = 1 << ((size - start).bit_length() - 1)
            parts.append(await self._subtree(start, span, tree_size=tree_size))
            start += span
        root = parts.pop()
        while parts:
            root = merkle.hash_children(parts.pop(), root)
        return root

    async def _subtree(self, start: int, span: int, *, tree_size: int) -> bytes:
        """The hash of the complete subtree of ``span`` leaves (a power of two) from ``start``."""
        level = 0
        while TILE_WIDTH ** (level + 1) <= span:
            level += 1
        unit = TILE_WIDTH**level
        first, count = start // unit, span // unit
        index, offset = divmod(first, TILE_WIDTH)
        hashes = await self._tile(level, index, _tile_width(index, tree_size // unit))
        chosen = [hashes[(offset + i) * _HASH : (offset + i + 1) * _HASH] for i in range(count)]
        return merkle.root_hash(chosen)

    async def _tile(self, level: int, index: int, width: int) -> bytes:
        cached = self._full_tiles.get((level, index))
        if cached is not None:
            return cached[: width * _HASH]
        body = await self._get(f"tile/{tile_path(level, index, width)}")
        if len(body) != width * _HASH:
            raise SourceError(
                f"CT log {self.url}: tile {level}/{index} is {len(body)} bytes, not {width * _HASH}"
            )
        if width == TILE_WIDTH and level > 0:  # few, and immutable; level 0 tiles are read once
            self._full_tiles[(level, index)] = body
        return body

    async def _get(self, path: str) -> bytes:
        status, body = await fetch(
            self._session, f"{self.url}{path}", request_timeout=self._timeout, max_wait=self._max_wait
        )
        if status != 200:
            raise SourceError(
                f"CT log {self.url} refused {path}: HTTP {status}",
                hint="check the log list: monitoring_url must be the prefix of a static-ct-api log",
            )
        return body
