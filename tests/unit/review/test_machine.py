"""The review state machine, on its own: approvals, four eyes, rejections, contests, sweeps."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt.engine.scan import MATCHER
from mirrorhunt.errors import Forbidden, InvalidInput
from mirrorhunt.model import Case, Listing
from mirrorhunt.review import machine
from mirrorhunt.review.decision import Contest
from mirrorhunt.review.machine import Review

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CASE = Case(name="salon", url="https://salon.fr/", expires=date(2026, 12, 31), created_at=AT)
FOUR_EYES = replace(CASE, four_eyes=True)


def fresh(kind: machine.ReviewKind = "listing") -> Review:
    return Review(case="salon", name="salon.gg", kind=kind, opened_at=AT)


def approve(review: Review, *, case: Case = CASE, by: str = "alice") -> machine.Step:
    return machine.approve(review, case=case, by=by, reason=f"{by} compared them", at=AT, listing_days=30)


def test_one_approval_lists_a_name_of_an_ordinary_case_until_the_order_ends() -> None:
    step = approve(fresh())
    assert step.decision.kind == "listed"
    assert step.review.state == "listed" and step.review.decided
    assert step.event.kind == "review.approved"
    assert step.event.detail["by"] == "alice"
    assert step.listing == Listing(
        name="salon.gg",
        case="salon",
        reason="alice compared them",
        decided_by="alice",
        since=AT,
        expires=date(2026, 12, 31),
    )


def test_a_listing_takes_the_action_it_is_given() -> None:
    step = machine.approve(fresh(), case=CASE, by="alice", reason="same site", at=AT, listing_days=30,
                           action="redirect")  # fmt: skip
    assert step.listing is not None and step.listing.action == "redirect"


def test_without_an_order_end_a_listing_lasts_listing_days() -> None:
    step = approve(fresh(), case=replace(CASE, expires=None))
    assert step.listing is not None
    assert step.listing.expires == date(2026, 4, 1)


def test_four_eyes_lists_only_after_a_second_different_approver() -> None:
    first = approve(fresh(), case=FOUR_EYES, by="alice")
    assert first.decision.kind == "pending_second_approval"
    assert first.event.kind == "review.pending"
    assert first.review.state == "pending" and first.listing is None

    with pytest.raises(Forbidden, match=r"alice already approved salon\.gg.*second, different approver"):
        approve(first.review, case=FOUR_EYES, by="alice")

    second = approve(first.review, case=FOUR_EYES, by="bob")
    assert second.decision.kind == "listed"
    assert second.listing is not None
    assert second.listing.decided_by == "alice, bob"
    assert second.listing.reason == "alice: alice compared them; bob: bob compared them"
    assert second.event.detail["approvals"] == ["alice", "bob"]


def test_a_decided_review_takes_no_further_step() -> None:
    listed = approve(fresh()).review
    with pytest.raises(InvalidInput, match="already decided \\(listed\\)"):
        approve(listed, by="bob")
    with pytest.raises(InvalidInput, match="already decided"):
        machine.reject(listed, by="bob", reason="no", at=AT)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_a_reason(reason: str) -> None:
    with pytest.raises(InvalidInput, match="a rejection needs a reason"):
        machine.reject(fresh(), by="carol", reason=reason, at=AT)


def test_rejecting_a_listing_or_a_proposal_to_delist() -> None:
    rejected = machine.reject(fresh(), by="carol", reason="a fan page", at=AT)
    assert (rejected.decision.kind, rejected.review.state, rejected.event.kind) == (
        "rejected",
        "rejected",
        "review.rejected",
    )
    kept = machine.reject(fresh("delist"), by="carol", reason="still a mirror", at=AT)
    assert (kept.decision.kind, kept.review.state, kept.removal) == ("kept", "kept", None)


def test_a_second_opinion_keeps_the_review_open_with_its_approvals() -> None:
    pending = approve(fresh(), case=FOUR_EYES).review
    asked = machine.ask_second_opinion(pending, by="dan", note="look at the favicon", at=AT)
    assert asked.review.state == "second_opinion" and not asked.review.decided
    assert asked.review.approvals == pending.approvals
    assert asked.event.kind == "review.second_opinion"
    assert approve(asked.review, case=FOUR_EYES, by="bob").decision.kind == "listed"


def test_approving_a_proposal_to_delist_removes_the_name() -> None:
    step = approve(fresh("delist"), case=FOUR_EYES)  # one approver suffices to delist
    assert step.decision.kind == "delisted"
    assert step.removal == machine.Removal(
        name="salon.gg", reason="alice: alice compared them", decided_by="alice", why="delist"
    )


def test_delisting_is_proposed_once_until_decided() -> None:
    proposed = machine.propose_delisting(None, case="salon", name="salon.gg", misses=3, at=AT)
    assert proposed.event.kind == "review.delist_proposed"
    assert proposed.decision.kind == "delist_proposed"
    assert "last 3 re-checks" in proposed.decision.reason
    with pytest.raises(InvalidInput, match="already proposed"):
        machine.propose_delisting(proposed.review, case="salon", name="salon.gg", misses=4, at=AT)
    kept = machine.reject(proposed.review, by="carol", reason="still there", at=AT).review
    assert (
        machine.propose_delisting(kept, case="salon", name="salon.gg", misses=3, at=AT).review.state == "open"
    )


@given(st.lists(st.booleans(), max_size=30))
def test_misses_count_the_re_checks_since_the_mirror_was_last_seen(seen: list[bool]) -> None:
    misses = 0
    for still_mirror in seen:
        misses = machine.recheck(misses, still_mirror=still_mirror)
    trailing = len(seen) - (max(i for i, s in enumerate(seen) if s) + 1 if any(seen) else 0)
    assert misses == trailing


def contest() -> Contest:
    return Contest(
        id=7,
        case="salon",
        name="salon.gg",
        contact="owner@example.org",
        statement="a hair salon",
        opened_at=AT,
        deadline=AT + timedelta(days=14),
        state="open",
    )


def test_a_contest_upheld_keeps_the_listing_and_one_granted_delists() -> None:
    upheld, decision, event, removal = machine.decide_contest(
        contest(), upheld=True, by="erin", reason="same operator", at=AT
    )
    assert (upheld.state, decision.kind, event.kind, removal) == (
        "upheld",
        "contest_upheld",
        "contest.upheld",
        None,
    )
    granted, decision, event, removal = machine.decide_contest(
        contest(), upheld=False, by="erin", reason="a real salon", at=AT
    )
    assert (granted.state, decision.kind, event.kind) == ("granted", "contest_granted", "contest.granted")
    assert removal is not None and removal.why == "contest"
    with pytest.raises(InvalidInput, match="already decided"):
        machine.decide_contest(granted, upheld=True, by="erin", reason="again", at=AT)
    with pytest.raises(InvalidInput, match="needs a reason"):
        machine.decide_contest(contest(), upheld=True, by="erin", reason=" ", at=AT)


def machine_listing(*, since: datetime = AT, expires: date | None = None) -> Listing:
    return Listing(
        name="salon.gg",
        case="salon",
        reason="matched",
        decided_by=f"{MATCHER} (case allows auto-listing)",
        since=since,
        expires=expires,
    )


def test_the_matcher_s_listings_are_the_ones_to_confirm() -> None:
    assert machine.is_machine_listing(machine_listing())
    assert not machine.is_machine_listing(replace(machine_listing(), decided_by="alice, bob"))


def test_a_machine_listing_is_withdrawn_when_unconfirmed_within_the_delay() -> None:
    listing = machine_listing()
    day = 86_400.0
    just_before = AT + timedelta(seconds=day - 1)
    assert not machine.unconfirmed(listing, confirmed_since=None, now=just_before, within=day)
    assert machine.unconfirmed(listing, confirmed_since=None, now=AT + timedelta(seconds=day), within=day)
    later = AT + timedelta(days=3)
    assert not machine.unconfirmed(listing, confirmed_since=AT, now=later, within=day)
    earlier_listing = AT - timedelta(days=9)  # a confirmation of an earlier listing of the same name
    assert machine.unconfirmed(listing, confirmed_since=earlier_listing, now=later, within=day)
    person = replace(listing, decided_by="alice")
    assert not machine.unconfirmed(person, confirmed_since=None, now=later, within=day)


def test_a_listing_expires_after_its_last_day() -> None:
    listing = machine_listing(expires=date(2026, 3, 31))
    assert not machine.expired(listing, now=datetime(2026, 3, 31, 23, 59, tzinfo=UTC), listing_days=365)
    assert machine.expired(listing, now=datetime(2026, 4, 1, tzinfo=UTC), listing_days=365)
    open_ended = machine_listing(expires=None)
    assert not machine.expired(open_ended, now=AT + timedelta(days=10), listing_days=10)
    assert machine.expired(open_ended, now=AT + timedelta(days=11), listing_days=10)


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["approve", "reject", "second_opinion"]), st.sampled_from(["ann", "ben", "cy"])
    ),
    max_size=8,
)


@given(STEPS, st.booleans())
def test_whatever_people_do_a_name_is_listed_once_and_only_by_enough_different_approvers(
    steps: list[tuple[str, str]], four_eyes: bool
) -> None:
    case = FOUR_EYES if four_eyes else CASE
    review, listings = fresh(), 0
    for action, by in steps:
        approvers = [approval.by for approval in review.approvals]
        try:
            if action == "approve":
                step = approve(review, case=case, by=by)
            elif action == "reject":
                step = machine.reject(review, by=by, reason="no", at=AT)
            else:
                step = machine.ask_second_opinion(review, by=by, note="", at=AT)
        except Forbidden:
            assert action == "approve" and by in approvers and not review.decided
            continue
        except InvalidInput:
            assert review.decided
            continue
        assert not review.decided
        review = step.review
        if step.listing is not None:
            listing_approvers = [approval.by for approval in review.approvals]
            assert len(set(listing_approvers)) == len(listing_approvers) == (2 if four_eyes else 1)
            assert step.listing.decided_by == ", ".join(listing_approvers)
            listings += 1
        assert (review.state == "listed") == (listings == 1)
    assert listings <= 1


def test_a_person_confirms_or_withdraws_the_machine_s_listing() -> None:
    review = Review(case="salon", name="salon.gg", kind="confirm", opened_at=AT)
    confirmed = approve(review, case=FOUR_EYES)  # one person confirms, even on a four-eyes case
    assert (confirmed.decision.kind, confirmed.review.state, confirmed.event.kind) == (
        "confirmed",
        "confirmed",
        "review.confirmed",
    )
    assert confirmed.listing is None and confirmed.removal is None
    withdrawn = machine.reject(review, by="carol", reason="a lookalike shop", at=AT)
    assert withdrawn.review.state == "withdrawn" and withdrawn.review.state in machine.NOT_BY_MACHINE
    assert withdrawn.removal == machine.Removal(
        name="salon.gg", reason="a lookalike shop", decided_by="carol", why="rejected"
    )
