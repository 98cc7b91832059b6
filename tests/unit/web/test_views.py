"""The pure parts behind the pages: the text difference, listing filters, the metrics text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from mirrorhunt.model import Listing
from mirrorhunt.web.comparison import DiffLine, certificate_summary, text_difference
from mirrorhunt.web.metrics import Metrics, render
from mirrorhunt.web.views import filter_listings

SINCE = datetime(2026, 11, 1, tzinfo=UTC)


def _listing(
    name: str, *, case: str = "salon", expires: date | None = None, reason: str = "mirror"
) -> Listing:
    return Listing(name=name, case=case, reason=reason, decided_by="ana", since=SINCE, expires=expires)


def test_the_difference_folds_long_runs_of_equal_lines() -> None:
    before = [f"line {i}" for i in range(20)]
    after = [*before[:10], "changed", *before[11:], "added"]
    kinds = [(line.kind, line.text) for line in text_difference(before, after)]
    assert kinds == [
        ("gap", "9"),
        ("same", "line 9"),
        ("removed", "line 10"),
        ("added", "changed"),
        ("same", "line 11"),
        ("gap", "7"),
        ("same", "line 19"),
        ("added", "added"),
    ]
    assert text_difference(["a"], ["a"]) == (DiffLine(kind="same", text="a"),)
    assert [line.kind for line in text_difference([], ["x"])] == ["added"]


def test_the_difference_is_capped() -> None:
    lines = text_difference([f"a{i}" for i in range(500)], [f"b{i}" for i in range(500)])
    assert len(lines) == 81 and lines[-1].kind == "gap" and lines[-1].text == str(1000 - 80)


def test_garbage_is_no_certificate() -> None:
    assert certificate_summary(None) is None
    assert certificate_summary(b"\x30\x03garbage") is None


def test_listings_are_searched_and_filtered() -> None:
    listings = [
        _listing("salon-lumiere.gg", expires=date(2026, 11, 30)),
        _listing("refuge-77.org", case="other", reason="Same wallet as the seized site"),
        _listing("lumiere-secours.net", expires=date(2027, 6, 30)),
    ]

    def names(**filters: Any) -> list[str]:
        return [x.name for x in filter_listings(listings, today=date(2026, 11, 23), **filters)]

    assert names(query="LUMIERE") == ["salon-lumiere.gg", "lumiere-secours.net"]
    assert names(query="wallet") == ["refuge-77.org"]
    assert names(case="other") == ["refuge-77.org"]
    assert names(expiring_within=7) == ["salon-lumiere.gg"]
    assert names(expiring_within=365) == ["salon-lumiere.gg", "lumiere-secours.net"]
    assert names(action="nxdomain") == [x.name for x in listings]
    assert names(action="passthru") == []


def test_metrics_text_follows_the_exposition_format() -> None:
    text = render(
        Metrics(
            candidates={"live": 3, 'we"ird\\': 1},
            verdicts={"mirror": 2},
            listings={"nxdomain": 2},
            decision_seconds=[30.0, 7200.0],
            probe_errors=4,
        )
    )
    lines = text.splitlines()
    assert "# TYPE mirrorhunt_candidates gauge" in lines
    assert 'mirrorhunt_candidates{state="we\\"ird\\\\"} 1' in lines
    assert 'mirrorhunt_decision_seconds_bucket{le="60"} 1' in lines
    assert 'mirrorhunt_decision_seconds_bucket{le="3600"} 1' in lines
    assert 'mirrorhunt_decision_seconds_bucket{le="14400"} 2' in lines
    assert 'mirrorhunt_decision_seconds_bucket{le="+Inf"} 2' in lines
    assert "mirrorhunt_decision_seconds_sum 7230" in lines and "mirrorhunt_decision_seconds_count 2" in lines
    assert "mirrorhunt_probe_errors 4" in lines and text.endswith("\n")
