"""The connection to the database, SQLite (one file, WAL) or PostgreSQL, and its failures in plain words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from mirrorhunt.errors import ConfigError, StoreError

WRITER = "mirrorhunt_writer"
"""Execution option of a connection that writes: on SQLite its transactions start with BEGIN IMMEDIATE."""

BUSY_TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 10
URL_HINT = "use sqlite:///path/to/mirrorhunt.db or postgresql+psycopg://user:password@host:port/database"
SETTING = "database_url (MIRRORHUNT_DATABASE_URL)"


def masked(url: str | sa.URL) -> str:
    """The URL with its password replaced by ``***``, fit for messages and logs."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        return "<unparsable database URL>"
    return parsed.render_as_string(hide_password=True)


def open_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections are set up for one writer and many readers."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    query = parsed.query
    connect_args = {} if "connect_timeout" in query else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)


def translate(exc: sa.exc.DBAPIError, *, url: str) -> StoreError:
    """A ``StoreError`` that says in one line what went wrong with the database at ``url`` (masked)."""
    detail = _first_line(exc.orig)
    lowered = detail.lower()
    if "database is locked" in lowered or "database table is locked" in lowered:
        return StoreError(
            f"the database {url} is locked by another writer",
            hint="another mirrorhunt process holds it too long; retry, or stop the other process",
        )
    if "unable to open database file" in lowered or "readonly database" in lowered:
        return StoreError(
            f"cannot open or write the SQLite database {url}: {detail}",
            hint=f"check that its directory exists and is writable, or set {SETTING}",
        )
    if exc.connection_invalidated or (isinstance(exc, sa.exc.OperationalError) and exc.statement is None):
        return StoreError(
            f"cannot reach the database {url}: {detail}",
            hint=f"check that the server is running and that {SETTING} is right",
        )
    return StoreError(f"the database {url} refused the operation: {detail}", hint="see the server's log")


def _parse(url: str) -> sa.URL:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ConfigError(f"{SETTING} is not a database URL", hint=URL_HINT) from exc
    if parsed.drivername == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("postgresql+psycopg", "sqlite", "sqlite+pysqlite"):
        return parsed
    raise ConfigError(f"unsupported database {masked(parsed)}", hint=URL_HINT)


def _sqlite_engine(url: sa.URL) -> Engine:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ConfigError(f"{masked(url)} is not a SQLite file path", hint=URL_HINT)
    folder = Path(database).parent
    if not folder.is_dir():
        raise StoreError(
            f"cannot create the SQLite database {database}: {folder} is not a directory",
            hint=f"create the directory, or set {SETTING}",
        )
    busy_ms = _busy_timeout_ms(url)
    engine = sa.create_engine(url)

    @event.listens_for(engine, "connect")
    def prepare(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite must not BEGIN on its own: see begin()
        cursor = dbapi_connection.cursor()
        for pragma in (f"busy_timeout = {busy_ms}", "journal_mode = WAL", "foreign_keys = ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        writer = connection.get_execution_options().get(WRITER, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def _busy_timeout_ms(url: sa.URL) -> int:
    raw = url.query.get("timeout", str(BUSY_TIMEOUT_SECONDS))
    try:
        return int(float(str(raw)) * 1000)
    except ValueError as exc:
        raise ConfigError(
            f"timeout={raw} in {masked(url)} is not a number of seconds", hint=URL_HINT
        ) from exc


def _first_line(error: BaseException | None) -> str:
    text = str(error).strip() if error is not None else ""
    return text.splitlines()[0] if text else "unknown error"
