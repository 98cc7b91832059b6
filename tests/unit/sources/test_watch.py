"""Watch rules: which names seen in a CT log concern a case."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirrorhunt.model import Case
from mirrorhunt.sources.watch import WatchRules

CASE = Case(
    name="salon",
    url="https://salon-lumiere.fr/",
    keywords=("Lumiere",),
    created_at=datetime(2026, 11, 1, tzinfo=UTC),
)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("salon-lumiere.gg", "same label"),
        ("www.salon-lumiere.co.uk", "same label"),
        ("lumiere-secours.net", "keyword 'lumiere'"),
        ("salon-lumeire.fr", "one edit away"),
        ("salon-lumiere2.to", "keyword"),
        ("salon-lumire.fr", "one edit away"),
    ],
)
def test_names_that_concern_the_case(name: str, why: str) -> None:
    reason = WatchRules.of(CASE).reason(name)
    assert reason is not None and why in reason


@pytest.mark.parametrize(
    "name", ["nouvelle-adresse.xyz", "salon-beaute.fr", "example.com", "gg", "not a name"]
)
def test_names_that_do_not(name: str) -> None:
    assert WatchRules.of(CASE).reason(name) is None
