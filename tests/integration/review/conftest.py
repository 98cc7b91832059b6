"""A review desk over a store on each backend, with a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from review_samples import START

from mirrorhunt.clock import FixedClock
from mirrorhunt.config import Settings
from mirrorhunt.review.desk import ReviewDesk
from mirrorhunt.store import Store


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def store(store_url: str, clock: FixedClock) -> Iterator[Store]:
    with Store.open(store_url, clock=clock) as opened:
        yield opened


@pytest.fixture
def desk(store: Store, clock: FixedClock) -> ReviewDesk:
    return ReviewDesk(store=store, settings=Settings(), clock=clock)
