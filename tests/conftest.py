"""Fixtures shared by every test: the database backends."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

POSTGRES = "host=127.0.0.1 port=5432 user=postgres connect_timeout=5"


def _admin(database: str) -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(f"{POSTGRES} dbname={database}", autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres (trust auth): {exc}. "
            "Start it, or deselect these tests with -m 'not postgres'.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    name = f"mirrorhunt_test_{secrets.token_hex(6)}"
    with _admin("postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with _admin("postgres") as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database for one test: a SQLite file, or a schema of its own in the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mirrorhunt.db'}"
    url: str = request.getfixturevalue("postgres_url")
    schema = f"test_{secrets.token_hex(6)}"
    with _admin(url.rsplit("/", 1)[1]) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    return f"{url}?options=-csearch_path%3D{schema}"
