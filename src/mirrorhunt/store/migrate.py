"""Schema migrations, run in code: the scripts live in ``migrations/`` inside the package."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from mirrorhunt.errors import StoreError

SCRIPTS = Path(__file__).with_name("migrations")
LOCK_KEY = 0x6D68_7374  # PostgreSQL advisory lock that serialises concurrent upgrades ("mhst")


def upgrade(connection: Connection, *, url: str) -> None:
    """Bring the schema to the newest revision within the caller's transaction.

    Raises ``StoreError`` when a newer mirrorhunt already migrated the database further.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS).replace("%", "%%"))  # % is ConfigParser syntax
    config.attributes["connection"] = connection  # migrations/env.py runs on it
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    current = MigrationContext.configure(connection).get_current_heads()
    newer = sorted(set(current) - known)
    if newer:
        raise StoreError(
            f"the database {url} has schema revision {', '.join(newer)}, newer than this mirrorhunt knows",
            hint="upgrade mirrorhunt, or point database_url at another database",
        )
    command.upgrade(config, "head")
