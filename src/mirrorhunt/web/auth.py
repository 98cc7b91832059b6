"""Who is asking, and may they: API tokens (``Authorization: Bearer``), browser sessions (an HttpOnly,
SameSite=Strict cookie) with a CSRF token on every form, and the rights table of ``review.rights``.

The CSRF token is an HMAC of the session id, keyed by it: the server recomputes it from the cookie,
and a page of another site, which cannot read the cookie, cannot forge it. Bearer tokens are never sent
by a browser on its own, so requests carrying one need no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Request, Response, Security
from fastapi.security import HTTPBearer

from mirrorhunt.errors import Forbidden, Unauthenticated
from mirrorhunt.review.actor import Actor
from mirrorhunt.review.rights import Right, may
from mirrorhunt.store.accounts import User
from mirrorhunt.web.state import web_state

SESSION_COOKIE = "mirrorhunt_session"
CSRF_FIELD = "csrf"


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """An authenticated person, and the session they came with (None when by API token)."""

    user: User
    session: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.user.name, self.user.role)

    @property
    def csrf(self) -> str:
        """The token every form of this session must carry ("" for token clients, which need none)."""
        return csrf_token(self.session) if self.session is not None else ""

    def may(self, right: Right) -> bool:
        return may(self.user.role, right)


def csrf_token(session: str) -> str:
    return hmac.new(session.encode(), b"mirrorhunt csrf", hashlib.sha256).hexdigest()


def authenticate(request: Request) -> Principal:
    """The person behind a bearer token, else behind the session cookie; ``Unauthenticated`` if neither."""
    accounts = web_state(request).accounts
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("the Authorization header must read `Bearer TOKEN`")
        return Principal(user=accounts.token_user(token.strip()))
    session = request.cookies.get(SESSION_COOKIE)
    if not session:
        raise Unauthenticated("not signed in", hint="sign in, or send `Authorization: Bearer TOKEN`")
    return Principal(user=accounts.session_user(session), session=session)


def check_right(principal: Principal, right: Right) -> Principal:
    if not principal.may(right):
        raise Forbidden(
            f"{principal.user.name} ({principal.user.role}) lacks the right to {right.replace('_', ' ')}",
            hint="an administrator can give the account another role",
        )
    return principal


_BEARER = HTTPBearer(auto_error=False, description="An API token: `mirrorhunt user add` or `user token`.")


def require(right: Right) -> Callable[..., Principal]:
    """A dependency: the authenticated person, holding ``right`` (``_BEARER`` documents the token)."""

    def dependency(request: Request, _: Annotated[object, Security(_BEARER)]) -> Principal:
        return check_right(authenticate(request), right)

    return dependency


def require_form(right: Right) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency for form posts: ``require(right)``, and the session's CSRF token in the form."""

    async def dependency(request: Request) -> Principal:
        principal = check_right(authenticate(request), right)
        if principal.session is not None:
            sent = (await request.form()).get(CSRF_FIELD)
            if not isinstance(sent, str) or not hmac.compare_digest(sent, principal.csrf):
                raise Forbidden("the form's CSRF token is missing or wrong", hint="reload the page and retry")
        return principal

    return dependency


def start_session(request: Request, response: Response, *, name: str, password: str) -> None:
    """Check the password (throttled per account and address) and set the session cookie."""
    state = web_state(request)
    ttl = timedelta(hours=state.settings.web.session_hours)
    address = request.client.host if request.client else "unknown"
    session = state.accounts.log_in(name=name, password=password, address=address, ttl=ttl)
    response.set_cookie(
        SESSION_COOKIE,
        session,
        max_age=int(ttl.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def end_session(request: Request, response: Response, principal: Principal) -> None:
    if principal.session is not None:
        web_state(request).accounts.log_out(principal.session)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
