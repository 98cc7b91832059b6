"""Storage of mirrorhunt: SQLite by default, PostgreSQL by URL, migrated by Alembic."""

from mirrorhunt.store.store import ListingChange, Store, record_event

__all__ = ["ListingChange", "Store", "record_event"]
