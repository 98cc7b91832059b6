"""The alerts' repository on SQLite and PostgreSQL: alerts kept once, digests, the events cursor,
claims with a lease, the desk's list and subscriptions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from mirrorhunt.alerts.routing import Subscription, Target
from mirrorhunt.alerts.rules import Alert
from mirrorhunt.errors import InvalidInput, NotFound
from mirrorhunt.model import Case, Event
from mirrorhunt.store import Store
from mirrorhunt.store.alerts import AlertStore, CursorMoved

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
HOOK = Target(channel="webhook", address="http://127.0.0.1:9/hook")
DESK = Target(channel="desk", address="ana")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        opened.add_case(Case(name="salon", url="https://salon.gg/", created_at=NOW))
        yield opened


def alert(subject: str) -> Alert:
    return Alert(
        key=f"candidate:salon:{subject}",
        kind="candidate",
        case="salon",
        subject=subject,
        summary=f"new candidate {subject}",
        at=NOW,
    )


def test_alerts_in_one_window_are_one_delivery_and_repeats_are_dropped(store: Store) -> None:
    alerts = AlertStore(store)
    assert alerts.record([(alert("a.gg"), [HOOK, DESK])], now=NOW, window=60) == 1
    later = NOW + timedelta(seconds=30)
    assert alerts.record([(alert("b.gg"), [HOOK]), (alert("a.gg"), [HOOK])], now=later, window=60) == 1
    after = NOW + timedelta(seconds=61)
    assert alerts.record([(alert("c.gg"), [HOOK])], now=after, window=60) == 1  # the window had closed

    deliveries = alerts.deliveries(state="pending")
    assert [(d.target, [a.subject for a in d.alerts]) for d in deliveries] == [
        (HOOK, ["a.gg", "b.gg"]),
        (DESK, ["a.gg"]),
        (HOOK, ["c.gg"]),
    ]
    assert all(d.next_try == NOW + timedelta(seconds=60) for d in deliveries[:2])


def test_a_claimed_delivery_is_leased_then_due_again(store: Store) -> None:
    alerts = AlertStore(store)
    alerts.record([(alert("a.gg"), [HOOK])], now=NOW, window=0)
    (claimed,) = alerts.claim_due(now=NOW, lease=120)
    assert alerts.claim_due(now=NOW + timedelta(seconds=119), lease=120) == []
    (again,) = alerts.claim_due(now=NOW + timedelta(seconds=120), lease=120)
    assert again.id == claimed.id

    alerts.failed(claimed.id, error="connection refused", next_try=NOW + timedelta(hours=1))
    (pending,) = alerts.deliveries(state="pending")
    assert (pending.attempts, pending.last_error) == (1, "connection refused")
    alerts.delivered(claimed.id, now=NOW)
    assert alerts.deliveries(state="pending") == []
    assert alerts.claim_due(now=NOW + timedelta(days=1), lease=120) == []


def test_the_cursor_starts_now_and_moves_once(store: Store) -> None:
    alerts = AlertStore(store)
    assert alerts.events_after(limit=10) == (None, [])
    alerts.start_cursor()
    cursor, events = alerts.events_after(limit=10)
    assert cursor is not None and events == []
    store.append_event(Event(kind="contest.opened", subject="a.gg", detail={"case": "salon"}, at=NOW))
    cursor, events = alerts.events_after(limit=10)
    ((event_id, event),) = events
    assert cursor is not None and event.kind == "contest.opened"

    alerts.record([], now=NOW, window=60, cursor=(cursor, event_id))
    with pytest.raises(CursorMoved):  # a second dispatcher that read the same events loses
        alerts.record([(alert("a.gg"), [HOOK])], now=NOW, window=60, cursor=(cursor, event_id))
    assert alerts.deliveries() == []
    assert alerts.events_after(limit=10) == (event_id, [])


def test_the_desk_list_and_subscriptions(store: Store) -> None:
    alerts = AlertStore(store)
    alerts.notify(user="ana", title="one", text="first", now=NOW)
    alerts.notify(user="ana", title="two", text="second", now=NOW)
    alerts.notify(user="bob", title="other", text="not ana's", now=NOW)
    first, second = sorted(alerts.unread("ana"), key=lambda n: n.id)
    assert [n.title for n in alerts.unread("ana")] == ["two", "one"]
    assert alerts.mark_read("ana", [first.id], now=NOW) == 1
    assert alerts.mark_read("bob", [second.id], now=NOW) == 0  # not bob's
    assert [n.title for n in alerts.unread("ana")] == ["two"]

    number = alerts.subscribe(Subscription(user="ana", case="salon", kinds=("contest",)), now=NOW)
    assert alerts.subscriptions() == [
        Subscription(id=number, user="ana", case="salon", kinds=("contest",), channel="desk")
    ]
    assert store.events(kind="alerts.subscribed")[0].subject == "ana"
    with pytest.raises(NotFound):
        alerts.subscribe(Subscription(user="ana", case="nope"), now=NOW)
    with pytest.raises(InvalidInput):
        alerts.subscribe(Subscription(user="ana", channel="email"), now=NOW)
    alerts.unsubscribe(number, now=NOW)
    assert alerts.subscriptions() == []
    with pytest.raises(NotFound):
        alerts.unsubscribe(number, now=NOW)
