"""How common a token is across the web: document frequencies from many unrelated pages.

A token (a word of the visible text, a class or id name, a script or stylesheet name) that most sites
carry (``jquery.min.js``, ``container``, ``the``) says nothing about who runs a page; one that almost no
site carries (``chat-salon-fa``) says a lot. The frequencies ship with the package
(``background.npz``, built by ``scripts/build_background.py`` from the dev corpus only): 32-bit
hashes of the tokens seen on at least ``MIN_KEPT`` pages, and on how many pages each was seen; a
token seen on fewer counts as never seen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Set
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import mmh3
import numpy as np

RARE_SHARE = 0.005
"""A token on at most this share of the background pages is rare."""
MIN_TOKEN_CHARS = 3
MAX_RARE = 500
"""The rare tokens kept per page: the ones with the smallest hashes, an unbiased sample."""
MIN_KEPT = 3
DATA_FILE = "background.npz"


def token_hash(token: str) -> int:
    """The 32-bit hash the background is keyed by."""
    return int(mmh3.hash(token, 0, False))


@dataclass(frozen=True, slots=True)
class Background:
    """Document frequencies: sorted token hashes, the number of pages with each, and the page count."""

    hashes: np.ndarray[tuple[int], np.dtype[np.uint32]]
    counts: np.ndarray[tuple[int], np.dtype[np.uint32]]
    pages: int

    def frequencies(
        self, hashes: np.ndarray[tuple[int], np.dtype[np.uint32]]
    ) -> np.ndarray[tuple[int], np.dtype[np.uint32]]:
        """On how many background pages each hashed token was seen (0 when fewer than ``MIN_KEPT``)."""
        if self.hashes.size == 0 or hashes.size == 0:
            return np.zeros(hashes.size, dtype=np.uint32)
        at = np.minimum(np.searchsorted(self.hashes, hashes), self.hashes.size - 1)
        return np.where(self.hashes[at] == hashes, self.counts[at], 0).astype(np.uint32)

    def rare(self, tokens: Set[str]) -> tuple[tuple[str, float], ...]:
        """The rare tokens among ``tokens`` with their weight (inverse document frequency), rarest first;
        at most ``MAX_RARE``."""
        words = [t for t in tokens if len(t) >= MIN_TOKEN_CHARS]
        if not words:
            return ()
        hashed = np.fromiter([mmh3.hash(t, 0, False) for t in words], dtype=np.uint32, count=len(words))
        order = np.argsort(hashed, kind="stable")  # the sample's order, and sorted look-ups are faster
        seen = self.frequencies(hashed[order])
        kept = np.flatnonzero(seen <= max(1, int(RARE_SHARE * self.pages)))[:MAX_RARE]
        counts = seen[kept].tolist()
        weight = {n: math.log((self.pages + 1) / (n + 1)) for n in set(counts)}
        # The weight falls as the count grows: rarest first is fewest pages first.
        ranked = sorted(zip(counts, [words[i] for i in order[kept].tolist()], strict=True))
        return tuple((token, weight[n]) for n, token in ranked)

    @classmethod
    def of_pages(cls, pages: Iterable[Iterable[str]]) -> Background:
        """The background of some pages' token sets (tokens on fewer than ``MIN_KEPT`` pages left out)."""
        counted: dict[int, int] = {}
        total = 0
        for tokens in pages:
            total += 1
            for token in {t for t in tokens if len(t) >= MIN_TOKEN_CHARS}:
                key = token_hash(token)
                counted[key] = counted.get(key, 0) + 1
        kept = sorted((k, n) for k, n in counted.items() if n >= MIN_KEPT)
        return cls(
            hashes=np.array([k for k, _ in kept], dtype=np.uint32),
            counts=np.array([n for _, n in kept], dtype=np.uint32),
            pages=total,
        )


@cache
def background() -> Background:
    """The background shipped with the package."""
    with files("mirrorhunt.fingerprint").joinpath(DATA_FILE).open("rb") as f:
        data = np.load(f)
        return Background(
            hashes=data["hashes"].astype(np.uint32),
            counts=data["counts"].astype(np.uint32),
            pages=int(data["pages"]),
        )
