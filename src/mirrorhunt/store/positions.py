"""Several source positions read or written together, for a source whose place is more than one number
(a CT log's next entry and the tree head verified there must never be saved apart)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import sqlalchemy as sa

from mirrorhunt.store import schema
from mirrorhunt.store.store import Store


def read_positions(store: Store, *, keys: Collection[str]) -> dict[str, int]:
    """The stored positions among ``keys``; a key never set is absent."""
    table = schema.source_positions
    with store.reading() as conn:
        rows = conn.execute(sa.select(table.c.key, table.c.position).where(table.c.key.in_(list(keys))))
        return {key: position for key, position in rows}


def write_positions(store: Store, positions: Mapping[str, int | None]) -> None:
    """Set every position of ``positions`` in one transaction; a key mapped to None is removed."""
    table = schema.source_positions
    with store.writing() as conn:
        conn.execute(sa.delete(table).where(table.c.key.in_(list(positions))))
        rows = [{"key": key, "position": value} for key, value in positions.items() if value is not None]
        if rows:
            conn.execute(sa.insert(table), rows)
