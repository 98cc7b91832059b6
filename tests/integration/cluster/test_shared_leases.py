"""Leases and the probe queue shared by several processes: one holder at a time, takeover once a lease
runs out, and concurrent claims that never hand a candidate to two monitors (each Store is its own
connection pool, as two processes would be)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from mirrorhunt.model import Candidate, Case
from mirrorhunt.store import Store
from mirrorhunt.store.leases import Leases

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TTL = timedelta(seconds=30)


def _case(store: Store) -> None:
    store.add_case(Case(name="c", url="https://salon-lumiere.fr/", created_at=NOW))


def test_one_holder_at_a_time_until_the_lease_runs_out(store_url: str) -> None:
    with Store.open(store_url) as store:
        leases = Leases(store)
        assert leases.acquire("ct:log", holder="a", now=NOW, until=NOW + TTL)
        assert not leases.acquire("ct:log", holder="b", now=NOW + TTL / 2, until=NOW + TTL * 2)
        assert leases.acquire("ct:log", holder="a", now=NOW + TTL / 2, until=NOW + TTL * 2), "renewed"
        assert not leases.acquire("ct:log", holder="b", now=NOW + TTL, until=NOW + TTL * 3)
        assert leases.acquire("ct:log", holder="b", now=NOW + TTL * 2, until=NOW + TTL * 3), "taken over"
        lease = leases.get("ct:log")
        assert lease is not None and (lease.holder, lease.taken_at) == ("b", NOW + TTL * 2)
        assert not leases.release("ct:log", holder="a", now=NOW + TTL * 2)
        assert leases.release("ct:log", holder="b", now=NOW + TTL * 2)
        assert leases.get("ct:log") is None
        assert leases.acquire("ct:log", holder="a", now=NOW + TTL * 2, until=NOW + TTL * 3), "released: free"
        taken = [(e.detail["holder"], e.detail["from"]) for e in store.events(kind="lease.taken")]
        assert taken == [("a", None), ("b", "a"), ("a", None)]
        assert [e.detail["holder"] for e in store.events(kind="lease.released")] == ["b"]


def test_of_many_asking_at_once_exactly_one_gets_the_lease(store_url: str) -> None:
    stores = [Store.open(store_url) for _ in range(4)]
    try:
        for round_number in range(5):
            name = f"leader:{round_number}"
            won: list[str] = []
            start = threading.Barrier(len(stores))

            def ask(
                store: Store,
                holder: str,
                name: str = name,
                start: threading.Barrier = start,
                won: list[str] = won,
            ) -> None:
                start.wait()
                if Leases(store).acquire(name, holder=holder, now=NOW, until=NOW + TTL):
                    won.append(holder)

            threads = [threading.Thread(target=ask, args=(s, f"p{i}")) for i, s in enumerate(stores)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert len(won) == 1, won
            lease = Leases(stores[0]).get(name)
            assert lease is not None and lease.holder == won[0]
    finally:
        for store in stores:
            store.close()


def test_concurrent_claims_hand_each_candidate_to_one_monitor(store_url: str) -> None:
    names = [f"n{i}.example" for i in range(120)]
    with Store.open(store_url) as first:
        _case(first)
        for name in names:
            first.add_candidate(Candidate(case="c", name=name, source="tip", detail="", found_at=NOW))
    claimed: list[str] = []
    stores = [Store.open(store_url) for _ in range(3)]
    try:
        start = threading.Barrier(len(stores))

        def claim(store: Store) -> None:
            start.wait()
            while batch := store.claim_due(now=NOW, lease_until=NOW + TTL, limit=7):
                claimed.extend(c.name for c in batch)

        threads = [threading.Thread(target=claim, args=(store,)) for store in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for store in stores:
            store.close()
    assert max(Counter(claimed).values()) == 1, "a candidate was handed out twice"
    assert sorted(claimed) == sorted(names)


def test_a_claimed_candidate_is_taken_over_when_its_lease_runs_out(store_url: str) -> None:
    with Store.open(store_url) as store:
        _case(store)
        store.add_candidate(Candidate(case="c", name="x.example", source="tip", detail="", found_at=NOW))
        assert [c.name for c in store.claim_due(now=NOW, lease_until=NOW + TTL, limit=5)] == ["x.example"]
        assert store.claim_due(now=NOW + TTL / 2, lease_until=NOW + TTL * 2, limit=5) == []
        again = store.claim_due(now=NOW + TTL, lease_until=NOW + TTL * 2, limit=5)
        assert [(c.name, c.state) for c in again] == [("x.example", "resolving")]
