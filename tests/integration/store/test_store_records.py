"""Every record goes in and comes back exactly, on both backends."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from store_samples import NOW, PARIS

from mirrorhunt.errors import AlreadyExists, InvalidInput, NotFound, UnknownCase
from mirrorhunt.model import Candidate, Capture, Case, DnsResult, Event, Hop, Reference, Signal, Verdict
from mirrorhunt.store import Store

TOKYO = timezone(timedelta(hours=9))


def assert_utc(moment: datetime) -> None:
    assert moment.utcoffset() == timedelta(0)


def test_case_round_trip(store: Store, case: Case) -> None:
    other = Case(name="another", url="https://another.example/", created_at=NOW)
    store.add_case(case)
    store.add_case(other)

    got = store.get_case("salon-lumiere")
    assert got == case
    assert got.created_at == datetime(2025, 1, 15, 8, 0, 0, 654321, tzinfo=UTC)
    assert_utc(got.created_at)
    assert store.list_cases() == [other, case]


def test_case_name_is_unique(store: Store, case: Case) -> None:
    store.add_case(case)
    with pytest.raises(AlreadyExists, match="salon-lumiere"):
        store.add_case(replace(case, url="https://elsewhere.example/"))
    assert store.get_case(case.name) == case
    assert [e.kind for e in store.events()] == ["case.added"]


def test_unknown_case_points_to_case_list(store: Store) -> None:
    with pytest.raises(UnknownCase) as raised:
        store.get_case("nope")
    assert "mirrorhunt case list" in raised.value.diagnostics()
    with pytest.raises(UnknownCase):
        store.references("nope")
    with pytest.raises(UnknownCase):
        store.candidates("nope")


def test_reference_round_trip(store: Store, case: Case) -> None:
    store.add_case(case)
    first = Reference(
        case=case.name,
        url="https://salon-lumiere.fr/",
        html="<html>\x00 Entrée \udcff 沙龙</html>",
        favicon=bytes(range(256)),
        source="file",
        captured_at=datetime(2024, 12, 1, 23, 59, 59, 999999, tzinfo=TOKYO),
    )
    second = replace(first, url="https://salon-lumiere.fr/login", favicon=None, source="live")

    first_id = store.add_reference(first)
    second_id = store.add_reference(second)

    assert second_id > first_id
    got = store.references(case.name)
    assert got == [first, second]
    assert_utc(got[0].captured_at)
    event = store.events(kind="reference.added")[0]
    assert event.subject == case.name
    assert event.detail == {"id": first_id, "url": first.url, "source": "file"}
    with pytest.raises(UnknownCase):
        store.add_reference(replace(first, case="nope"))


def test_candidate_first_source_is_kept(store: Store, case: Case) -> None:
    store.add_case(case)
    found = Candidate(
        case=case.name, name="salon-lumiere.gg", source="permute", detail="tld swap", found_at=NOW
    )

    assert store.add_candidate(found) is True
    assert (
        store.add_candidate(replace(found, source="ct", detail="log X", found_at=NOW + timedelta(1))) is False
    )

    assert store.get_candidate(case.name, "salon-lumiere.gg") == found
    assert store.events(kind="candidate.found") == [
        Event(
            kind="candidate.found",
            subject="salon-lumiere.gg",
            detail={"case": case.name, "source": "permute", "detail": "tld swap"},
            at=NOW,
        )
    ]


def test_candidate_same_name_in_two_cases(store: Store, case: Case) -> None:
    store.add_case(case)
    store.add_case(replace(case, name="other"))
    found = Candidate(case=case.name, name="x.gg", source="permute", found_at=NOW)
    assert store.add_candidate(found)
    assert store.add_candidate(replace(found, case="other"))
    assert store.candidates() == [found, replace(found, case="other")]
    assert store.candidates("other") == [replace(found, case="other")]


def test_candidate_states(store: Store, case: Case) -> None:
    store.add_case(case)
    names = ["a.gg", "b.gg", "c.gg"]
    for offset, name in enumerate(names):
        store.add_candidate(
            Candidate(case=case.name, name=name, source="ct", found_at=NOW + timedelta(seconds=offset))
        )

    store.set_candidate_state(case.name, "b.gg", "probed")
    store.set_candidate_state(case.name, "b.gg", "probed")

    assert [c.name for c in store.candidates(case.name)] == names
    assert [c.name for c in store.candidates(case.name, state="new")] == ["a.gg", "c.gg"]
    assert store.candidates(state="probed") == [
        Candidate(
            case=case.name, name="b.gg", source="ct", found_at=NOW + timedelta(seconds=1), state="probed"
        )
    ]
    assert store.events(kind="candidate.state") == [
        Event(
            kind="candidate.state",
            subject="b.gg",
            detail={"case": case.name, "from": "new", "to": "probed"},
            at=NOW,
        )
    ]
    with pytest.raises(NotFound, match=r"zz\.gg"):
        store.set_candidate_state(case.name, "zz.gg", "probed")
    with pytest.raises(NotFound):
        store.get_candidate(case.name, "zz.gg")


def full_capture(name: str, *, body: bytes) -> Capture:
    return Capture(
        name=name,
        dns=DnsResult(name=name, outcome="resolves", addresses=("127.0.0.21", "::1")),
        url=f"https://{name}/",
        status=200,
        headers=(("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")),
        body=body,
        favicon=b"\x00\x00\x01\x00",
        certificate=b"0\x82\x01\x0a",
        redirects=(Hop(url="http://old.fr/", status=301, location=f"https://{name}/"),),
        error=None,
        started_at=datetime(2025, 3, 1, 13, 30, 45, 1, tzinfo=PARIS),
        elapsed_ms=123.456789,
    )


def test_capture_round_trip(store: Store, case: Case) -> None:
    store.add_case(case)
    older = full_capture("salon-lumiere.gg", body=b"old")
    newer = full_capture("salon-lumiere.gg", body=bytes(range(256)) * 4)
    failed = Capture(
        name="gone.gg",
        dns=DnsResult(name="gone.gg", outcome="error", error="SERVFAIL"),
        error="no address",
        started_at=NOW,
    )

    assert store.latest_capture(case.name, "salon-lumiere.gg") is None
    store.add_capture(case.name, older)
    newer_id = store.add_capture(case.name, newer)
    store.add_capture(case.name, failed)

    got = store.latest_capture(case.name, "salon-lumiere.gg")
    assert got == newer
    assert got is not None
    assert_utc(got.started_at)
    assert store.latest_capture(case.name, "gone.gg") == failed
    event = store.events(kind="capture.added", subject="salon-lumiere.gg")[-1]
    assert event.detail == {
        "case": case.name,
        "id": newer_id,
        "dns": "resolves",
        "status": 200,
        "body_sha256": hashlib.sha256(newer.body).hexdigest(),
    }
    with pytest.raises(UnknownCase):
        store.add_capture("nope", older)


def test_verdict_round_trip(store: Store, case: Case) -> None:
    store.add_case(case)
    capture_id = store.add_capture(case.name, full_capture("salon-lumiere.gg", body=b"<html>"))
    first = Verdict(label="review", score=0.5, decided_by="matcher")
    second = Verdict(
        label="mirror",
        score=0.987654321,
        signals=(
            Signal(name="favicon", kind="hash", value=1.0, explanation="same favicon"),
            Signal(name="dom", kind="similarity", value=0.97, explanation="DOM 0.97 « similaire »"),
        ),
        decided_by="matcher",
        reference_url="https://salon-lumiere.fr/",
    )

    assert store.latest_verdict(case.name, "salon-lumiere.gg") is None
    store.add_verdict(case.name, "salon-lumiere.gg", first)
    verdict_id = store.add_verdict(case.name, "salon-lumiere.gg", second, capture_id=capture_id)

    assert store.latest_verdict(case.name, "salon-lumiere.gg") == second
    assert store.events(kind="verdict.added")[-1] == Event(
        kind="verdict.added",
        subject="salon-lumiere.gg",
        detail={
            "case": case.name,
            "id": verdict_id,
            "label": "mirror",
            "score": 0.987654321,
            "decided_by": "matcher",
            "capture_id": capture_id,
        },
        at=NOW,
    )


def test_verdict_needs_a_capture_of_that_name(store: Store, case: Case) -> None:
    store.add_case(case)
    capture_id = store.add_capture(case.name, full_capture("a.gg", body=b""))
    before = store.events()

    with pytest.raises(NotFound, match="capture"):
        store.add_verdict(
            case.name, "b.gg", Verdict(label="review", score=0.5, decided_by="x"), capture_id=capture_id
        )

    assert store.latest_verdict(case.name, "b.gg") is None
    assert store.events() == before


def test_positions(store: Store) -> None:
    key = "ct:http://127.0.0.1:8081/"
    assert store.get_position(key) is None
    store.set_position(key, 0)
    store.set_position(key, 2**40)
    store.set_position("other", 7)
    assert store.get_position(key) == 2**40
    assert store.get_position("other") == 7
    assert store.events() == []


def test_events_in_order_and_filtered(store: Store) -> None:
    appended = [
        Event(kind="review.opened", subject="a.gg", detail={"by": ["alice", "bob"], "n": 2.5}, at=NOW),
        Event(kind="review.closed", subject="a.gg", detail={"nested": {"ok": True, "none": None}}, at=NOW),
        Event(kind="review.opened", subject="b.gg", at=datetime(2025, 3, 1, 21, 30, tzinfo=TOKYO)),
    ]
    for event in appended:
        store.append_event(event)

    assert store.events() == appended
    assert store.events(subject="a.gg") == appended[:2]
    assert store.events(kind="review.opened") == [appended[0], appended[2]]
    assert store.events(subject="b.gg", kind="review.opened") == [appended[2]]
    assert_utc(store.events()[2].at)


def test_records_refuse_what_cannot_round_trip(store: Store, case: Case) -> None:
    with pytest.raises(InvalidInput, match="timezone-aware"):
        store.add_case(replace(case, created_at=datetime(2025, 1, 1)))
    with pytest.raises(InvalidInput, match="JSON"):
        store.append_event(Event(kind="x", subject="y", detail={"when": NOW}, at=NOW))
    assert store.list_cases() == []
    assert store.events() == []


def test_case_with_references_is_one_write(store: Store, case: Case) -> None:
    page = Reference(case=case.name, url=case.url, html="<p>salon</p>", source="live", captured_at=NOW)

    with pytest.raises(InvalidInput):
        store.add_case(case, references=[page, replace(page, captured_at=datetime(2025, 1, 1))])
    with pytest.raises(InvalidInput, match="belongs to case 'other'"):
        store.add_case(case, references=[replace(page, case="other")])
    assert store.list_cases() == []
    assert store.events() == []

    store.add_case(case, references=[page])
    assert store.references(case.name) == [page]
    assert [e.kind for e in store.events()] == ["case.added", "reference.added"]
