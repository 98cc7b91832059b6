"""The people who use the review desk: accounts, API tokens, browser sessions and failed logins.

Secrets are never stored: passwords as argon2id hashes, API tokens and session ids as SHA-256 digests
of 32 random bytes, which makes a copy of the database useless for signing in. Every change of an
account, and every login, is an event.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from mirrorhunt.clock import Clock
from mirrorhunt.errors import AlreadyExists, InvalidInput, NotFound, Unauthenticated
from mirrorhunt.model import Event
from mirrorhunt.review.rights import Role, parse_role
from mirrorhunt.store import Store, record_event, schema

MIN_PASSWORD = 10
MAX_WAIT = timedelta(minutes=15)
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_HASHER = PasswordHasher()  # argon2id with the library's defaults (RFC 9106 second recommendation)
_DECOY = _HASHER.hash(secrets.token_hex(16))
"""Checked against when the account does not exist, so that a wrong name costs as long as a wrong password."""


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """An account: its name, its role, and whether it may still sign in."""

    name: str
    role: Role
    created_at: datetime
    disabled: bool = False


def login_wait(failures: int, *, allowed: int) -> timedelta:
    """How long the next attempt must wait after ``failures`` failed logins in a row: nothing for the
    first ``allowed``, then one second doubling with each further failure, at most ``MAX_WAIT``."""
    if failures < allowed:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - allowed, 20)), MAX_WAIT)


def digest(secret: str) -> str:
    """What is stored of a token or session id."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Accounts:
    """Accounts in a ``Store``: create, list, disable; sign in by password or token; sessions."""

    def __init__(self, store: Store, *, clock: Clock, failures_allowed: int = 5) -> None:
        self._store = store
        self._clock = clock
        self._allowed = failures_allowed

    def add_user(self, *, name: str, role: str, password: str | None, by: str) -> tuple[User, str]:
        """Create an account and its first API token; the token, returned here, is never shown again."""
        user = User(name=_checked_name(name), role=_checked_role(role), created_at=self._clock.now())
        hashed = None if password is None else _HASHER.hash(_checked_password(password))
        token = secrets.token_urlsafe(32)
        row = {**_user_row(user), "password_hash": hashed}
        with self._store.writing() as conn:
            if conn.execute(_user_query(user.name)).first() is not None:
                raise AlreadyExists(f"user {user.name!r} already exists", hint="`mirrorhunt user list`")
            conn.execute(sa.insert(schema.users).values(row))
            self._insert_token(conn, user.name, token)
            detail = {"role": user.role, "password": hashed is not None, "by": by}
            record_event(conn, Event(kind="user.added", subject=user.name, detail=detail, at=user.created_at))
        return user, token

    def users(self) -> list[User]:
        with self._store.reading() as conn:
            rows = conn.execute(sa.select(schema.users).order_by(schema.users.c.name)).mappings()
            return [_user_of(row) for row in rows]

    def new_token(self, *, name: str, by: str) -> str:
        """A new API token for ``name``, replacing every earlier one."""
        token = secrets.token_urlsafe(32)
        with self._store.writing() as conn:
            _require_user(conn, name)
            conn.execute(sa.delete(schema.api_tokens).where(schema.api_tokens.c.user_name == name))
            self._insert_token(conn, name, token)
            record_event(
                conn, Event(kind="user.token", subject=name, detail={"by": by}, at=self._clock.now())
            )
        return token

    def disable(self, *, name: str, by: str) -> None:
        """Stop an account from signing in: its tokens and sessions stop working at once."""
        with self._store.writing() as conn:
            _require_user(conn, name)
            users = schema.users
            conn.execute(sa.update(users).where(users.c.name == name).values(disabled=True))
            conn.execute(sa.delete(schema.sessions).where(schema.sessions.c.user_name == name))
            record_event(
                conn, Event(kind="user.disabled", subject=name, detail={"by": by}, at=self._clock.now())
            )

    def token_user(self, token: str) -> User:
        """The enabled account holding ``token``."""
        tokens = schema.api_tokens
        query = (
            sa.select(schema.users)
            .join(tokens, tokens.c.user_name == schema.users.c.name)
            .where(tokens.c.token_sha256 == digest(token), schema.users.c.disabled.is_(False))
        )
        with self._store.reading() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise Unauthenticated("unknown API token", hint="`mirrorhunt user token NAME` issues a new one")
        return _user_of(row)

    def log_in(self, *, name: str, password: str, address: str, ttl: timedelta) -> str:
        """Check the password and open a session of ``ttl``; its id, kept by the browser only.

        After ``failures_allowed`` failures in a row for this name from this address, every further
        attempt must wait (``login_wait``), whatever the password: guessing becomes too slow to work.
        """
        now = self._clock.now()
        failures = schema.login_failures
        which = (failures.c.account == name[:64], failures.c.address == address[:64])
        with self._store.reading() as conn:
            failed = conn.execute(sa.select(failures.c.failures, failures.c.last_at).where(*which)).first()
            row = conn.execute(_user_query(name)).mappings().first()
        if failed is not None:
            ready = failed.last_at + login_wait(failed.failures, allowed=self._allowed)
            if now < ready:
                seconds = math.ceil((ready - now).total_seconds())
                raise Unauthenticated(
                    f"too many failed logins for {name!r}: try again in {seconds} s",
                    hint="each further failure doubles the wait",
                )
        hashed = row["password_hash"] if row is not None and not row["disabled"] else None
        if not _password_matches(hashed, password) or row is None:
            self._count_failure(name=name, address=address, now=now, failed=failed is not None)
            raise Unauthenticated("wrong name or password")
        session = secrets.token_urlsafe(32)
        with self._store.writing() as conn:
            conn.execute(sa.delete(failures).where(*which))
            conn.execute(sa.delete(schema.sessions).where(schema.sessions.c.expires_at <= now))
            conn.execute(
                sa.insert(schema.sessions).values(
                    id_sha256=digest(session), user_name=row["name"], created_at=now, expires_at=now + ttl
                )
            )
            record_event(
                conn, Event(kind="user.login", subject=row["name"], detail={"address": address}, at=now)
            )
        return session

    def session_user(self, session: str) -> User:
        """The enabled account of a session that has not expired."""
        sessions = schema.sessions
        query = (
            sa.select(schema.users)
            .join(sessions, sessions.c.user_name == schema.users.c.name)
            .where(
                sessions.c.id_sha256 == digest(session),
                sessions.c.expires_at > self._clock.now(),
                schema.users.c.disabled.is_(False),
            )
        )
        with self._store.reading() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise Unauthenticated("not signed in, or the session has expired", hint="sign in again")
        return _user_of(row)

    def log_out(self, session: str) -> None:
        sessions = schema.sessions
        with self._store.writing() as conn:
            name = conn.execute(
                sa.select(sessions.c.user_name).where(sessions.c.id_sha256 == digest(session))
            ).scalar_one_or_none()
            if name is None:
                return
            conn.execute(sa.delete(sessions).where(sessions.c.id_sha256 == digest(session)))
            record_event(conn, Event(kind="user.logout", subject=name, detail={}, at=self._clock.now()))

    def _count_failure(self, *, name: str, address: str, now: datetime, failed: bool) -> None:
        failures = schema.login_failures
        key = {"account": name[:64], "address": address[:64]}
        with self._store.writing() as conn:
            if failed:
                which = (failures.c.account == key["account"], failures.c.address == key["address"])
                conn.execute(
                    sa.update(failures).where(*which).values(failures=failures.c.failures + 1, last_at=now)
                )
            else:
                conn.execute(sa.insert(failures).values(**key, failures=1, last_at=now))
            record_event(
                conn,
                Event(kind="user.login_failed", subject=key["account"], detail={"address": address}, at=now),
            )

    def _insert_token(self, conn: Connection, name: str, token: str) -> None:
        conn.execute(
            sa.insert(schema.api_tokens).values(
                token_sha256=digest(token), user_name=name, created_at=self._clock.now()
            )
        )


def _password_matches(hashed: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(hashed or _DECOY, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def _checked_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            f"{name!r} is not a usable account name",
            hint="lower-case letters, digits, '.', '_' and '-', at most 64, starting with a letter or digit",
        )
    return name


def _checked_role(role: str) -> Role:
    try:
        return parse_role(role)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("the password is too short", hint=f"use at least {MIN_PASSWORD} characters")
    return password


def _user_query(name: str) -> sa.Select[tuple[object, ...]]:
    return sa.select(schema.users).where(schema.users.c.name == name)


def _require_user(conn: Connection, name: str) -> None:
    if conn.execute(_user_query(name)).first() is None:
        raise NotFound(f"no user {name!r}", hint="`mirrorhunt user list` shows the accounts")


def _user_row(user: User) -> dict[str, object]:
    return {"name": user.name, "role": user.role, "created_at": user.created_at, "disabled": user.disabled}


def _user_of(row: sa.RowMapping) -> User:
    return User(
        name=row["name"],
        role=parse_role(row["role"]),
        created_at=row["created_at"],
        disabled=row["disabled"],
    )
