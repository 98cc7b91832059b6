"""A candidate's history: the digest that tells a changed page from the same one, and its past states."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from mirrorhunt.fingerprint import Fingerprint
from mirrorhunt.model import Candidate, Event, Verdict
from mirrorhunt.store import Store


def fingerprint_digest(seen: Fingerprint) -> str:
    """A hex digest of what the matcher compares: equal pages give equal digests, whatever the order of
    their words, and a page that changed its text, title, assets, favicon or identifiers another one."""
    parts = (
        seen.title,
        " ".join(sorted(seen.words)),
        " ".join(sorted(seen.assets)),
        " ".join(sorted(seen.names)),
        str(seen.favicon),
        " ".join(sorted(f"{kind}={value}" for kind, value in seen.indicators)),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One step of a candidate's history."""

    at: datetime
    state: str
    before: str


def history(events: Iterable[Event], *, case: str) -> list[Change]:
    """The state changes of one candidate of ``case``, oldest first, from its events."""
    return [
        Change(at=event.at, state=str(event.detail.get("to")), before=str(event.detail.get("from")))
        for event in events
        if event.kind == "candidate.state" and event.detail.get("case") == case
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class CandidateView:
    """A candidate as ``mirrorhunt candidates`` shows it: its latest verdict and its history."""

    candidate: Candidate
    verdict: Verdict | None
    changes: tuple[Change, ...]


def candidate_views(store: Store, *, case: str | None = None) -> list[CandidateView]:
    """Every candidate (of one case when given), in the order found, with verdict and history."""
    views = []
    for candidate in store.candidates(case):
        events = store.events(subject=candidate.name, kind="candidate.state")
        views.append(
            CandidateView(
                candidate=candidate,
                verdict=store.latest_verdict(candidate.case, candidate.name),
                changes=tuple(history(events, case=candidate.case)),
            )
        )
    return views
