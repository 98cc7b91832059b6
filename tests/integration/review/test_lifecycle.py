"""The life of a listing on a real store: contests, expiry, confirmation of the machine's listings,
re-checks that propose delisting, and the IP-trigger safeguard over the captures the store holds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from review_samples import START, judged, open_case

from mirrorhunt.clock import FixedClock
from mirrorhunt.engine.scan import MATCHER
from mirrorhunt.errors import Forbidden, InvalidInput, NotFound
from mirrorhunt.model import Capture, DnsResult, Listing
from mirrorhunt.review.actor import Actor
from mirrorhunt.review.desk import ReviewDesk
from mirrorhunt.store import Store
from mirrorhunt.store.reviews import Reviews

ALICE = Actor("alice", "approver")
ADMIN = Actor("root", "admin")


def listed(
    store: Store, name: str, *, case: str = "salon", by: str = "alice", expires: date | None = None
) -> None:
    store.add_listing(
        Listing(name=name, case=case, reason="matched", decided_by=by, since=START, expires=expires)
    )


def removals(store: Store) -> dict[str, str]:
    return {event.subject: event.detail.get("why", "") for event in store.events(kind="listing.removed")}


def test_a_case_keeps_its_four_eyes_rule(store: Store) -> None:
    open_case(store, "strict", four_eyes=True)
    open_case(store, "plain")
    assert [(case.name, case.four_eyes) for case in store.list_cases()] == [
        ("plain", False),
        ("strict", True),
    ]


def test_a_contest_reaches_the_queue_and_upheld_keeps_the_listing(
    store: Store, desk: ReviewDesk, clock: FixedClock
) -> None:
    open_case(store, "salon")
    judged(store, "salon", "salon.gg", label="mirror", score=0.93)
    listed(store, "salon.gg")
    with pytest.raises(NotFound, match=r"bakery\.fr is not listed"):
        desk.contest(name="bakery.fr", contact="me@bakery.fr", statement="mine")
    with pytest.raises(InvalidInput, match="needs a contact and a statement"):
        desk.contest(name="salon.gg", contact=" ", statement="not a mirror")

    contest = desk.contest(name="SALON.GG", contact="owner@salon.gg", statement="this is my hair salon")
    assert (contest.name, contest.case, contest.state) == ("salon.gg", "salon", "open")
    assert contest.deadline == START + timedelta(days=14)
    [item] = desk.queue()
    assert (item.kind, item.contest, item.name, item.verdict, item.score) == (
        "contest",
        contest.id,
        "salon.gg",
        "mirror",
        0.93,
    )
    assert desk.contests() == [contest]

    clock.at = START + timedelta(days=2)
    decision = desk.decide_contest(
        contest_id=contest.id, actor=ALICE, upheld=True, reason="same operator IDs"
    )
    assert (decision.kind, decision.actor, decision.at) == ("contest_upheld", "alice", clock.at)
    assert [listing.name for listing in store.listings()] == ["salon.gg"]
    assert desk.queue() == [] and desk.contests() == []
    [decided] = desk.contests(open_only=False)
    assert (decided.state, decided.decided_by, decided.reason) == ("upheld", "alice", "same operator IDs")
    kinds = [event.kind for event in desk.history(case="salon", name="salon.gg")]
    assert kinds[-2:] == ["contest.opened", "contest.upheld"]
    with pytest.raises(InvalidInput, match="already decided"):
        desk.decide_contest(contest_id=contest.id, actor=ALICE, upheld=False, reason="changed my mind")
    with pytest.raises(NotFound, match="no contest 999"):
        desk.decide_contest(contest_id=999, actor=ALICE, upheld=False, reason="x")


def test_a_contest_granted_delists_the_name(store: Store, desk: ReviewDesk) -> None:
    open_case(store, "salon")
    listed(store, "salon.gg")
    contest = desk.contest(name="salon.gg", contact="owner@salon.gg", statement="a salon since 1998")
    decision = desk.decide_contest(contest_id=contest.id, actor=ALICE, upheld=False, reason="a real salon")
    assert decision.kind == "contest_granted"
    assert store.listings() == []
    assert removals(store) == {"salon.gg": "contest"}
    kinds = [event.kind for event in store.events(subject="salon.gg")]
    assert kinds[-2:] == ["contest.granted", "listing.removed"]


def test_expired_listings_are_removed_by_the_sweep(store: Store, desk: ReviewDesk) -> None:
    open_case(store, "salon")
    listed(store, "ends-soon.gg", expires=date(2026, 3, 10))
    listed(store, "ends-later.gg", expires=date(2026, 12, 31))
    listed(store, "no-end.gg")  # lasts [review] listing_days (365) from its start
    assert desk.expire(now=START + timedelta(days=8)) == []
    assert desk.expire(now=START + timedelta(days=9)) == ["ends-soon.gg"]
    assert desk.expire(now=START + timedelta(days=366)) == ["ends-later.gg", "no-end.gg"]
    assert store.listings() == []
    assert removals(store) == {"ends-soon.gg": "expired", "ends-later.gg": "expired", "no-end.gg": "expired"}


def test_the_machine_s_listings_wait_in_the_queue_and_are_withdrawn_unless_confirmed_in_time(
    store: Store, desk: ReviewDesk
) -> None:
    open_case(store, "auto", auto_list=True)
    machine = f"{MATCHER} (case allows auto-listing)"
    judged(store, "auto", "confirmed.gg", label="mirror", score=0.97)
    listed(store, "confirmed.gg", case="auto", by=machine)
    listed(store, "forgotten.gg", case="auto", by=machine)
    listed(store, "by-person.gg", case="auto", by="alice")
    listed(store, "refused.gg", case="auto", by=machine)

    queue = desk.queue()
    assert [(item.name, item.kind) for item in queue] == [
        ("confirmed.gg", "confirm"),
        ("forgotten.gg", "confirm"),
        ("refused.gg", "confirm"),
    ]
    assert (queue[0].verdict, queue[0].score, queue[0].due) == ("mirror", 0.97, START + timedelta(days=1))

    decision = desk.confirm_auto_listing(name="confirmed.gg", actor=ALICE)
    assert (decision.kind, decision.actor, decision.case) == ("confirmed", "alice", "auto")
    with pytest.raises(InvalidInput, match=r"already decided \(confirmed\)"):
        desk.confirm_auto_listing(name="confirmed.gg", actor=ADMIN)
    with pytest.raises(InvalidInput, match="not by the machine"):
        desk.confirm_auto_listing(name="by-person.gg", actor=ALICE)
    with pytest.raises(NotFound):
        desk.confirm_auto_listing(name="never.gg", actor=ALICE)
    rejected = desk.reject(
        case="auto", name="refused.gg", actor=ALICE, reason="a lookalike shop, not the platform"
    )
    assert rejected.kind == "rejected"
    assert [item.name for item in desk.queue()] == ["forgotten.gg"]

    assert desk.withdraw_unconfirmed(now=START + timedelta(hours=23)) == []
    assert desk.withdraw_unconfirmed(now=START + timedelta(hours=24)) == ["forgotten.gg"]
    assert sorted(listing.name for listing in store.listings()) == ["by-person.gg", "confirmed.gg"]
    assert removals(store) == {"refused.gg": "rejected", "forgotten.gg": "unconfirmed"}
    [confirmed] = store.events(kind="review.confirmed")
    assert (confirmed.subject, confirmed.detail["by"]) == ("confirmed.gg", "alice")
    assert desk.queue() == []


def test_after_a_withdrawal_a_person_decides_and_the_machine_no_longer_lists_the_name(
    store: Store, desk: ReviewDesk, clock: FixedClock
) -> None:
    open_case(store, "auto", auto_list=True)
    machine = f"{MATCHER} (case allows auto-listing)"
    for name in ("lapsed.gg", "refused.gg"):
        judged(store, "auto", name, label="mirror", score=0.9)
        listed(store, name, case="auto", by=machine)
    reviews = Reviews(store)
    assert reviews.machine_may_list(case="auto", name="lapsed.gg")
    desk.reject(case="auto", name="refused.gg", actor=ALICE, reason="not the platform")
    assert desk.withdraw_unconfirmed(now=START + timedelta(days=1)) == ["lapsed.gg"]
    assert not reviews.machine_may_list(case="auto", name="lapsed.gg")
    assert not reviews.machine_may_list(case="auto", name="refused.gg")

    [item] = desk.queue()  # the lapsed one waits for a person; the refused one was decided
    assert (item.name, item.kind, item.verdict) == ("lapsed.gg", "listing", "mirror")
    clock.at = START + timedelta(days=2)
    assert desk.approve(case="auto", name="lapsed.gg", actor=ALICE, reason="a mirror").kind == "listed"
    [listing] = store.listings()
    assert (listing.name, listing.decided_by) == ("lapsed.gg", "alice")
    assert desk.queue() == []


def test_a_name_listed_again_by_the_machine_needs_a_new_confirmation(
    store: Store, desk: ReviewDesk, clock: FixedClock
) -> None:
    open_case(store, "auto", auto_list=True)
    machine = f"{MATCHER} (case allows auto-listing)"
    listed(store, "again.gg", case="auto", by=machine)
    assert desk.approve(case="auto", name="again.gg", actor=ALICE, reason="").kind == "confirmed"
    store.remove_listing("again.gg", reason="court lifted it", decided_by="operator")
    later = START + timedelta(days=30)
    clock.at = later
    store.add_listing(
        Listing(name="again.gg", case="auto", reason="matched", decided_by=machine, since=later)
    )
    [item] = desk.queue()
    assert (item.name, item.kind, item.state) == ("again.gg", "confirm", "open")
    assert desk.withdraw_unconfirmed(now=later + timedelta(days=1)) == ["again.gg"]


def test_re_checks_that_miss_the_mirror_propose_delisting_for_review(
    store: Store, desk: ReviewDesk, clock: FixedClock
) -> None:
    open_case(store, "salon")
    judged(store, "salon", "salon.gg", label="mirror", score=0.9)
    listed(store, "salon.gg")
    assert desk.record_recheck(case="salon", name="unlisted.gg", still_mirror=False) is None
    assert desk.record_recheck(case="salon", name="salon.gg", still_mirror=False) is None
    assert desk.record_recheck(case="salon", name="salon.gg", still_mirror=True) is None  # seen again: reset
    assert desk.record_recheck(case="salon", name="salon.gg", still_mirror=False) is None
    assert desk.record_recheck(case="salon", name="salon.gg", still_mirror=False) is None
    assert desk.queue() == []
    proposal = desk.record_recheck(case="salon", name="salon.gg", still_mirror=False)
    assert proposal is not None
    assert (proposal.kind, proposal.actor, proposal.reason) == (
        "delist_proposed",
        "monitor",
        "the last 3 re-checks no longer saw the mirror",
    )
    assert desk.record_recheck(case="salon", name="salon.gg", still_mirror=False) is None  # once
    [item] = desk.queue()
    assert (item.kind, item.name, item.state, item.needs) == ("delist", "salon.gg", "open", 1)

    kept = desk.reject(case="salon", name="salon.gg", actor=ALICE, reason="the mirror moved its page only")
    assert kept.kind == "kept" and [listing.name for listing in store.listings()] == ["salon.gg"]
    for _ in range(3):
        proposal = desk.record_recheck(case="salon", name="salon.gg", still_mirror=False)
    assert proposal is not None and proposal.kind == "delist_proposed"
    delisted = desk.approve(case="salon", name="salon.gg", actor=ALICE, reason="gone for good")
    assert delisted.kind == "delisted"
    assert store.listings() == [] and removals(store) == {"salon.gg": "delist"}
    assert [event.kind for event in store.events(kind="review.delist_proposed")] == [
        "review.delist_proposed"
    ] * 2


def capture(name: str, *addresses: str) -> Capture:
    return Capture(
        name=name, dns=DnsResult(name=name, outcome="resolves", addresses=addresses), started_at=START
    )


def test_an_ip_trigger_needs_a_person_and_an_address_the_store_saw_nothing_else_at(
    store: Store, desk: ReviewDesk
) -> None:
    open_case(store, "salon")
    store.add_capture("salon", capture("salon.gg", "192.0.2.7", "2001:db8::7"))
    store.add_capture("salon", capture("www.salon.gg", "192.0.2.7"))
    store.add_capture("salon", capture("bakery.fr", "192.0.2.70", "2001:db8::7"))
    mirror = ["salon.gg", "www.salon.gg"]
    assert desk.address_refusal(address="192.0.2.7", names=mirror, actor=ALICE) is None
    assert desk.address_refusal(address="192.0.2.7", names=mirror, actor=None) == (
        "an IP-address trigger is listed only when a person asks for it"
    )
    assert desk.address_refusal(address="2001:0db8:0000::0007", names=mirror, actor=ALICE) == (
        "2001:db8::7 also hosts bakery.fr"
    )
    with pytest.raises(Forbidden):
        desk.address_refusal(address="192.0.2.7", names=mirror, actor=Actor("anna", "analyst"))
