"""RFC 6962 Merkle tree hashing and audit paths."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt import merkle


def leaves(count: int) -> list[bytes]:
    return [merkle.hash_leaf(f"entry {i}".encode()) for i in range(count)]


def reference_root(entries: list[bytes]) -> bytes:
    """MTH straight from the RFC text, on entries rather than leaf hashes."""
    if not entries:
        return hashlib.sha256(b"").digest()
    if len(entries) == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1
    while k * 2 < len(entries):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(entries[:k]) + reference_root(entries[k:])).digest()


def test_empty_tree_hash_is_sha256_of_nothing() -> None:
    assert merkle.root_hash([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert merkle.root_hash([]) == merkle.EMPTY_ROOT


def test_domain_separation_of_leaves_and_nodes() -> None:
    assert merkle.hash_leaf(b"") == hashlib.sha256(b"\x00").digest()
    assert merkle.hash_children(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()


def test_three_leaf_tree_by_hand() -> None:
    a, b, c = leaves(3)
    assert merkle.root_hash([a, b, c]) == merkle.hash_children(merkle.hash_children(a, b), c)
    assert merkle.audit_path(2, [a, b, c]) == [merkle.hash_children(a, b)]
    assert merkle.audit_path(0, [a, b, c]) == [b, c]


@given(st.lists(st.binary(max_size=8), max_size=40))
def test_root_matches_the_rfc_definition(entries: list[bytes]) -> None:
    assert merkle.root_hash([merkle.hash_leaf(e) for e in entries]) == reference_root(entries)


@given(
    st.integers(min_value=1, max_value=300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1)))
)
def test_every_audit_path_verifies(size_and_index: tuple[int, int]) -> None:
    size, index = size_and_index
    hashes = leaves(size)
    root = merkle.root_hash(hashes)
    path = merkle.audit_path(index, hashes)
    assert merkle.verify_audit_path(
        index=index, tree_size=size, leaf_hash=hashes[index], path=path, root=root
    )
    # the same proof must not verify another leaf, another position, or a shortened path
    other = merkle.hash_leaf(b"not in the tree")
    assert not merkle.verify_audit_path(index=index, tree_size=size, leaf_hash=other, path=path, root=root)
    if size > 1:
        moved = (index + 1) % size
        assert not merkle.verify_audit_path(
            index=moved, tree_size=size, leaf_hash=hashes[index], path=path, root=root
        )
        assert not merkle.verify_audit_path(
            index=index, tree_size=size, leaf_hash=hashes[index], path=path[:-1], root=root
        )
    assert not merkle.verify_audit_path(
        index=index, tree_size=size, leaf_hash=hashes[index], path=[*path, root], root=root
    )


def test_index_outside_the_tree_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        merkle.audit_path(3, leaves(3))
    assert not merkle.verify_audit_path(index=3, tree_size=3, leaf_hash=b"x" * 32, path=[], root=b"")
