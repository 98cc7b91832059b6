"""Reference and candidate side by side: what a reviewer needs to see to agree or disagree with the matcher.

Pure: built from the stored reference, capture and verdict; nothing is fetched and nothing of the
captured page is rendered here (``preview`` does that, inertly).
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from cryptography import x509
from selectolax.lexbor import LexborHTMLParser

from mirrorhunt.fingerprint.decode import decode_html
from mirrorhunt.fingerprint.dom import tag_paths
from mirrorhunt.fingerprint.indicators import LABELS, find_indicators
from mirrorhunt.model import Capture, Reference, Signal, Verdict

MAX_LINES = 400
MAX_LINE_CHARS = 300
MAX_DIFF_LINES = 80
CONTEXT = 1
MAX_PATHS = 12
_HIDDEN = ["script", "style", "noscript", "template"]

LineKind = Literal["same", "removed", "added", "gap"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffLine:
    """One line of the text difference: ``removed`` is only in the reference, ``added`` only in the
    candidate, ``gap`` stands for ``text`` unchanged lines left out."""

    kind: LineKind
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorRow:
    label: str
    value: str
    in_reference: bool
    in_candidate: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Certificate:
    subject: str
    issuer: str
    names: tuple[str, ...]
    not_before: datetime
    not_after: datetime
    sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Structure:
    """Tag paths (``body/div/ul/li``) the two pages share, and samples of those only one of them has."""

    shared: int
    only_reference: tuple[str, ...]
    only_candidate: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    reference_title: str
    candidate_title: str
    signals: tuple[Signal, ...]
    """Strongest first."""
    indicators: tuple[IndicatorRow, ...]
    text: tuple[DiffLine, ...]
    structure: Structure
    certificate: Certificate | None
    """The candidate's leaf certificate, when it sent one that parses."""


def compare(*, reference: Reference, capture: Capture | None, verdict: Verdict | None) -> Comparison:
    """Everything the candidate page shows beside the raw capture fields."""
    candidate_html = decode_html(capture.body, headers=capture.headers) if capture is not None else ""
    ours, theirs = LexborHTMLParser(reference.html), LexborHTMLParser(candidate_html)
    return Comparison(
        reference_title=_title(ours),
        candidate_title=_title(theirs),
        signals=tuple(sorted(verdict.signals, key=lambda s: -s.value)) if verdict else (),
        indicators=_indicators(reference.html, candidate_html),
        text=text_difference(_lines(ours), _lines(theirs)),
        structure=_structure(ours, theirs),
        certificate=certificate_summary(capture.certificate) if capture is not None else None,
    )


def text_difference(before: list[str], after: list[str]) -> tuple[DiffLine, ...]:
    """A compact line difference: changed lines with ``CONTEXT`` lines around them, runs of unchanged
    lines folded into one ``gap``, at most ``MAX_DIFF_LINES`` lines in all."""
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same = before[i1:i2]
            if len(same) > 2 * CONTEXT + 1:
                head = same[:CONTEXT] if lines else []
                tail = same[-CONTEXT:] if i2 < len(before) or j2 < len(after) else []
                lines += [DiffLine(kind="same", text=t) for t in head]
                lines.append(DiffLine(kind="gap", text=str(len(same) - len(head) - len(tail))))
                lines += [DiffLine(kind="same", text=t) for t in tail]
            else:
                lines += [DiffLine(kind="same", text=t) for t in same]
            continue
        lines += [DiffLine(kind="removed", text=t) for t in before[i1:i2]]
        lines += [DiffLine(kind="added", text=t) for t in after[j1:j2]]
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], DiffLine(kind="gap", text=str(len(lines) - MAX_DIFF_LINES))]
    return tuple(lines)


def certificate_summary(der: bytes | None) -> Certificate | None:
    """Subject, issuer, names and validity of a DER certificate; None when there is none or it is garbage."""
    if not der:
        return None
    try:
        cert = x509.load_der_x509_certificate(der)
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            names = tuple(san.get_values_for_type(x509.DNSName))
        except x509.ExtensionNotFound:
            names = ()
        return Certificate(
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            names=names[:50],
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            sha256=hashlib.sha256(der).hexdigest(),
        )
    except ValueError:
        return None


def _title(parser: LexborHTMLParser) -> str:
    node = parser.css_first("title")
    return " ".join(node.text().split())[:200] if node is not None else ""


def _lines(parser: LexborHTMLParser) -> list[str]:
    """The visible text, one block per line, blank lines dropped."""
    parser.strip_tags(_HIDDEN)
    root = parser.body or parser.root
    text = root.text(separator="\n") if root is not None else ""
    lines = (" ".join(line.split())[:MAX_LINE_CHARS] for line in text.splitlines())
    return [line for line in lines if line][:MAX_LINES]


def _indicators(reference: str, candidate: str) -> tuple[IndicatorRow, ...]:
    ours, theirs = find_indicators(reference), find_indicators(candidate)
    return tuple(
        IndicatorRow(
            label=LABELS[found.kind],
            value=found.value,
            in_reference=found in ours,
            in_candidate=found in theirs,
        )
        for found in sorted(ours | theirs, key=lambda i: (i not in ours or i not in theirs, i.kind, i.value))
    )


def _structure(ours: LexborHTMLParser, theirs: LexborHTMLParser) -> Structure:
    a, b = tag_paths(ours.root), tag_paths(theirs.root)
    return Structure(
        shared=len(a & b),
        only_reference=tuple(sorted(a - b, key=lambda p: (p.count("/"), p))[:MAX_PATHS]),
        only_candidate=tuple(sorted(b - a, key=lambda p: (p.count("/"), p))[:MAX_PATHS]),
    )
