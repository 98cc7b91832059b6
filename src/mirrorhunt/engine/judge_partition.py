"""Judging next to the data: a capture's fingerprint and verdict, computed where the capture was taken.

``assess`` is the pure part of judging a capture (fingerprint, verdict, digest); the store side is
``engine/scan.py``'s ``record_judgement``. In the process, ``scan`` captures with its own prober and
assesses each capture itself. On a cluster (``[engine] scheduler``), the queued names are cut into
``JudgePartition`` s that carry the case's reference pages as plain data; a worker captures its names,
assesses each capture against a ``ReferenceIndex`` it builds once per set of references (cached by
their digest), and sends back captures and assessments. The submitting process records them as they
come, without fingerprinting or matching again. A worker's own clock times its captures.

Evidence: a worker writes no WARC file. It keeps each capture's WARC in memory and sends it back with
the capture; the submitting process writes it to its own evidence folder (content-addressed, so the
path is the same as if the prober had written it there). Workers need no shared evidence folder.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import math
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mirrorhunt.config import Settings
from mirrorhunt.engine.executor import Executor, shipped
from mirrorhunt.engine.history import fingerprint_digest
from mirrorhunt.evidence import EvidenceFolder, Exchange, capture_warc
from mirrorhunt.fingerprint import Fingerprint, fingerprint
from mirrorhunt.match import ReferenceIndex, unrelated_verdict
from mirrorhunt.model import Capture, Reference, Verdict
from mirrorhunt.probe import Prober

CAPTURES_PER_PARTITION = 32
"""Names a partition captures at most: each comes back with its page and its WARC (up to twice
``probe.max_body_bytes``), and a partition's result travels in one message."""
INDEXES_KEPT = 16
"""Reference indexes a worker process keeps (the cases it judged for most recently)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """What a fetched capture is: its fingerprint, its verdict, and the digest that tells a changed page."""

    fingerprint: Fingerprint
    verdict: Verdict
    digest: str


def assess(capture: Capture, references: ReferenceIndex) -> Assessment | None:
    """Fingerprint a capture and judge it against the references; None when no page was fetched."""
    if not capture.fetched:
        return None
    seen = fingerprint(
        capture.body,
        url=capture.url or f"https://{capture.name}/",
        favicon=capture.favicon,
        headers=capture.headers,
        certificate=capture.certificate,
        redirects=capture.redirects,
    )
    verdict = references.best_verdict(seen) or unrelated_verdict(seen)
    return Assessment(fingerprint=seen, verdict=verdict, digest=fingerprint_digest(seen))


def index_of(references: Iterable[Reference]) -> ReferenceIndex:
    """The reference pages, fingerprinted and indexed."""
    return ReferenceIndex(fingerprint(r.html, url=r.url, favicon=r.favicon) for r in references)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferencePages:
    """A case's reference pages as plain data, with a digest of their content (the workers' cache key)."""

    pages: tuple[Reference, ...]
    digest: str

    @classmethod
    def of(cls, references: Iterable[Reference]) -> ReferencePages:
        pages = tuple(references)
        hashed = hashlib.sha256()
        for page in pages:
            for part in (page.url.encode(), page.html.encode("utf-8", "surrogatepass"), page.favicon or b""):
                hashed.update(len(part).to_bytes(8, "big") + part)
        return cls(pages=pages, digest=hashed.hexdigest())


@dataclass(slots=True)
class _Kept:
    index: ReferenceIndex
    judged: int = 0
    """Pages judged against it in this process."""


_indexes: OrderedDict[str, _Kept] = OrderedDict()
"""This process's reference indexes by digest, most recently used last (a worker may run partitions
in several threads: ``_lock``)."""
_lock = threading.Lock()


def _kept(references: ReferencePages) -> _Kept:
    """The index of ``references``, built the first time this process sees them."""
    with _lock:
        kept = _indexes.get(references.digest)
        if kept is None:
            kept = _Kept(index_of(references.pages))
            _indexes[references.digest] = kept
            while len(_indexes) > INDEXES_KEPT:
                _indexes.popitem(last=False)
        _indexes.move_to_end(references.digest)
        return kept


def judged_here() -> dict[str, int]:
    """For each set of references this process keeps an index of (by digest): how many pages it judged
    against it. What ``client.run`` asks a worker, to see where the judging ran."""
    with _lock:
        return {digest: kept.judged for digest, kept in _indexes.items()}


class HeldEvidence(EvidenceFolder):
    """An evidence folder that writes nothing: each capture's WARC stays in memory (by the captured
    name) for the process that records the capture to write into the real folder."""

    def __init__(self) -> None:
        super().__init__(Path())
        self.held: dict[str, bytes] = {}

    def write(self, capture: Capture, exchanges: Sequence[Exchange]) -> Capture:
        self.held[capture.name] = capture_warc(capture, exchanges)
        return capture


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgePartition:
    """Names to capture and judge on one worker, with the settings and the references as plain data."""

    settings: dict[str, Any]
    references: ReferencePages
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Judged:
    """One name of a partition: its capture (without its WARC path), the capture's WARC, its assessment."""

    capture: Capture
    warc: bytes | None
    assessment: Assessment | None


async def judge_partition(partition: JudgePartition) -> list[Judged]:
    """Capture, fingerprint and judge every name of the partition where this runs (a worker's task)."""
    settings = Settings.model_validate(partition.settings)
    kept = _kept(partition.references)
    evidence = HeldEvidence()
    judged: list[Judged] = []
    async with Prober(settings, evidence=evidence) as prober:
        async for capture in prober.capture_many(partition.names):
            assessment = assess(capture, kept.index)
            judged.append(
                Judged(capture=capture, warc=evidence.held.pop(capture.name, None), assessment=assessment)
            )
    with _lock:
        kept.judged += sum(one.assessment is not None for one in judged)
    return judged


async def judge_on(
    executor: Executor,
    names: Sequence[str],
    *,
    references: ReferencePages,
    settings: Settings,
    evidence: EvidenceFolder,
) -> AsyncIterator[tuple[Capture, Assessment | None]]:
    """Capture and judge ``names`` on the executor's workers; yields each capture (its WARC written to
    ``evidence``) with its assessment, as partitions finish."""
    size = max(1, min(CAPTURES_PER_PARTITION, math.ceil(len(names) / executor.slots)))
    data = shipped(settings)
    iterator = iter(names)
    partitions = (
        JudgePartition(settings=data, references=references, names=chunk)
        for chunk in iter(lambda: tuple(itertools.islice(iterator, size)), ())
    )
    async for judged in executor.map_partitions(judge_partition, partitions):
        for one in judged:
            capture = one.capture
            if one.warc is not None:
                path, sha256 = await asyncio.to_thread(evidence.put, one.warc)
                capture = replace(capture, warc_path=path, warc_sha256=sha256)
            yield capture, one.assessment
