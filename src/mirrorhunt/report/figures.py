"""The transparency figures: how many names were listed, delisted, contested and upheld, and how long
discovery took to become a listing, in total, per case and per month. Pure: computed from events."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mirrorhunt.model import Event

FOUND = "candidate.found"
LISTED = "listing.added"
REMOVED = "listing.removed"
CONTEST_KINDS = {"contest.opened": "contested", "contest.upheld": "upheld", "contest.granted": "granted"}
KINDS = (FOUND, LISTED, REMOVED, *CONTEST_KINDS)
"""The event kinds the figures are computed from."""
UNKNOWN_CASE = "(no case)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Tally:
    """The counts of one period or case, and the median delay from discovery to listing."""

    listed: int = 0
    delisted: int = 0
    """Taken off the list by a decision (expiries are counted apart)."""
    expired: int = 0
    contested: int = 0
    upheld: int = 0
    """Contests that ended with the listing kept."""
    granted: int = 0
    """Contests that ended with the name taken off."""
    median_to_listing: timedelta | None = None
    """From the ``candidate.found`` of a name to its ``listing.added`` in the same case."""
    measured: int = 0
    """How many listings the median is taken over (those whose discovery is on record)."""

    def as_dict(self) -> dict[str, Any]:
        median = self.median_to_listing
        return {
            "listed": self.listed,
            "delisted": self.delisted,
            "expired": self.expired,
            "contested": self.contested,
            "upheld": self.upheld,
            "granted": self.granted,
            "median_hours_to_listing": None if median is None else round(median.total_seconds() / 3600, 3),
            "measured": self.measured,
        }


@dataclass(slots=True)
class _Counter:
    counts: dict[str, int] = field(default_factory=dict)
    delays: list[float] = field(default_factory=list)

    def tally(self) -> Tally:
        median = timedelta(seconds=statistics.median(self.delays)) if self.delays else None
        return Tally(**self.counts, median_to_listing=median, measured=len(self.delays))


@dataclass(frozen=True, slots=True, kw_only=True)
class TransparencyFigures:
    generated_at: datetime
    total: Tally
    by_case: tuple[tuple[str, Tally], ...]
    """Cases by name."""
    by_month: tuple[tuple[str, Tally], ...]
    """``YYYY-MM``, every month from the first event's to ``generated_at``'s, quiet months included."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at.isoformat(),
            "total": self.total.as_dict(),
            "by_case": {case: tally.as_dict() for case, tally in self.by_case},
            "by_month": {month: tally.as_dict() for month, tally in self.by_month},
        }


def month_of(at: datetime) -> str:
    return f"{at.year:04d}-{at.month:02d}"


def _months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    months = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        months.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _what(event: Event) -> str | None:
    """Which count an event adds to, if any."""
    if event.kind == LISTED:
        return "listed"
    if event.kind == REMOVED:
        return "expired" if event.detail.get("why") == "expired" else "delisted"
    return CONTEST_KINDS.get(event.kind)


def transparency_figures(*, events: Iterable[Event], now: datetime) -> TransparencyFigures:
    """The figures of ``events`` (any kinds; those outside ``KINDS`` are ignored), as of ``now``.

    A contest event without a ``case`` in its detail counts for the case its subject was last listed in.
    """
    ordered = sorted((e for e in events if e.kind in KINDS), key=lambda e: e.at)
    found: dict[tuple[str, str], datetime] = {}
    case_of_name: dict[str, str] = {}
    total, cases, months = _Counter(), dict[str, _Counter](), dict[str, _Counter]()
    for event in ordered:
        case = event.detail.get("case")
        if event.kind == FOUND:
            if isinstance(case, str):
                found.setdefault((case, event.subject), event.at)
            continue
        if not isinstance(case, str):
            case = case_of_name.get(event.subject, UNKNOWN_CASE)
        what = _what(event)
        if what is None:
            continue
        counters = (
            total,
            cases.setdefault(case, _Counter()),
            months.setdefault(month_of(event.at), _Counter()),
        )
        for counter in counters:
            counter.counts[what] = counter.counts.get(what, 0) + 1
        if event.kind == LISTED:
            case_of_name[event.subject] = case
            discovered = found.get((case, event.subject))
            if discovered is not None and discovered <= event.at:
                for counter in counters:
                    counter.delays.append((event.at - discovered).total_seconds())
    calendar = _months(min(months), max(*months, month_of(now))) if months else []
    return TransparencyFigures(
        generated_at=now,
        total=total.tally(),
        by_case=tuple((case, cases[case].tally()) for case in sorted(cases)),
        by_month=tuple((month, months.get(month, _Counter()).tally()) for month in calendar),
    )
