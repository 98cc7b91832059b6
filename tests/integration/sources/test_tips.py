"""Tips as the API and `mirrorhunt submit` take them: checked, limited per source, recorded once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mirrorhunt.clock import FixedClock
from mirrorhunt.engine.tips import MAX_DETAIL_CHARS, TipLimiter, accept_tip
from mirrorhunt.errors import InvalidInput, InvalidName, RateLimited, UnknownCase
from mirrorhunt.model import Case
from mirrorhunt.store import Store

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(store_url: str) -> Store:
    opened = Store.open(store_url)
    opened.add_case(Case(name="lumiere", url="https://salon-lumiere.fr/", created_at=NOW))
    return opened


def test_each_source_may_send_a_burst_per_window(store: Store) -> None:
    limiter = TipLimiter(burst=2, window=60)

    def tip(name: str, source: str, *, at: datetime = NOW) -> bool:
        return accept_tip(store=store, case="lumiere", name=name, source=source, limiter=limiter,
                          clock=FixedClock(at))  # fmt: skip

    with store:
        assert tip("refuge-1.org", "ip:192.0.2.7") and tip("refuge-2.org", "ip:192.0.2.7")
        with pytest.raises(RateLimited, match=r"ip:192\.0\.2\.7 sent 2 tips") as refused:
            tip("refuge-3.org", "ip:192.0.2.7")
        assert refused.value.hint == "try again in 60 s"
        assert "refuge-3.org" not in {c.name for c in store.candidates("lumiere")}
        assert tip("refuge-3.org", "api:partner"), "another source has its own allowance"
        assert tip("refuge-4.org", "ip:192.0.2.7", at=NOW + timedelta(seconds=61))


def test_a_known_name_is_not_added_twice_and_the_note_is_tamed(store: Store) -> None:
    with store:
        note = "from a forum\x1b[31m\n" + "x" * 10_000
        assert accept_tip(store=store, case="lumiere", name="https://Refuge.Example.org/x", detail=note,
                          source="api:alice")  # fmt: skip
        assert not accept_tip(store=store, case="lumiere", name="refuge.example.org", source="api:bob")
        (candidate,) = store.candidates("lumiere")
        assert candidate.source == "tip" and candidate.name == "refuge.example.org"
        assert candidate.detail.startswith("tip from api:alice: from a forum [31m")
        assert "\x1b" not in candidate.detail and "\n" not in candidate.detail
        assert len(candidate.detail) <= len("tip from api:alice: ") + MAX_DETAIL_CHARS


@pytest.mark.parametrize(
    ("name", "source", "case", "error"),
    [
        ("co.uk", "cli", "lumiere", InvalidName),
        ("not a name!", "cli", "lumiere", InvalidName),
        ("x" * 300 + ".org", "cli", "lumiere", InvalidName),
        ("refuge.org", "  ", "lumiere", InvalidInput),
        ("refuge.org", "s" * 500, "lumiere", InvalidInput),
        ("refuge.org", "cli", "absent", UnknownCase),
    ],
)
def test_bad_tips_are_refused(
    store: Store, name: str, source: str, case: str, error: type[Exception]
) -> None:
    limiter = TipLimiter(burst=1, window=60)
    with store:
        with pytest.raises(error):
            accept_tip(store=store, case=case, name=name, source=source, limiter=limiter)
        assert store.candidates("lumiere") == []


def test_a_limit_must_allow_something() -> None:
    with pytest.raises(InvalidInput):
        TipLimiter(burst=0)
