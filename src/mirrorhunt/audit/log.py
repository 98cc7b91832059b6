"""The transparency log over a store: appending the listing changes, signing tree heads, proving.

``AuditLog.sync`` appends every listing change the log lacks as one batch and signs one checkpoint
for it. Proofs and tiles are served for the trees that were signed: a reader can check each against a
checkpoint it holds.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from mirrorhunt import merkle
from mirrorhunt.audit.leaf import KINDS, encode_entry
from mirrorhunt.audit.note import Checkpoint, SignerKey, VerifierKey, sign_checkpoint
from mirrorhunt.audit.tiles import CHECKPOINT_FILE, Tile, bundle, covers, hash_tile, parse_tile, tiles_of
from mirrorhunt.audit.verify import Verified, verify_records
from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.errors import InvalidInput, MirrorhuntError, NotFound
from mirrorhunt.model import Event
from mirrorhunt.publish.loghead import LogHead
from mirrorhunt.sources.tiles import TILE_WIDTH
from mirrorhunt.store import Store
from mirrorhunt.store.audit import AuditRecords, StoredCheckpoint, StoredLeaf

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class InclusionProof:
    """That leaf ``index`` (with ``leaf_hash``) is in the tree of ``size`` leaves whose root is ``root``."""

    index: int
    size: int
    leaf_hash: bytes
    path: list[bytes]
    root: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsistencyProof:
    """That the tree of ``first`` leaves is a prefix of the tree of ``second`` leaves."""

    first: int
    second: int
    first_root: bytes
    second_root: bytes
    path: list[bytes]


class AuditLog:
    """The log kept in ``store``; ``key``, needed only to sync, signs its checkpoints under its name."""

    def __init__(self, store: Store, *, key: SignerKey | None = None, clock: Clock | None = None) -> None:
        self._records = AuditRecords(store)
        self._key = key
        self._clock = clock or SystemClock()

    def pending(self) -> int:
        """How many listing changes the log lacks."""
        return self._records.pending_count(KINDS)

    def sync(self) -> StoredCheckpoint:
        """Append the listing changes the log lacks, as one batch, and sign its checkpoint.

        Nothing new and a checkpoint of the current tree already signed: that checkpoint, unchanged.
        """
        if self._key is None:
            raise InvalidInput(
                "the transparency log cannot be signed without its key", hint="set [audit] key"
            )
        with self._records.appending() as batch:
            pending = batch.pending(KINDS)
            latest = batch.latest()
            if not pending and latest is not None and latest.size == batch.size():
                return latest
            hashes = batch.hashes()
            leaves = _leaves(pending, first=len(hashes), secret=batch.secret() if pending else b"")
            batch.append(leaves)
            hashes.extend(leaf.hash for leaf in leaves)
            checkpoint = Checkpoint(origin=self._key.name, size=len(hashes), root=merkle.root_hash(hashes))
            stored = StoredCheckpoint(
                size=checkpoint.size,
                root=checkpoint.root,
                note=sign_checkpoint(checkpoint, key=self._key),
                signed_at=self._clock.now(),
            )
            batch.add_checkpoint(stored)
        return stored

    def head(self) -> LogHead | None:
        """The head every published list names (``publish.loghead``): the log synced first when the key
        is at hand, so that it holds every change the list shows; None before the first checkpoint."""
        if self._key is not None:
            try:
                latest: StoredCheckpoint | None = self.sync()
            except MirrorhuntError as exc:
                _log.warning("transparency log not synced for the published head: %s", exc.diagnostics())
                latest = self._records.latest()
        else:
            latest = self._records.latest()
        return None if latest is None else LogHead(size=latest.size, root=latest.root)

    def checkpoint(self) -> StoredCheckpoint:
        """The latest signed checkpoint; ``NotFound`` before the first sync."""
        latest = self._records.latest()
        if latest is None:
            raise NotFound(
                "the transparency log has no checkpoint yet", hint="it is signed after each change"
            )
        return latest

    def entry(self, index: int) -> StoredLeaf:
        """The leaf at ``index`` of the signed log."""
        self._check_index(index, self.checkpoint().size)
        return self._records.leaves(index, index + 1)[0]

    def last_index_of(self, name: str) -> int:
        """The index of the latest signed entry about ``name``."""
        index = self._records.last_index_of(name)
        if index is None or index >= self.checkpoint().size:
            raise NotFound(f"the transparency log has no entry about {name!r}")
        return index

    def inclusion(self, index: int, *, size: int | None = None) -> InclusionProof:
        """The audit path of leaf ``index`` in the tree of ``size`` leaves (default: the latest signed)."""
        size = self._signed_size(size)
        self._check_index(index, size)
        hashes = self._records.hashes(size)
        return InclusionProof(
            index=index,
            size=size,
            leaf_hash=hashes[index],
            path=merkle.audit_path(index, hashes),
            root=merkle.root_hash(hashes),
        )

    def consistency(self, first: int, second: int | None = None) -> ConsistencyProof:
        """The proof that the tree of ``first`` leaves is a prefix of the tree of ``second`` leaves."""
        second = self._signed_size(second)
        if not 0 <= first <= second:
            raise InvalidInput(f"tree size {first} is not between 0 and {second}")
        hashes = self._records.hashes(second)
        return ConsistencyProof(
            first=first,
            second=second,
            first_root=merkle.root_hash(hashes[:first]),
            second_root=merkle.root_hash(hashes),
            path=merkle.consistency_proof(first, hashes),
        )

    def file(self, path: str) -> bytes:
        """A file of the published layout (``checkpoint``, ``tile/…``) of the latest signed tree."""
        latest = self.checkpoint()
        if path == CHECKPOINT_FILE:
            return latest.note.encode()
        tile = parse_tile(path.removeprefix("tile/")) if path.startswith("tile/") else None
        if tile is None or not covers(tile, latest.size):
            raise NotFound(f"the transparency log has no file {path}")
        return self._tile(tile)

    def files(self) -> Iterator[tuple[str, bytes]]:
        """Every file of the published layout of the latest signed tree, the checkpoint first."""
        latest = self.checkpoint()
        yield CHECKPOINT_FILE, latest.note.encode()
        leaves = self._records.leaves(0, latest.size)
        hashes = [leaf.hash for leaf in leaves]
        for tile in tiles_of(latest.size):
            yield tile.path, _tile_content(tile, leaves, hashes)

    def verify(self, *, key: VerifierKey, earlier: str | None = None) -> Verified:
        """Recompute and check the whole stored log, and that it extends the ``earlier`` signed
        checkpoint when given (``verify.verify_records``)."""
        leaves = self._records.leaves()
        return verify_records(
            leaves=leaves,
            events=self._records.events([leaf.event_id for leaf in leaves]),
            secret=self._records.secret(),
            checkpoints=self._records.checkpoints(),
            key=key,
            earlier=earlier,
        )

    def _tile(self, tile: Tile) -> bytes:
        first = tile.index * TILE_WIDTH
        if tile.level is None:
            return bundle([leaf.entry for leaf in self._records.leaves(first, first + tile.width)])
        return hash_tile(tile, self._records.hashes((first + tile.width) * TILE_WIDTH**tile.level))

    def _signed_size(self, size: int | None) -> int:
        signed = self.checkpoint().size
        if size is None:
            return signed
        if not 0 <= size <= signed:
            raise InvalidInput(f"tree size {size} is not between 0 and the signed size {signed}")
        return size

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not 0 <= index < size:
            raise NotFound(f"the transparency log has no entry {index} in its tree of {size}")


def _leaves(pending: Sequence[tuple[int, Event]], *, first: int, secret: bytes) -> list[StoredLeaf]:
    """The leaves of ``pending`` (event id, event), numbered from ``first``."""
    leaves = []
    for index, (event_id, event) in enumerate(pending, start=first):
        entry = encode_entry(event, secret=secret)
        leaves.append(
            StoredLeaf(
                index=index, event_id=event_id, name=event.subject, entry=entry, hash=merkle.hash_leaf(entry)
            )
        )
    return leaves


def _tile_content(tile: Tile, leaves: list[StoredLeaf], hashes: list[bytes]) -> bytes:
    if tile.level is None:
        first = tile.index * TILE_WIDTH
        return bundle([leaf.entry for leaf in leaves[first : first + tile.width]])
    return hash_tile(tile, hashes)
