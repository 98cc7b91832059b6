"""What the reports read from the store, on both backends, and the transparency routes served in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from mirrorhunt.clock import FixedClock
from mirrorhunt.errors import UnknownCase
from mirrorhunt.model import (
    Candidate,
    Capture,
    Case,
    DnsResult,
    Event,
    Listing,
    Reference,
    Verdict,
    VerdictLabel,
)
from mirrorhunt.report import collect_case, collect_figures
from mirrorhunt.report.web import transparency_router
from mirrorhunt.store import Store

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)


def _candidate(case: str, name: str, at: datetime) -> Candidate:
    return Candidate(case=case, name=name, source="ct", detail=f"entry for {name}", found_at=at)


def _listing(name: str, at: datetime) -> Listing:
    return Listing(name=name, case="salon", reason="mirror of the seized site", decided_by="policy", since=at)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A case with a mirror found and listed two hours later, a decoy, a name under review, one listed by
    hand, one listed by hand and taken off, a contest; and the same mirror's name found earlier elsewhere."""
    with Store.open(store_url, clock=FixedClock(T0 + timedelta(hours=5))) as store:
        reference = Reference(
            case="salon",
            url="https://salon.example/",
            html="<title>Salon</title>",
            source="live",
            captured_at=T0,
        )
        store.add_case(
            Case(name="salon", url="https://salon.example/", created_at=T0), references=[reference]
        )
        store.add_case(Case(name="other", url="https://other.example/", created_at=T0))
        store.add_candidate(_candidate("other", "mirror.example", T0 - timedelta(days=1)))
        for name in ("mirror.example", "decoy.example", "maybe.example"):
            store.add_candidate(_candidate("salon", name, T0))
        capture = Capture(
            name="mirror.example",
            dns=DnsResult(name="mirror.example", outcome="resolves", addresses=("192.0.2.1",)),
            url="https://mirror.example/",
            status=200,
            body=b"<title>Salon</title>",
            started_at=T0 + timedelta(hours=1),
        )
        capture_id = store.add_capture("salon", capture)
        labels: dict[str, VerdictLabel] = {
            "mirror.example": "mirror",
            "decoy.example": "unrelated",
            "maybe.example": "review",
        }
        for name, label in labels.items():
            verdict = Verdict(label=label, score=0.9 if label == "mirror" else 0.3, decided_by="matcher/1")
            store.add_verdict("salon", name, verdict, capture_id=capture_id if label == "mirror" else None)
        store.add_listing(_listing("mirror.example", T0 + timedelta(hours=2)))
        store.add_listing(_listing("kept.example", T0 + timedelta(hours=3)))
        store.add_listing(_listing("gone.example", T0 + timedelta(hours=3)))
        store.remove_listing("gone.example", reason="order lifted", decided_by="ana")
        store.append_event(
            Event(kind="contest.opened", subject="mirror.example", detail={}, at=T0 + timedelta(hours=6))
        )
        yield store


def test_the_case_file_holds_the_listed_names_and_those_judged_mirrors(store: Store) -> None:
    case_file = collect_case(store, case="salon", now=NOW)
    assert case_file.case.name == "salon" and len(case_file.references) == 1
    assert [m.name for m in case_file.mirrors] == ["kept.example", "mirror.example"]
    kept, mirror = case_file.mirrors
    assert (
        kept.candidate is None and kept.verdict is None and kept.listing is not None and kept.captures == ()
    )
    assert mirror.candidate is not None and mirror.candidate.found_at == T0
    assert mirror.verdict is not None and mirror.verdict.label == "mirror"
    assert mirror.listing is not None and [c.url for c in mirror.captures] == ["https://mirror.example/"]
    kinds = [e.kind for e in mirror.events]
    assert kinds[:4] == ["candidate.found", "capture.added", "verdict.added", "listing.added"]
    assert all(e.detail.get("case", "salon") == "salon" for e in mirror.events), (
        "the other case's are left out"
    )
    assert case_file.generated_at == NOW
    with pytest.raises(UnknownCase):
        collect_case(store, case="nope", now=NOW)


def test_the_figures_count_from_the_store(store: Store) -> None:
    figures = collect_figures(store, now=NOW)
    total = figures.total
    assert (total.listed, total.delisted, total.contested, total.upheld) == (3, 1, 1, 0)
    assert total.median_to_listing == timedelta(hours=2) and total.measured == 1
    assert [case for case, _ in figures.by_case] == ["salon"]
    assert [month for month, _ in figures.by_month] == ["2026-05", "2026-06"]


async def _get(app: FastAPI, path: str) -> tuple[int, dict[str, str], bytes]:
    """One GET through the ASGI interface, in-process."""
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, body


async def test_the_transparency_routes_serve_the_page_and_its_figures(store: Store) -> None:
    app = FastAPI()
    app.include_router(transparency_router(store, clock=FixedClock(NOW)))

    status, headers, body = await _get(app, "/transparency")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert headers["content-security-policy"].startswith("default-src 'none'")
    page = body.decode()
    assert "Transparency report" in page and "<svg" in page and "<script" not in page

    status, headers, body = await _get(app, "/transparency.json")
    assert status == 200 and headers["content-type"] == "application/json"
    figures = json.loads(body)
    assert figures["generated_at"] == NOW.isoformat()
    assert figures["total"]["listed"] == 3 and figures["total"]["median_hours_to_listing"] == 2.0
    assert figures["by_case"]["salon"]["delisted"] == 1
