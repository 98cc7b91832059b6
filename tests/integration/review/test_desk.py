"""The review desk on a real store: the queue, four eyes, rights, reasons, and what each step records."""

from __future__ import annotations

import pytest
from review_samples import START, judged, open_case

from mirrorhunt.errors import AlreadyExists, Forbidden, InvalidInput, InvalidName, NotFound
from mirrorhunt.model import Listing
from mirrorhunt.review.actor import Actor
from mirrorhunt.review.desk import ReviewDesk
from mirrorhunt.store import Store

ALICE = Actor("alice", "approver")
BOB = Actor("bob", "approver")
ANNA = Actor("anna", "analyst")
VIC = Actor("vic", "viewer")


def test_the_queue_holds_what_a_person_must_decide_highest_score_then_oldest_first(
    store: Store, desk: ReviewDesk
) -> None:
    open_case(store, "salon")
    open_case(store, "auto", auto_list=True)
    judged(store, "salon", "salon-new.gg", label="review", score=0.7, age_minutes=1)
    judged(store, "salon", "salon-old.gg", label="review", score=0.7, age_minutes=60)
    judged(store, "salon", "salon-mirror.gg", label="mirror", score=0.95)
    judged(store, "salon", "bakery.fr", label="unrelated", score=0.1)
    judged(store, "auto", "auto-mirror.gg", label="mirror", score=0.99)  # the machine lists it itself
    judged(store, "auto", "auto-maybe.gg", label="review", score=0.6)

    queue = desk.queue()
    assert [item.name for item in queue] == [
        "salon-mirror.gg",
        "salon-old.gg",
        "salon-new.gg",
        "auto-maybe.gg",
    ]
    first = queue[0]
    assert (
        first.case,
        first.verdict,
        first.score,
        first.state,
        first.approvals,
        first.needs,
        first.kind,
    ) == (
        "salon",
        "mirror",
        0.95,
        "open",
        (),
        1,
        "listing",
    )
    assert [item.name for item in desk.queue(case="auto")] == ["auto-maybe.gg"]
    assert len(desk.queue(limit=2)) == 2
    with pytest.raises(NotFound):
        desk.queue(case="nope")


def test_four_eyes_needs_two_different_approvers(store: Store, desk: ReviewDesk) -> None:
    open_case(store, "salon", four_eyes=True)
    judged(store, "salon", "salon.gg", label="mirror", score=0.97)

    first = desk.approve(case="salon", name="salon.gg", actor=ALICE, reason="same favicon and layout")
    assert first.kind == "pending_second_approval" and first.actor == "alice"
    assert store.listings() == []
    [item] = desk.queue()
    assert (item.state, item.approvals, item.needs) == ("pending", ("alice",), 1)

    with pytest.raises(Forbidden, match=r"alice already approved salon\.gg"):
        desk.approve(case="salon", name="salon.gg", actor=ALICE, reason="really")

    second = desk.approve(case="salon", name="salon.gg", actor=BOB, reason="same operator IDs")
    assert (second.kind, second.actor, second.at) == ("listed", "bob", START)
    [listing] = store.listings()
    assert listing.decided_by == "alice, bob"
    assert listing.reason == "alice: same favicon and layout; bob: same operator IDs"
    assert listing.expires is not None and listing.expires.isoformat() == "2026-12-31"
    assert desk.queue() == []

    kinds = [event.kind for event in desk.history(case="salon", name="salon.gg")]
    assert kinds[-3:] == ["review.pending", "review.approved", "listing.added"]
    approved = store.events(kind="review.approved")[0]
    assert approved.detail["approvals"] == ["alice", "bob"] and approved.detail["case"] == "salon"


def test_without_four_eyes_one_approval_lists_and_an_empty_reason_takes_the_verdict_s(
    store: Store, desk: ReviewDesk
) -> None:
    open_case(store, "salon")
    judged(store, "salon", "salon.gg", label="review", score=0.8)
    decision = desk.approve(case="salon", name="salon.gg", actor=ALICE, reason="")
    assert decision.kind == "listed"
    assert store.listings()[0].reason == "nothing to compare"  # the verdict's own reasons
    with pytest.raises(InvalidInput, match="already decided"):
        desk.approve(case="salon", name="salon.gg", actor=BOB, reason="me too")


