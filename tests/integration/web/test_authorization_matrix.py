"""Every route of the app, called as every role, anonymously and with a bad token: the status each gets.

The routes are enumerated from the app itself: a route added without an entry here fails the test, so
nothing reaches production without someone deciding who may call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi.routing import iter_route_contexts
from starlette.routing import Mount
from web_desk import CASE, LISTED, MIRROR, Desk

from mirrorhunt.config import Settings
from mirrorhunt.review.rights import ROLES, Right, may
from mirrorhunt.store import Store
from mirrorhunt.web.site import site_app

CANDIDATE = f"/cases/{CASE}/candidates/{quote(MIRROR)}"
UNKNOWN = f"/cases/{CASE}/candidates/unknown.example"


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """How to call a route, the right it needs (None: public) and what a caller holding it gets back.

    Calls that would change something are made to fail after the rights check (an empty reason, an
    unknown contest or name), so that every role meets the same state.
    """

    path: str
    right: Right | None
    ok: int
    form: dict[str, str] | None = None
    body: object = None
    bad_token: int | None = None
    """What a public route answers a wrong token, when it reads one (401: it refuses to guess)."""


MATRIX: dict[tuple[str, str], Call] = {
    ("GET", "/"): Call(path="/", right="view", ok=303),
    ("GET", "/login"): Call(path="/login", right=None, ok=200),
    ("POST", "/login"): Call(path="/login", right=None, ok=401, form={"name": "nobody", "password": "x"}),
    ("POST", "/logout"): Call(path="/logout", right="view", ok=303, form={}),
    ("GET", "/queue"): Call(path="/queue", right="view", ok=200),
    ("GET", "/cases"): Call(path="/cases", right="view", ok=200),
    ("GET", "/cases/{case}"): Call(path=f"/cases/{CASE}", right="view", ok=200),
    ("GET", "/cases/{case}/candidates/{name}"): Call(path=CANDIDATE, right="view", ok=200),
    ("GET", "/cases/{case}/candidates/{name}/preview"): Call(
        path=f"{CANDIDATE}/preview", right="view", ok=200
    ),
    ("POST", "/cases/{case}/candidates/{name}/approve"): Call(
        path=f"{UNKNOWN}/approve", right="approve", ok=404, form={"reason": "same operator"}
    ),
    ("POST", "/cases/{case}/candidates/{name}/reject"): Call(
        path=f"{CANDIDATE}/reject", right="review", ok=422, form={"reason": " "}
    ),
    ("POST", "/cases/{case}/candidates/{name}/second-opinion"): Call(
        path=f"{CANDIDATE}/second-opinion", right="review", ok=303, form={"note": "look at the wallet"}
    ),
    ("GET", "/listings"): Call(path="/listings?q=listed&expiring=30", right="view", ok=200),
    ("GET", "/contests"): Call(path="/contests", right="view", ok=200),
    ("POST", "/contests/{contest_id}/decide"): Call(
        path="/contests/999/decide", right="decide_contest", ok=404, form={"outcome": "grant", "reason": "x"}
    ),
    ("GET", "/contest"): Call(path="/contest", right=None, ok=200),
    ("POST", "/contest"): Call(
        path="/contest",
        right=None,
        ok=422,
        form={"name": LISTED, "contact": "owner@example.org", "statement": ""},
    ),
    ("GET", "/api/me"): Call(path="/api/me", right="view", ok=200),
    ("GET", "/api/users"): Call(path="/api/users", right="administer", ok=200),
    ("GET", "/api/cases"): Call(path="/api/cases", right="view", ok=200),
    ("GET", "/api/cases/{case}"): Call(path=f"/api/cases/{CASE}", right="view", ok=200),
    ("GET", "/api/queue"): Call(path="/api/queue", right="view", ok=200),
    ("GET", "/api/cases/{case}/candidates/{name}"): Call(path=f"/api{CANDIDATE}", right="view", ok=200),
    ("GET", "/api/cases/{case}/candidates/{name}/history"): Call(
        path=f"/api{CANDIDATE}/history", right="view", ok=200
    ),
    ("POST", "/api/cases/{case}/candidates/{name}/approve"): Call(
        path=f"/api{UNKNOWN}/approve", right="approve", ok=404, body={"reason": "same operator"}
    ),
    ("POST", "/api/cases/{case}/candidates/{name}/reject"): Call(
        path=f"/api{CANDIDATE}/reject", right="review", ok=422, body={"reason": ""}
    ),
    ("POST", "/api/cases/{case}/candidates/{name}/second-opinion"): Call(
        path=f"/api{CANDIDATE}/second-opinion", right="review", ok=200, body={"note": "check the favicon"}
    ),
    ("GET", "/api/listings"): Call(path="/api/listings?case=salon", right="view", ok=200),
    ("POST", "/api/listings/{name}/confirm"): Call(
        path="/api/listings/not-listed.example/confirm", right="approve", ok=404
    ),
    ("GET", "/api/contests"): Call(path="/api/contests?open_only=false", right="view", ok=200),
    ("POST", "/api/contests"): Call(
        path="/api/contests", right=None, ok=422, body={"name": LISTED, "contact": "", "statement": ""}
    ),
    ("POST", "/api/contests/{contest_id}/decide"): Call(
        path="/api/contests/999/decide", right="decide_contest", ok=404, body={"upheld": True, "reason": "x"}
    ),
    ("POST", "/api/tips"): Call(
        path="/api/tips",
        right=None,
        ok=201,
        body={"case": CASE, "name": "tipped.example", "note": "seen"},
        bad_token=401,
    ),
    ("GET", "/api/notifications"): Call(path="/api/notifications", right="view", ok=200),
    ("POST", "/api/notifications/read"): Call(
        path="/api/notifications/read", right="view", ok=200, body={"ids": [1]}
    ),
    ("GET", "/notifications"): Call(path="/notifications", right="view", ok=200),
    ("POST", "/notifications/read"): Call(
        path="/notifications/read", right="view", ok=303, form={"ids": "1"}
    ),
    ("GET", "/metrics"): Call(path="/metrics", right="view", ok=200),
    ("GET", "/audit/checkpoint"): Call(path="/audit/checkpoint", right=None, ok=200),
    ("GET", "/audit/entries/{index}"): Call(path="/audit/entries/0", right=None, ok=200),
    ("GET", "/audit/proof/inclusion"): Call(path=f"/audit/proof/inclusion?name={LISTED}", right=None, ok=200),
    ("GET", "/audit/proof/consistency"): Call(path="/audit/proof/consistency?first=1", right=None, ok=200),
    ("GET", "/audit/log/{path:path}"): Call(path="/audit/log/checkpoint", right=None, ok=200),
    ("GET", "/transparency"): Call(path="/transparency", right=None, ok=200),
    ("GET", "/transparency.json"): Call(path="/transparency.json", right=None, ok=200),
    ("GET", "/openapi.json"): Call(path="/openapi.json", right=None, ok=200),
    ("GET", "/static"): Call(path="/static/style.css", right=None, ok=200),
}


def _routes(store: Store) -> set[tuple[str, str]]:
    """(method, path) of every route, those of included routers too; a mount counts as a GET."""
    app = site_app(store=store, settings=Settings.model_validate({"database_url": store.url}))
    found: set[tuple[str, str]] = set()
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, Mount):
            found.add(("GET", context.original_route.path))
        else:
            assert context.path is not None and context.methods, context.original_route
            found |= {(method, context.path) for method in context.methods if method != "HEAD"}
    return found


def _denied(call: Call, method: str) -> int:
    """What a caller who is not signed in gets: the login page for a browser's GET, else 401."""
    return 303 if method == "GET" and not call.path.startswith(("/api/", "/metrics")) else 401


