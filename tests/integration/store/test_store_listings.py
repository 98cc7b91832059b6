"""The blocklist: one row per name, and a zone serial that moves on every real change and only then."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from store_samples import NOW

from mirrorhunt.clock import FixedClock
from mirrorhunt.errors import NotFound, UnknownCase
from mirrorhunt.model import Case, Event, Listing
from mirrorhunt.store import Store


def listing(name: str, *, case: str = "salon-lumiere") -> Listing:
    return Listing(name=name, case=case, reason="mirror of the seized site", decided_by="alice", since=NOW)


def test_new_database_has_serial_one_and_no_listings(store: Store) -> None:
    assert store.zone_serial() == 1
    assert store.listings() == []


def test_serial_moves_on_real_changes_only(store: Store, case: Case) -> None:
    store.add_case(case)
    expiring = replace(listing("salon-lumiere.gg"), expires=date(2026, 6, 30))

    assert store.add_listing(expiring) is True
    assert store.add_listing(listing("salon-lumiere.to")) is True
    assert store.zone_serial() == 3
    assert store.add_listing(replace(expiring, reason="again", decided_by="bob")) is False
    assert store.zone_serial() == 3
    assert store.listings() == [expiring, listing("salon-lumiere.to")]

    store.remove_listing("salon-lumiere.gg", reason="order expired", decided_by="bob")
    assert store.zone_serial() == 4
    with pytest.raises(NotFound, match="not listed"):
        store.remove_listing("salon-lumiere.gg", reason="twice", decided_by="bob")
    assert store.zone_serial() == 4
    assert store.listings() == [listing("salon-lumiere.to")]


def test_listing_changes_are_events_with_their_serial(store: Store, case: Case) -> None:
    store.add_case(case)
    store.add_listing(listing("salon-lumiere.gg"))
    store.add_listing(listing("salon-lumiere.gg"))
    store.remove_listing("salon-lumiere.gg", reason="false positive", decided_by="bob")

    assert store.events(subject="salon-lumiere.gg") == [
        Event(
            kind="listing.added",
            subject="salon-lumiere.gg",
            detail={
                "case": case.name,
                "action": "nxdomain",
                "reason": "mirror of the seized site",
                "decided_by": "alice",
                "expires": None,
                "serial": 2,
            },
            at=NOW,
        ),
        Event(
            kind="listing.removed",
            subject="salon-lumiere.gg",
            detail={"case": case.name, "reason": "false positive", "decided_by": "bob", "serial": 3},
            at=NOW,
        ),
    ]


def test_listing_needs_a_known_case(store: Store) -> None:
    with pytest.raises(UnknownCase):
        store.add_listing(listing("x.gg", case="nope"))
    assert store.zone_serial() == 1
    assert store.listings() == []
    assert store.events() == []


def test_listings_and_serial_survive_reopening(store_url: str, case: Case) -> None:
    with Store.open(store_url, clock=FixedClock(NOW)) as first:
        first.add_case(case)
        first.add_listing(listing("b.gg"))
        first.add_listing(listing("a.gg"))
        first.remove_listing("b.gg", reason="gone", decided_by="bob")

    with Store.open(store_url, clock=FixedClock(NOW)) as again:
        assert again.zone_serial() == 4
        assert again.listings() == [listing("a.gg")]
        assert again.add_listing(listing("c.gg")) is True
        assert again.zone_serial() == 5
