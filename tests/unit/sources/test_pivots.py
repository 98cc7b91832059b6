"""Pivots: a capture that shares an indicator with a confirmed mirror proposes itself for its case."""

from __future__ import annotations

from datetime import UTC, datetime

from mirrorhunt.fingerprint import fingerprint
from mirrorhunt.lab.ca import LabCA
from mirrorhunt.sources.pivots import ADDRESS, FAVICON, TLS_KEY, Pivot, PivotRules, pivots_of

PAGE = "<html><body><script>ga('create', 'UA-1234567-1');</script><p>0x{}</p></body></html>"


def test_indicators_of_a_capture() -> None:
    ca = LabCA(now=datetime(2026, 1, 1, tzinfo=UTC))
    issued = ca.issue(["mirror.gg"], now=datetime(2026, 1, 1, tzinfo=UTC))
    seen = fingerprint(PAGE, url="https://mirror.gg/", favicon=b"\x00icon")
    pivots = pivots_of(addresses=("192.0.2.7",), certificate=issued.der, seen=seen)
    kinds = {p.kind for p in pivots}
    assert {ADDRESS, TLS_KEY, FAVICON, "google-analytics"} <= kinds
    assert Pivot("google-analytics", "UA-1234567-1") in pivots
    assert pivots_of(certificate=b"not a certificate") == frozenset()


def test_rules_match_other_sites_once_per_case_with_the_reason() -> None:
    rules = PivotRules()
    shared = Pivot("google-analytics", "UA-1234567-1")
    assert rules.watch(case="c", origin="mirror.gg", pivots=[shared, Pivot(ADDRESS, "192.0.2.7")]) == 2
    assert rules.watch(case="c", origin="other.gg", pivots=[shared]) == 0, "already watched for c"
    (match,) = rules.matches("new.net", [Pivot(ADDRESS, "192.0.2.7"), shared])
    assert (match.case, match.origin) == ("c", "mirror.gg")
    assert "mirror.gg" in match.reason and "192.0.2.7" in match.reason
    assert rules.matches("mirror.gg", [shared]) == [], "a site never pivots on itself"
    assert rules.matches("new.net", [Pivot(FAVICON, "1")]) == []
