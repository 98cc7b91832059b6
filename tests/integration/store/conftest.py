"""A store on each backend, and a case to put in it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from store_samples import NOW, sample_case

from mirrorhunt.clock import FixedClock
from mirrorhunt.model import Case
from mirrorhunt.store import Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url, clock=FixedClock(NOW)) as opened:
        yield opened


@pytest.fixture
def case() -> Case:
    return sample_case()
