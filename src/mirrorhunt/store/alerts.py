"""The alerts' repository: alerts kept once by key, subscriptions, deliveries with their attempts, and
the desk's notification list.

A delivery is one message to one target. Alerts for a target join its open delivery until
``closes_at`` (the digest window), so a burst becomes one message; a delivery stays ``pending``, its
attempts and last error recorded, until its target took it: a receiver that is down, or a process that
is killed, loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from mirrorhunt.alerts.routing import Subscription, Target
from mirrorhunt.alerts.rules import Alert
from mirrorhunt.errors import InvalidInput, NotFound
from mirrorhunt.model import Event, Listing
from mirrorhunt.store import Store, record_event, records, schema

CURSOR = "alerts:events"
"""Key of ``source_positions`` that holds the id of the last event turned into alerts."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """One message to one target, and how its sending went so far."""

    id: int
    target: Target
    alerts: tuple[Alert, ...]
    state: str
    attempts: int
    next_try: datetime
    last_error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Notification:
    """A message on a user's list on the desk."""

    id: int
    user: str
    title: str
    text: str
    at: datetime
    read_at: datetime | None = None


class CursorMoved(Exception):
    """Another dispatcher took the same events first: this one's alerts are dropped."""


class AlertStore:
    """Alerts, subscriptions, deliveries and notifications in ``store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # the events followed

    def events_after(self, *, limit: int) -> tuple[int | None, list[tuple[int, Event]]]:
        """The cursor and up to ``limit`` events after it; a cursor of None means "never followed"."""
        table = schema.events
        with self._store.reading() as conn:
            cursor = _cursor(conn)
            if cursor is None:
                return None, []
            query = sa.select(table).where(table.c.id > cursor).order_by(table.c.id).limit(limit)
            return cursor, [(row["id"], records.event_of(row)) for row in conn.execute(query).mappings()]

    def start_cursor(self) -> None:
        """Follow only the events from now on (the first run does not tell the whole past)."""
        with self._store.writing() as conn:
            if _cursor(conn) is None:
                last = conn.execute(sa.select(sa.func.max(schema.events.c.id))).scalar_one_or_none()
                conn.execute(sa.insert(schema.source_positions).values(key=CURSOR, position=last or 0))

    # alerts and their deliveries

    def record(
        self,
        routed: Sequence[tuple[Alert, Sequence[Target]]],
        *,
        now: datetime,
        window: float,
        cursor: tuple[int, int] | None = None,
    ) -> int:
        """Keep each alert not seen before and add it to its targets' open deliveries (or open one that
        closes ``window`` seconds from ``now``); with ``cursor=(before, after)``, move the events cursor
        in the same transaction, unless another dispatcher moved it first (``CursorMoved``).
        Returns how many alerts were new."""
        table = schema.alerts
        new = 0
        with self._store.writing() as conn:
            if cursor is not None:
                before, after = cursor
                moved = conn.execute(
                    sa.update(schema.source_positions)
                    .where(
                        schema.source_positions.c.key == CURSOR, schema.source_positions.c.position == before
                    )
                    .values(position=after)
                )
                if moved.rowcount != 1:
                    raise CursorMoved(f"the alerts cursor is no longer at {before}")
            for alert, targets in routed:
                if conn.execute(sa.select(table.c.id).where(table.c.key == alert.key)).first() is not None:
                    continue
                new += 1
                alert_id: int = conn.execute(
                    sa.insert(table).values(_alert_row(alert)).returning(table.c.id)
                ).scalar_one()
                for target in targets:
                    _join(conn, target, alert_id, now=now, window=window)
        return new

    def claim_due(self, *, now: datetime, lease: float, limit: int = 100) -> list[Delivery]:
        """Pending deliveries due at ``now``; each is not due again for ``lease`` seconds, so another
        dispatcher leaves it alone while this one sends it (and takes it over if this one dies)."""
        table = schema.alert_deliveries
        due = sa.select(table).where(table.c.state == "pending", table.c.next_try <= now)
        with self._store.reading() as conn:  # most rounds find nothing: no write lock for them
            if conn.execute(due.with_only_columns(table.c.id).limit(1)).first() is None:
                return []
        with self._store.writing() as conn:
            rows = conn.execute(due.order_by(table.c.next_try, table.c.id).limit(limit)).mappings().all()
            if rows:
                ids = [row["id"] for row in rows]
                leased = now + timedelta(seconds=lease)
                conn.execute(sa.update(table).where(table.c.id.in_(ids)).values(next_try=leased))
            return [_delivery_of(conn, row) for row in rows]

    def delivered(self, delivery_id: int, *, now: datetime) -> None:
        table = schema.alert_deliveries
        with self._store.writing() as conn:
            conn.execute(
                sa.update(table).where(table.c.id == delivery_id).values(state="delivered", delivered_at=now)
            )

    def failed(self, delivery_id: int, *, error: str, next_try: datetime) -> None:
        """Count a failed attempt; the delivery is due again at ``next_try``."""
        table = schema.alert_deliveries
        with self._store.writing() as conn:
            conn.execute(
                sa.update(table)
                .where(table.c.id == delivery_id)
                .values(attempts=table.c.attempts + 1, last_error=error[:1000], next_try=next_try)
            )

    def deliveries(self, *, state: str | None = None) -> list[Delivery]:
        """Deliveries, oldest first, in one state when given (``pending``: not delivered yet)."""
        table = schema.alert_deliveries
        query = sa.select(table).order_by(table.c.id)
        if state is not None:
            query = query.where(table.c.state == state)
        with self._store.reading() as conn:
            return [_delivery_of(conn, row) for row in conn.execute(query).mappings().all()]

    def listings_expiring(self, *, by: date) -> list[Listing]:
        """Listings whose expiry date is ``by`` or earlier (a periodic look reads these, not all)."""
        table = schema.listings
        query = sa.select(table).where(table.c.expires.is_not(None), table.c.expires <= by)
        with self._store.reading() as conn:
            return [records.listing_of(row) for row in conn.execute(query.order_by(table.c.name)).mappings()]

    # the desk's list

    def notify(
        self, *, user: str, title: str, text: str, now: datetime, delivery_id: int | None = None
    ) -> None:
        """Put a message on ``user``'s list and mark its delivery (when given) done, together."""
        deliveries = schema.alert_deliveries
        with self._store.writing() as conn:
            conn.execute(
                sa.insert(schema.alert_notifications).values(user_name=user, title=title, text=text, at=now)
            )
            if delivery_id is not None:
                conn.execute(
                    sa.update(deliveries)
                    .where(deliveries.c.id == delivery_id)
                    .values(state="delivered", delivered_at=now)
                )

    def unread(self, user: str) -> list[Notification]:
        """``user``'s unread notifications, newest first: what the desk shows."""
        table = schema.alert_notifications
        query = (
            sa.select(table)
            .where(table.c.user_name == user, table.c.read_at.is_(None))
            .order_by(table.c.id.desc())
        )
        with self._store.reading() as conn:
            return [_notification_of(row) for row in conn.execute(query).mappings()]

    def mark_read(self, user: str, ids: Sequence[int], *, now: datetime) -> int:
        """Mark some of ``user``'s notifications read; how many were unread."""
        table = schema.alert_notifications
        which = (table.c.user_name == user, table.c.id.in_(list(ids)), table.c.read_at.is_(None))
        with self._store.writing() as conn:
            return conn.execute(sa.update(table).where(*which).values(read_at=now)).rowcount

    # subscriptions

    def subscribe(self, subscription: Subscription, *, now: datetime) -> int:
        if subscription.channel == "email" and not subscription.address:
            raise InvalidInput("an e-mail subscription needs an address", hint="give --address")
        table = schema.alert_subscriptions
        row = {
            "user_name": subscription.user,
            "case_name": subscription.case,
            "kinds": list(subscription.kinds),
            "channel": subscription.channel,
            "address": subscription.address,
            "created_at": now,
        }
        with self._store.writing() as conn:
            if subscription.case is not None:
                found = sa.select(schema.cases.c.name).where(schema.cases.c.name == subscription.case)
                if conn.execute(found).first() is None:
                    raise NotFound(f"no case named {subscription.case!r}", hint="`mirrorhunt case list`")
            subscription_id: int = conn.execute(
                sa.insert(table).values(row).returning(table.c.id)
            ).scalar_one()
            detail = {"id": subscription_id, "case": subscription.case, "channel": subscription.channel}
            record_event(
                conn, Event(kind="alerts.subscribed", subject=subscription.user, detail=detail, at=now)
            )
        return subscription_id

    def unsubscribe(self, subscription_id: int, *, now: datetime) -> None:
        table = schema.alert_subscriptions
        with self._store.writing() as conn:
            user = conn.execute(
                sa.select(table.c.user_name).where(table.c.id == subscription_id)
            ).scalar_one_or_none()
            if user is None:
                raise NotFound(f"no subscription {subscription_id}", hint="`mirrorhunt alerts subscriptions`")
            conn.execute(sa.delete(table).where(table.c.id == subscription_id))
            detail = {"id": subscription_id}
            record_event(conn, Event(kind="alerts.unsubscribed", subject=user, detail=detail, at=now))

    def subscriptions(self) -> list[Subscription]:
        table = schema.alert_subscriptions
        with self._store.reading() as conn:
            return [
                Subscription(
                    id=row["id"],
                    user=row["user_name"],
                    case=row["case_name"],
                    kinds=tuple(row["kinds"]),
                    channel=row["channel"],
                    address=row["address"],
                )
                for row in conn.execute(sa.select(table).order_by(table.c.id)).mappings()
            ]


