"""The log over HTTP: the latest checkpoint, entries, inclusion and consistency proofs, and the
published layout (c2sp.org/tlog-tiles) under ``/audit/log/``. Hashes in JSON are hexadecimal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Query, Response

from mirrorhunt.audit.keys import configured_signer
from mirrorhunt.audit.log import AuditLog, InclusionProof
from mirrorhunt.audit.published import VKEY_FILE
from mirrorhunt.audit.tiles import CHECKPOINT_FILE, parse_tile
from mirrorhunt.config import Settings
from mirrorhunt.errors import InvalidInput, NotFound
from mirrorhunt.sources.tiles import TILE_WIDTH
from mirrorhunt.store import Store

T = TypeVar("T")
_TEXT = "text/plain; charset=utf-8"
_IMMUTABLE = "public, max-age=31536000, immutable"
"""A full tile never changes; the checkpoint and partial tiles do."""


def audit_router(store: Store, settings: Settings) -> APIRouter:
    """The routes of the log in ``store``; its verifier key is served when ``[audit] key`` is set."""
    log = AuditLog(store)
    vkey = None if settings.audit.key is None else configured_signer(settings).verifier().text() + "\n"
    router = APIRouter(prefix="/audit", tags=["transparency log"])

    @router.get("/checkpoint")
    def checkpoint() -> Response:
        """The latest signed checkpoint (a signed note)."""
        note = _answer(lambda: log.checkpoint().note)
        return Response(note, media_type=_TEXT, headers={"Cache-Control": "no-cache"})

    @router.get("/entries/{index}")
    def entry(index: int) -> dict[str, Any]:
        """Entry ``index``: its exact text (leaf hash = SHA-256 of 0x00 and that text) and its leaf hash."""
        leaf = _answer(lambda: log.entry(index))
        return {"index": leaf.index, "entry": leaf.entry.decode(), "leaf_hash": leaf.hash.hex()}

    @router.get("/proof/inclusion")
    def inclusion(
        index: Annotated[int | None, Query(ge=0)] = None,
        name: str | None = None,
        size: Annotated[int | None, Query(ge=0)] = None,
    ) -> dict[str, Any]:
        """The audit path of entry ``index``, or of the latest entry about ``name``, in the tree of
        ``size`` entries (default: the latest checkpoint's)."""
        if index is not None and name is None:
            return _inclusion_json(_answer(lambda: log.inclusion(index, size=size)))
        if index is None and name is not None:
            return _inclusion_json(_answer(lambda: log.inclusion(log.last_index_of(name), size=size)))
        raise HTTPException(422, "give either index or name")

    @router.get("/proof/consistency")
    def consistency(
        first: Annotated[int, Query(ge=0)], second: Annotated[int | None, Query(ge=0)] = None
    ) -> dict[str, Any]:
        """The proof that the tree of ``first`` entries is a prefix of the tree of ``second``."""
        proof = _answer(lambda: log.consistency(first, second))
        return {
            "first": proof.first,
            "second": proof.second,
            "first_root": proof.first_root.hex(),
            "second_root": proof.second_root.hex(),
            "path": [node.hex() for node in proof.path],
        }

    @router.get("/log/{path:path}")
    def published(path: str) -> Response:
        """The files ``mirrorhunt audit export`` writes: checkpoint, tiles, entry bundles, verifier key."""
        if path == VKEY_FILE and vkey is not None:
            return Response(vkey, media_type=_TEXT)
        content = _answer(lambda: log.file(path))
        if path == CHECKPOINT_FILE:
            return Response(content, media_type=_TEXT, headers={"Cache-Control": "no-cache"})
        tile = parse_tile(path.removeprefix("tile/"))
        full = tile is not None and tile.width == TILE_WIDTH
        return Response(
            content,
            media_type="application/octet-stream",
            headers={"Cache-Control": _IMMUTABLE if full else "no-cache"},
        )

    return router


def _answer(compute: Callable[[], T]) -> T:
    """What ``compute`` returns, its errors turned into the HTTP status they stand for."""
    try:
        return compute()
    except NotFound as exc:
        raise HTTPException(404, exc.diagnostics()) from exc
    except InvalidInput as exc:
        raise HTTPException(422, exc.diagnostics()) from exc


def _inclusion_json(proof: InclusionProof) -> dict[str, Any]:
    return {
        "index": proof.index,
        "size": proof.size,
        "leaf_hash": proof.leaf_hash.hex(),
        "path": [node.hex() for node in proof.path],
        "root": proof.root.hex(),
    }
