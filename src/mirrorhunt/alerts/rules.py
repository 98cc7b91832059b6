"""What is worth telling someone: events and periodic looks become alerts, each with a key that says
when two of them are the same thing (a mirror re-probed every six hours is one alert, not four a day).

Pure: no database, no clock, no network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from mirrorhunt.model import Event, Listing

AlertKind = Literal["candidate", "review", "auto-listed", "expiring", "contest", "stalled", "held", "test"]
KINDS: tuple[AlertKind, ...] = (
    "candidate",
    "review",
    "auto-listed",
    "expiring",
    "contest",
    "stalled",
    "held",
    "test",
)

MACHINE_PREFIX = "matcher/"
"""``decided_by`` of what the matcher decided on its own (``engine.scan.MATCHER``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """One thing to tell: ``key`` is the same for repeats of the same thing, which are told once."""

    key: str
    kind: AlertKind
    case: str | None
    subject: str
    summary: str
    at: datetime


def alerts_of(event_id: int, event: Event, *, min_score: float) -> list[Alert]:
    """The alerts one event of the store's log calls for (most call for none)."""
    detail, name = event.detail, event.subject
    case = detail.get("case") if isinstance(detail.get("case"), str) else None
    told: tuple[str, AlertKind, str] | None = None
    if event.kind == "verdict.added":
        score = float(detail.get("score") or 0.0)
        if detail.get("label") == "review":
            told = f"review:{case}:{name}", "review", f"{name} needs a review for case {case} ({score:.2f})"
        elif score >= min_score:
            told = (
                f"candidate:{case}:{name}",
                "candidate",
                f"new candidate {name} for case {case}: {detail.get('label')} ({score:.2f})",
            )
    elif event.kind == "listing.added" and str(detail.get("decided_by", "")).startswith(MACHINE_PREFIX):
        told = f"auto-listed:{event_id}", "auto-listed", f"{name} was listed automatically for case {case}"
    elif event.kind == "contest.opened":
        told = f"contest:{event_id}", "contest", f"the listing of {name} is contested"
    elif event.kind == "publish.held":
        reasons = "; ".join(str(reason) for reason in detail.get("reasons") or ()) or "a safety valve"
        told = f"held:{event_id}", "held", f"publication of {name} is held until confirmed: {reasons}"
    if told is None:
        return []
    key, kind, summary = told
    return [Alert(key=key, kind=kind, case=case, subject=name, summary=summary, at=event.at)]


def expiring(listings: Iterable[Listing], *, today: date, days: int, at: datetime) -> list[Alert]:
    """Listings whose order runs out within ``days``: one alert per listing and expiry date."""
    horizon = today + timedelta(days=days)
    return [
        Alert(
            key=f"expiring:{listing.name}:{listing.expires.isoformat()}",
            kind="expiring",
            case=listing.case,
            subject=listing.name,
            summary=f"the listing of {listing.name} (case {listing.case}) expires on {listing.expires}",
            at=at,
        )
        for listing in listings
        if listing.expires is not None and today <= listing.expires <= horizon
    ]
