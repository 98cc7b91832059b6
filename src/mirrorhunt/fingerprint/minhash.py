"""MinHash signatures with permutations shared by every fingerprint, so any two can be compared."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import mmh3
import numpy as np

PERMUTATIONS = 128
_rng = np.random.default_rng(20240601)
# Multiply-shift hashing: (a*x + b) mod 2**64 keeps its high 32 bits; a odd. Wrapping arithmetic, no modulus.
_A = _rng.integers(0, 1 << 63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 1 << 63, size=PERMUTATIONS, dtype=np.uint64)
_SHIFT = np.uint64(32)


@dataclass(frozen=True, slots=True)
class MinHash:
    """The smallest hash of a set under each shared permutation; empty for an empty set."""

    values: tuple[int, ...] = ()

    @classmethod
    def of(cls, items: Iterable[str]) -> MinHash:
        """The signature of a set of strings."""
        hashes = np.fromiter((mmh3.hash(item, signed=False) for item in set(items)), dtype=np.uint64)
        return cls._of_hashes(hashes)

    @classmethod
    def of_hashes(cls, hashes: Iterable[int]) -> MinHash:
        """The signature of a set of 64-bit hashes (word shingles)."""
        return cls._of_hashes(np.fromiter(hashes, dtype=np.uint64))

    @classmethod
    def _of_hashes(cls, hashes: np.ndarray[tuple[int], np.dtype[np.uint64]]) -> MinHash:
        if hashes.size == 0:
            return cls()
        permuted = np.multiply(_A[:, None], hashes[None, :])  # in place from here: no temporaries
        permuted += _B[:, None]
        return cls(tuple((permuted.min(axis=1) >> _SHIFT).tolist()))  # the shift keeps the order

    def similarity(self, other: MinHash) -> float:
        """Estimated Jaccard similarity of the two sets; 0 when either is empty."""
        if not self.values or not other.values:
            return 0.0
        return sum(map(int.__eq__, self.values, other.values)) / PERMUTATIONS
