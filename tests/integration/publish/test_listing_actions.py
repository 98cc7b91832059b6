"""Listing actions in the store (SQLite and PostgreSQL): kept per name, changed as one zone change with its
own event, followed by the listing log, and checked against ``[publish]`` before they are recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mirrorhunt.clock import FixedClock
from mirrorhunt.config import PublishSettings
from mirrorhunt.errors import ConfigError, InvalidInput, InvalidName, NotFound
from mirrorhunt.model import Case, Listing, ListingAction
from mirrorhunt.publish.decisions import change_action, list_name, parse_action
from mirrorhunt.publish.primary import Primary
from mirrorhunt.publish.publication import Publication
from mirrorhunt.store import ListingChange, Store

AT = datetime(2026, 5, 1, tzinfo=UTC)
SETTINGS = PublishSettings(zone="rpz.test", stop_page="stop.gouv.test")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url, clock=FixedClock(AT)) as opened:
        opened.add_case(Case(name="salon", url="https://salon-lumiere.fr/", created_at=AT))
        yield opened


def listing(name: str, action: ListingAction = "nxdomain") -> Listing:
    return Listing(name=name, case="salon", action=action, reason="r", decided_by="t", since=AT)


def test_a_new_action_is_one_zone_change_with_its_own_event(store: Store) -> None:
    store.add_listings([listing("a.gg"), listing("b.gg", "nodata"), listing("ok.b.gg", "passthru")])
    assert store.listed_actions() == {"a.gg": "nxdomain", "b.gg": "nodata", "ok.b.gg": "passthru"}
    assert list(store.listed_actions()) == store.listed_names()

    assert store.set_listing_action("a.gg", action="redirect", reason="French order", decided_by="ops")
    assert store.zone_serial() == 3
    assert store.listed_actions()["a.gg"] == "redirect"
    assert [x.action for x in store.listings() if x.name == "a.gg"] == ["redirect"]
    [event] = store.events(kind="listing.changed")
    assert (event.subject, event.at) == ("a.gg", AT)
    assert event.detail == {
        "case": "salon",
        "action_before": "nxdomain",
        "action": "redirect",
        "reason": "French order",
        "decided_by": "ops",
        "serial": 3,
    }
    assert not store.set_listing_action("a.gg", action="redirect", reason="again", decided_by="ops")
    assert store.zone_serial() == 3

    store.remove_listing("b.gg", reason="lifted", decided_by="ops")
    changes = store.listing_changes()
    assert [(c.kind, c.name, c.serial, c.action) for c in changes[-2:]] == [
        ("listing.changed", "a.gg", 3, "redirect"),
        ("listing.removed", "b.gg", 4, None),
    ]
    assert changes[0] == ListingChange(changes[0].id, "listing.added", "a.gg", 2, "nxdomain")


def test_unknown_names_and_actions_are_refused(store: Store) -> None:
    with pytest.raises(NotFound, match="not listed"):
        store.set_listing_action("a.gg", action="nodata", reason="r", decided_by="t")
    with pytest.raises(InvalidInput, match="unknown listing action 'drop'"):
        store.add_listing(listing("a.gg", "drop"))  # type: ignore[arg-type]
    store.add_listing(listing("a.gg"))
    with pytest.raises(InvalidInput, match="unknown listing action"):
        store.set_listing_action("a.gg", action="drop", reason="r", decided_by="t")  # type: ignore[arg-type]
    assert store.zone_serial() == 2 and store.events(kind="listing.changed") == []


def test_a_row_written_without_an_action_is_nxdomain(store: Store) -> None:
    """The column's server default: what a listing made before actions existed reads as."""
    row = {"name": "old.gg", "case_name": "salon", "reason": "r", "decided_by": "t", "since": AT}
    with store.writing() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO listings (name, case_name, reason, decided_by, since) "
                "VALUES (:name, :case_name, :reason, :decided_by, :since)"
            ),
            row,
        )
    assert store.listed_actions() == {"old.gg": "nxdomain"}


