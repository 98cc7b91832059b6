"""Storage of mirrorhunt: SQLite by default, PostgreSQL by URL, migrated by Alembic."""

from mirrorhunt.store.store import ListingChange, Store, delete_listing, insert_listing, record_event

__all__ = ["ListingChange", "Store", "delete_listing", "insert_listing", "record_event"]
