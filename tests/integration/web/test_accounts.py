"""Accounts on both backends: hashed secrets, tokens that replace each other, sessions, throttled logins."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from mirrorhunt.cli.app import app
from mirrorhunt.errors import AlreadyExists, InvalidInput, NotFound, Unauthenticated
from mirrorhunt.store import Store, schema
from mirrorhunt.store.accounts import Accounts, digest, login_wait

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


class SteppingClock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


def test_secrets_are_stored_hashed_and_every_change_is_an_event(store_url: str) -> None:
    clock = SteppingClock()
    with Store.open(store_url, clock=clock) as store:
        accounts = Accounts(store, clock=clock)
        user, token = accounts.add_user(name="ana", role="approver", password=PASSWORD, by="test")
        assert user.role == "approver" and len(token) >= 43
        assert accounts.token_user(token) == user
        session = accounts.log_in(name="ana", password=PASSWORD, address="127.0.0.1", ttl=timedelta(hours=1))
        assert accounts.session_user(session) == user

        with store.reading() as conn:
            stored = conn.execute(sa.select(schema.users.c.password_hash)).scalar_one()
            tokens = list(conn.execute(sa.select(schema.api_tokens.c.token_sha256)).scalars())
            sessions = list(conn.execute(sa.select(schema.sessions.c.id_sha256)).scalars())
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        assert tokens == [digest(token)] and sessions == [digest(session)]

        fresh = accounts.new_token(name="ana", by="test")
        with pytest.raises(Unauthenticated):
            accounts.token_user(token)
        assert accounts.token_user(fresh) == user

        accounts.disable(name="ana", by="test")
        with pytest.raises(Unauthenticated):
            accounts.token_user(fresh)
        with pytest.raises(Unauthenticated):
            accounts.session_user(session)
        kinds = [e.kind for e in store.events(subject="ana")]
    assert kinds == ["user.added", "user.login", "user.token", "user.disabled"]


def test_bad_accounts_are_refused(store_url: str) -> None:
    clock = SteppingClock()
    with Store.open(store_url, clock=clock) as store:
        accounts = Accounts(store, clock=clock)
        accounts.add_user(name="bob", role="viewer", password=None, by="test")
        with pytest.raises(AlreadyExists):
            accounts.add_user(name="bob", role="viewer", password=None, by="test")
        with pytest.raises(InvalidInput, match="role"):
            accounts.add_user(name="eve", role="root", password=None, by="test")
        with pytest.raises(InvalidInput, match="account name"):
            accounts.add_user(name="Eve Smith", role="viewer", password=None, by="test")
        with pytest.raises(InvalidInput, match="too short"):
            accounts.add_user(name="eve", role="viewer", password="short", by="test")
        with pytest.raises(NotFound):
            accounts.new_token(name="nobody", by="test")
        with pytest.raises(Unauthenticated, match="wrong name or password"):
            accounts.log_in(name="bob", password="anything at all", address="::1", ttl=timedelta(hours=1))
        assert [u.name for u in accounts.users()] == ["bob"]


def test_sessions_expire(store_url: str) -> None:
    clock = SteppingClock()
    with Store.open(store_url, clock=clock) as store:
        accounts = Accounts(store, clock=clock)
        accounts.add_user(name="ana", role="analyst", password=PASSWORD, by="test")
        session = accounts.log_in(name="ana", password=PASSWORD, address="127.0.0.1", ttl=timedelta(hours=1))
        clock.at += timedelta(minutes=59)
        accounts.session_user(session)
        clock.at += timedelta(minutes=1)
        with pytest.raises(Unauthenticated, match="expired"):
            accounts.session_user(session)
        accounts.log_out(session)


def test_failed_logins_make_the_next_attempt_wait_even_with_the_right_password(store_url: str) -> None:
    clock = SteppingClock()
    with Store.open(store_url, clock=clock) as store:
        accounts = Accounts(store, clock=clock, failures_allowed=3)
        accounts.add_user(name="ana", role="viewer", password=PASSWORD, by="test")
        hour = timedelta(hours=1)
        for _ in range(3):
            with pytest.raises(Unauthenticated, match="wrong"):
                accounts.log_in(name="ana", password="not the password", address="10.0.0.9", ttl=hour)
        with pytest.raises(Unauthenticated, match="try again in"):
            accounts.log_in(name="ana", password=PASSWORD, address="10.0.0.9", ttl=hour)
        # Another address is not held back by this one's failures.
        accounts.log_in(name="ana", password=PASSWORD, address="10.0.0.8", ttl=hour)
        clock.at += login_wait(3, allowed=3)
        accounts.log_in(name="ana", password=PASSWORD, address="10.0.0.9", ttl=hour)
        with pytest.raises(Unauthenticated, match="wrong"):
            accounts.log_in(name="ana", password="not the password", address="10.0.0.9", ttl=hour)


def test_the_wait_doubles_and_is_capped() -> None:
    waits = [login_wait(n, allowed=5).total_seconds() for n in range(4, 9)]
    assert waits == [0, 1, 2, 4, 8]
    assert login_wait(10_000, allowed=5) == timedelta(minutes=15)


def test_the_command_prints_the_token_alone_and_it_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    added = runner.invoke(
        app, ["--database-url", url, "user", "add", "ana", "--role", "approver", "--password-stdin"],
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    token = added.stdout.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), added.stdout
    assert "not shown again" in added.stderr
    renewed = runner.invoke(app, ["--database-url", url, "user", "token", "ana"])
    assert renewed.exit_code == 0 and renewed.stdout.strip() != token
    listed = runner.invoke(app, ["--database-url", url, "user", "list"])
    assert "ana" in listed.stdout and "approver" in listed.stdout
    with Store.open(url) as store:
        accounts = Accounts(store, clock=SteppingClock())
        assert accounts.token_user(renewed.stdout.strip()).name == "ana"
        accounts.log_in(name="ana", password=PASSWORD, address="127.0.0.1", ttl=timedelta(hours=1))
    twice = runner.invoke(app, ["--database-url", url, "user", "add", "ana", "--role", "viewer"])
    assert twice.exit_code != 0 and isinstance(twice.exception, AlreadyExists)
