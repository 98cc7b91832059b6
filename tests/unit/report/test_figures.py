"""Transparency figures from events: counts, medians from discovery to listing, per case and month."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from mirrorhunt.model import Event
from mirrorhunt.report import transparency_figures
from mirrorhunt.report.figures import UNKNOWN_CASE

NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)


def _at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def _event(kind: str, subject: str, at: datetime, **detail: Any) -> Event:
    return Event(kind=kind, subject=subject, detail=detail, at=at)


EVENTS = [
    _event("candidate.found", "a1.example", _at(1, 1, 0), case="alpha", source="ct"),
    _event("listing.added", "a1.example", _at(1, 1, 2), case="alpha"),  # 2 h
    _event("candidate.found", "a2.example", _at(1, 3, 0), case="alpha", source="tip"),
    _event("capture.added", "a2.example", _at(1, 3, 1), case="alpha"),  # not a figure
    _event("listing.added", "a2.example", _at(1, 3, 6), case="alpha"),  # 6 h
    _event("candidate.found", "b1.example", _at(1, 5, 0), case="beta", source="ct"),
    _event("listing.added", "b1.example", _at(1, 6, 0), case="beta"),  # 24 h
    _event("listing.added", "a3.example", _at(2, 10), case="alpha"),  # listed by hand: no discovery
    _event("listing.removed", "a1.example", _at(2, 11), case="alpha", reason="court"),
    _event("listing.removed", "a2.example", _at(3, 1), case="alpha", why="expired"),
    _event("contest.opened", "a3.example", _at(3, 2)),  # no case in the detail: the listing's
    _event("contest.upheld", "a3.example", _at(3, 9)),
    _event("contest.opened", "b1.example", _at(3, 3), case="beta"),
    _event("contest.granted", "b1.example", _at(3, 4), case="beta"),
]


def test_totals_count_each_kind_and_take_the_median_of_measured_listings() -> None:
    figures = transparency_figures(events=EVENTS, now=NOW)
    total = figures.total
    assert (total.listed, total.delisted, total.expired) == (4, 1, 1)
    assert (total.contested, total.upheld, total.granted) == (2, 1, 1)
    assert total.median_to_listing == timedelta(hours=6)
    assert total.measured == 3


def test_per_case_figures_and_contests_counted_for_the_case_of_the_listing() -> None:
    by_case = dict(transparency_figures(events=EVENTS, now=NOW).by_case)
    assert list(by_case) == ["alpha", "beta"]
    alpha, beta = by_case["alpha"], by_case["beta"]
    assert (alpha.listed, alpha.delisted, alpha.expired, alpha.contested, alpha.upheld) == (3, 1, 1, 1, 1)
    assert alpha.median_to_listing == timedelta(hours=4)  # median of 2 h and 6 h
    assert (beta.listed, beta.contested, beta.granted, beta.median_to_listing) == (
        1,
        1,
        1,
        timedelta(hours=24),
    )


def test_per_month_figures_cover_every_month_up_to_now() -> None:
    by_month = dict(transparency_figures(events=EVENTS, now=NOW).by_month)
    assert list(by_month) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    january, february, march, april = by_month.values()
    assert (january.listed, january.median_to_listing, january.measured) == (3, timedelta(hours=6), 3)
    assert (february.listed, february.delisted, february.median_to_listing) == (1, 1, None)
    assert (march.expired, march.contested, march.upheld, march.granted) == (1, 2, 1, 1)
    assert april.listed == april.delisted == april.contested == 0 and april.median_to_listing is None


def test_discovery_in_another_case_or_after_the_listing_is_not_a_delay() -> None:
    events = [
        _event("candidate.found", "x.example", _at(1, 1), case="other"),
        _event("listing.added", "x.example", _at(1, 2), case="alpha"),
        _event("listing.added", "y.example", _at(1, 2), case="alpha"),
        _event("candidate.found", "y.example", _at(1, 3), case="alpha"),
    ]
    figures = transparency_figures(events=events, now=_at(1, 31))
    assert figures.total.listed == 2
    assert figures.total.measured == 0 and figures.total.median_to_listing is None


def test_a_contest_of_a_name_never_listed_counts_without_a_case() -> None:
    figures = transparency_figures(events=[_event("contest.opened", "z.example", _at(5, 1))], now=_at(5, 2))
    assert dict(figures.by_case)[UNKNOWN_CASE].contested == 1


def test_no_events_give_zeros_and_no_month() -> None:
    figures = transparency_figures(events=[], now=NOW)
    assert figures.by_month == () and figures.by_case == ()
    assert figures.total.listed == 0 and figures.total.median_to_listing is None


def test_the_json_form_carries_the_same_figures() -> None:
    data = json.loads(json.dumps(transparency_figures(events=EVENTS, now=NOW).as_dict()))
    assert data["generated_at"] == NOW.isoformat()
    assert data["total"]["listed"] == 4 and data["total"]["median_hours_to_listing"] == 6.0
    assert data["by_case"]["beta"]["granted"] == 1
    assert data["by_month"]["2026-01"]["median_hours_to_listing"] == 6.0
