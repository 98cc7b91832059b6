"""Moments, names and listing changes shared by the transparency log tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mirrorhunt.model import Listing
from mirrorhunt.store import Store

ORIGIN = "rpz.test/audit"
AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def change_listings(store: Store, *, first: int, count: int, removed: int | None = None) -> None:
    """List ``count`` names from ``mirror<first>.example`` on, half by a person; remove one if asked."""
    for i in range(first, first + count):
        decided_by = "alice" if i % 2 else "matcher/1"
        store.add_listing(
            Listing(
                name=f"mirror{i}.example",
                case="salon",
                reason=f"same page as the seized site ({i})",
                decided_by=decided_by,
                since=AT + timedelta(minutes=i),
            )
        )
    if removed is not None:
        store.remove_listing(f"mirror{removed}.example", reason="gone", decided_by="cli")