def test_viewers_and_analysts_cannot_approve_and_viewers_cannot_reject(
    store: Store, desk: ReviewDesk
) -> None:
    open_case(store, "salon")
    judged(store, "salon", "salon.gg", label="review", score=0.8)
    for actor in (VIC, ANNA):
        with pytest.raises(Forbidden, match=f"{actor.name} \\({actor.role}\\) may not approve"):
            desk.approve(case="salon", name="salon.gg", actor=actor, reason="looks like it")
    with pytest.raises(Forbidden, match="may not review"):
        desk.reject(case="salon", name="salon.gg", actor=VIC, reason="no")
    with pytest.raises(Forbidden, match="may not decide contest"):
        desk.decide_contest(contest_id=1, actor=ANNA, upheld=True, reason="no")
    with pytest.raises(Forbidden, match="may not approve"):
        desk.confirm_auto_listing(name="salon.gg", actor=ANNA)
    assert store.events(kind="review.approved") == []
    assert [item.name for item in desk.queue(actor=VIC)] == ["salon.gg"]


def test_a_rejection_needs_a_reason_and_takes_the_name_off_the_queue(store: Store, desk: ReviewDesk) -> None:
    open_case(store, "salon")
    judged(store, "salon", "salon.gg", label="review", score=0.8)
    with pytest.raises(InvalidInput, match="a rejection needs a reason"):
        desk.reject(case="salon", name="salon.gg", actor=ANNA, reason="  ")
    assert store.events(kind="review.rejected") == []

    asked = desk.ask_second_opinion(case="salon", name="salon.gg", actor=ANNA, note="check the favicon")
    assert asked.kind == "second_opinion"
    assert desk.queue()[0].state == "second_opinion"
    rejected = desk.reject(case="salon", name="salon.gg", actor=ANNA, reason="a fan page, not the platform")
    assert (rejected.kind, rejected.reason) == ("rejected", "a fan page, not the platform")
    assert desk.queue() == []
    [event] = store.events(kind="review.rejected")
    assert (event.subject, event.detail["by"], event.detail["reason"]) == (
        "salon.gg",
        "anna",
        "a fan page, not the platform",
    )


def test_approving_what_is_not_a_candidate_or_is_already_listed_changes_nothing(
    store: Store, desk: ReviewDesk
) -> None:
    open_case(store, "salon")
    with pytest.raises(NotFound, match=r"no candidate 'ghost\.gg'"):
        desk.approve(case="salon", name="ghost.gg", actor=ALICE, reason="x")
    judged(store, "salon", "salon.gg", label="mirror", score=0.9)
    operator = Listing(name="salon.gg", case="salon", reason="court", decided_by="operator", since=START)
    store.add_listing(operator)
    with pytest.raises(AlreadyExists, match=r"salon\.gg is already listed"):
        desk.approve(case="salon", name="salon.gg", actor=ALICE, reason="x")
    assert store.events(kind="review.approved") == []
    assert store.listings() == [operator]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("drive.google.com", "a popular domain \\(google.com\\)"),
        ("amazonaws.com", "the domain of a shared platform"),
    ],
)
def test_safeguards_refuse_a_protected_name_before_anything_is_written(
    store: Store, desk: ReviewDesk, name: str, why: str
) -> None:
    open_case(store, "salon")
    judged(store, "salon", name, label="mirror", score=0.99)
    before = store.zone_serial()
    with pytest.raises(InvalidName, match=f"{name} is never listed: {why}"):
        desk.approve(case="salon", name=name, actor=ALICE, reason="it matched")
    assert store.listings() == [] and store.zone_serial() == before
    assert store.events(kind="review.approved") == []


def test_the_exact_name_on_a_shared_platform_can_be_listed(store: Store, desk: ReviewDesk) -> None:
    open_case(store, "salon")
    judged(store, "salon", "salon-lumiere.github.io", label="mirror", score=0.99)
    assert (
        desk.approve(case="salon", name="salon-lumiere.github.io", actor=ALICE, reason="copy").kind
        == "listed"
    )
    assert [listing.name for listing in store.listings()] == ["salon-lumiere.github.io"]
