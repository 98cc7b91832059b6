"""The records of the transparency log: its leaves, its signed checkpoints, and the pseudonyms' secret.

Appending happens in one write transaction (``AuditRecords.appending``) that first locks the leaves
(SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: ``LOCK TABLE``), so two processes that sync at once append
one after the other and never fork the log; the primary key on the index and the unique event id are
the backstop. Events to log are found by what the log lacks, not by a cursor: an event whose
transaction committed late, under a lower id than one already logged, is still logged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mirrorhunt.model import Event
from mirrorhunt.store import Store, record_event, schema
from mirrorhunt.store.records import event_of

_SECRET_ROW = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredLeaf:
    """A leaf as kept: its index, the event it records, the entry and its leaf hash."""

    index: int
    event_id: int
    name: str
    entry: bytes
    hash: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredCheckpoint:
    """A signed checkpoint as kept: the tree size, its root, the signed note, when it was signed."""

    size: int
    root: bytes
    note: str
    signed_at: datetime


class Batch:
    """What one append does, inside its write transaction."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def secret(self) -> bytes:
        """The pseudonyms' secret, made (32 random bytes) the first time it is asked for."""
        table = schema.audit_secret
        found = self._conn.execute(sa.select(table.c.secret)).scalar_one_or_none()
        if found is None:
            found = os.urandom(32)
            self._conn.execute(sa.insert(table).values(id=_SECRET_ROW, secret=found))
        return bytes(found)

    def pending(self, kinds: Sequence[str]) -> list[tuple[int, Event]]:
        """The events of ``kinds`` not yet in the log, by id."""
        return _pending(self._conn, kinds)

    def hashes(self) -> list[bytes]:
        """Every leaf hash, by index."""
        return _hashes(self._conn, None)

    def size(self) -> int:
        """How many leaves the log holds."""
        return _size(self._conn)

    def append(self, leaves: Sequence[StoredLeaf]) -> None:
        if leaves:
            rows = [
                {"index": x.index, "event_id": x.event_id, "name": x.name, "entry": x.entry, "hash": x.hash}
                for x in leaves
            ]
            self._conn.execute(sa.insert(schema.audit_leaves), rows)

    def latest(self) -> StoredCheckpoint | None:
        return _latest(self._conn)

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        """Keep a signed checkpoint, recorded as an ``audit.checkpoint`` event."""
        self._conn.execute(
            sa.insert(schema.audit_checkpoints).values(
                size=checkpoint.size,
                root=checkpoint.root,
                note=checkpoint.note,
                signed_at=checkpoint.signed_at,
            )
        )
        detail = {"size": checkpoint.size, "root": checkpoint.root.hex()}
        record_event(
            self._conn,
            Event(kind="audit.checkpoint", subject="audit", detail=detail, at=checkpoint.signed_at),
        )


class AuditRecords:
    """Reads and appends of the log's tables in a ``Store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @contextmanager
    def appending(self) -> Iterator[Batch]:
        """One append, serialised with every other append, on either backend."""
        with self._store.writing() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("LOCK TABLE audit_leaves IN EXCLUSIVE MODE"))
            yield Batch(conn)

    def secret(self) -> bytes | None:
        with self._store.reading() as conn:
            found = conn.execute(sa.select(schema.audit_secret.c.secret)).scalar_one_or_none()
        return None if found is None else bytes(found)

    def pending_count(self, kinds: Sequence[str]) -> int:
        """How many events of ``kinds`` the log lacks: zero means a sync has nothing to do."""
        query = sa.select(sa.func.count()).select_from(schema.events).where(_unlogged(kinds))
        with self._store.reading() as conn:
            count: int = conn.execute(query).scalar_one()
        return count

    def hashes(self, stop: int | None = None) -> list[bytes]:
        """The leaf hashes of indexes below ``stop`` (all without it), by index."""
        with self._store.reading() as conn:
            return _hashes(conn, stop)

    def leaves(self, start: int = 0, stop: int | None = None) -> list[StoredLeaf]:
        """The leaves of indexes in ``[start, stop)``, by index."""
        table = schema.audit_leaves
        query = sa.select(table).where(table.c.index >= start).order_by(table.c.index)
        if stop is not None:
            query = query.where(table.c.index < stop)
        with self._store.reading() as conn:
            return [_leaf_of(row) for row in conn.execute(query).mappings()]

    def last_index_of(self, name: str) -> int | None:
        """The index of the latest leaf about ``name``."""
        table = schema.audit_leaves
        with self._store.reading() as conn:
            found: int | None = conn.execute(
                sa.select(sa.func.max(table.c.index)).where(table.c.name == name)
            ).scalar_one()
        return found

    def events(self, ids: Sequence[int]) -> dict[int, Event]:
        """The events of ``ids`` that exist, by id."""
        table = schema.events
        found: dict[int, Event] = {}
        with self._store.reading() as conn:
            for start in range(0, len(ids), _CHUNK):
                query = sa.select(table).where(table.c.id.in_(ids[start : start + _CHUNK]))
                found.update((row["id"], event_of(row)) for row in conn.execute(query).mappings())
        return found

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Every signed checkpoint, smallest tree first."""
        table = schema.audit_checkpoints
        with self._store.reading() as conn:
            rows = conn.execute(sa.select(table).order_by(table.c.size)).mappings()
            return [_checkpoint_of(row) for row in rows]

    def latest(self) -> StoredCheckpoint | None:
        with self._store.reading() as conn:
            return _latest(conn)


_CHUNK = 5000


def _pending(conn: Connection, kinds: Sequence[str]) -> list[tuple[int, Event]]:
    query = sa.select(schema.events).where(_unlogged(kinds)).order_by(schema.events.c.id)
    return [(row["id"], event_of(row)) for row in conn.execute(query).mappings()]


def _unlogged(kinds: Sequence[str]) -> sa.ColumnElement[bool]:
    events, leaves = schema.events, schema.audit_leaves
    logged = sa.select(leaves.c.event_id).where(leaves.c.event_id == events.c.id).exists()
    return sa.and_(events.c.kind.in_(kinds), ~logged)


def _size(conn: Connection) -> int:
    count: int = conn.execute(sa.select(sa.func.count()).select_from(schema.audit_leaves)).scalar_one()
    return count


def _hashes(conn: Connection, stop: int | None) -> list[bytes]:
    table = schema.audit_leaves
    query = sa.select(table.c.hash).order_by(table.c.index)
    if stop is not None:
        query = query.where(table.c.index < stop)
    return [bytes(value) for value in conn.execute(query).scalars()]


def _latest(conn: Connection) -> StoredCheckpoint | None:
    table = schema.audit_checkpoints
    row = conn.execute(sa.select(table).order_by(table.c.size.desc()).limit(1)).mappings().first()
    return None if row is None else _checkpoint_of(row)


def _leaf_of(row: sa.RowMapping) -> StoredLeaf:
    return StoredLeaf(
        index=row["index"],
        event_id=row["event_id"],
        name=row["name"],
        entry=bytes(row["entry"]),
        hash=bytes(row["hash"]),
    )


def _checkpoint_of(row: sa.RowMapping) -> StoredCheckpoint:
    return StoredCheckpoint(
        size=row["size"], root=bytes(row["root"]), note=row["note"], signed_at=row["signed_at"]
    )
