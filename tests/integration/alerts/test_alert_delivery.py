"""Alerts reach real receivers on loopback: signed webhooks in three shapes, mail over SMTP, the desk's
list; a burst is one digest; a receiver that is down gets the message once it is back, exactly once,
even from another dispatcher after a crash."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from alert_receivers import SmtpServer, WebhookReceiver

from mirrorhunt.alerts.dispatcher import LEASE, Dispatcher
from mirrorhunt.alerts.routing import Subscription
from mirrorhunt.clock import FixedClock, SystemClock
from mirrorhunt.config import AlertsSettings, Settings
from mirrorhunt.model import Verdict
from mirrorhunt.store import Store
from mirrorhunt.store.alerts import AlertStore

SECRET = "receiver-shared-secret"
WINDOW = 0.3


def settings_for(**alerts: Any) -> Settings:
    return Settings(alerts=AlertsSettings.model_validate({"digest_window": WINDOW, **alerts}))


def mirror(score: float = 0.97) -> Verdict:
    return Verdict(label="mirror", score=score, decided_by="matcher/1")


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


def started_clock() -> FixedClock:
    """The dispatcher's clock, moved by the tests instead of waiting for real time to pass."""
    return FixedClock(SystemClock().now())


async def after_window(dispatcher: Dispatcher, session: aiohttp.ClientSession, clock: FixedClock) -> int:
    """Let the digest window close, then run a round; how many deliveries went out."""
    clock.at += timedelta(seconds=WINDOW + 0.05)
    return await dispatcher.step(session)


async def test_webhooks_are_signed_and_shaped(
    store: Store, receiver: WebhookReceiver, session: aiohttp.ClientSession
) -> None:
    settings = settings_for(
        webhooks=[
            {"url": receiver.url("/json"), "secret": SECRET},
            {"url": receiver.url("/slack"), "shape": "slack", "secret": SECRET},
            {"url": receiver.url("/matrix"), "shape": "matrix"},
        ]
    )
    clock = started_clock()
    dispatcher = Dispatcher(store=store, settings=settings, clock=clock)
    await dispatcher.step(session)
    store.add_verdict("salon", "salon-chat.gg", mirror())
    store.add_verdict("salon", "weak.gg", mirror(score=0.3))  # below min_score: no alert

    assert await dispatcher.step(session) == 0  # the digest window is still open
    assert await after_window(dispatcher, session, clock) == 3

    by_path = {hit.path: hit for hit in receiver.received}
    assert sorted(by_path) == ["/json", "/matrix", "/slack"]
    for path in ("/json", "/slack"):
        hit = by_path[path]
        expected = "sha256=" + hmac.new(SECRET.encode(), hit.body, hashlib.sha256).hexdigest()
        assert hit.headers["X-Mirrorhunt-Signature"] == expected
    assert "X-Mirrorhunt-Signature" not in by_path["/matrix"].headers
    document = by_path["/json"].json()
    assert [(a["kind"], a["case"], a["subject"]) for a in document["alerts"]] == [
        ("candidate", "salon", "salon-chat.gg")
    ]
    assert set(by_path["/slack"].json()) == {"text"}
    assert "salon-chat.gg" in by_path["/slack"].json()["text"]
    assert by_path["/matrix"].json()["msgtype"] == "m.text"
    assert "salon-chat.gg" in by_path["/matrix"].json()["body"]

    assert await after_window(dispatcher, session, clock) == 0  # nothing is sent twice
    assert len(receiver.received) == 3


async def test_mail_reaches_the_smtp_server(
    store: Store, smtp_server: SmtpServer, session: aiohttp.ClientSession
) -> None:
    smtp = {
        "host": "127.0.0.1",
        "port": smtp_server.port,
        "from": "mirrorhunt@lab.test",
        "to": ["desk@lab.test"],
    }
    clock = started_clock()
    dispatcher = Dispatcher(store=store, settings=settings_for(smtp=smtp), clock=clock)
    await dispatcher.step(session)
    store.add_verdict("salon", "salon-chat.gg", Verdict(label="review", score=0.6, decided_by="matcher/1"))

    assert await dispatcher.step(session) == 0  # seen: the window opens
    assert await after_window(dispatcher, session, clock) == 1
    ((envelope, mail),) = smtp_server.inbox.mails
    assert envelope.rcpt_tos == ["desk@lab.test"]
    assert mail["From"] == "mirrorhunt@lab.test"
    assert "salon-chat.gg needs a review" in mail["Subject"]


