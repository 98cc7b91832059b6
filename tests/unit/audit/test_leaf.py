"""Log entries: canonical JSON of what anyone may know, reviewers as role and pseudonym."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import pytest

from mirrorhunt.audit.leaf import MAX_REASON, decode_entry, encode_entry, pseudonym
from mirrorhunt.model import Event

SECRET = b"s" * 32
AT = datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=UTC)


def event(**detail: object) -> Event:
    return Event(kind="listing.added", subject="mirror.example", detail=detail, at=AT)


def test_entry_is_canonical_json_with_every_field() -> None:
    entry = encode_entry(
        event(case="salon", action="nxdomain", reason="same page", decided_by="matcher/1", serial=4),
        secret=SECRET,
    )
    assert entry == (
        b'{"action":"nxdomain","at":"2026-03-01T12:30:45.123456Z","case":"salon","contest":null,'
        b'"decider":{"id":"matcher/1","role":"system"},"expires":null,"kind":"listing.added",'
        b'"name":"mirror.example","reason":"same page","serial":4,"why":null}'
    )
    assert decode_entry(entry)["serial"] == 4


def test_time_is_written_in_utc_whatever_the_zone_it_was_given_in() -> None:
    paris = Event(kind="listing.removed", subject="a.example", at=AT.astimezone(timezone(timedelta(hours=1))))
    assert b'"at":"2026-03-01T12:30:45.123456Z"' in encode_entry(paris, secret=SECRET)


def test_a_person_is_a_role_and_a_pseudonym_never_a_name() -> None:
    entry = encode_entry(event(decided_by="alice.martin", role="approver", reason="é"), secret=SECRET)
    expected = hmac.new(SECRET, b"alice.martin", hashlib.sha256).hexdigest()[:32]
    assert b"alice" not in entry
    assert decode_entry(entry)["decider"] == {"role": "approver", "id": expected}
    assert pseudonym("alice.martin", secret=SECRET) == expected
    assert "é".encode() in entry  # UTF-8, not \\u escapes
    # an account name with no role given is still hidden
    assert decode_entry(encode_entry(event(decided_by="bob"), secret=SECRET))["decider"]["role"] == "person"
    # the two approvers of a four-eyes decision, and names of any form, are hidden too
    both = decode_entry(encode_entry(event(decided_by="ana, Bruno Dupont"), secret=SECRET))["decider"]
    assert both == {
        "role": "person",
        "id": f"{pseudonym('ana', secret=SECRET)},{pseudonym('Bruno Dupont', secret=SECRET)}",
    }
    # another secret, another pseudonym: the public cannot link them across logs
    assert encode_entry(event(decided_by="bob"), secret=b"t" * 32) != encode_entry(
        event(decided_by="bob"), secret=SECRET
    )


@pytest.mark.parametrize("by", ["cli", "operator", "mirrorhunt", "matcher/1 (case allows auto-listing)"])
def test_the_system_is_named_as_it_is(by: str) -> None:
    assert decode_entry(encode_entry(event(decided_by=by), secret=SECRET))["decider"] == {
        "role": "system",
        "id": by,
    }


def test_what_else_the_event_holds_stays_out() -> None:
    contest = Event(
        kind="contest.opened",
        subject="mirror.example",
        detail={"case": "salon", "contact": "owner@example.org", "statement": "not a mirror"},
        at=AT,
    )
    entry = encode_entry(contest, secret=SECRET)
    assert b"owner@" not in entry and b"statement" not in entry
    assert decode_entry(entry)["decider"] is None
    upheld = Event(
        kind="contest.upheld",
        subject="mirror.example",
        detail={"case": "salon", "contest": 7, "by": "carol", "reason": "same page"},
        at=AT,
    )
    decided = decode_entry(encode_entry(upheld, secret=SECRET))
    assert decided["contest"] == 7 and decided["decider"] == {
        "role": "person",
        "id": pseudonym("carol", secret=SECRET),
    }


def test_long_reasons_are_cut_to_keep_entries_small() -> None:
    entry = encode_entry(event(reason="x" * 10 * MAX_REASON), secret=SECRET)
    assert decode_entry(entry)["reason"] == "x" * MAX_REASON


@pytest.mark.parametrize("text", [b'{"a": 1}', b"[1]", b'{"b":1,"a":2}', b"\xff"])
def test_non_canonical_entries_are_refused(text: bytes) -> None:
    with pytest.raises(ValueError):
        decode_entry(text)
