"""Merkle tree hashing and audit paths of RFC 6962 (section 2.1), over SHA-256.

Pure functions on leaf hashes: ``hash_leaf`` turns an entry into its leaf hash, ``root_hash`` computes
the Merkle Tree Hash of a list of leaf hashes, ``audit_path`` gives the proof that one leaf is in a
tree, and ``root_from_audit_path`` recomputes the root a proof claims (RFC 9162, section 2.1.3.2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The hash of the empty tree: SHA-256 of nothing."""


def hash_leaf(entry: bytes) -> bytes:
    """The leaf hash of an entry: SHA-256(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly smaller than ``size`` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of a tree whose leaves have these hashes."""
    if not leaf_hashes:
        return EMPTY_ROOT
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = _split(len(leaf_hashes))
    return hash_children(root_hash(leaf_hashes[:k]), root_hash(leaf_hashes[k:]))


def audit_path(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``leaf_hashes``, from the leaf up."""
    if not 0 <= index < len(leaf_hashes):
        raise ValueError(f"leaf index {index} is outside a tree of size {len(leaf_hashes)}")
    if len(leaf_hashes) == 1:
        return []
    k = _split(len(leaf_hashes))
    if index < k:
        return [*audit_path(index, leaf_hashes[:k]), root_hash(leaf_hashes[k:])]
    return [*audit_path(index - k, leaf_hashes[k:]), root_hash(leaf_hashes[:k])]


def root_from_audit_path(*, index: int, tree_size: int, leaf_hash: bytes, path: Sequence[bytes]) -> bytes:
    """The root that an audit path leads to; raises ``ValueError`` if the path has the wrong shape."""
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf index {index} is outside a tree of size {tree_size}")
    node, last, current = index, tree_size - 1, leaf_hash
    for sibling in path:
        if last == 0:
            raise ValueError("audit path is longer than the tree is deep")
        if node % 2 == 1 or node == last:
            current = hash_children(sibling, current)
            while node % 2 == 0 and node != 0:
                node, last = node >> 1, last >> 1
        else:
            current = hash_children(current, sibling)
        node, last = node >> 1, last >> 1
    if last != 0:
        raise ValueError("audit path is shorter than the tree is deep")
    return current


def verify_audit_path(
    *, index: int, tree_size: int, leaf_hash: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """True if ``path`` proves that ``leaf_hash`` is leaf ``index`` of the tree with ``root``."""
    try:
        return root_from_audit_path(index=index, tree_size=tree_size, leaf_hash=leaf_hash, path=path) == root
    except ValueError:
        return False
