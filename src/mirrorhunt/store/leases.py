"""Leases on shared work, so that several processes on one database never do the same work twice.

A lease names a piece of work (``ct:URL``, ``permute:CASE``, ``leader:primary``) and who holds it until
when. The holder renews it while it works; once it runs out (the holder died or hung), the next process
that asks takes it over. A change of holder is an event; renewals are bookkeeping.

On PostgreSQL the row is read ``FOR UPDATE`` and a new lease is inserted ``ON CONFLICT DO NOTHING``, so of
two processes asking at once exactly one gets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from mirrorhunt.model import Event
from mirrorhunt.store import Store, record_event, schema


@dataclass(frozen=True, slots=True, kw_only=True)
class Lease:
    """Who holds a piece of work, since when, and until when unless renewed."""

    name: str
    holder: str
    expires_at: datetime
    taken_at: datetime


class Leases:
    """The leases of a store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def acquire(self, name: str, *, holder: str, now: datetime, until: datetime) -> bool:
        """Hold ``name`` until ``until``: True when it was free, had run out, or was ``holder``'s already
        (then this renews it); False while another holder's lease runs."""
        table = schema.leases
        with self._store.writing() as conn:
            row = (
                conn.execute(sa.select(table).where(table.c.name == name).with_for_update())
                .mappings()
                .first()
            )
            if row is None:
                taken = _insert_new(conn, name=name, holder=holder, now=now, until=until)
            elif row["holder"] == holder or _lease_of(row).expires_at <= now:
                changes: dict[str, object] = {"holder": holder, "expires_at": until}
                if row["holder"] != holder:
                    changes["taken_at"] = now
                conn.execute(sa.update(table).where(table.c.name == name).values(changes))
                taken = True
            else:
                return False
            if taken and (row is None or row["holder"] != holder):
                detail = {"holder": holder, "from": None if row is None else row["holder"]}
                record_event(conn, Event(kind="lease.taken", subject=name, detail=detail, at=now))
        return taken

    def release(self, name: str, *, holder: str, now: datetime) -> bool:
        """Give ``name`` up at once (a clean stop), when ``holder`` holds it; True when it did."""
        table = schema.leases
        with self._store.writing() as conn:
            gone = conn.execute(sa.delete(table).where(table.c.name == name, table.c.holder == holder))
            if not gone.rowcount:
                return False
            record_event(conn, Event(kind="lease.released", subject=name, detail={"holder": holder}, at=now))
        return True

    def get(self, name: str) -> Lease | None:
        """The lease on ``name``, expired or not; None when nobody ever held it or it was released."""
        table = schema.leases
        with self._store.reading() as conn:
            row = conn.execute(sa.select(table).where(table.c.name == name)).mappings().first()
        return None if row is None else _lease_of(row)

    def all(self) -> list[Lease]:
        """Every lease, by name."""
        table = schema.leases
        with self._store.reading() as conn:
            return [
                _lease_of(row) for row in conn.execute(sa.select(table).order_by(table.c.name)).mappings()
            ]


def _insert_new(conn: Connection, *, name: str, holder: str, now: datetime, until: datetime) -> bool:
    """Insert a lease unless another process just did; True when this one did."""
    table = schema.leases
    insert = (sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert)(table)
    row = {"name": name, "holder": holder, "expires_at": until, "taken_at": now}
    statement = insert.values(row).on_conflict_do_nothing().returning(table.c.name)
    return conn.execute(statement).first() is not None


def _lease_of(row: RowMapping) -> Lease:
    return Lease(
        name=row["name"], holder=row["holder"], expires_at=row["expires_at"], taken_at=row["taken_at"]
    )
