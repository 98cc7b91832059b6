"""The review desk: what people (and the monitor's sweeps) do to names, checked against their rights
and the safeguards, each step recorded as an event in the transaction that takes it.

Web routes, API endpoints and commands call one method each; the transitions are the pure steps of
``review.machine``, kept by ``store.reviews.Reviews``.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Collection
from datetime import datetime, timedelta
from functools import partial

from mirrorhunt.clock import Clock
from mirrorhunt.config import Settings
from mirrorhunt.errors import Forbidden, InvalidInput, NotFound
from mirrorhunt.model import Case, Event
from mirrorhunt.names import normalize_name
from mirrorhunt.review import machine
from mirrorhunt.review.actor import Actor
from mirrorhunt.review.decision import Contest, Decision, QueueItem
from mirrorhunt.review.machine import Review, Step
from mirrorhunt.review.rights import Right, may
from mirrorhunt.review.safeguards import address_refusal, safeguards_of
from mirrorhunt.store import Store
from mirrorhunt.store.reviews import Reviews

CONFIRMED = "confirmed the matcher's listing"
"""The reason of a confirmation given without one."""

MAX_STATEMENT = 10_000
"""Characters a contest's statement (or contact) may have: it is public input."""


class ReviewDesk:
    """Queue, decisions, contests, confirmations, and the sweeps the monitor runs."""

    def __init__(self, *, store: Store, settings: Settings, clock: Clock) -> None:
        self._store = store
        self._reviews = Reviews(store)
        self._settings = settings.review
        self._publish_action = settings.publish.action
        self._safeguards = safeguards_of(settings.publish)
        self._clock = clock

    # what people see

    def queue(
        self, *, actor: Actor | None = None, case: str | None = None, limit: int = 100
    ) -> list[QueueItem]:
        """Names waiting for a person: highest score first, then oldest."""
        _require(actor, "view")
        if limit < 1:
            raise InvalidInput(f"limit must be at least 1, not {limit}")
        return self._reviews.queue(case=case, limit=limit, confirm_within=self._settings.confirm_within)

    def history(self, *, case: str, name: str, actor: Actor | None = None) -> list[Event]:
        """Every event about ``name`` in ``case`` (and those of no case), oldest first."""
        _require(actor, "view")
        return [e for e in self._store.events(subject=name) if e.detail.get("case", case) == case]

    def contests(self, *, open_only: bool = True, actor: Actor | None = None) -> list[Contest]:
        _require(actor, "view")
        return self._reviews.contests(open_only=open_only)

    # decisions

    def approve(self, *, case: str, name: str, actor: Actor, reason: str) -> Decision:
        """Approve listing ``name`` (the last approval needed lists it), a proposal to delist it, or the
        machine's listing of it (which confirms it). A name the safeguards protect is refused before
        anything is written."""
        _require(actor, "approve")
        name = normalize_name(name)
        kind = self._reviews.open_kind(case=case, name=name)
        if kind == "listing":
            self._store.get_candidate(case, name)
        if kind != "delist":
            self._safeguards.require(name)
        if not reason.strip():
            reason = self._default_reason(case=case, name=name, kind=kind)
        step = partial(self._approve, by=actor.name, reason=reason)
        return self._apply(case=case, name=name, kind=kind, step=step)

    def reject(self, *, case: str, name: str, actor: Actor, reason: str) -> Decision:
        """Reject listing ``name``, turn down the proposal to delist it, or withdraw the machine's
        listing of it at once; a reason is required."""
        _require(actor, "review")
        name = normalize_name(name)
        kind = self._reviews.open_kind(case=case, name=name)
        at = self._clock.now()
        return self._apply(
            case=case,
            name=name,
            kind=kind,
            step=lambda r, _: machine.reject(r, by=actor.name, reason=reason, at=at),
        )

    def ask_second_opinion(self, *, case: str, name: str, actor: Actor, note: str) -> Decision:
        _require(actor, "review")
        name = normalize_name(name)
        kind = self._reviews.open_kind(case=case, name=name)
        at = self._clock.now()
        return self._apply(
            case=case,
            name=name,
            kind=kind,
            step=lambda r, _: machine.ask_second_opinion(r, by=actor.name, note=note, at=at),
        )

    def confirm_auto_listing(self, *, name: str, actor: Actor) -> Decision:
        """A person stands behind a name the machine listed; unconfirmed ones are withdrawn."""
        _require(actor, "approve")
        name = normalize_name(name)
        case = self._reviews.listed_case(name)
        if case is None:
            raise NotFound(f"{name} is not listed", hint="`mirrorhunt listings` shows what is")
        self._safeguards.require(name)
        step = partial(self._approve, by=actor.name, reason=CONFIRMED)
        return self._apply(case=case, name=name, kind="confirm", step=step)

    # contests

    def contest(self, *, name: str, contact: str, statement: str) -> Contest:
        """A public contest of a listed name: it opens a review due within ``[review] contest_days``."""
        name = normalize_name(name)
        contact, statement = contact.strip(), statement.strip()
        if not contact or not statement:
            raise InvalidInput(
                "a contest needs a contact and a statement",
                hint="say how to reach you and why the name is not a mirror",
            )
        if len(contact) > MAX_STATEMENT or len(statement) > MAX_STATEMENT:
            raise InvalidInput(
                f"a contest's contact and statement may have at most {MAX_STATEMENT} characters each"
            )
        at = self._clock.now()
        deadline = at + timedelta(days=self._settings.contest_days)
        return self._reviews.open_contest(
            name=name, contact=contact, statement=statement, at=at, deadline=deadline
        )

    def decide_contest(self, *, contest_id: int, actor: Actor, upheld: bool, reason: str) -> Decision:
        """Uphold a contest (the listing stays) or grant it (the name is delisted)."""
        _require(actor, "decide_contest")
        at = self._clock.now()
        step = partial(machine.decide_contest, upheld=upheld, by=actor.name, reason=reason, at=at)
        return self._reviews.decide_contest(contest_id=contest_id, at=at, step=step)

    # safeguards a caller may ask about

    def address_refusal(self, *, address: str, names: Collection[str], actor: Actor | None) -> str | None:
        """Why an IP-address trigger for ``address`` (meant to block ``names``) may not be listed, or
        None: only a person may ask for one, and only when the store saw nothing else at that address."""
        if actor is not None:
            _require(actor, "approve")
        with contextlib.suppress(ValueError):  # not an address: ``address_refusal`` says so
            address = str(ipaddress.ip_address(address))
        seen = self._reviews.names_at(address)
        return address_refusal(address=address, by_person=actor is not None, names=names, seen=seen)

    # the monitor's sweeps

    def withdraw_unconfirmed(self, *, now: datetime) -> list[str]:
        """Withdraw the machine's listings no person confirmed within ``[review] confirm_within``."""
        within = self._settings.confirm_within
        return self._reviews.sweep(
            at=now,
            doomed=lambda listing, confirmed: machine.unconfirmed(
                listing, confirmed_since=confirmed, now=now, within=within
            ),
            why="unconfirmed",
            reason=f"no person confirmed the matcher's listing within {within:g} seconds",
        )

    def expire(self, *, now: datetime) -> list[str]:
        """Remove listings past their last day (the order's end, else ``[review] listing_days``)."""
        days = self._settings.listing_days
        return self._reviews.sweep(
            at=now,
            doomed=lambda listing, _: machine.expired(listing, now=now, listing_days=days),
            why="expired",
            reason="the listing reached its expiry",
        )

    def record_recheck(self, *, case: str, name: str, still_mirror: bool) -> Decision | None:
        """Count a re-probe of a listed name; after ``[review] delist_after`` in a row that no longer saw
        the mirror, propose delisting it (a queue item of kind ``delist``)."""
        step = self._reviews.recheck(
            case=case,
            name=name,
            still_mirror=still_mirror,
            at=self._clock.now(),
            delist_after=self._settings.delist_after,
        )
        return None if step is None else step.decision

    # helpers

    def _approve(self, review: Review, case: Case, *, by: str, reason: str) -> Step:
        return machine.approve(
            review,
            case=case,
            by=by,
            reason=reason,
            at=self._clock.now(),
            listing_days=self._settings.listing_days,
            action=self._publish_action,
        )

    def _default_reason(self, *, case: str, name: str, kind: machine.ReviewKind) -> str:
        """What an approval without a reason stands on: the verdict's reasons for a listing, the
        confirmation itself for a machine's listing; a delisting must say why."""
        if kind == "confirm":
            return CONFIRMED
        verdict = self._store.latest_verdict(case, name)
        return verdict.reasons if kind == "listing" and verdict is not None else ""

    def _apply(self, *, case: str, name: str, kind: machine.ReviewKind, step: machine.StepOf) -> Decision:
        return self._reviews.apply(case=case, name=name, kind=kind, at=self._clock.now(), step=step).decision


def _require(actor: Actor | None, right: Right) -> None:
    """Raise ``Forbidden`` unless ``actor`` holds ``right``; None (the desk's own code) always may."""
    if actor is not None and not may(actor.role, right):
        raise Forbidden(
            f"{actor.name} ({actor.role}) may not {right.replace('_', ' ')}",
            hint="ask someone whose role allows it",
        )
