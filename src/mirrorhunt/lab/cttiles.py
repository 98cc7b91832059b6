"""The lab CT log as a tiled log (c2sp.org/static-ct-api): checkpoint, Merkle tiles, data tiles, issuers.

The same Merkle tree as the RFC 6962 face, served under a prefix of the same HTTP server:
``<prefix>/checkpoint`` (a signed note), ``<prefix>/tile/<L>/<N>[.p/<W>]``,
``<prefix>/tile/data/<N>[.p/<W>]`` and ``<prefix>/issuer/<hex>``. The lab serves a partial tile of
any width the tree already covers.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from typing import TYPE_CHECKING

from aiohttp import web

from mirrorhunt import merkle
from mirrorhunt.sources.ct_leaf import encode_tile_leaf
from mirrorhunt.sources.tiles import TILE_WIDTH

if TYPE_CHECKING:
    from mirrorhunt.lab.ctlog import CtLog

_NOTE_SIGNATURE_TYPE = b"\x05"


def _parse_tile_path(tail: str) -> tuple[str, int, int]:
    """(level or "data", index, width) of ``<L>/<N>[.p/<W>]``; ``ValueError`` if malformed."""
    parts = tail.split("/")
    width = TILE_WIDTH
    if len(parts) >= 3 and parts[-2].endswith(".p"):
        if not parts[-1].isdigit() or parts[-1].startswith("0"):
            raise ValueError("bad width")
        width = int(parts[-1])
        parts = [*parts[:-2], parts[-2][:-2]]
    level, elements = parts[0], parts[1:]
    if not elements or not 1 <= width <= TILE_WIDTH or not (level == "data" or level in "012345"):
        raise ValueError("bad tile path")
    digits = ""
    for i, element in enumerate(elements):
        last = i == len(elements) - 1
        body = element if last else element.removeprefix("x")
        if (not last and not element.startswith("x")) or len(body) != 3 or not body.isdigit():
            raise ValueError("bad tile index")
        digits += body
    return level, int(digits), width


def tile_hashes(log: CtLog, *, level: int, index: int, width: int) -> bytes | None:
    """The hashes of a tile at ``level`` (each the root of 256**level leaves); None past the tree."""
    span = TILE_WIDTH**level
    first = index * TILE_WIDTH
    if (first + width) * span > len(log.leaf_hashes):
        return None
    if level == 0:
        return b"".join(log.leaf_hashes[first : first + width])
    return b"".join(
        merkle.root_hash(log.leaf_hashes[(first + i) * span : (first + i + 1) * span]) for i in range(width)
    )


def data_tile(log: CtLog, *, index: int, width: int) -> bytes | None:
    """The ``TileLeaf`` records of entries ``index*256 …``; None past the tree."""
    first = index * TILE_WIDTH
    if first + width > len(log.entries):
        return None
    return b"".join(
        encode_tile_leaf(entry.leaf_input, chain=[hashlib.sha256(issuer).digest() for issuer in entry.chain])
        for entry in log.entries[first : first + width]
    )


def checkpoint(log: CtLog, *, origin: str, timestamp: int) -> str:
    """The signed note of the current tree: origin, size, root, and an RFC 6962 note signature."""
    size = len(log.leaf_hashes)
    body = f"{origin}\n{size}\n{base64.b64encode(log.root_hash(size)).decode()}\n"
    key_id = hashlib.sha256(origin.encode() + b"\n" + _NOTE_SIGNATURE_TYPE + log.log_id).digest()[:4]
    signature = struct.pack(">Q", timestamp) + log.tree_head_signature(tree_size=size, timestamp=timestamp)
    return f"{body}\n\u2014 {origin} {base64.b64encode(key_id + signature).decode()}\n"


def add_tile_routes(app: web.Application, log: CtLog, *, prefix: str) -> None:
    """Serve ``log`` as a tiled log under ``prefix`` of ``app``."""

    async def get_checkpoint(request: web.Request) -> web.Response:
        origin = f"{request.host}{prefix}"
        text = checkpoint(log, origin=origin, timestamp=int(log.clock.now().timestamp() * 1000))
        return web.Response(text=text, content_type="text/plain", headers={"Cache-Control": "no-store"})

    async def get_tile(request: web.Request) -> web.Response:
        try:
            level, index, width = _parse_tile_path(request.match_info["tail"])
        except ValueError:
            return web.Response(status=400, text="malformed tile path")
        if level == "data":
            body = data_tile(log, index=index, width=width)
        else:
            body = tile_hashes(log, level=int(level), index=index, width=width)
        if body is None:
            return web.Response(status=404, text="no such tile yet")
        response = web.Response(body=body, content_type="application/octet-stream")
        if level == "data":
            response.enable_compression()
        return response

    async def get_issuer(request: web.Request) -> web.Response:
        try:
            issuer = log.issuers.get(bytes.fromhex(request.match_info["fingerprint"]))
        except ValueError:
            issuer = None
        if issuer is None:
            return web.Response(status=404, text="no such issuer")
        return web.Response(body=issuer, content_type="application/pkix-cert")

    app.router.add_get(f"{prefix}/checkpoint", get_checkpoint)
    app.router.add_get(f"{prefix}/tile/{{tail:.+}}", get_tile)
    app.router.add_get(f"{prefix}/issuer/{{fingerprint}}", get_issuer)
