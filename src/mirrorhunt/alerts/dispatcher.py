"""The dispatcher: follows the store's events with a cursor, looks now and then at expiring listings and
stalled sources, and sends the deliveries that are due, trying failed ones again with back-off.

    events (cursor) ──▶ rules ──▶ alerts (once per key) ──▶ deliveries per target (digest window)
    periodic looks  ──┘                                          │
                                                                  ▼
                                        webhook · e-mail · the desk's list   (retry: base·2ⁿ, capped)

Everything it owes lives in the database: a dispatcher started on the same database after a crash sends
what the dead one had not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

import aiohttp
import dns.asyncquery
import dns.exception
import dns.message
import dns.rcode

from mirrorhunt.alerts.channels import DeliveryFailed, post_webhook, send_mail
from mirrorhunt.alerts.health import SourceWatch
from mirrorhunt.alerts.messages import compose
from mirrorhunt.alerts.routing import Target, every_target, targets_of
from mirrorhunt.alerts.rules import Alert, alerts_of, expiring
from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.errors import MirrorhuntError
from mirrorhunt.publish.primary import host_port
from mirrorhunt.store import Store
from mirrorhunt.store.alerts import AlertStore, CursorMoved

log = logging.getLogger(__name__)

BATCH = 1000
"""Events read from the log at a time."""
LEASE = 120.0
"""Seconds a claimed delivery is left to its sender before another dispatcher may take it over."""
RESOLVER_TIMEOUT = 3.0


def retry_delay(attempts: int, *, base: float, cap: float) -> float:
    """Seconds before the next try after ``attempts`` failed ones: base, 2·base, 4·base… up to ``cap``."""
    return float(min(cap, base * 2.0 ** max(0, min(attempts - 1, 62))))


class Dispatcher:
    """``await Dispatcher(store=…, settings=…).run(stop=event)``; ``step()`` does one round.

    With ``watch_sources`` (inside ``mirrorhunt run``, where the CT logs are followed) it also tells
    when a CT log's position or a resolver stops making progress.
    """

    def __init__(
        self, *, store: Store, settings: Settings, clock: Clock | None = None, watch_sources: bool = False
    ) -> None:
        self._store = store
        self._alerts = AlertStore(store)
        self._settings = settings
        self._clock: Clock = clock or SystemClock()
        self._watch = SourceWatch(stalled_after=settings.alerts.stalled_after) if watch_sources else None
        self._checked: datetime | None = None

    async def run(self, *, stop: asyncio.Event) -> None:
        """Rounds until ``stop`` is set; a failing round is logged and the next one tries again."""
        window = self._settings.alerts.digest_window
        tick = min(1.0, max(0.05, window / 4))
        async with aiohttp.ClientSession() as session:
            while not stop.is_set():
                try:
                    await self.step(session)
                except MirrorhuntError as exc:
                    log.warning("alerts: %s", exc.diagnostics())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=tick)

    async def step(self, session: aiohttp.ClientSession) -> int:
        """Follow new events, look around when it is time, send what is due; how many were delivered."""
        now = self._clock.now()
        self.follow(now=now)
        every = timedelta(seconds=self._settings.alerts.check_every)
        if self._checked is None or now - self._checked >= every:
            self._checked = now
            await self.look(now=now)
        return await self.deliver(session, now=now)

    def follow(self, *, now: datetime) -> int:
        """Turn the events after the cursor into alerts; how many alerts were new."""
        new = 0
        while True:
            cursor, events = self._alerts.events_after(limit=BATCH)
            if cursor is None:
                self._alerts.start_cursor()
                return new
            if not events:
                return new
            found = [
                alert
                for event_id, event in events
                for alert in alerts_of(event_id, event, min_score=self._settings.alerts.min_score)
            ]
            with contextlib.suppress(CursorMoved):
                new += self._record(found, now=now, cursor=(cursor, events[-1][0]))

    async def look(self, *, now: datetime) -> int:
        """Listings about to expire and, when watching sources, stalled CT logs and silent resolvers."""
        settings = self._settings
        days = settings.alerts.expiry_warning_days
        soon = self._alerts.listings_expiring(by=now.date() + timedelta(days=days))
        found = expiring(soon, today=now.date(), days=days, at=now)
        if self._watch is not None:
            for url in settings.ct.logs:
                position = self._store.get_position(f"ct:{url}")
                found += self._watch.position(f"CT log {url}", position, now=now)
            answers = await asyncio.gather(*(resolver_answers(r) for r in settings.resolvers))
            for resolver, ok in zip(settings.resolvers, answers, strict=True):
                found += self._watch.answered(f"resolver {resolver}", ok, now=now)
        return self._record(found, now=now)

    async def deliver(self, session: aiohttp.ClientSession, *, now: datetime) -> int:
        """Send every delivery due; a failure is recorded and tried again later."""
        sent = 0
        for delivery in self._alerts.claim_due(now=now, lease=LEASE):
            try:
                await self._send(session, delivery.target, delivery.alerts, delivery_id=delivery.id)
            except DeliveryFailed as exc:
                attempts = delivery.attempts + 1
                alerts = self._settings.alerts
                wait = retry_delay(attempts, base=alerts.retry_base, cap=alerts.retry_cap)
                retry_at = self._clock.now() + timedelta(seconds=wait)
                self._alerts.failed(delivery.id, error=exc.message, next_try=retry_at)
                log.warning("alerts: %s (attempt %d, next in %.0f s)", exc.message, attempts, wait)
            else:
                sent += 1
        return sent

    async def send_test(self, session: aiohttp.ClientSession) -> list[tuple[Target, str | None]]:
        """Send a test alert at once to every configured receiver and every subscriber; for each,
        None or what went wrong."""
        now = self._clock.now()
        alert = Alert(
            key=f"test:{now.isoformat()}",
            kind="test",
            case=None,
            subject="mirrorhunt",
            summary="a test alert: this channel works",
            at=now,
        )
        targets = every_target(settings=self._settings.alerts, subscriptions=self._alerts.subscriptions())
        results: list[tuple[Target, str | None]] = []
        for target in targets:
            try:
                await self._send(session, target, (alert,))
            except DeliveryFailed as exc:
                results.append((target, exc.message))
            else:
                results.append((target, None))
        return results

    def _record(self, found: list[Alert], *, now: datetime, cursor: tuple[int, int] | None = None) -> int:
        if not found and cursor is None:
            return 0
        subscriptions = self._alerts.subscriptions()
        routed = [
            (alert, targets_of(alert, settings=self._settings.alerts, subscriptions=subscriptions))
            for alert in found
        ]
        return self._alerts.record(routed, now=now, window=self._settings.alerts.digest_window, cursor=cursor)

    async def _send(
        self,
        session: aiohttp.ClientSession,
        target: Target,
        alerts: tuple[Alert, ...],
        *,
        delivery_id: int | None = None,
    ) -> None:
        """Send ``alerts`` as one message to ``target``; the delivery (when given) is marked delivered
        once the target took it."""
        message = compose(alerts)
        settings = self._settings.alerts
        if target.channel == "desk":
            self._alerts.notify(
                user=target.address,
                title=message.title,
                text=message.text,
                now=self._clock.now(),
                delivery_id=delivery_id,
            )
            return
        if target.channel == "webhook":
            hook = next((hook for hook in settings.webhooks if hook.url == target.address), None)
            if hook is None:
                raise DeliveryFailed(f"no webhook {target.address} in [alerts] webhooks any more")
            await post_webhook(session, hook, message)
        else:
            if settings.smtp is None:
                raise DeliveryFailed(f"mail to {target.address}: no [alerts] smtp server is set")
            await send_mail(settings.smtp, message, to=target.address)
        if delivery_id is not None:
            self._alerts.delivered(delivery_id, now=self._clock.now())


async def resolver_answers(resolver: str) -> bool:
    """The resolver at ``host:port`` answers a question about the root (NOERROR or NXDOMAIN)."""
    host, port = host_port(resolver, default_port=53, setting="resolvers")
    query = dns.message.make_query(".", "NS")
    try:
        reply = await dns.asyncquery.udp(query, host.strip("[]"), port=port, timeout=RESOLVER_TIMEOUT)
    except (dns.exception.DNSException, OSError):
        return False
    return reply.rcode() in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN)


async def send_test_alert(*, store: Store, settings: Settings) -> list[tuple[Target, str | None]]:
    """``mirrorhunt alerts test``: a test alert to every channel at once; per target, None or the error."""
    async with aiohttp.ClientSession() as session:
        return await Dispatcher(store=store, settings=settings).send_test(session)
