"""The JSON API: everything the pages do, for scripts, with a bearer token and the same rights."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from mirrorhunt.engine.tips import accept_tip
from mirrorhunt.model import Case, Event, Listing
from mirrorhunt.review.decision import Contest, Decision, QueueItem
from mirrorhunt.review.rights import RIGHTS, Right
from mirrorhunt.store.accounts import User
from mirrorhunt.store.alerts import Notification
from mirrorhunt.web import metrics, views
from mirrorhunt.web.auth import Principal, authenticate, require
from mirrorhunt.web.state import web_state

router = APIRouter()
Viewer = Annotated[Principal, Depends(require("view"))]
Reviewer = Annotated[Principal, Depends(require("review"))]
Approver = Annotated[Principal, Depends(require("approve"))]
CANDIDATE = "/api/cases/{case}/candidates/{name}"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reason(_Body):
    reason: str = Field(description="Why, in words a court can read.")


class Note(_Body):
    note: str = Field(description="What the second reviewer should look at.")


class NewContest(_Body):
    name: str = Field(description="The listed name contested.")
    contact: str = Field(description="How to reach the person contesting it.")
    statement: str = Field(description="Why the name is not a mirror of the seized platform.")


class NewTip(_Body):
    case: str = Field(description="The case the name is thought to be a mirror of.")
    name: str = Field(description="The name seen serving the platform again.")
    note: str = Field("", description="Where it was seen, in a few words (kept short).")


class TipAnswer(BaseModel):
    new: bool = Field(description="False when the case already had this name: nothing was added.")


class ReadNotifications(_Body):
    ids: list[int] = Field(description="The notifications to mark read.")


class ContestDecision(_Body):
    upheld: bool = Field(description="True keeps the listing; false grants the contest and delists the name.")
    reason: str


class Me(BaseModel):
    name: str
    role: str
    rights: list[Right]


@router.get("/api/me", tags=["accounts"])
def me(me: Viewer) -> Me:
    """The account the token belongs to, and what it may do."""
    return Me(name=me.user.name, role=me.user.role, rights=[r for r in RIGHTS if me.may(r)])


@router.get("/api/users", tags=["accounts"])
def users(request: Request, me: Annotated[Principal, Depends(require("administer"))]) -> list[User]:
    return web_state(request).accounts.users()


@router.get("/api/cases", tags=["cases"])
def cases(request: Request, me: Viewer) -> list[Case]:
    return web_state(request).store.list_cases()


@router.get("/api/cases/{case}", tags=["cases"])
def case(request: Request, me: Viewer, case: str) -> views.CaseView:
    state = web_state(request)
    return views.case_view(store=state.store, desk=state.desk, case=case, actor=me.actor)


@router.get("/api/queue", tags=["review"])
def queue(request: Request, me: Viewer, case: str | None = None, limit: int = 100) -> list[QueueItem]:
    """Names waiting for a person, highest score and oldest first."""
    return web_state(request).desk.queue(case=case, limit=limit, actor=me.actor)


@router.get(CANDIDATE, tags=["review"])
def candidate(request: Request, me: Viewer, case: str, name: str) -> views.CandidateView:
    """The evidence: verdict and signals, capture, comparison with the reference, history."""
    state = web_state(request)
    return views.candidate_view(store=state.store, desk=state.desk, case=case, name=name, actor=me.actor)


@router.get(CANDIDATE + "/history", tags=["review"])
def history(request: Request, me: Viewer, case: str, name: str) -> list[Event]:
    return web_state(request).desk.history(case=case, name=name, actor=me.actor)


@router.post(CANDIDATE + "/approve", tags=["review"])
def approve(request: Request, me: Approver, case: str, name: str, body: Reason) -> Decision:
    """One approval; a four-eyes case needs a second one, by another approver, before the name is listed."""
    return web_state(request).desk.approve(case=case, name=name, actor=me.actor, reason=body.reason)


@router.post(CANDIDATE + "/reject", tags=["review"])
def reject(request: Request, me: Reviewer, case: str, name: str, body: Reason) -> Decision:
    return web_state(request).desk.reject(case=case, name=name, actor=me.actor, reason=body.reason)


@router.post(CANDIDATE + "/second-opinion", tags=["review"])
def second_opinion(request: Request, me: Reviewer, case: str, name: str, body: Note) -> Decision:
    return web_state(request).desk.ask_second_opinion(case=case, name=name, actor=me.actor, note=body.note)


@router.get("/api/listings", tags=["listings"])
def listings(
    request: Request, me: Viewer, q: str = "", case: str = "", action: str = "", expiring: int | None = None
) -> list[Listing]:
    """Listed names; ``q`` searches names and reasons, ``expiring`` keeps those ending within so many days."""
    state = web_state(request)
    return views.filter_listings(
        state.store.listings(),
        query=q,
        case=case,
        action=action,
        expiring_within=expiring,
        today=state.clock.now().date(),
    )


@router.post("/api/listings/{name}/confirm", tags=["listings"])
def confirm(request: Request, me: Approver, name: str) -> Decision:
    """A person confirms a name the machine listed (unconfirmed ones are withdrawn in time)."""
    return web_state(request).desk.confirm_auto_listing(name=name, actor=me.actor)


@router.get("/api/contests", tags=["contests"])
def contests(request: Request, me: Viewer, open_only: bool = True) -> list[Contest]:
    return web_state(request).desk.contests(open_only=open_only, actor=me.actor)


@router.post("/api/contests", tags=["contests"], status_code=201)
def contest(request: Request, body: NewContest) -> Contest:
    """Public: a site owner says a listed name is not the seized platform; a review opens with a deadline."""
    return web_state(request).desk.contest(name=body.name, contact=body.contact, statement=body.statement)


@router.post("/api/contests/{contest_id}/decide", tags=["contests"])
def decide(
    request: Request,
    me: Annotated[Principal, Depends(require("decide_contest"))],
    contest_id: int,
    body: ContestDecision,
) -> Decision:
    return web_state(request).desk.decide_contest(
        contest_id=contest_id, actor=me.actor, upheld=body.upheld, reason=body.reason
    )


@router.post("/api/tips", tags=["tips"], status_code=201)
def tip(request: Request, body: NewTip) -> TipAnswer:
    """A tip, from the public or a partner (with a token): checked, limited per sender, deduplicated."""
    state = web_state(request)
    sender = f"ip:{request.client.host if request.client else 'unknown'}"
    if "authorization" in request.headers:
        sender = f"api:{authenticate(request).user.name}"
    new = accept_tip(
        store=state.store,
        case=body.case,
        name=body.name,
        detail=body.note,
        source=sender,
        limiter=state.tips,
        clock=state.clock,
    )
    return TipAnswer(new=new)


@router.get("/api/notifications", tags=["alerts"])
def notifications(request: Request, me: Viewer) -> list[Notification]:
    """The caller's unread alerts, newest first."""
    return web_state(request).alerts.unread(me.user.name)


@router.post("/api/notifications/read", tags=["alerts"])
def read_notifications(request: Request, me: Viewer, body: ReadNotifications) -> dict[str, int]:
    state = web_state(request)
    return {"marked": state.alerts.mark_read(me.user.name, body.ids, now=state.clock.now())}


@router.get("/metrics", tags=["metrics"], response_class=PlainTextResponse)
def prometheus(request: Request, me: Viewer) -> PlainTextResponse:
    """Prometheus text: candidates by state, verdicts, listings, time to listing, probe errors."""
    text = metrics.render(metrics.collect(web_state(request).store))
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")
