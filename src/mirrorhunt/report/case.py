"""The case report for investigators and courts: the seized platform, the mirrors found and how, the
evidence and its hashes, the decisions, and the infrastructure that links the sites. Pure: a ``CaseFile``
in, one self-contained HTML page out. Page content is never rendered: titles and identifiers are text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from mirrorhunt.fingerprint.indicators import describe
from mirrorhunt.model import Candidate, Capture, Case, Event, Listing, Reference, Verdict
from mirrorhunt.report.facts import CaptureFacts, capture_facts, reference_facts
from mirrorhunt.report.graph import InfraGraph, drawable, infrastructure_graph
from mirrorhunt.report.page import code, document, facts, nowrap, table, when
from mirrorhunt.report.svg import graph_svg

TOP_SIGNALS = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class MirrorFile:
    """What the store holds about one mirror of the case."""

    name: str
    candidate: Candidate | None
    """None for a name listed by hand, never proposed by a source."""
    verdict: Verdict | None
    listing: Listing | None
    """None when the name is judged a mirror but not (or no longer) listed."""
    captures: tuple[Capture, ...]
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseFile:
    case: Case
    references: tuple[Reference, ...]
    mirrors: tuple[MirrorFile, ...]
    generated_at: datetime


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).rstrip(".")


def case_graph(case_file: CaseFile) -> InfraGraph:
    """The graph of the mirrors' captures, with the seized site's references."""
    seized: dict[str, list[CaptureFacts]] = {}
    for reference in case_file.references:
        seized.setdefault(_host(reference.url), []).append(reference_facts(reference))
    return infrastructure_graph(
        names={m.name: [capture_facts(c) for c in m.captures] for m in case_file.mirrors}, seized=seized
    )


def _policy(case: Case) -> str:
    if case.auto_list:
        return "automatic for mirrors"
    return "after review by two approvers" if case.four_eyes else "after review"


def _reference_row(reference: Reference) -> tuple[object, ...]:
    fact = reference_facts(reference)
    captured = nowrap(when(reference.captured_at))
    return (reference.url, reference.source, captured, fact.title, code(fact.body_sha256))


def _platform(case_file: CaseFile) -> Markup:
    case = case_file.case
    references = [_reference_row(reference) for reference in case_file.references]
    return Markup("<section><h2>1. The seized platform</h2>{}<h3>Reference copies</h3>{}</section>").format(
        facts(
            [
                ("Case", case.name),
                ("Seized site", case.url),
                ("Legal order", case.order or "—"),
                ("Order expires", when(case.expires)),
                ("Case opened", when(case.created_at)),
                ("Listing", _policy(case)),
                ("Keywords watched", ", ".join(case.keywords) or "—"),
            ]
        ),
        table(
            headers=("URL", "source", "captured", "page title (as text)", "SHA-256 of the HTML"),
            rows=references,
            empty="no reference copy",
        ),
    )


def _found(case_file: CaseFile) -> Markup:
    rows = [
        (
            nowrap(m.name),
            "—" if m.candidate is None else m.candidate.source,
            "—" if m.candidate is None else m.candidate.detail or "—",
            "—" if m.candidate is None else nowrap(when(m.candidate.found_at)),
            "not listed" if m.listing is None else nowrap(when(m.listing.since)),
        )
        for m in case_file.mirrors
    ]
    return Markup(
        "<section><h2>2. The mirrors found, and how</h2>"
        "<p>{} mirror(s). The source is what first proposed the name: a permutation of the seized name, "
        "a Certificate Transparency log, a redirect, a tip, a shared identifier.</p>{}</section>"
    ).format(
        len(case_file.mirrors),
        table(
            headers=("name", "found by", "detail", "found at", "listed since"),
            rows=rows,
            empty="no mirror found",
        ),
    )


def _decision(mirror: MirrorFile) -> Markup:
    verdict, listing = mirror.verdict, mirror.listing
    rows: list[tuple[str, object]] = []
    if verdict is not None:
        signals = sorted(verdict.signals, key=lambda s: s.value, reverse=True)[:TOP_SIGNALS]
        rows += [
            ("Verdict", f"{verdict.label}, score {verdict.score:.2f}"),
            ("Decided by", verdict.decided_by),
            ("Compared with", verdict.reference_url or "—"),
            (
                "Strongest signals",
                Markup("<br>").join(f"{s.explanation} ({s.kind}, {s.value:.2f})" for s in signals) or "—",
            ),
        ]
    if listing is not None:
        rows += [
            ("Listed", f"{when(listing.since)}, action {listing.action}"),
            ("Listing decided by", listing.decided_by),
            ("Reason", listing.reason),
            ("Listing expires", when(listing.expires)),
        ]
    return Markup("<h3>{}</h3>{}").format(mirror.name, facts(rows or [("Decision", "none on record")]))


def _graph(graph: InfraGraph, *, case: str) -> Markup:
    shared = [
        (node.label, node.kind, Markup(", ").join(map(nowrap, names))) for node, names in graph.shared()
    ]
    drawn = drawable(graph)
    left_out = len(graph.nodes) - len(drawn.nodes)
    return Markup(
        '<section class="major"><h2>4. Infrastructure graph</h2>'
        "<p>Names (the seized site in red, mirrors in blue) joined to the addresses they resolve to, the "
        "certificates they serve, their favicons and the analytics and other IDs in their pages.{}</p>"
        "{}<h3>Shared by two sites or more</h3>{}</section>"
    ).format(
        f" The picture leaves out {left_out} of {len(graph.nodes)} items, those the fewest sites have; "
        "the table below lists everything shared."
        if left_out
        else "",
        graph_svg(drawn, title=f"Infrastructure of case {case}"),
        table(headers=("shared item", "kind", "sites"), rows=shared, empty="nothing shared"),
    )


def _capture(capture: Capture) -> Markup:
    fact = capture_facts(capture)
    redirects = " → ".join(f"{hop.status} {hop.url}" for hop in capture.redirects)
    rows: list[tuple[str, object]] = [
        ("Captured", when(capture.started_at)),
        ("URL", capture.url or "—"),
        ("HTTP status", capture.status if capture.status is not None else capture.error or "—"),
        ("DNS", f"{capture.dns.outcome} {', '.join(capture.dns.addresses)}".strip()),
        ("Redirects", redirects or "—"),
        ("Page title (as text)", fact.title or "—"),
        (
            "Body SHA-256",
            Markup("{} ({} bytes{})").format(
                code(fact.body_sha256), fact.body_bytes, ", cut at the size cap" if capture.truncated else ""
            ),
        ),
        ("WARC file", code(capture.warc_path)),
        ("WARC SHA-256", code(capture.warc_sha256)),
        ("Certificate SHA-256", code(fact.certificate_sha256)),
        ("Chain SHA-256", Markup("<br>").join(code(sha) for sha in fact.chain_sha256) or "—"),
        (
            "TLS",
            "—"
            if capture.tls_verified is None
            else "verified"
            if capture.tls_verified
            else f"not verified: {capture.tls_error}",
        ),
        (
            "Favicon",
            Markup("hash {}, SHA-256 {}").format(fact.favicon_hash, code(fact.favicon_sha256))
            if fact.favicon_hash is not None
            else "—",
        ),
        ("Identifiers in the page", ", ".join(describe(i) for i in fact.indicators) or "—"),
    ]
    return facts(rows)


def _evidence(mirrors: Sequence[MirrorFile]) -> Markup:
    parts = [
        Markup("<h3>{}</h3>{}").format(
            m.name,
            Markup("").join(_capture(c) for c in m.captures) or Markup('<p class="empty">no capture</p>'),
        )
        for m in mirrors
    ]
    return Markup(
        '<section class="major"><h2>5. Evidence and its hashes</h2>'
        "<p>Each capture as the probe recorded it. The WARC file holds the exchange byte for byte; its "
        "SHA-256 and the body's let anyone check the copy they were given.</p>{}</section>"
    ).format(Markup("").join(parts))


def _detail(detail: Mapping[str, Any]) -> str:
    """``key: value; …``, values that are not text in JSON."""
    return "; ".join(
        f"{key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)}"
        for key, value in sorted(detail.items())
    )


def _events(mirrors: Sequence[MirrorFile]) -> Markup:
    parts = [
        Markup("<h3>{}</h3>{}").format(
            m.name,
            table(
                headers=("at", "event", "detail"),
                rows=[(nowrap(when(e.at)), e.kind, _detail(e.detail)) for e in m.events],
            ),
        )
        for m in mirrors
    ]
    return Markup('<section class="major"><h2>6. Record of events</h2>{}</section>').format(
        Markup("").join(parts)
    )


def case_report_html(case_file: CaseFile) -> str:
    """The whole report; sections start on a new page when printed."""
    case = case_file.case
    mirrors = case_file.mirrors
    body = Markup(
        "<h1>Case report: {}</h1>"
        '<p class="meta">Prepared by mirrorhunt on {} from its records. Content taken from the sites is '
        "reproduced as text only and was never rendered.</p>{}{}"
        '<section class="major"><h2>3. Decisions</h2>{}</section>{}{}{}'
    ).format(
        case.name,
        when(case_file.generated_at),
        _platform(case_file),
        _found(case_file),
        Markup("").join(_decision(m) for m in mirrors) or Markup('<p class="empty">no decision</p>'),
        _graph(case_graph(case_file), case=case.name),
        _evidence(mirrors),
        _events(mirrors),
    )
    return document(title=f"Case report: {case.name}", body=body)
