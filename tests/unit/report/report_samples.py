"""Captures and a case file for the report tests: three sites sharing an address, a favicon and an
analytics ID, and a page whose title and tip detail are hostile markup."""

from __future__ import annotations

from datetime import UTC, datetime

from mirrorhunt.model import Candidate, Capture, Case, DnsResult, Event, Listing, Reference, Signal, Verdict
from mirrorhunt.report import CaseFile, MirrorFile

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script></svg><img src=x onerror=alert(2)>"
ICON = b"\x00\x00\x01\x00shared-icon"
ANALYTICS = "UA-1234567-1"


def page(title: str, *, extra: str = "") -> bytes:
    return f"<html><head><title>{title}</title></head><body><p>Salon</p>{extra}</body></html>".encode()


def capture(
    name: str,
    *,
    addresses: tuple[str, ...],
    body: bytes,
    favicon: bytes | None = None,
    certificate: bytes | None = None,
) -> Capture:
    return Capture(
        name=name,
        dns=DnsResult(name=name, outcome="resolves", addresses=addresses),
        url=f"https://{name}/",
        status=200,
        body=body,
        favicon=favicon,
        certificate=certificate,
        started_at=AT,
        warc_path=f"{name}/0001.warc.gz",
        warc_sha256="ab" * 32,
    )


GA_SCRIPT = f"<script>ga('create', '{ANALYTICS}', 'auto');</script>"
SITES = {
    "one.example": capture("one.example", addresses=("192.0.2.10",), body=page("One", extra=GA_SCRIPT)),
    "two.example": capture("two.example", addresses=("192.0.2.10",), body=page("Two"), favicon=ICON),
    "three.example": capture(
        "three.example", addresses=("198.51.100.7",), body=page("Three", extra=GA_SCRIPT), favicon=ICON
    ),
}


def hostile_case_file() -> CaseFile:
    """A case whose mirror's page title, tip detail and listing reason are all markup meant to run."""
    name = "evil.example"
    return CaseFile(
        case=Case(name="salon", url="https://salon.example/", order=f"order {HOSTILE}", created_at=AT),
        references=(
            Reference(
                case="salon",
                url="https://salon.example/",
                html=page(HOSTILE).decode(),
                source="live",
                captured_at=AT,
            ),
        ),
        mirrors=(
            MirrorFile(
                name=name,
                candidate=Candidate(case="salon", name=name, source="tip", detail=HOSTILE, found_at=AT),
                verdict=Verdict(
                    label="mirror",
                    score=0.93,
                    signals=(Signal(name="title", kind="title", value=0.9, explanation=f"title {HOSTILE}"),),
                    decided_by="policy",
                ),
                listing=Listing(name=name, case="salon", reason=HOSTILE, decided_by="policy", since=AT),
                captures=(capture(name, addresses=("192.0.2.66",), body=page(HOSTILE, extra=HOSTILE)),),
                events=(Event(kind="candidate.found", subject=name, detail={"detail": HOSTILE}, at=AT),),
            ),
        ),
        generated_at=AT,
    )