async def test_a_burst_of_500_is_one_digest_per_receiver(
    store: Store, receiver: WebhookReceiver, smtp_server: SmtpServer, session: aiohttp.ClientSession
) -> None:
    smtp = {
        "host": "127.0.0.1",
        "port": smtp_server.port,
        "from": "mirrorhunt@lab.test",
        "to": ["desk@lab.test"],
    }
    settings = settings_for(webhooks=[receiver.url("/hook")], smtp=smtp, digest_window=5.0)
    clock = FixedClock(SystemClock().now())
    dispatcher = Dispatcher(store=store, settings=settings, clock=clock)
    AlertStore(store).subscribe(Subscription(user="ana", case="salon"), now=clock.now())
    await dispatcher.step(session)
    for number in range(500):
        store.add_verdict("salon", f"mirror{number}.gg", mirror())
        if number % 100 == 0:
            await dispatcher.step(session)  # the burst arrives while the window is open
    assert await dispatcher.step(session) == 0

    clock.at += timedelta(seconds=5)
    assert await dispatcher.step(session) == 3
    ((hit,), (_, mail)) = receiver.received, smtp_server.inbox.mails[0]
    assert len(smtp_server.inbox.mails) == 1
    document = hit.json()
    assert len(document["alerts"]) == 500
    assert document["title"] == "500 alerts: 500 candidate"
    assert "… and 480 more" in document["text"]
    assert mail["Subject"] == "[mirrorhunt] 500 alerts: 500 candidate"
    (notification,) = AlertStore(store).unread("ana")
    assert notification.title == "500 alerts: 500 candidate"

    store.add_verdict("salon", "mirror1.gg", mirror())  # probed again: the same alert, not told twice
    clock.at += timedelta(seconds=10)
    assert await dispatcher.step(session) == 0


async def test_a_receiver_that_is_down_gets_the_message_once_it_is_back(
    store: Store, down_receiver: WebhookReceiver, session: aiohttp.ClientSession
) -> None:
    settings = settings_for(webhooks=[down_receiver.url("/hook")], retry_base=0.5, retry_cap=2.0)
    clock = started_clock()
    dispatcher = Dispatcher(store=store, settings=settings, clock=clock)
    alerts = AlertStore(store)
    await dispatcher.step(session)
    store.add_verdict("salon", "salon-chat.gg", mirror())

    assert await dispatcher.step(session) == 0
    assert await after_window(dispatcher, session, clock) == 0
    (pending,) = alerts.deliveries(state="pending")
    assert pending.attempts == 1
    assert pending.last_error is not None and "/hook" in pending.last_error
    assert await dispatcher.step(session) == 0  # backing off: no second try at once
    assert alerts.deliveries(state="pending")[0].attempts == 1

    await down_receiver.start()
    clock.at += timedelta(seconds=0.6)  # past the back-off
    assert await dispatcher.step(session) == 1
    assert alerts.deliveries(state="pending") == []
    clock.at += timedelta(seconds=0.6)
    assert await dispatcher.step(session) == 0
    assert len(down_receiver.received) == 1


async def test_a_new_dispatcher_sends_what_a_killed_one_owed(
    database: str, store: Store, down_receiver: WebhookReceiver, session: aiohttp.ClientSession
) -> None:
    settings = settings_for(webhooks=[down_receiver.url("/hook")], retry_base=60.0)
    clock = started_clock()
    first = Dispatcher(store=store, settings=settings, clock=clock)
    await first.step(session)
    store.add_verdict("salon", "salon-chat.gg", mirror())
    store.add_verdict("salon", "salon-chat.fr", mirror())
    first.follow(now=clock.now())
    clock.at += timedelta(seconds=WINDOW + 0.05)
    claimed = AlertStore(store).claim_due(now=clock.now(), lease=LEASE)
    assert len(claimed) == 1  # the first dispatcher took the delivery and died before sending it

    await down_receiver.start()
    with Store.open(database) as reopened:
        later = FixedClock(clock.now() + timedelta(seconds=LEASE + 1))
        second = Dispatcher(store=reopened, settings=settings, clock=later)
        assert await second.step(session) == 1
        assert await second.step(session) == 0
    (hit,) = down_receiver.received
    assert sorted(alert["subject"] for alert in hit.json()["alerts"]) == ["salon-chat.fr", "salon-chat.gg"]
