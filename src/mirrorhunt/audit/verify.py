"""Checking a log from scratch: the local database's, or a published copy (directory or URL).

Nothing is taken on trust. Locally every entry is recomputed from the event it records, every leaf
hash from its entry, every signed root from the leaves, and every checkpoint's signature is checked;
as all roots come from the one sequence of leaves, each checkpoint that matches is a prefix of the
next. A published copy is checked from its entries up: each entry is canonical JSON, the hash tiles
hold the hashes of the entries below them, and the entries hash to the signed checkpoint's root.
The first mismatch is raised as ``LogMismatch``, naming the entry, tile or checkpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from mirrorhunt import merkle
from mirrorhunt.audit.leaf import KINDS, decode_entry, encode_entry
from mirrorhunt.audit.note import Checkpoint, VerifierKey, open_checkpoint
from mirrorhunt.audit.tiles import CHECKPOINT_FILE, hash_tile, tiles_of, unbundle
from mirrorhunt.errors import InvalidInput, MirrorhuntError
from mirrorhunt.model import Event
from mirrorhunt.sources.tiles import TILE_WIDTH
from mirrorhunt.store.audit import StoredCheckpoint, StoredLeaf

_HASH = 32


class LogMismatch(MirrorhuntError):
    """The log is not what it claims: an entry, a hash, a root or a signature does not match."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Verified:
    """What a verification established: the tree it checked and how many signed heads."""

    size: int
    root: bytes
    checkpoints: int


def verify_records(
    *,
    leaves: Sequence[StoredLeaf],
    events: Mapping[int, Event],
    secret: bytes | None,
    checkpoints: Sequence[StoredCheckpoint],
    key: VerifierKey,
    earlier: str | None = None,
) -> Verified:
    """Check the stored log: leaves against their events, hashes, every checkpoint, and that it extends
    the ``earlier`` signed checkpoint a reader kept, when given; ``LogMismatch``."""
    for position, leaf in enumerate(leaves):
        if leaf.index != position:
            raise LogMismatch(f"entry {position} is missing from the log (the next stored is {leaf.index})")
        _check_leaf(leaf, events.get(leaf.event_id), secret)
    if leaves and not checkpoints:
        raise LogMismatch(f"the log holds {len(leaves)} entries but no signed checkpoint")
    hashes = [leaf.hash for leaf in leaves]
    roots = merkle.roots_at(hashes, [stored.size for stored in checkpoints])
    previous = 0
    for stored in checkpoints:
        name = f"checkpoint of size {stored.size}"
        if stored.size > len(leaves):
            raise LogMismatch(f"{name} is larger than the log, which holds {len(leaves)} entries")
        signed = _open(stored.note, key=key, name=name)
        if (signed.size, signed.root) != (stored.size, stored.root):
            raise LogMismatch(
                f"{name}: its signed note states another tree (size {signed.size}) than the one kept"
            )
        if roots[stored.size] != signed.root:
            raise LogMismatch(
                f"{name}: the entries do not hash to its signed root "
                f"(an entry from {previous} to {stored.size - 1} was changed, removed or reordered)"
            )
        previous = stored.size
    if previous != len(leaves):
        raise LogMismatch(f"entries {previous} to {len(leaves) - 1} are under no signed checkpoint")
    if earlier is not None:
        _check_extends(hashes, _open(earlier, key=key, name="the earlier checkpoint"))
    last = checkpoints[-1] if checkpoints else None
    return Verified(
        size=previous, root=merkle.EMPTY_ROOT if last is None else last.root, checkpoints=len(checkpoints)
    )