def test_every_route_has_an_entry(desk: Desk) -> None:
    routes = _routes(desk.store)
    assert routes - MATRIX.keys() == set(), "routes without an entry in the authorization matrix"
    assert MATRIX.keys() - routes == set(), "entries for routes that no longer exist"


def test_every_route_as_every_caller(desk: Desk) -> None:
    failures = []
    callers: list[tuple[str, str | None]] = [
        ("anonymous", None),
        ("bad token", "not-a-token"),
        *((role, desk.tokens[role]) for role in ROLES),
    ]
    for (method, _), call in sorted(MATRIX.items()):
        for who, token in callers:
            if call.right is None:
                expected = call.bad_token if who == "bad token" and call.bad_token else call.ok
            elif token is None:
                expected = _denied(call, method)
            elif who == "bad token":
                expected = 401
            else:
                expected = call.ok if may(who, call.right) else 403  # type: ignore[arg-type]
            answer = desk.request(method, call.path, token=token, form=call.form, body=call.body)
            if answer.status != expected:
                failures.append(f"{method} {call.path} as {who}: {answer.status}, expected {expected}")
    assert failures == []


def test_a_session_post_needs_the_csrf_token(desk: Desk) -> None:
    cookie = desk.log_in("approver")
    reject = f"{CANDIDATE}/second-opinion"
    refused = desk.request("POST", reject, cookie=cookie, form={"note": "no token"})
    assert refused.status == 403 and "CSRF" in refused.text
    forged = desk.request("POST", reject, cookie=cookie, form={"note": "wrong token", "csrf": "0" * 64})
    assert forged.status == 403
    page = desk.request("GET", CANDIDATE, cookie=cookie).text
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    accepted = desk.request("POST", reject, cookie=cookie, form={"note": "with the token", "csrf": token})
    assert accepted.status == 303
    assert [e.kind for e in desk.store.events(subject=MIRROR)][-1] == "review.second_opinion"


def test_every_answer_carries_a_strict_policy(desk: Desk) -> None:
    cookie = desk.log_in("viewer")
    page = desk.request("GET", CANDIDATE, cookie=cookie)
    policy = page.headers["content-security-policy"]
    assert (
        "script-src" not in policy and "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    )
    assert page.headers["x-content-type-options"] == "nosniff"
    preview = desk.request("GET", f"{CANDIDATE}/preview", cookie=cookie)
    assert preview.headers["content-security-policy"].startswith(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    )
    assert preview.headers["x-content-type-options"] == "nosniff"
    login = desk.request("GET", "/login")
    assert "default-src 'none'" in login.headers["content-security-policy"]
    assert "<script" not in page.text + login.text
