"""Tables for people and JSON documents for programs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from rich.table import Table

from mirrorhunt.engine.scan import ScanReport, ScanResult
from mirrorhunt.model import Candidate, Case, Listing, Verdict

_STYLE = {"mirror": "bold red", "review": "yellow", "unrelated": "green"}


def scan_table(report: ScanReport) -> Table:
    table = Table(
        title=f"case {report.case.name}: {len(report.results)} candidates probed", title_justify="left"
    )
    table.add_column("name", no_wrap=True)
    table.add_column("found by", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("score", justify="right")
    table.add_column("why", ratio=1)
    for result in report.results:
        label = _label(result)
        table.add_row(
            result.candidate.name,
            found_by(result.candidate),
            f"[{_STYLE.get(label, 'dim')}]{label}[/]" + (" [bold]listed[/]" if result.listed else ""),
            f"{result.verdict.score:.2f}" if result.verdict else "—",
            result.verdict.summary()
            if result.verdict
            else (result.capture.error or result.capture.dns.outcome),
        )
    return table


def found_by(candidate: Candidate) -> str:
    """``permutation:tld-swap`` → ``tld-swap``; ``ct`` → ``CT log``."""
    return {"ct": "CT log"}.get(candidate.source, candidate.source.rpartition(":")[2])


def candidates_table(
    rows: list[tuple[Candidate, Verdict | None]], *, histories: Mapping[tuple[str, str], str] | None = None
) -> Table:
    """One row per candidate; with ``histories`` (by case and name), a column of its past states."""
    table = Table(title=f"{len(rows)} candidates", title_justify="left")
    for column in (
        "case",
        "name",
        "state",
        "verdict",
        "score",
        "found by",
        *(["history"] if histories else []),
    ):
        table.add_column(column)
    for candidate, verdict in rows:
        table.add_row(
            candidate.case,
            candidate.name,
            candidate.state,
            verdict.label if verdict else "—",
            f"{verdict.score:.2f}" if verdict else "—",
            f"{found_by(candidate)}: {candidate.detail}" if candidate.detail else found_by(candidate),
            *([histories.get((candidate.case, candidate.name), "")] if histories else []),
        )
    return table


def cases_table(cases: list[Case]) -> Table:
    table = Table(title=f"{len(cases)} cases", title_justify="left")
    for column in ("case", "seized URL", "keywords", "auto-list", "order", "expires"):
        table.add_column(column)
    for case in cases:
        table.add_row(
            case.name,
            case.url,
            ", ".join(case.keywords),
            "yes" if case.auto_list else "no",
            case.order or "",
            case.expires.isoformat() if case.expires else "",
        )
    return table


def listings_table(listings: list[Listing], *, serial: int) -> Table:
    table = Table(title=f"{len(listings)} listed names (zone serial {serial})", title_justify="left")
    for column in ("name", "case", "action", "since", "decided by", "reason"):
        table.add_column(column)
    for listing in listings:
        table.add_row(
            listing.name,
            listing.case,
            listing.action,
            listing.since.isoformat(timespec="seconds"),
            listing.decided_by,
            listing.reason,
        )
    return table


def scan_json(report: ScanReport) -> dict[str, Any]:
    return {
        "case": report.case.name,
        "serial": report.serial,
        "permutations_checked": report.permutations_checked,
        "ct_entries_read": report.ct_entries_read,
        "warnings": list(report.warnings),
        "candidates": [_result_json(r) for r in report.results],
    }


def _result_json(result: ScanResult) -> dict[str, Any]:
    capture = result.capture
    return {
        **candidate_json(result.candidate, result.verdict),
        "dns": capture.dns.outcome,
        "addresses": list(capture.dns.addresses),
        "status": capture.status,
        "final_url": capture.url,
        "error": capture.error,
        "listed": result.listed,
    }


def candidate_json(candidate: Candidate, verdict: Verdict | None) -> dict[str, Any]:
    return {
        "case": candidate.case,
        "name": candidate.name,
        "source": candidate.source,
        "detail": candidate.detail,
        "found_at": candidate.found_at.isoformat(),
        "state": candidate.state,
        "verdict": verdict.label if verdict else None,
        "score": verdict.score if verdict else None,
        "signals": [asdict(s) for s in verdict.signals] if verdict else [],
        "reasons": verdict.reasons if verdict else None,
    }


def record_json(record: Case | Listing) -> dict[str, Any]:
    return {k: _plain(v) for k, v in asdict(record).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _label(result: ScanResult) -> str:
    return result.verdict.label if result.verdict else result.candidate.state
