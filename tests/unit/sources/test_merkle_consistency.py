"""Consistency proofs (RFC 9162, section 2.1.4): honest proofs verify, anything altered does not."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt import merkle


def leaves(count: int) -> list[bytes]:
    return [merkle.hash_leaf(i.to_bytes(4, "big")) for i in range(count)]


@st.composite
def sizes(draw: st.DrawFn) -> tuple[int, int]:
    second = draw(st.integers(min_value=1, max_value=70))
    return draw(st.integers(min_value=0, max_value=second)), second


def check(first: int, tree: list[bytes], proof: list[bytes], *, first_root: bytes | None = None) -> bool:
    return merkle.verify_consistency(
        first_size=first,
        second_size=len(tree),
        first_root=merkle.root_hash(tree[:first]) if first_root is None else first_root,
        second_root=merkle.root_hash(tree),
        proof=proof,
    )


@given(sizes())
def test_honest_proofs_verify(pair: tuple[int, int]) -> None:
    first, second = pair
    tree = leaves(second)
    assert check(first, tree, merkle.consistency_proof(first, tree))


@given(sizes(), st.data())
def test_a_changed_node_or_root_fails(pair: tuple[int, int], data: st.DataObject) -> None:
    first, second = pair
    tree = leaves(second)
    proof = merkle.consistency_proof(first, tree)
    if proof:
        i = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        bad = [*proof]
        bad[i] = hashlib.sha256(bad[i]).digest()
        assert not check(first, tree, bad)
        assert not check(first, tree, proof[:-1])
        assert not check(first, tree, [*proof, proof[0]])
    if 0 < first < second:
        assert not check(first, tree, proof, first_root=hashlib.sha256(b"other").digest())


@given(sizes(), st.integers(min_value=0, max_value=69))
def test_a_rewritten_history_is_caught(pair: tuple[int, int], changed: int) -> None:
    first, second = pair
    if not changed < first < second:
        return
    old = leaves(second)
    new = [*old]
    new[changed] = merkle.hash_leaf(b"rewritten")
    assert not check(
        first, new, merkle.consistency_proof(first, new), first_root=merkle.root_hash(old[:first])
    )


def test_the_example_of_rfc_9162() -> None:
    tree = leaves(7)
    assert merkle.consistency_proof(3, tree) == [
        tree[2],
        tree[3],
        merkle.root_hash(tree[:2]),
        merkle.root_hash(tree[4:]),
    ]
    assert len(merkle.consistency_proof(4, tree)) == 1
    assert len(merkle.consistency_proof(6, tree)) == 3


@pytest.mark.parametrize(("first", "second"), [(-1, 3), (4, 3)])
def test_sizes_out_of_order_never_verify(first: int, second: int) -> None:
    assert not merkle.verify_consistency(
        first_size=first, second_size=second, first_root=b"", second_root=b"", proof=[]
    )
    with pytest.raises(ValueError):
        merkle.consistency_proof(first, leaves(second) if second >= 0 else [])