def test_the_published_listings_carry_the_released_action(store: Store) -> None:
    clock = FixedClock(AT)
    store.add_listing(listing("a.gg"))
    publication = Publication(store, settings=SETTINGS, clock=clock)
    store.set_listing_action("a.gg", action="nodata", reason="r", decided_by="t")
    status = publication.refresh()
    assert status.names == {"a.gg": "nodata"}
    assert [(x.name, x.action) for x in publication.listings(status)] == [("a.gg", "nodata")]


def test_operator_decisions_take_the_default_action_and_need_the_stop_page_to_redirect(store: Store) -> None:
    clock = FixedClock(AT)
    redirecting = SETTINGS.model_copy(update={"action": "redirect"})
    done = list_name(
        store, name="A.GG", case="salon", reason="r", settings=redirecting, decided_by="op", clock=clock
    )
    assert (done.name, done.action, done.changed, done.serial) == ("a.gg", "redirect", True, 2)
    no_stop_page = PublishSettings(zone="rpz.test")
    with pytest.raises(ConfigError, match="no stop page"):
        change_action(
            store, name="a.gg", action="redirect", reason="r", settings=no_stop_page, decided_by="op"
        )
    with pytest.raises(ConfigError, match="no stop page"):
        list_name(
            store,
            name="b.gg",
            case="salon",
            reason="r",
            action="redirect",
            settings=no_stop_page,
            decided_by="op",
            clock=clock,
        )
    with pytest.raises(InvalidName, match="the stop page's own name"):
        list_name(
            store,
            name="stop.gouv.test",
            case="salon",
            reason="r",
            settings=SETTINGS,
            decided_by="op",
            clock=clock,
        )
    changed = change_action(
        store,
        name="a.gg",
        action=parse_action("passthru"),
        reason="r",
        settings=no_stop_page,
        decided_by="op",
    )
    assert (changed.changed, changed.serial) == (True, 3)
    with pytest.raises(InvalidInput, match="unknown listing action 'drop'") as raised:
        parse_action("drop")
    assert raised.value.hint == "one of: nxdomain, nodata, redirect, passthru"
    assert store.listed_actions() == {"a.gg": "passthru"}


async def test_the_primary_refuses_to_serve_a_redirect_without_a_stop_page(store: Store) -> None:
    store.add_listing(listing("a.gg", "redirect"))
    primary = Primary(store, settings=PublishSettings(zone="rpz.test", listen="127.0.0.1:0"))
    with pytest.raises(ConfigError, match="no stop page"):
        await primary.start()
    await primary.stop()
    async with Primary(store, settings=SETTINGS.model_copy(update={"listen": "127.0.0.1:0"})) as serving:
        assert serving.zone.journal.names == {"a.gg": "redirect"}


def test_the_valve_counts_a_move_to_passthru_as_a_drop(store: Store) -> None:
    clock = FixedClock(AT)
    settings = SETTINGS.model_copy(update={"max_added": 50, "removed_floor": 2, "max_removed_share": 0.2})
    names = [f"m{i}.gg" for i in range(20)]
    store.add_listings([listing(name) for name in names])
    publication = Publication(store, settings=settings, clock=clock)
    assert not publication.refresh().held
    clock.at += timedelta(seconds=61)  # the valve counts against the version of the minute's start
    store.add_listing(listing("ok.m0.gg", "passthru"))  # an exception: it adds nothing blocked
    for name in names[:3]:
        store.set_listing_action(name, action="nodata", reason="r", decided_by="t")  # still blocked
    status = publication.refresh()
    assert not status.held and (status.pending.added, status.pending.removed) == (0, 0)
    for name in names[:5]:
        store.set_listing_action(name, action="passthru", reason="unblock", decided_by="t")
    status = publication.refresh()
    assert status.held and status.pending.removed == 5
    assert status.pending.reasons == ("drops 5 of 20 names (at most 4 a minute without confirmation)",)
    assert status.names["m0.gg"] == "nodata", "the held version is still the one published"
