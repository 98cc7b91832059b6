"""Records to table rows and back: exact round trips, no I/O."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import (
    LISTING_ACTIONS,
    Candidate,
    Capture,
    Case,
    DnsResult,
    Event,
    Hop,
    Listing,
    Reference,
    Signal,
    Verdict,
)

Row = RowMapping
TEXT = ("utf-8", "surrogatepass")  # HTML is hostile input: keep NULs and stray surrogates as they came


def aware(value: datetime, *, what: str) -> datetime:
    """``value`` itself, once checked to carry a time zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{what} must be timezone-aware, got {value.isoformat()}", hint="use clock.now()")
    return value


def case_row(case: Case) -> dict[str, Any]:
    return {
        "name": case.name,
        "url": case.url,
        "keywords": list(case.keywords),
        "auto_list": case.auto_list,
        "four_eyes": case.four_eyes,
        "legal_order": case.order,
        "expires": case.expires,
        "created_at": aware(case.created_at, what="case created_at"),
    }


def case_of(row: Row) -> Case:
    return Case(
        name=row["name"],
        url=row["url"],
        keywords=tuple(row["keywords"]),
        auto_list=row["auto_list"],
        four_eyes=row["four_eyes"],
        order=row["legal_order"],
        expires=row["expires"],
        created_at=row["created_at"],
    )


def reference_row(reference: Reference) -> dict[str, Any]:
    return {
        "case_name": reference.case,
        "url": reference.url,
        "html": reference.html.encode(*TEXT),
        "favicon": reference.favicon,
        "source": reference.source,
        "captured_at": aware(reference.captured_at, what="reference captured_at"),
    }


def reference_of(row: Row) -> Reference:
    return Reference(
        case=row["case_name"],
        url=row["url"],
        html=row["html"].decode(*TEXT),
        favicon=row["favicon"],
        source=row["source"],
        captured_at=row["captured_at"],
    )


def candidate_row(candidate: Candidate) -> dict[str, Any]:
    return {
        "case_name": candidate.case,
        "name": candidate.name,
        "source": candidate.source,
        "detail": candidate.detail,
        "found_at": aware(candidate.found_at, what="candidate found_at"),
        "state": candidate.state,
    }


def candidate_of(row: Row) -> Candidate:
    return Candidate(
        case=row["case_name"],
        name=row["name"],
        source=row["source"],
        detail=row["detail"],
        found_at=row["found_at"],
        state=row["state"],
    )


def capture_row(case: str, capture: Capture) -> dict[str, Any]:
    dns = capture.dns
    return {
        "case_name": case,
        "name": capture.name,
        "dns": {
            "name": dns.name,
            "outcome": dns.outcome,
            "addresses": list(dns.addresses),
            "error": dns.error,
            "nameservers": list(dns.nameservers),
        },
        "url": capture.url,
        "status": capture.status,
        "headers": [[key, value] for key, value in capture.headers],
        "body": capture.body,
        "body_sha256": hashlib.sha256(capture.body).hexdigest(),
        "favicon": capture.favicon,
        "certificate": capture.certificate,
        "redirects": [
            {"url": hop.url, "status": hop.status, "location": hop.location} for hop in capture.redirects
        ],
        "error": capture.error,
        "started_at": aware(capture.started_at, what="capture started_at"),
        "elapsed_ms": capture.elapsed_ms,
        "certificate_chain": [base64.b64encode(der).decode() for der in capture.certificate_chain],
        "tls_verified": capture.tls_verified,
        "tls_error": capture.tls_error,
        "warc_path": capture.warc_path,
        "warc_sha256": capture.warc_sha256,
    }


def capture_of(row: Row) -> Capture:
    dns = row["dns"]
    return Capture(
        name=row["name"],
        dns=DnsResult(
            name=dns["name"],
            outcome=dns["outcome"],
            addresses=tuple(dns["addresses"]),
            error=dns["error"],
            nameservers=tuple(dns.get("nameservers", ())),
        ),
        url=row["url"],
        status=row["status"],
        headers=tuple((key, value) for key, value in row["headers"]),
        body=row["body"],
        favicon=row["favicon"],
        certificate=row["certificate"],
        redirects=tuple(Hop(**hop) for hop in row["redirects"]),
        error=row["error"],
        started_at=row["started_at"],
        elapsed_ms=row["elapsed_ms"],
        certificate_chain=tuple(base64.b64decode(der) for der in row["certificate_chain"] or ()),
        tls_verified=row["tls_verified"],
        tls_error=row["tls_error"],
        warc_path=row["warc_path"],
        warc_sha256=row["warc_sha256"],
    )


def verdict_row(
    case: str, name: str, verdict: Verdict, *, capture_id: int | None, at: datetime
) -> dict[str, Any]:
    return {
        "case_name": case,
        "name": name,
        "label": verdict.label,
        "score": verdict.score,
        "signals": [
            {"name": s.name, "kind": s.kind, "value": s.value, "explanation": s.explanation}
            for s in verdict.signals
        ],
        "decided_by": verdict.decided_by,
        "reference_url": verdict.reference_url,
        "capture_id": capture_id,
        "decided_at": at,
    }


def verdict_of(row: Row) -> Verdict:
    return Verdict(
        label=row["label"],
        score=row["score"],
        signals=tuple(Signal(**signal) for signal in row["signals"]),
        decided_by=row["decided_by"],
        reference_url=row["reference_url"],
    )


def check_action(action: str) -> None:
    """Raise ``InvalidInput`` unless ``action`` is a listing action."""
    if action not in LISTING_ACTIONS:
        raise InvalidInput(f"unknown listing action {action!r}", hint=f"one of: {', '.join(LISTING_ACTIONS)}")


def listing_row(listing: Listing) -> dict[str, Any]:
    check_action(listing.action)
    return {
        "name": listing.name,
        "case_name": listing.case,
        "action": listing.action,
        "reason": listing.reason,
        "decided_by": listing.decided_by,
        "since": aware(listing.since, what="listing since"),
        "expires": listing.expires,
    }


def listing_of(row: Row) -> Listing:
    return Listing(
        name=row["name"],
        case=row["case_name"],
        action=row["action"],
        reason=row["reason"],
        decided_by=row["decided_by"],
        since=row["since"],
        expires=row["expires"],
    )


def event_row(event: Event) -> dict[str, Any]:
    detail = dict(event.detail)
    try:
        json.dumps(detail, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            f"event {event.kind} on {event.subject}: detail is not plain JSON ({exc})",
            hint="use strings, numbers, booleans, None, lists and dicts; dates as ISO strings",
        ) from exc
    return {
        "at": aware(event.at, what="event at"),
        "kind": event.kind,
        "subject": event.subject,
        "detail": detail,
    }


def event_of(row: Row) -> Event:
    return Event(kind=row["kind"], subject=row["subject"], detail=row["detail"], at=row["at"])
