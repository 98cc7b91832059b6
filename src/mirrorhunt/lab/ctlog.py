"""The lab's Certificate Transparency log: RFC 6962 read API over HTTP, backed by a real Merkle tree.

``CtLog`` holds the entries and signs tree heads (ECDSA P-256 over SHA-256); ``CtServer`` serves
``get-sth``, ``get-sth-consistency``, ``get-entries``, ``get-proof-by-hash`` and ``get-roots`` under
``/ct/v1/``, and the same tree as a tiled log (c2sp.org/static-ct-api, ``lab.cttiles``) under ``/tiles/``.
``truncate`` and ``rewrite`` make the log misbehave on purpose (a rewind, a forked history).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mirrorhunt import merkle
from mirrorhunt.clock import Clock
from mirrorhunt.lab.cttiles import add_tile_routes
from mirrorhunt.lab.ports import listen_error
from mirrorhunt.sources.ct_leaf import encode_certificate_chain, encode_merkle_tree_leaf

MAX_ENTRIES_PER_RESPONSE = 256
_SHA256, _ECDSA = 4, 3
_V1, _TREE_HASH = 0, 1


@dataclass(frozen=True, kw_only=True)
class LogEntry:
    """One logged certificate as the log serves it."""

    leaf_input: bytes
    extra_data: bytes
    chain: tuple[bytes, ...] = ()


class BadRequest(Exception):
    """A request parameter the log cannot use."""


def _millis(clock: Clock) -> int:
    return int(clock.now().timestamp() * 1000)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class CtLog:
    """An append-only log of X.509 entries with a fresh signing key."""

    def __init__(self, *, clock: Clock, max_entries: int = MAX_ENTRIES_PER_RESPONSE) -> None:
        self._clock = clock
        self._key = ec.generate_private_key(ec.SECP256R1())
        self.max_entries = max_entries
        self.entries: list[LogEntry] = []
        self.leaf_hashes: list[bytes] = []
        self._index_of: dict[bytes, int] = {}
        self._roots: dict[int, bytes] = {}
        self.issuers: dict[bytes, bytes] = {}
        """DER of every issuer seen, by SHA-256 fingerprint."""

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def public_key_pem(self) -> bytes:
        """The log's public key (SubjectPublicKeyInfo, PEM): what verifies its tree heads."""
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def log_id(self) -> bytes:
        """SHA-256 of the log's public key (DER), the RFC 6962 LogID."""
        der = self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return hashlib.sha256(der).digest()

    def add(self, certificate: bytes, *, chain: Sequence[bytes]) -> int:
        """Log a DER certificate issued by ``chain`` (issuer first); returns its leaf index."""
        index = len(self.leaf_hashes)
        self.entries.append(self._entry(index, certificate, chain))
        self.leaf_hashes.append(merkle.hash_leaf(self.entries[-1].leaf_input))
        self._index_of.setdefault(self.leaf_hashes[-1], index)
        return index

    def _entry(self, index: int, certificate: bytes, chain: Sequence[bytes]) -> LogEntry:
        for issuer in chain:
            self.issuers[hashlib.sha256(issuer).digest()] = issuer
        leaf_input = encode_merkle_tree_leaf(
            timestamp_ms=_millis(self._clock), certificate=certificate, leaf_index=index
        )
        return LogEntry(leaf_input=leaf_input, extra_data=encode_certificate_chain(chain), chain=tuple(chain))

    def truncate(self, tree_size: int) -> None:
        """Forget every entry from ``tree_size`` on: the log rewinds (a misbehaving log, for tests)."""
        del self.entries[tree_size:], self.leaf_hashes[tree_size:]
        self._reindex()

    def rewrite(self, index: int, certificate: bytes, *, chain: Sequence[bytes]) -> None:
        """Put another certificate at ``index``: a forked history (a misbehaving log, for tests)."""
        self.entries[index] = self._entry(index, certificate, chain)
        self.leaf_hashes[index] = merkle.hash_leaf(self.entries[index].leaf_input)
        self._reindex()

    def _reindex(self) -> None:
        self._roots.clear()
        self._index_of = {}
        for i, leaf_hash in enumerate(self.leaf_hashes):
            self._index_of.setdefault(leaf_hash, i)

    def root_hash(self, tree_size: int) -> bytes:
        if tree_size not in self._roots:
            self._roots[tree_size] = merkle.root_hash(self.leaf_hashes[:tree_size])
        return self._roots[tree_size]

    def tree_head_signature(self, *, tree_size: int, timestamp: int) -> bytes:
        """The ``digitally-signed TreeHeadSignature`` of the tree of ``tree_size`` at ``timestamp``."""
        signed = struct.pack(">BBQQ", _V1, _TREE_HASH, timestamp, tree_size) + self.root_hash(tree_size)
        signature = self._key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return struct.pack(">BBH", _SHA256, _ECDSA, len(signature)) + signature

    def signed_tree_head(self) -> dict[str, Any]:
        """The get-sth document for the current tree."""
        size, timestamp = len(self.leaf_hashes), _millis(self._clock)
        return {
            "tree_size": size,
            "timestamp": timestamp,
            "sha256_root_hash": _b64(self.root_hash(size)),
            "tree_head_signature": _b64(self.tree_head_signature(tree_size=size, timestamp=timestamp)),
        }

    def consistency(self, first: int, second: int) -> dict[str, Any]:
        """The get-sth-consistency document between two tree sizes."""
        if not 0 <= first <= second <= len(self.leaf_hashes):
            raise BadRequest(f"sizes must satisfy 0 <= first <= second <= {len(self.leaf_hashes)}")
        proof = merkle.consistency_proof(first, self.leaf_hashes[:second])
        return {"consistency": [_b64(node) for node in proof]}

    def get_entries(self, start: int, end: int) -> dict[str, Any]:
        """Entries ``start..end`` inclusive, cut at the tree size and at ``max_entries``."""
        if start < 0 or end < start:
            raise BadRequest("start and end must satisfy 0 <= start <= end")
        if start >= len(self.entries):
            raise BadRequest(f"start {start} is beyond the tree size {len(self.entries)}")
        last = min(end, len(self.entries) - 1, start + self.max_entries - 1)
        return {
            "entries": [
                {"leaf_input": _b64(entry.leaf_input), "extra_data": _b64(entry.extra_data)}
                for entry in self.entries[start : last + 1]
            ]
        }

    def proof_by_hash(self, leaf_hash: bytes, tree_size: int) -> dict[str, Any] | None:
        """The audit path of a leaf hash in the tree of ``tree_size``; None if not in that tree."""
        if not 1 <= tree_size <= len(self.leaf_hashes):
            raise BadRequest(f"tree_size must be between 1 and {len(self.leaf_hashes)}")
        index = self._index_of.get(leaf_hash)
        if index is None or index >= tree_size:
            return None
        path = merkle.audit_path(index, self.leaf_hashes[:tree_size])
        return {"leaf_index": index, "audit_path": [_b64(node) for node in path]}


