"""The Merkle proofs the log serves: roots of many prefixes in one pass, and consistency proofs that
verify for every pair of sizes and fail for any other tree."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt import merkle


def leaves(count: int) -> list[bytes]:
    return [merkle.hash_leaf(i.to_bytes(2, "big")) for i in range(count)]


@given(st.integers(min_value=0, max_value=300), st.lists(st.integers(min_value=0, max_value=320), max_size=8))
def test_roots_of_prefixes(count: int, sizes: list[int]) -> None:
    hashes = leaves(count)
    roots = merkle.roots_at(iter(hashes), sizes)
    assert roots == {size: merkle.root_hash(hashes[:size]) for size in sizes if size <= count}


@given(
    st.integers(min_value=1, max_value=300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(min_value=0, max_value=64),
)
def test_consistency_proofs_verify_and_detect_another_history(sizes: tuple[int, int], flip: int) -> None:
    first, second = sizes
    hashes = leaves(second)
    proof = merkle.consistency_proof(first, hashes)
    first_root, second_root = merkle.root_hash(hashes[:first]), merkle.root_hash(hashes)
    assert merkle.verify_consistency(
        first_size=first, second_size=second, first_root=first_root, second_root=second_root, proof=proof
    )
    if first == 0:
        return
    rewritten = [*hashes[: first - 1], merkle.hash_leaf(b"rewritten"), *hashes[first:]]
    assert not merkle.verify_consistency(
        first_size=first,
        second_size=second,
        first_root=first_root,
        second_root=merkle.root_hash(rewritten),
        proof=merkle.consistency_proof(first, rewritten),
    )
    if proof:
        damaged = list(proof)
        position = flip % len(damaged)
        damaged[position] = bytes([damaged[position][0] ^ 1]) + damaged[position][1:]
        assert not merkle.verify_consistency(
            first_size=first,
            second_size=second,
            first_root=first_root,
            second_root=second_root,
            proof=damaged,
        )
