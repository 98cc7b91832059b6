"""Read what the reports need from the store: the thin I/O before the pure renderers."""

from __future__ import annotations

from datetime import datetime

from mirrorhunt.report.case import CaseFile, MirrorFile
from mirrorhunt.report.figures import KINDS, TransparencyFigures, transparency_figures
from mirrorhunt.store import Store


def collect_figures(store: Store, *, now: datetime) -> TransparencyFigures:
    """The transparency figures of every event on record, as of ``now``."""
    return transparency_figures(events=[e for kind in KINDS for e in store.events(kind=kind)], now=now)


def collect_case(store: Store, *, case: str, now: datetime) -> CaseFile:
    """The case, its references and its mirrors: the names listed in it and those judged mirrors.

    Raises ``UnknownCase`` for a case that does not exist.
    """
    record = store.get_case(case)
    listings = {listing.name: listing for listing in store.listings() if listing.case == case}
    candidates = {candidate.name: candidate for candidate in store.candidates(case)}
    verdicts = {name: store.latest_verdict(case, name) for name in candidates.keys() | listings.keys()}
    names = sorted(
        listings.keys()
        | {name for name, verdict in verdicts.items() if verdict and verdict.label == "mirror"}
    )
    mirrors = tuple(
        MirrorFile(
            name=name,
            candidate=candidates.get(name),
            verdict=verdicts[name],
            listing=listings.get(name),
            captures=tuple(store.captures(case, name)),
            events=tuple(e for e in store.events(subject=name) if e.detail.get("case", case) == case),
        )
        for name in names
    )
    return CaseFile(case=record, references=tuple(store.references(case)), mirrors=mirrors, generated_at=now)
