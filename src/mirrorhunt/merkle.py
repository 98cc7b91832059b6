"""Merkle tree hashing and audit paths of RFC 6962 (section 2.1), over SHA-256.

Pure functions on leaf hashes: ``hash_leaf`` turns an entry into its leaf hash, ``root_hash`` computes
the Merkle Tree Hash of a list of leaf hashes, ``audit_path`` gives the proof that one leaf is in a
tree, and ``root_from_audit_path`` recomputes the root a proof claims (RFC 9162, section 2.1.3.2);
``consistency_proof`` and ``verify_consistency`` show that one tree is a prefix of a later one
(section 2.1.4): what proves a log never rewrote its history. ``roots_at`` gives the roots of many
prefixes of one tree in a single pass, for checking every signed tree head of a log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

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


def roots_at(leaf_hashes: Iterable[bytes], sizes: Iterable[int]) -> dict[int, bytes]:
    """The root of the tree of the first ``size`` leaves, for each of ``sizes``, in one pass.

    Keeps the roots of the complete subtrees seen so far (at most one per power of two), so that a
    log of n leaves with many signed heads is checked in O(n + heads · log n) rather than from scratch
    for every head. A size beyond the leaves given has no root in the answer.
    """
    pending = sorted(set(sizes), reverse=True)  # the next size wanted is last
    roots: dict[int, bytes] = {}
    stack: list[tuple[int, bytes]] = []  # (leaf count, hash) of complete subtrees, largest first
    if pending and pending[-1] == 0:
        roots[pending.pop()] = EMPTY_ROOT
    for count, leaf_hash in enumerate(leaf_hashes, start=1):
        if not pending:
            break
        span, node = 1, leaf_hash
        while stack and stack[-1][0] == span:
            node = hash_children(stack.pop()[1], node)
            span *= 2
        stack.append((span, node))
        if pending[-1] == count:
            root = stack[-1][1]
            for _, left in reversed(stack[:-1]):
                root = hash_children(left, root)
            roots[pending.pop()] = root
    return roots


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


def _subproof(first: int, leaf_hashes: Sequence[bytes], *, complete: bool) -> list[bytes]:
    size = len(leaf_hashes)
    if first == size:
        return [] if complete else [root_hash(leaf_hashes)]
    k = _split(size)
    if first <= k:
        return [*_subproof(first, leaf_hashes[:k], complete=complete), root_hash(leaf_hashes[k:])]
    return [*_subproof(first - k, leaf_hashes[k:], complete=False), root_hash(leaf_hashes[:k])]


def consistency_proof(first: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree of the first ``first`` leaves is a prefix of the tree of ``leaf_hashes``
    (RFC 9162, section 2.1.4.1); empty when ``first`` is 0 or the whole tree."""
    if not 0 <= first <= len(leaf_hashes):
        raise ValueError(f"size {first} is outside a tree of size {len(leaf_hashes)}")
    if first == 0:
        return []
    return _subproof(first, leaf_hashes, complete=True)


def verify_consistency(
    *, first_size: int, second_size: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True if ``proof`` shows the tree (``first_size``, ``first_root``) is a prefix of the tree
    (``second_size``, ``second_root``) (RFC 9162, section 2.1.4.2). The empty tree is a prefix of any."""
    if not 0 <= first_size <= second_size:
        return False
    if first_size == 0:
        return not proof
    if first_size == second_size:
        return not proof and first_root == second_root
    path = list(proof)
    if first_size & (first_size - 1) == 0:  # a power of two: the first tree is a node of the second
        path.insert(0, first_root)
    if not path:
        return False
    node, last = first_size - 1, second_size - 1
    while node & 1:
        node, last = node >> 1, last >> 1
    first_hash = second_hash = path[0]
    for sibling in path[1:]:
        if last == 0:
            return False
        if node & 1 or node == last:
            first_hash = hash_children(sibling, first_hash)
            second_hash = hash_children(sibling, second_hash)
            while not node & 1 and node != 0:
                node, last = node >> 1, last >> 1
        else:
            second_hash = hash_children(second_hash, sibling)
        node, last = node >> 1, last >> 1
    return last == 0 and first_hash == first_root and second_hash == second_root
