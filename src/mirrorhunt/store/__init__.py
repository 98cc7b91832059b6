"""Storage of mirrorhunt: SQLite by default, PostgreSQL by URL, migrated by Alembic."""

from mirrorhunt.store.store import Store

__all__ = ["Store"]