def _cursor(conn: Connection) -> int | None:
    table = schema.source_positions
    position: int | None = conn.execute(
        sa.select(table.c.position).where(table.c.key == CURSOR)
    ).scalar_one_or_none()
    return position


def _join(conn: Connection, target: Target, alert_id: int, *, now: datetime, window: float) -> None:
    """Add the alert to the target's open delivery, or open one."""
    table = schema.alert_deliveries
    open_ = (
        sa.select(table.c.id, table.c.alert_ids)
        .where(
            table.c.channel == target.channel,
            table.c.target == target.address,
            table.c.state == "pending",
            table.c.attempts == 0,
            table.c.closes_at > now,
        )
        .order_by(table.c.id.desc())
        .limit(1)
    )
    found = conn.execute(open_).first()
    if found is not None:
        delivery_id, alert_ids = found
        conn.execute(
            sa.update(table).where(table.c.id == delivery_id).values(alert_ids=[*alert_ids, alert_id])
        )
        return
    closes = now + timedelta(seconds=window)
    conn.execute(
        sa.insert(table).values(
            channel=target.channel,
            target=target.address,
            alert_ids=[alert_id],
            state="pending",
            closes_at=closes,
            next_try=closes,
            attempts=0,
        )
    )


def _alert_row(alert: Alert) -> dict[str, Any]:
    return {
        "key": alert.key,
        "kind": alert.kind,
        "case_name": alert.case,
        "subject": alert.subject,
        "summary": alert.summary,
        "at": alert.at,
    }


def _delivery_of(conn: Connection, row: RowMapping) -> Delivery:
    table = schema.alerts
    ids = list(row["alert_ids"])
    found = {
        alert["id"]: alert for alert in conn.execute(sa.select(table).where(table.c.id.in_(ids))).mappings()
    }
    alerts = tuple(
        Alert(
            key=found[i]["key"],
            kind=found[i]["kind"],
            case=found[i]["case_name"],
            subject=found[i]["subject"],
            summary=found[i]["summary"],
            at=found[i]["at"],
        )
        for i in ids
        if i in found
    )
    return Delivery(
        id=row["id"],
        target=Target(channel=row["channel"], address=row["target"]),
        alerts=alerts,
        state=row["state"],
        attempts=row["attempts"],
        next_try=row["next_try"],
        last_error=row["last_error"],
    )


def _notification_of(row: RowMapping) -> Notification:
    return Notification(
        id=row["id"],
        user=row["user_name"],
        title=row["title"],
        text=row["text"],
        at=row["at"],
        read_at=row["read_at"],
    )
