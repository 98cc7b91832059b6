"""A write is whole or absent: its row and its event commit together."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from store_samples import NOW

from mirrorhunt.errors import StoreError, UnknownCase
from mirrorhunt.model import Candidate, Case, Event, Listing
from mirrorhunt.store import Store

REFUSE_DOOMED_EVENTS = {
    "sqlite": [
        "CREATE TRIGGER refuse_doomed BEFORE INSERT ON events WHEN NEW.subject = 'doomed' "
        "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.subject = 'doomed' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; "
        "RETURN NEW; END $$",
        "CREATE TRIGGER refuse_doomed BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_doomed()",
    ],
}


def refuse_events_about_doomed(url: str) -> None:
    """Make the database itself refuse one event, after the write's own rows went in."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in REFUSE_DOOMED_EVENTS[engine.dialect.name]:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def test_a_write_whose_event_fails_leaves_nothing(store: Store, store_url: str, case: Case) -> None:
    store.add_case(case)
    refuse_events_about_doomed(store_url)
    before = store.events()

    with pytest.raises(StoreError, match="refused by test trigger") as raised:
        store.add_candidate(Candidate(case=case.name, name="doomed", source="ct", found_at=NOW))

    assert "Traceback" not in raised.value.diagnostics()
    assert store.candidates(case.name) == []
    assert store.events() == before
    assert store.add_candidate(Candidate(case=case.name, name="fine.gg", source="ct", found_at=NOW))


def test_a_refused_listing_keeps_the_serial(store: Store, store_url: str, case: Case) -> None:
    store.add_case(case)
    refuse_events_about_doomed(store_url)

    with pytest.raises(StoreError):
        store.add_listing(Listing(name="doomed", case=case.name, reason="r", decided_by="a", since=NOW))

    assert store.listings() == []
    assert store.zone_serial() == 1


def test_a_write_refused_by_a_check_adds_no_event(store: Store) -> None:
    with pytest.raises(UnknownCase):
        store.add_candidate(Candidate(case="nope", name="x.gg", source="ct", found_at=NOW))
    store.append_event(Event(kind="note", subject="x.gg", at=NOW))
    assert [event.kind for event in store.events()] == ["note"]
