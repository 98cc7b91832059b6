"""What a page or an API answer shows, read from the store and the desk in one call each.

Pages render these records with templates; the API returns them as JSON. Raw bytes of captures stay
out: a capture is summarised, and its page is only ever shown through ``preview``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mirrorhunt.fingerprint.decode import decode_html
from mirrorhunt.model import Candidate, Capture, Case, DnsResult, Event, Hop, Listing, Reference, Verdict
from mirrorhunt.review.actor import Actor
from mirrorhunt.review.decision import QueueItem
from mirrorhunt.review.desk import ReviewDesk
from mirrorhunt.store import Store
from mirrorhunt.web.comparison import Comparison, compare
from mirrorhunt.web.metrics import candidate_states
from mirrorhunt.web.preview import sanitize

MAX_HEADERS = 40
QUEUE_LIMIT = 100_000
"""Items of a case's queue searched for the one of a candidate: all of them, in any real case."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferenceSummary:
    url: str
    source: str
    captured_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureSummary:
    url: str | None
    status: int | None
    error: str | None
    dns: DnsResult
    redirects: tuple[Hop, ...]
    headers: tuple[tuple[str, str], ...]
    body_bytes: int
    truncated: bool
    tls_verified: bool | None
    tls_error: str | None
    started_at: datetime
    elapsed_ms: float
    warc_sha256: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseView:
    case: Case
    references: tuple[ReferenceSummary, ...]
    states: dict[str, int]
    """Candidates of the case by state."""
    queue: tuple[QueueItem, ...]
    listings: tuple[Listing, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CandidateView:
    case: Case
    candidate: Candidate
    verdict: Verdict | None
    reference: ReferenceSummary | None
    capture: CaptureSummary | None
    comparison: Comparison | None
    listing: Listing | None
    item: QueueItem | None
    """The name's place in the review queue, when it waits for a person."""
    history: tuple[Event, ...]


def case_view(*, store: Store, desk: ReviewDesk, case: str, actor: Actor) -> CaseView:
    found = store.get_case(case)
    return CaseView(
        case=found,
        references=tuple(_reference(r) for r in store.references(case)),
        states=candidate_states(store, case=case),
        queue=tuple(desk.queue(case=case, actor=actor)),
        listings=tuple(listing for listing in store.listings() if listing.case == case),
    )


def candidate_view(*, store: Store, desk: ReviewDesk, case: str, name: str, actor: Actor) -> CandidateView:
    candidate = store.get_candidate(case, name)
    verdict = store.latest_verdict(case, name)
    capture = store.latest_capture(case, name)
    reference = _reference_for(store.references(case), verdict)
    return CandidateView(
        case=store.get_case(case),
        candidate=candidate,
        verdict=verdict,
        reference=_reference(reference) if reference else None,
        capture=_capture(capture) if capture else None,
        comparison=compare(reference=reference, capture=capture, verdict=verdict) if reference else None,
        listing=next((x for x in store.listings() if x.name == name and x.case == case), None),
        item=next((i for i in desk.queue(case=case, actor=actor, limit=QUEUE_LIMIT) if i.name == name), None),
        history=tuple(desk.history(case=case, name=name, actor=actor)),
    )


def preview(*, store: Store, case: str, name: str) -> str:
    """The latest captured page of a candidate, made inert; an empty document when none was fetched."""
    store.get_candidate(case, name)
    capture = store.latest_capture(case, name)
    if capture is None or not capture.body:
        return "<!DOCTYPE html><p>No page was captured.</p>"
    return sanitize(decode_html(capture.body, headers=capture.headers))


def filter_listings(
    listings: Sequence[Listing],
    *,
    query: str = "",
    case: str = "",
    action: str = "",
    expiring_within: int | None = None,
    today: date,
) -> list[Listing]:
    """Listings whose name or reason holds ``query``, of ``case`` and ``action`` when given, and that
    end within ``expiring_within`` days of ``today`` when given."""
    needle = query.strip().lower()
    horizon = today + timedelta(days=expiring_within) if expiring_within is not None else None
    return [
        listing
        for listing in listings
        if (not needle or needle in listing.name or needle in listing.reason.lower())
        and (not case or listing.case == case)
        and (not action or listing.action == action)
        and (horizon is None or (listing.expires is not None and listing.expires <= horizon))
    ]


def _reference_for(references: Sequence[Reference], verdict: Verdict | None) -> Reference | None:
    wanted = verdict.reference_url if verdict is not None else None
    return next((r for r in references if r.url == wanted), references[0] if references else None)


def _reference(reference: Reference) -> ReferenceSummary:
    return ReferenceSummary(url=reference.url, source=reference.source, captured_at=reference.captured_at)


def _capture(capture: Capture) -> CaptureSummary:
    return CaptureSummary(
        url=capture.url,
        status=capture.status,
        error=capture.error,
        dns=capture.dns,
        redirects=capture.redirects,
        headers=capture.headers[:MAX_HEADERS],
        body_bytes=len(capture.body),
        truncated=capture.truncated,
        tls_verified=capture.tls_verified,
        tls_error=capture.tls_error,
        started_at=capture.started_at,
        elapsed_ms=capture.elapsed_ms,
        warc_sha256=capture.warc_sha256,
    )
