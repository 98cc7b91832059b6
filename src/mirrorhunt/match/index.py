"""Many references, one candidate: a shortlist from MinHash bands of the text and from exact identity keys
(favicon hash, indicators, TLS public key, a host named by a certificate or passed by a redirect),
then the full comparison with the shortlisted references only, the most similar text first, so that
once a mirror is found the references that cannot beat it are left after their text (``best_of``).

With 10,000 references a candidate costs a few dictionary look-ups and a handful of comparisons.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from urllib.parse import urlsplit

import numpy as np

from mirrorhunt.fingerprint import Fingerprint
from mirrorhunt.fingerprint.minhash import PERMUTATIONS
from mirrorhunt.match import thresholds as t
from mirrorhunt.match.verdict import best_of
from mirrorhunt.model import Verdict

_NO_TEXT = (0,) * PERMUTATIONS


def _bands(fp: Fingerprint) -> list[tuple[int, tuple[int, ...]]]:
    values = fp.text_minhash.values
    if not values:
        return []
    return [(b, values[b * t.INDEX_ROWS : (b + 1) * t.INDEX_ROWS]) for b in range(t.INDEX_BANDS)]


def _identities(fp: Fingerprint) -> list[Hashable]:
    keys: list[Hashable] = list(fp.indicators)
    if fp.favicon is not None:
        keys.append(("favicon", fp.favicon))
    if fp.certificate_key:
        keys.append(("key", fp.certificate_key))
    return keys


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


def _reference_hosts(fp: Fingerprint) -> list[Hashable]:
    """What a candidate related to this reference by transport would point at."""
    return [("host", _host(fp.url)), *(("named", name) for name in fp.certificate_names)]


def _candidate_hosts(fp: Fingerprint) -> list[Hashable]:
    """The hosts this candidate points at: its certificate's names, its redirects, refresh and frames."""
    pointed = {*fp.certificate_names, *fp.redirect_hosts, *map(_host, (fp.refresh or "", *fp.frames))}
    return [*(("host", h) for h in pointed if h), ("named", _host(fp.url))]


class ReferenceIndex:
    """The references of every active case, searchable by candidate."""

    def __init__(self, references: Iterable[Fingerprint] = ()) -> None:
        self._references: list[Fingerprint] = []
        self._signatures: list[tuple[int, ...]] = []
        self._matrix: np.ndarray[tuple[int, int], np.dtype[np.uint64]] | None = None
        self._keys: dict[Hashable, list[int]] = {}
        for reference in references:
            self.add(reference)

    def __len__(self) -> int:
        return len(self._references)

    def add(self, reference: Fingerprint) -> None:
        """Index one more reference page."""
        number = len(self._references)
        self._references.append(reference)
        self._signatures.append(reference.text_minhash.values or _NO_TEXT)  # never shortlisted by text
        self._matrix = None
        for key in (*_bands(reference), *_identities(reference), *_reference_hosts(reference)):
            self._keys.setdefault(key, []).append(number)

    def _shortlisted(self, candidate: Fingerprint) -> list[int]:
        """Numbers of the references worth a full comparison, the most similar text (estimated) first."""
        by_text = {n for key in _bands(candidate) for n in self._keys.get(key, ())}
        keys = (*_identities(candidate), *_candidate_hosts(candidate))
        by_identity = {n for key in keys for n in self._keys.get(key, ())}
        if not by_text:
            return sorted(by_identity)
        if self._matrix is None:
            self._matrix = np.array(self._signatures, dtype=np.uint64)
        numbers = np.array(sorted(by_text | by_identity), dtype=np.int64)
        signature = np.array(candidate.text_minhash.values, dtype=np.uint64)
        similarity = (self._matrix[numbers] == signature).mean(axis=1)
        kept = (similarity >= t.INDEX_MIN_JACCARD) | np.isin(numbers, list(by_identity))
        order = np.argsort(-similarity[kept], kind="stable")  # equals stay in the order of their numbers
        ranked: list[int] = numbers[kept][order].tolist()
        return ranked

    def shortlist(self, candidate: Fingerprint) -> list[Fingerprint]:
        """The references worth a full comparison with ``candidate``, in the order they were added."""
        return [self._references[n] for n in sorted(self._shortlisted(candidate))]

    def best_verdict(self, candidate: Fingerprint) -> Verdict | None:
        """The verdict against the shortlisted reference the candidate resembles most (the first added of
        equals); None when no reference shares enough text, an identifier or a host to be worth comparing
        (``unrelated_verdict``)."""
        return best_of(((n, self._references[n]) for n in self._shortlisted(candidate)), candidate)
