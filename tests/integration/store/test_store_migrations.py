"""The schema comes from the migrations, matches the tables the code queries, and is never downgraded."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from mirrorhunt.errors import StoreError
from mirrorhunt.model import Case
from mirrorhunt.store import Store
from mirrorhunt.store.migrate import SCRIPTS
from mirrorhunt.store.schema import metadata


def test_opening_twice_keeps_everything(store_url: str, case: Case) -> None:
    with Store.open(store_url) as first:
        first.add_case(case)
    with Store.open(store_url) as second:
        assert second.list_cases() == [case]
        assert second.zone_serial() == 1

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    newest = ScriptDirectory.from_config(config).get_heads()
    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == tuple(newest)
    engine.dispose()


def test_migrated_schema_matches_the_tables_in_code(store_url: str) -> None:
    Store.open(store_url).close()
    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert differences == []


def test_a_newer_schema_is_refused(store_url: str) -> None:
    Store.open(store_url).close()
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    engine.dispose()

    with pytest.raises(StoreError, match="0999, newer than this mirrorhunt knows") as raised:
        Store.open(store_url)
    assert "upgrade mirrorhunt" in raised.value.diagnostics()
