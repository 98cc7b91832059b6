"""The review desk's pages: each parses its request, makes one call, and renders a template."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mirrorhunt.errors import Unauthenticated
from mirrorhunt.web import views
from mirrorhunt.web.auth import Principal, end_session, require, require_form, start_session
from mirrorhunt.web.state import web_state

PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
)
"""The captured page, already sanitized: nothing may load or run, and it lives in an opaque origin."""

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(require("view"))]
Text = Annotated[str, Form()]


def _page(
    request: Request, template: str, me: Principal | None, status: int = 200, **context: Any
) -> Response:
    templates = web_state(request).templates
    return templates.TemplateResponse(request, template, {"me": me, **context}, status_code=status)


def _local(target: str) -> str:
    """Only a path of this app may follow a login: never another site."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/queue"


def _candidate_url(case: str, name: str, done: str = "") -> str:
    url = f"/cases/{quote(case, safe='')}/candidates/{quote(name, safe='')}"
    return f"{url}?done={done}" if done else url


@router.get("/")
def home(me: Viewer) -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/queue") -> Response:
    return _page(request, "login.html", None, next=_local(next), error=None)


@router.post("/login")
def login(request: Request, name: Text, password: Text, next: Annotated[str, Form()] = "/queue") -> Response:
    response = RedirectResponse(_local(next), status_code=303)
    try:
        start_session(request, response, name=name.strip(), password=password)
    except Unauthenticated as exc:
        return _page(request, "login.html", None, 401, next=_local(next), error=exc.diagnostics(), name=name)
    return response


@router.post("/logout")
def logout(request: Request, me: Annotated[Principal, Depends(require_form("view"))]) -> Response:
    response = RedirectResponse("/login", status_code=303)
    end_session(request, response, me)
    return response


@router.get("/queue")
def queue(request: Request, me: Viewer, case: str | None = None) -> Response:
    items = web_state(request).desk.queue(case=case or None, actor=me.actor)
    return _page(request, "queue.html", me, items=items, case=case or "")


@router.get("/cases")
def cases(request: Request, me: Viewer) -> Response:
    return _page(request, "cases.html", me, cases=web_state(request).store.list_cases())


@router.get("/cases/{case}")
def case(request: Request, me: Viewer, case: str) -> Response:
    state = web_state(request)
    return _page(
        request,
        "case.html",
        me,
        view=views.case_view(store=state.store, desk=state.desk, case=case, actor=me.actor),
    )


@router.get("/cases/{case}/candidates/{name}")
def candidate(request: Request, me: Viewer, case: str, name: str, done: str = "") -> Response:
    state = web_state(request)
    view = views.candidate_view(store=state.store, desk=state.desk, case=case, name=name, actor=me.actor)
    preview = _candidate_url(case, name) + "/preview"
    return _page(request, "candidate.html", me, view=view, preview=preview, done=done)


@router.get("/cases/{case}/candidates/{name}/preview")
def preview(request: Request, me: Viewer, case: str, name: str) -> Response:
    html = views.preview(store=web_state(request).store, case=case, name=name)
    return HTMLResponse(
        html, headers={"Content-Security-Policy": PREVIEW_POLICY, "X-Frame-Options": "SAMEORIGIN"}
    )


@router.post("/cases/{case}/candidates/{name}/approve")
def approve(
    request: Request,
    me: Annotated[Principal, Depends(require_form("approve"))],
    case: str,
    name: str,
    reason: Text = "",
) -> Response:
    decision = web_state(request).desk.approve(case=case, name=name, actor=me.actor, reason=reason)
    return RedirectResponse(_candidate_url(case, name, decision.kind), status_code=303)


@router.post("/cases/{case}/candidates/{name}/reject")
def reject(
    request: Request,
    me: Annotated[Principal, Depends(require_form("review"))],
    case: str,
    name: str,
    reason: Text = "",
) -> Response:
    decision = web_state(request).desk.reject(case=case, name=name, actor=me.actor, reason=reason)
    return RedirectResponse(_candidate_url(case, name, decision.kind), status_code=303)


@router.post("/cases/{case}/candidates/{name}/second-opinion")
def second_opinion(
    request: Request,
    me: Annotated[Principal, Depends(require_form("review"))],
    case: str,
    name: str,
    note: Text = "",
) -> Response:
    decision = web_state(request).desk.ask_second_opinion(case=case, name=name, actor=me.actor, note=note)
    return RedirectResponse(_candidate_url(case, name, decision.kind), status_code=303)


@router.get("/listings")
def listings(
    request: Request, me: Viewer, q: str = "", case: str = "", action: str = "", expiring: int | None = None
) -> Response:
    state = web_state(request)
    everything = state.store.listings()
    found = views.filter_listings(
        everything,
        query=q,
        case=case,
        action=action,
        expiring_within=expiring,
        today=state.clock.now().date(),
    )
    filters = {"q": q, "case": case, "action": action, "expiring": expiring}
    return _page(
        request,
        "listings.html",
        me,
        listings=found,
        total=len(everything),
        filters=filters,
        cases=sorted({x.case for x in everything}),
        actions=sorted({x.action for x in everything}),
    )


@router.get("/contests")
def contests(request: Request, me: Viewer) -> Response:
    return _page(
        request,
        "contests.html",
        me,
        contests=web_state(request).desk.contests(open_only=False, actor=me.actor),
    )


@router.post("/contests/{contest_id}/decide")
def decide(
    request: Request,
    me: Annotated[Principal, Depends(require_form("decide_contest"))],
    contest_id: int,
    outcome: Text,
    reason: Text = "",
) -> Response:
    web_state(request).desk.decide_contest(
        contest_id=contest_id, actor=me.actor, upheld=outcome == "uphold", reason=reason
    )
    return RedirectResponse("/contests", status_code=303)


@router.get("/notifications")
def notifications(request: Request, me: Viewer) -> Response:
    return _page(request, "notifications.html", me, notes=web_state(request).alerts.unread(me.user.name))


@router.post("/notifications/read")
def read_notifications(
    request: Request,
    me: Annotated[Principal, Depends(require_form("view"))],
    ids: Annotated[list[int], Form()],
) -> Response:
    state = web_state(request)
    state.alerts.mark_read(me.user.name, ids, now=state.clock.now())
    return RedirectResponse("/notifications", status_code=303)


@router.get("/contest")
def contest_form(request: Request, name: str = "") -> Response:
    return _page(request, "contest.html", None, name=name, contest=None)


@router.post("/contest")
def contest(request: Request, name: Text, contact: Text, statement: Text) -> Response:
    opened = web_state(request).desk.contest(name=name, contact=contact, statement=statement)
    return _page(request, "contest.html", None, 201, name=name, contest=opened)
