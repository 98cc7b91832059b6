"""``Store.listed_names``: the names alone, sorted, on both backends, as listings and removals leave them."""

from __future__ import annotations

from datetime import UTC, datetime

from mirrorhunt.model import Case, Listing
from mirrorhunt.store import Store

AT = datetime(2026, 5, 1, tzinfo=UTC)


def test_listed_names_follow_additions_and_removals(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.add_case(Case(name="salon", url="https://salon-lumiere.fr/", created_at=AT))
        assert store.listed_names() == []
        names = ["salon-lumiere.gg", "a-salon.io", "salon-lumiere.co.uk", "xn--bcher-kva.example"]
        store.add_listings(
            [Listing(name=n, case="salon", reason="r", decided_by="t", since=AT) for n in names]
        )
        store.remove_listing("a-salon.io", reason="gone", decided_by="t")
        listed = store.listed_names()
        assert listed == sorted(listed)
        assert set(listed) == {listing.name for listing in store.listings()} == set(names) - {"a-salon.io"}