def _integer(request: web.Request, key: str) -> int:
    raw = request.query.get(key)
    if raw is None or not raw.isdigit():
        raise BadRequest(f"parameter {key} must be a non-negative integer")
    return int(raw)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"success": False, "error_message": message}, status=status)


class CtServer:
    """The HTTP face of a ``CtLog``."""

    def __init__(self, log: CtLog, *, roots: Sequence[bytes]) -> None:
        self.log = log
        self.roots = list(roots)
        self.port = 0
        app = web.Application()
        app.router.add_get("/ct/v1/get-sth", self._get_sth)
        app.router.add_get("/ct/v1/get-entries", self._get_entries)
        app.router.add_get("/ct/v1/get-proof-by-hash", self._get_proof_by_hash)
        app.router.add_get("/ct/v1/get-roots", self._get_roots)
        app.router.add_get("/ct/v1/get-sth-consistency", self._get_sth_consistency)
        add_tile_routes(app, log, prefix="/tiles")
        self._runner = web.AppRunner(app, access_log=None)

    async def start(self, *, host: str, port: int) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise listen_error(exc, host=host, port=port, option="--ct-port") from exc
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _get_sth(self, _: web.Request) -> web.Response:
        return web.json_response(self.log.signed_tree_head())

    async def _get_entries(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(
                self.log.get_entries(_integer(request, "start"), _integer(request, "end"))
            )
        except BadRequest as exc:
            return _error(400, str(exc))

    async def _get_sth_consistency(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(
                self.log.consistency(_integer(request, "first"), _integer(request, "second"))
            )
        except BadRequest as exc:
            return _error(400, str(exc))

    async def _get_proof_by_hash(self, request: web.Request) -> web.Response:
        try:
            tree_size = _integer(request, "tree_size")
            try:
                # a '+' left unescaped by the client reaches us as a space
                leaf_hash = base64.b64decode(request.query.get("hash", "").replace(" ", "+"), validate=True)
            except binascii.Error as exc:
                raise BadRequest("parameter hash must be base64") from exc
            if len(leaf_hash) != 32:
                raise BadRequest("parameter hash must be a base64 SHA-256 hash (32 bytes)")
            proof = self.log.proof_by_hash(leaf_hash, tree_size)
        except BadRequest as exc:
            return _error(400, str(exc))
        if proof is None:
            return _error(404, f"no leaf with that hash in the tree of size {tree_size}")
        return web.json_response(proof)

    async def _get_roots(self, _: web.Request) -> web.Response:
        return web.json_response({"certificates": [_b64(root) for root in self.roots]})
