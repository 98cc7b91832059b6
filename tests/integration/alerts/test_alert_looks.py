"""The periodic looks of the dispatcher: listings about to expire, a CT log that stays put and a
resolver that does not answer (a real UDP socket that nobody serves) become alerts, told once."""

from __future__ import annotations

import socket
from datetime import timedelta

import aiohttp
from alert_receivers import free_port

from mirrorhunt.alerts.dispatcher import Dispatcher
from mirrorhunt.alerts.routing import Subscription
from mirrorhunt.clock import FixedClock, SystemClock
from mirrorhunt.config import AlertsSettings, CtSettings, Settings
from mirrorhunt.model import Listing
from mirrorhunt.store import Store
from mirrorhunt.store.alerts import AlertStore

LOG = "http://127.0.0.1:9/ct/"


def silent_resolver() -> str:
    """host:port of a UDP port on loopback where nothing answers (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", free_port()))
        return f"127.0.0.1:{udp.getsockname()[1]}"


async def test_expiring_listings_and_stalled_sources(store: Store) -> None:
    clock = FixedClock(SystemClock().now())
    settings = Settings(
        ct=CtSettings(logs=[LOG]),
        resolvers=[silent_resolver()],
        alerts=AlertsSettings(digest_window=0, stalled_after=60, check_every=10),
    )
    alerts = AlertStore(store)
    alerts.subscribe(Subscription(user="ana"), now=clock.now())
    store.add_listing(
        Listing(
            name="soon.gg",
            case="salon",
            reason="r",
            decided_by="ana",
            since=clock.now(),
            expires=(clock.now() + timedelta(days=3)).date(),
        )
    )
    store.add_listing(
        Listing(
            name="later.gg",
            case="salon",
            reason="r",
            decided_by="ana",
            since=clock.now(),
            expires=(clock.now() + timedelta(days=60)).date(),
        )
    )
    store.set_position(f"ct:{LOG}", 100)
    dispatcher = Dispatcher(store=store, settings=settings, clock=clock, watch_sources=True)
    async with aiohttp.ClientSession() as session:
        assert await dispatcher.step(session) == 1
        (expiring,) = alerts.unread("ana")
        assert "soon.gg" in expiring.title and "later.gg" not in expiring.text

        clock.at += timedelta(seconds=61)
        assert await dispatcher.step(session) == 2  # no digest window: one message each
        told = " ".join(notification.text for notification in alerts.unread("ana")[:2])
        assert f"CT log {LOG} has stayed at position 100" in told
        assert f"resolver {settings.resolvers[0]} has not answered" in told

        clock.at += timedelta(seconds=61)
        assert await dispatcher.step(session) == 0  # the same stall and expiry are not told again
        store.set_position(f"ct:{LOG}", 150)
        clock.at += timedelta(seconds=11)
        assert await dispatcher.step(session) == 0  # it moved
        clock.at += timedelta(seconds=61)
        assert await dispatcher.step(session) == 1  # and stopped again
        assert "position 150" in alerts.unread("ana")[0].text
