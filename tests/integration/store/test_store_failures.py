"""Databases that cannot be reached, opened or written give one clear StoreError, never a traceback."""

from __future__ import annotations

import socket
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mirrorhunt.errors import ConfigError, StoreError
from mirrorhunt.model import Case
from mirrorhunt.store import Store


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_unreachable_postgresql(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres:s3cret@127.0.0.1:{unused_port()}/postgres"
    with pytest.raises(StoreError) as raised:
        Store.open(url)
    text = raised.value.diagnostics()
    assert text.startswith("cannot reach the database postgresql+psycopg://postgres:***@127.0.0.1:")
    assert "s3cret" not in text
    assert "server is running" in text
    assert "\n" not in text


@pytest.mark.postgres
def test_password_is_masked(postgres_url: str) -> None:
    url = postgres_url.replace("postgres@", "postgres:s3cret@", 1)  # trust auth ignores it
    with Store.open(url) as store:
        assert "s3cret" not in store.url
        assert "s3cret" not in repr(store)
        assert "postgres:***@" in store.url


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda tmp: tmp / "missing" / "mirrorhunt.db", id="missing-directory"),
        pytest.param(lambda tmp: tmp / "file" / "mirrorhunt.db", id="file-as-directory"),
        pytest.param(lambda tmp: Path("/proc/mirrorhunt.db"), id="unwritable-directory"),
    ],
)
def test_sqlite_path_that_cannot_be_created(tmp_path: Path, where: object) -> None:
    (tmp_path / "file").write_text("")
    path = where(tmp_path)  # type: ignore[operator]
    with pytest.raises(StoreError, match="SQLite database") as raised:
        Store.open(f"sqlite:///{path}")
    assert "writable" in raised.value.diagnostics() or "create the directory" in raised.value.diagnostics()
    assert not Path(path).exists()


def test_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "mirrorhunt.db"
    Store.open(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_sqlite_locked_beyond_the_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "mirrorhunt.db"
    with Store.open(f"sqlite:///{path}?timeout=0.1") as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        case = Case(name="c", url="https://c.fr/", created_at=datetime.now(UTC))
        with pytest.raises(StoreError, match="is locked by another writer"):
            store.add_case(case)
        other.execute("ROLLBACK")
        other.close()
        store.add_case(case)
        assert store.list_cases() == [case]


@pytest.mark.parametrize(
    "url", ["mysql://db/x", "sqlite://", "sqlite:///:memory:", "not a url", "sqlite:///x.db?timeout=soon"]
)
def test_unusable_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError):
        Store.open(url)
