"""Scoring pairs in one process: every distinct page is read and fingerprinted once."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mirrorhunt.errors import InvalidInput
from mirrorhunt.evaluate.pairs import Pair, PairPage
from mirrorhunt.fingerprint import Fingerprint, fingerprint
from mirrorhunt.match import score
from mirrorhunt.model import Verdict


@dataclass(frozen=True, slots=True, kw_only=True)
class Scored:
    """A pair and the verdict the matcher gave it."""

    pair: Pair
    verdict: Verdict

    def as_json(self) -> dict[str, Any]:
        """The output line of `mirrorhunt eval`: id, score, verdict, signal values, and the reasons."""
        return {
            "id": self.pair.id,
            "score": self.verdict.score,
            "verdict": self.verdict.label,
            "signals": {s.name: round(s.value, 4) for s in self.verdict.signals},
            "reasons": self.verdict.reasons,
        }


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"cannot read {path}: {exc.strerror}", hint="page paths are relative to the pairs file"
        ) from exc


def _der(certificate: bytes) -> bytes:
    """DER as given, or decoded from PEM."""
    if b"-----BEGIN" not in certificate:
        return certificate
    body = b"".join(line for line in certificate.splitlines() if line and not line.startswith(b"-----"))
    try:
        return base64.b64decode(body)
    except binascii.Error:
        return certificate  # unreadable either way: the fingerprint leaves it out


class _Pages:
    """Fingerprints of the pages seen so far, by everything the fingerprint depends on."""

    def __init__(self) -> None:
        self._prints: dict[PairPage, Fingerprint] = {}

    def __call__(self, page: PairPage, *, pair: str) -> Fingerprint:
        found = self._prints.get(page)
        if found is None:
            try:
                found = fingerprint(
                    _read(page.html),
                    url=page.url,
                    favicon=_read(page.favicon) if page.favicon else None,
                    headers=page.headers,
                    certificate=_der(_read(page.cert)) if page.cert else None,
                )
            except InvalidInput as exc:
                raise InvalidInput(f"pair {pair}: {exc.message}", hint=exc.hint) from exc
            self._prints[page] = found
        return found

    def __len__(self) -> int:
        return len(self._prints)


def score_pairs(pairs: Iterable[Pair]) -> Iterator[Scored]:
    """The verdict of each pair, in order; each distinct page is fingerprinted once."""
    pages = _Pages()
    for pair in pairs:
        reference = pages(pair.reference, pair=pair.id)
        candidate = pages(pair.candidate, pair=pair.id)
        yield Scored(pair=pair, verdict=score(reference, candidate))
