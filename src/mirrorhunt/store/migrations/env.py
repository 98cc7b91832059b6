"""Alembic environment: runs the migrations on the connection that ``mirrorhunt.store.migrate`` hands in."""

from __future__ import annotations

from alembic import context

from mirrorhunt.store.schema import metadata

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    render_as_batch=True,  # SQLite alters tables by copying them; autogenerate must say so
)
with context.begin_transaction():
    context.run_migrations()
