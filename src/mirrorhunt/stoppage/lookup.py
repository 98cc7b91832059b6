"""Which listing blocks a name: the name itself or the nearest listed name above it (what the RPZ's
``*.name`` records do), unless that listing is a PASSTHRU exception."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from mirrorhunt.model import Listing
from mirrorhunt.store import Store, records, schema


class Blocking(NamedTuple):
    listing: Listing
    order: str | None
    """The case's order: its reference as recorded."""
    order_expires: date | None


def blocking_listing(store: Store, name: str) -> Blocking | None:
    """The listing that blocks ``name`` (a normalised name), with its case's order, or None."""
    labels = name.split(".")
    above = [".".join(labels[i:]) for i in range(len(labels))]
    listings, cases = schema.listings, schema.cases
    query = (
        sa.select(listings, cases.c.legal_order, cases.c.expires.label("order_expires"))
        .join(cases, cases.c.name == listings.c.case_name)
        .where(listings.c.name.in_(above))
    )
    with store.reading() as conn:
        rows = conn.execute(query).mappings().all()
    if not rows:
        return None
    nearest = max(rows, key=lambda row: len(row["name"]))
    listing = records.listing_of(nearest)
    if listing.action == "passthru":
        return None
    return Blocking(listing, nearest["legal_order"], nearest["order_expires"])