def verify_published(
    read: Callable[[str], bytes | None], *, key: VerifierKey, earlier: str | None = None
) -> Verified:
    """Check a published copy whose files ``read`` returns by path (None: no such file), and that it
    extends the ``earlier`` signed checkpoint a reader kept, when given."""
    checkpoint = _open(
        _require(read, CHECKPOINT_FILE).decode("utf-8", "replace"), key=key, name="the checkpoint"
    )
    hashes: list[bytes] = []
    for tile in tiles_of(checkpoint.size):
        content = _require(read, tile.path)
        if tile.level is None:
            hashes.extend(_bundle_hashes(content, first=len(hashes), width=tile.width, path=tile.path))
            continue
        expected = hash_tile(tile, hashes)
        if content != expected:
            raise LogMismatch(_tile_mismatch(tile.path, tile.level, tile.index, content, expected))
    root = merkle.root_hash(hashes)
    if root != checkpoint.root:
        raise LogMismatch(
            f"the {checkpoint.size} entries hash to {root.hex()}, not the signed root {checkpoint.root.hex()}"
        )
    if earlier is not None:
        _check_extends(hashes, _open(earlier, key=key, name="the earlier checkpoint"))
    return Verified(size=checkpoint.size, root=root, checkpoints=1)


def _check_extends(hashes: Sequence[bytes], earlier: Checkpoint) -> None:
    """The log's first entries must be the tree ``earlier`` signed: else history was rewritten."""
    if earlier.size > len(hashes):
        raise LogMismatch(
            f"the log holds {len(hashes)} entries, fewer than the earlier checkpoint's {earlier.size}",
            hint="entries were removed since that checkpoint was signed",
        )
    root = merkle.roots_at(hashes, [earlier.size])[earlier.size]
    if root != earlier.root:
        raise LogMismatch(
            f"the log does not extend the earlier checkpoint of size {earlier.size}: its first "
            f"{earlier.size} entries hash to {root.hex()}, not {earlier.root.hex()}",
            hint="an entry signed before was changed, removed or reordered since",
        )


def _check_leaf(leaf: StoredLeaf, event: Event | None, secret: bytes | None) -> None:
    where = f"entry {leaf.index}"
    if event is None:
        raise LogMismatch(f"{where}: the event it records (#{leaf.event_id}) is gone")
    if event.kind not in KINDS:
        raise LogMismatch(f"{where}: event #{leaf.event_id} ({event.kind}) is not a listing change")
    if secret is None:
        raise LogMismatch("the secret of the reviewers' pseudonyms is gone: no entry can be recomputed")
    if encode_entry(event, secret=secret) != leaf.entry:
        raise LogMismatch(
            f"{where} does not match the event it records (#{leaf.event_id}, {event.kind} {event.subject})"
        )
    if merkle.hash_leaf(leaf.entry) != leaf.hash:
        raise LogMismatch(f"{where}: the leaf hash kept is not the hash of its entry")


def _bundle_hashes(content: bytes, *, first: int, width: int, path: str) -> list[bytes]:
    try:
        entries = unbundle(content)
    except ValueError as exc:
        raise LogMismatch(f"{path}: {exc}") from exc
    if len(entries) != width:
        raise LogMismatch(f"{path} holds {len(entries)} entries, not {width}")
    for offset, entry in enumerate(entries):
        try:
            decode_entry(entry)
        except ValueError as exc:
            raise LogMismatch(f"entry {first + offset} ({path}) is not a log entry: {exc}") from exc
    return [merkle.hash_leaf(entry) for entry in entries]


def _tile_mismatch(path: str, level: int, index: int, content: bytes, expected: bytes) -> str:
    if len(content) != len(expected):
        return f"{path} is {len(content)} bytes, not {len(expected)}"
    position = next(
        i for i in range(0, len(expected), _HASH) if content[i : i + _HASH] != expected[i : i + _HASH]
    )
    node = index * TILE_WIDTH + position // _HASH
    if level == 0:
        return f"{path}: the hash of entry {node} is not the hash of entry {node} in the entry bundle"
    return f"{path}: hash {node} of level {level} is not the root of the entries below it"


def _require(read: Callable[[str], bytes | None], path: str) -> bytes:
    content = read(path)
    if content is None:
        raise LogMismatch(f"the published log has no file {path}")
    return content


def _open(note: str, *, key: VerifierKey, name: str) -> Checkpoint:
    try:
        return open_checkpoint(note, key=key)
    except InvalidInput as exc:
        raise LogMismatch(f"{name}: {exc.message}", hint=exc.hint) from exc
