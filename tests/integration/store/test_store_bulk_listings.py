"""Bulk listing is one zone change with one event per name; the listing log is read with a cursor."""

from __future__ import annotations

from datetime import date

import pytest
from store_samples import NOW

from mirrorhunt.errors import UnknownCase
from mirrorhunt.model import Case, Listing
from mirrorhunt.store import ListingChange, Store
from mirrorhunt.store.store import LISTING_KINDS


def listing(name: str, *, case: str = "salon-lumiere") -> Listing:
    return Listing(name=name, case=case, reason="bulk import", decided_by="alice", since=NOW)


def test_a_batch_raises_the_serial_once_and_records_one_event_per_new_name(store: Store, case: Case) -> None:
    store.add_case(case)
    store.add_listing(listing("already.gg"))
    expiring = Listing(
        name="b.gg", case=case.name, reason="r", decided_by="bob", since=NOW, expires=date(2026, 6, 30)
    )
    batch = [listing("a.gg"), expiring, listing("already.gg"), listing("a.gg")]

    assert store.add_listings(batch) == 2
    assert store.zone_serial() == 3
    assert [item.name for item in store.listings()] == ["a.gg", "already.gg", "b.gg"]
    assert store.listings()[2] == expiring
    events = [e for e in store.events(kind="listing.added") if e.subject in ("a.gg", "b.gg")]
    assert [(e.subject, e.detail["serial"], e.at) for e in events] == [("a.gg", 3, NOW), ("b.gg", 3, NOW)]
    assert events[1].detail == {
        "case": case.name,
        "action": "nxdomain",
        "reason": "r",
        "decided_by": "bob",
        "expires": "2026-06-30",
        "serial": 3,
    }
    assert store.add_listings([listing("a.gg")]) == 0
    assert store.add_listings([]) == 0
    assert store.zone_serial() == 3


def test_a_batch_with_an_unknown_case_changes_nothing(store: Store, case: Case) -> None:
    store.add_case(case)
    with pytest.raises(UnknownCase):
        store.add_listings([listing("a.gg"), listing("b.gg", case="nope")])
    assert store.listings() == [] and store.zone_serial() == 1


def test_listing_changes_after_a_cursor_in_serial_order(store: Store, case: Case) -> None:
    store.add_case(case)
    store.add_listing(listing("a.gg"))
    store.add_listings([listing("b.gg"), listing("c.gg")])
    store.remove_listing("a.gg", reason="false positive", decided_by="bob")

    changes = store.listing_changes()
    assert [(c.kind, c.name, c.serial) for c in changes] == [
        ("listing.added", "a.gg", 2),
        ("listing.added", "b.gg", 3),
        ("listing.added", "c.gg", 3),
        ("listing.removed", "a.gg", 4),
    ]
    assert all(c.kind in LISTING_KINDS for c in changes)
    assert store.listing_changes(after=changes[1].id) == changes[2:]
    assert store.listing_changes(after=changes[-1].id) == []
    store.add_listing(listing("d.gg"))
    assert store.listing_changes(after=changes[-1].id) == [
        ListingChange(id=changes[-1].id + 1, kind="listing.added", name="d.gg", serial=5)
    ]
