"""Listings the export tests share."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mirrorhunt.model import Listing

AT = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
SINCE = datetime(2026, 4, 30, 8, 0, tzinfo=UTC)
LISTINGS = [
    Listing(
        name="Salon-Lumiere.GG",
        case="salon",
        reason="mirror",
        decided_by="test",
        since=SINCE,
        expires=date(2026, 12, 31),
    ),
    Listing(name="salon-lumière.to", case="salon", reason="mirror", decided_by="test", since=SINCE),
    Listing(name="b.example", case="case, with comma", reason="mirror", decided_by="test", since=AT),
]
NAMES = ["b.example", "salon-lumiere.gg", "xn--salon-lumire-6db.to"]
"""The names of LISTINGS as every export writes them: A-labels, lower case, sorted."""
