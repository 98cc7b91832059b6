"""The probe queue in the store: priority order, leases that a dead monitor gives back, digests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mirrorhunt.clock import FixedClock
from mirrorhunt.model import Candidate, Case
from mirrorhunt.store import Store

T0 = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def _candidate(name: str, source: str) -> Candidate:
    return Candidate(case="c", name=name, source=source, found_at=T0)


def test_claims_follow_priority_then_due_time_and_leases_expire(store_url: str) -> None:
    with Store.open(store_url, clock=FixedClock(T0)) as store:
        store.add_case(Case(name="c", url="https://seized.fr/", created_at=T0))
        store.add_candidate(_candidate("sweep.gg", "permutation:tld-swap"), priority=5)
        store.add_candidate(_candidate("ct.net", "ct"), priority=0)
        store.add_candidate(_candidate("later.org", "tip"), priority=0)
        store.schedule_candidate("c", "later.org", due_at=T0 + timedelta(hours=1))
        lease = T0 + timedelta(minutes=1)
        first = store.claim_due(now=T0, lease_until=lease, limit=1)
        assert [c.name for c in first] == ["ct.net"] and first[0].state == "resolving"
        assert [c.name for c in store.claim_due(now=T0, lease_until=lease, limit=5)] == ["sweep.gg"]
        assert store.claim_due(now=T0, lease_until=lease, limit=5) == [], "claimed names wait for their lease"
        after_lease = store.claim_due(now=lease, lease_until=lease + timedelta(minutes=1), limit=5)
        assert [c.name for c in after_lease] == ["ct.net", "sweep.gg"], "a dead monitor's claims come back"
        states = [e.detail["to"] for e in store.events(subject="ct.net", kind="candidate.state")]
        assert states == ["resolving"], "a claim taken again is not a new state"


def test_a_different_digest_is_recorded_as_a_change(store_url: str) -> None:
    with Store.open(store_url, clock=FixedClock(T0)) as store:
        store.add_case(Case(name="c", url="https://seized.fr/", created_at=T0))
        store.add_candidate(_candidate("parked.gg", "ct"))
        assert store.candidate_digest("c", "parked.gg") is None
        store.set_candidate_state("c", "parked.gg", "live", digest="a" * 64)
        store.set_candidate_state("c", "parked.gg", "live", digest="a" * 64)
        store.set_candidate_state("c", "parked.gg", "changed", digest="b" * 64)
        store.set_candidate_state("c", "parked.gg", "changed", digest="c" * 64)
        events = store.events(subject="parked.gg", kind="candidate.state")
        assert [e.detail["to"] for e in events] == ["live", "changed", "changed"]
        assert (events[2].detail["digest_before"], events[2].detail["digest"]) == ("b" * 64, "c" * 64)
        assert store.candidate_digest("c", "parked.gg") == "c" * 64
