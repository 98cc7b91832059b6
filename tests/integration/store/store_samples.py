"""Moments and records shared by the store tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from mirrorhunt.model import Case

NOW = datetime(2025, 3, 1, 12, 30, 45, 123456, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))


def sample_case() -> Case:
    return Case(
        name="salon-lumiere",
        url="https://salon-lumiere.fr/",
        keywords=("salon", "lumière"),
        auto_list=True,
        order="TJ Paris, ord. réf. 24/01234",
        expires=date(2026, 6, 30),
        created_at=datetime(2025, 1, 15, 9, 0, 0, 654321, tzinfo=PARIS),
    )
