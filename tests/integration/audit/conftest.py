"""A store with a case in it, and the log's key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from audit_samples import AT, ORIGIN

from mirrorhunt.audit.note import SignerKey
from mirrorhunt.clock import FixedClock
from mirrorhunt.model import Case
from mirrorhunt.store import Store


@pytest.fixture
def key() -> SignerKey:
    return SignerKey(ORIGIN, bytes(range(32)))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url, clock=FixedClock(AT)) as opened:
        opened.add_case(Case(name="salon", url="https://salon-lumiere.fr/", created_at=AT))
        yield opened
