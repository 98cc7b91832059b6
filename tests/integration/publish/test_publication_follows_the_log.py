"""``Publication`` keeps a cursor into the listing log and running tallies: a long-lived one (as the
primary holds) decides exactly as a fresh one reading the whole log each time would."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mirrorhunt.clock import FixedClock
from mirrorhunt.config import PublishSettings
from mirrorhunt.model import LISTING_ACTIONS, Case, Listing
from mirrorhunt.publish.publication import Publication
from mirrorhunt.store import Store

AT = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
POOL = [f"m{index}.example" for index in range(12)] + ["co.uk", "keep.example", "www.keep.example"]
SETTINGS = PublishSettings(
    zone="rpz.test.", listen="127.0.0.1:0", max_added=3, removed_floor=2, allowlist=["keep.example"]
)


def open_store(path: Path) -> Store:
    store = Store.open(f"sqlite:///{path}")
    store.add_case(Case(name="salon", url="https://salon-lumiere.fr/", created_at=AT))
    return store


def apply(store: Store, step: tuple[str, list[str]], clock: FixedClock) -> None:
    kind, names = step
    if kind == "add":
        store.add_listings(
            [Listing(name=n, case="salon", reason="mirror", decided_by="test", since=clock.at) for n in names]
        )
    elif kind == "remove":
        for name in names:
            if name in store.listed_names():
                store.remove_listing(name, reason="gone", decided_by="test")
    elif kind == "act":
        for index, name in enumerate(names):
            if name in store.listed_names():
                action = LISTING_ACTIONS[(len(name) + index + clock.at.second) % len(LISTING_ACTIONS)]
                store.set_listing_action(name, action=action, reason="act", decided_by="test")


def steps(seed: int, count: int) -> list[tuple[str, list[str], int]]:
    """(what, names, seconds to wait first): additions, removals, new actions, confirmations and quiet
    minutes."""
    chance = random.Random(seed)
    made = []
    for _ in range(count):
        kind = chance.choice(["add", "add", "remove", "act", "confirm", "wait"])
        names = chance.sample(POOL, chance.randint(1, 5))
        made.append((kind, names, chance.choice([0, 5, 30, 61])))
    return made


def test_a_long_lived_publication_decides_as_a_fresh_one_would(tmp_path: Path) -> None:
    live_store, fresh_store = open_store(tmp_path / "live.db"), open_store(tmp_path / "fresh.db")
    clock = FixedClock(AT)
    live = Publication(live_store, settings=SETTINGS, clock=clock)
    try:
        held_seen = released_seen = 0
        for kind, names, wait in steps(seed=6, count=60):
            clock.at += timedelta(seconds=wait)
            if kind == "confirm":
                live.confirm(by="test")
                Publication(fresh_store, settings=SETTINGS, clock=clock).confirm(by="test")
            for store in (live_store, fresh_store):
                apply(store, (kind, names), clock)
            released = live.released()
            fresh = Publication(fresh_store, settings=SETTINGS, clock=clock).refresh()
            assert released == fresh.released
            status = live.refresh()
            assert (status.head, status.released, status.held) == (fresh.head, fresh.released, fresh.held)
            assert status.names == fresh.names
            assert status.excluded == fresh.excluded
            assert status.pending == fresh.pending
            held_seen += status.held
            released_seen += not status.held
        assert held_seen and released_seen, "the sequence must exercise both holding and releasing"
        assert set(status.names.values()) - {"nxdomain"}, "the sequence must publish other actions"
        assert "co.uk" not in status.names and not any("keep.example" in n for n in status.names)
    finally:
        live_store.close()
        fresh_store.close()


def test_a_publication_starts_over_when_the_store_goes_back(tmp_path: Path) -> None:
    """A restored backup: the store's serial is below what the publication already read."""
    clock = FixedClock(AT)
    backup = tmp_path / "backup.db"
    store = open_store(tmp_path / "live.db")
    try:
        apply(store, ("add", ["a.example"]), clock)
        store.close()
        backup.write_bytes((tmp_path / "live.db").read_bytes())
        store = Store.open(f"sqlite:///{tmp_path / 'live.db'}")
        live = Publication(store, settings=SETTINGS, clock=clock)
        apply(store, ("add", ["b.example"]), clock)
        apply(store, ("add", ["c.example"]), clock)
        assert set(live.refresh().names) == {"a.example", "b.example", "c.example"}
        store.close()  # drops its connections; the same object opens new ones on the restored file
        (tmp_path / "live.db").write_bytes(backup.read_bytes())
        apply(store, ("add", ["d.example"]), clock)
        fresh = Publication(store, settings=SETTINGS, clock=clock).refresh()
        assert live.refresh().names == fresh.names == dict.fromkeys(["a.example", "d.example"], "nxdomain")
    finally:
        store.close()
