"""The life of a review as pure steps: each takes a review as it is and returns what it becomes, the
decision, the event that records it, and the change of the list it makes (if any).

    listing review: open ─approve─▶ listed            (one approval, or the second of a four-eyes case)
                     │  └─approve─▶ pending ─approve by another─▶ listed
                     ├─second opinion─▶ second_opinion (still open)
                     └─reject─▶ rejected
    delist review:  open ─approve─▶ delisted      open ─reject─▶ kept
    confirm review: open ─approve─▶ confirmed     open ─reject─▶ withdrawn   (a name the machine listed)
                    open ─no person in time─▶ lapsed (withdrawn; a person decides whether to list it)

The store applies a step in one transaction; nothing here reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from mirrorhunt.errors import Forbidden, InvalidInput
from mirrorhunt.model import Case, Event, Listing, ListingAction
from mirrorhunt.review.decision import Contest, Decision, DecisionKind

ReviewKind = Literal["listing", "delist", "confirm"]
ReviewState = Literal[
    "open",
    "pending",
    "second_opinion",
    "listed",
    "rejected",
    "delisted",
    "kept",
    "confirmed",
    "withdrawn",
    "lapsed",
]
RemovalWhy = Literal["delist", "contest", "expired", "unconfirmed", "rejected"]
DECIDED: frozenset[str] = frozenset(
    {"listed", "rejected", "delisted", "kept", "confirmed", "withdrawn", "lapsed"}
)
NOT_BY_MACHINE: frozenset[str] = frozenset({"withdrawn", "lapsed"})
"""States of a confirm review after which the machine never lists the name on its own again."""

MACHINE_PREFIX = "matcher/"
"""How the ``decided_by`` of a listing the matcher made on its own begins (``engine.scan.MATCHER``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Approval:
    by: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Review:
    """A name's review of one kind (to list it, to delist it, or to confirm the machine's listing of it)
    and the approvals it has. A confirm review opens when the listing starts (``opened_at`` is its
    ``since``): a later listing of the same name needs its own confirmation."""

    case: str
    name: str
    kind: ReviewKind
    state: ReviewState = "open"
    approvals: tuple[Approval, ...] = ()
    opened_at: datetime

    @property
    def decided(self) -> bool:
        return self.state in DECIDED


@dataclass(frozen=True, slots=True, kw_only=True)
class Removal:
    """A name to take off the list, and the rule (``why``) that takes it off."""

    name: str
    reason: str
    decided_by: str
    why: RemovalWhy


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One transition: the review as it becomes, the decision, its event, the change of the list."""

    review: Review
    decision: Decision
    event: Event
    listing: Listing | None = None
    removal: Removal | None = None


StepOf = Callable[[Review, Case], Step]
"""A transition of a review, given the review and its case."""


def approvals_needed(case: Case, kind: ReviewKind) -> int:
    """Two different approvers list a name of a four-eyes case; one decides anything else."""
    return 2 if case.four_eyes and kind == "listing" else 1


def listing_end(*, case_expires: date | None, since: datetime, listing_days: int) -> date:
    """The last day a listing holds: the order's end, else ``listing_days`` after it began."""
    return case_expires if case_expires is not None else (since + timedelta(days=listing_days)).date()


def approve(
    review: Review,
    *,
    case: Case,
    by: str,
    reason: str,
    at: datetime,
    listing_days: int,
    action: ListingAction = "nxdomain",
) -> Step:
    """One approval: the decision when it is the last one needed, else a pending review. The same
    person cannot be both approvers of a four-eyes case. A listing made takes ``action``."""
    _require_open(review)
    reason = _required(reason, what="an approval")
    if any(approval.by == by for approval in review.approvals):
        raise Forbidden(
            f"{by} already approved {review.name}: case {case.name} needs a second, different approver",
            hint="ask another approver to review it",
        )
    approvals = (*review.approvals, Approval(by=by, reason=reason))
    needed = approvals_needed(case, review.kind)
    if len(approvals) < needed:
        pending = replace(review, state="pending", approvals=approvals)
        return _step(pending, "pending_second_approval", "review.pending", by=by, reason=reason, at=at)
    decided_by = ", ".join(approval.by for approval in approvals)
    joint = "; ".join(f"{approval.by}: {approval.reason}" for approval in approvals)
    if review.kind == "confirm":
        confirmed = replace(review, state="confirmed", approvals=approvals)
        return _step(confirmed, "confirmed", "review.confirmed", by=by, reason=reason, at=at)
    if review.kind == "delist":
        removal = Removal(name=review.name, reason=joint, decided_by=decided_by, why="delist")
        delisted = replace(review, state="delisted", approvals=approvals)
        step = _step(delisted, "delisted", "review.approved", by=by, reason=reason, at=at)
        return replace(step, removal=removal)
    listing = Listing(
        name=review.name,
        case=case.name,
        action=action,
        reason=joint if len(approvals) > 1 else reason,
        decided_by=decided_by,
        since=at,
        expires=listing_end(case_expires=case.expires, since=at, listing_days=listing_days),
    )
    listed = replace(review, state="listed", approvals=approvals)
    return replace(_step(listed, "listed", "review.approved", by=by, reason=reason, at=at), listing=listing)


def reject(review: Review, *, by: str, reason: str, at: datetime) -> Step:
    """A listing rejected, a proposal to delist turned down (the listing is kept), or the machine's
    listing withdrawn at once: always with a reason."""
    _require_open(review)
    reason = _required(reason, what="a rejection")
    if review.kind == "confirm":
        removal = Removal(name=review.name, reason=reason, decided_by=by, why="rejected")
        withdrawn = replace(review, state="withdrawn")
        step = _step(withdrawn, "rejected", "review.rejected", by=by, reason=reason, at=at)
        return replace(step, removal=removal)
    if review.kind == "delist":
        return _step(replace(review, state="kept"), "kept", "review.rejected", by=by, reason=reason, at=at)
    rejected = replace(review, state="rejected")
    return _step(rejected, "rejected", "review.rejected", by=by, reason=reason, at=at)


def ask_second_opinion(review: Review, *, by: str, note: str, at: datetime) -> Step:
    """Leave the decision to another person; approvals already given stay."""
    _require_open(review)
    asked = replace(review, state="second_opinion")
    return _step(asked, "second_opinion", "review.second_opinion", by=by, reason=note.strip(), at=at)


def propose_delisting(review: Review | None, *, case: str, name: str, misses: int, at: datetime) -> Step:
    """Open (or reopen) the review that proposes to delist a name the re-checks no longer see."""
    opened = Review(case=case, name=name, kind="delist", opened_at=at)
    if review is not None and not review.decided:
        raise InvalidInput(f"delisting {name} is already proposed")
    reason = f"the last {misses} re-checks no longer saw the mirror"
    return _step(opened, "delist_proposed", "review.delist_proposed", by="monitor", reason=reason, at=at)


def recheck(misses: int, *, still_mirror: bool) -> int:
    """Re-checks in a row that no longer saw the mirror, after one more."""
    return 0 if still_mirror else misses + 1


def decide_contest(
    contest: Contest, *, upheld: bool, by: str, reason: str, at: datetime
) -> tuple[Contest, Decision, Event, Removal | None]:
    """Uphold a contest (the listing stays) or grant it (the name is delisted)."""
    if contest.state != "open":
        raise InvalidInput(
            f"contest {contest.id} of {contest.name} was already decided ({contest.state})",
            hint="see its history",
        )
    reason = _required(reason, what="a contest's decision")
    state: Literal["upheld", "granted"] = "upheld" if upheld else "granted"
    decided = replace(contest, state=state, decided_by=by, decided_at=at, reason=reason)
    kind: DecisionKind = "contest_upheld" if upheld else "contest_granted"
    decision = Decision(kind=kind, case=contest.case, name=contest.name, actor=by, at=at, reason=reason)
    detail = {"case": contest.case, "contest": contest.id, "by": by, "reason": reason}
    event = Event(kind=f"contest.{state}", subject=contest.name, detail=detail, at=at)
    removal = None if upheld else Removal(name=contest.name, reason=reason, decided_by=by, why="contest")
    return decided, decision, event, removal


def is_machine_listing(listing: Listing) -> bool:
    """Listed by the matcher on its own, for a case that allows it: a person must confirm it."""
    return listing.decided_by.startswith(MACHINE_PREFIX)


def unconfirmed(listing: Listing, *, confirmed_since: datetime | None, now: datetime, within: float) -> bool:
    """A machine listing no person confirmed within ``within`` seconds of its start."""
    return (
        is_machine_listing(listing)
        and confirmed_since != listing.since
        and now >= listing.since + timedelta(seconds=within)
    )


def expired(listing: Listing, *, now: datetime, listing_days: int) -> bool:
    """Past its last day (the order's end, else ``listing_days`` after it began)."""
    end = listing_end(case_expires=listing.expires, since=listing.since, listing_days=listing_days)
    return now.date() > end


def _step(review: Review, kind: DecisionKind, event: str, *, by: str, reason: str, at: datetime) -> Step:
    decision = Decision(kind=kind, case=review.case, name=review.name, actor=by, at=at, reason=reason)
    detail = {
        "case": review.case,
        "review": review.kind,
        "state": review.state,
        "by": by,
        "reason": reason,
        "approvals": [approval.by for approval in review.approvals],
    }
    return Step(
        review=review, decision=decision, event=Event(kind=event, subject=review.name, detail=detail, at=at)
    )


def _require_open(review: Review) -> None:
    if review.decided:
        raise InvalidInput(
            f"{review.name} in case {review.case} was already decided ({review.state})",
            hint="its history shows who decided and why",
        )


def _required(reason: str, *, what: str) -> str:
    text = reason.strip()
    if not text:
        raise InvalidInput(f"{what} needs a reason", hint="say why, in words a court can read")
    return text
