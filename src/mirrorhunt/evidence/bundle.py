"""An evidence bundle for one candidate: its WARC files, a JSON summary, and a SHA256SUMS file.

Anyone can check it without mirrorhunt: ``sha256sum -c SHA256SUMS``, then any WARC reader.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mirrorhunt.errors import InvalidInput, NotFound
from mirrorhunt.evidence.folder import SUFFIX, EvidenceFolder
from mirrorhunt.model import Candidate, Capture, Reference
from mirrorhunt.names import host_of, normalize_name
from mirrorhunt.store import Store

SUMMARY = "summary.json"
SUMS = "SHA256SUMS"


@dataclass(frozen=True, slots=True, kw_only=True)
class Bundle:
    """What an export wrote."""

    folder: Path
    case: str
    name: str
    warcs: tuple[str, ...]
    """File names of the WARCs, oldest capture first."""
    summary: dict[str, Any]


def export_bundle(
    store: Store, evidence: EvidenceFolder, *, name: str, out: Path, case: str | None = None
) -> Bundle:
    """Write the bundle of ``name`` (in ``case``, or the one case that has it) into the new folder ``out``.

    ``name`` is a candidate, or the name of a reference captured live when the case was opened.
    Every WARC is checked against the SHA-256 recorded in the database before it is copied.
    """
    name = normalize_name(name)
    case = case if case is not None else _only_case(store, name)
    references = _references_named(store, case, name)
    try:
        candidate: Candidate | None = store.get_candidate(case, name)
    except NotFound:
        if not references:
            raise
        candidate = None
    captures = [
        capture for capture in store.captures(case, name) if capture.warc_path and capture.warc_sha256
    ]
    if not captures:
        raise NotFound(
            f"no capture of {name!r} in case {case!r} has evidence",
            hint=f"scan the case first: mirrorhunt scan {case}",
        )
    contents = [
        (capture, evidence.read(capture.warc_path or "", sha256=capture.warc_sha256 or ""))
        for capture in captures
    ]
    _prepare(out)
    files: dict[str, bytes] = {}
    for capture, data in contents:
        files[f"{capture.warc_sha256}{SUFFIX}"] = data
    verdict = store.latest_verdict(case, name)
    summary: dict[str, Any] = {
        "name": name,
        "case": case,
        "candidate": None
        if candidate is None
        else {
            "source": candidate.source,
            "detail": candidate.detail,
            "found_at": candidate.found_at.isoformat(),
            "state": candidate.state,
        },
        "references": [
            {"url": ref.url, "source": ref.source, "captured_at": ref.captured_at.isoformat()}
            for ref in references
        ],
        "verdict": None
        if verdict is None
        else {
            "label": verdict.label,
            "score": verdict.score,
            "decided_by": verdict.decided_by,
            "reasons": verdict.reasons,
        },
        "captures": [_capture_summary(capture) for capture, _ in contents],
    }
    files[SUMMARY] = (json.dumps(summary, indent=2, sort_keys=True) + "\n").encode()
    for file_name, data in files.items():
        (out / file_name).write_bytes(data)
    sums = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {file_name}\n" for file_name, data in sorted(files.items())
    )
    (out / SUMS).write_text(sums, encoding="ascii")
    return Bundle(
        folder=out,
        case=case,
        name=name,
        warcs=tuple(f"{capture.warc_sha256}{SUFFIX}" for capture, _ in contents),
        summary=summary,
    )


def _references_named(store: Store, case: str, name: str) -> list[Reference]:
    """The case's references captured from ``name``: the case's URL, or where it led."""
    case_host = host_of(store.get_case(case).url)
    return [ref for ref in store.references(case) if name in (case_host, _host(ref.url))]


def _host(url: str) -> str | None:
    try:
        return host_of(url)
    except InvalidInput:
        return None


def _only_case(store: Store, name: str) -> str:
    cases = sorted({candidate.case for candidate in store.candidates() if candidate.name == name})
    cases = cases or sorted(
        case.name for case in store.list_cases() if _references_named(store, case.name, name)
    )
    if not cases:
        raise NotFound(f"{name!r} is not a candidate of any case", hint="`mirrorhunt candidates` lists them")
    if len(cases) > 1:
        raise InvalidInput(
            f"{name!r} is a candidate of several cases: {', '.join(cases)}", hint="name one with --case"
        )
    return cases[0]


def _prepare(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InvalidInput(f"{out} exists and is not an empty folder", hint="export into a new folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot create {out}: {exc.strerror}") from exc


def _capture_summary(capture: Capture) -> dict[str, Any]:
    return {
        "started_at": capture.started_at.isoformat(),
        "url": capture.url,
        "status": capture.status,
        "error": capture.error,
        "dns": capture.dns.outcome,
        "addresses": list(capture.dns.addresses),
        "redirects": [hop.url for hop in capture.redirects],
        "tls_verified": capture.tls_verified,
        "tls_error": capture.tls_error,
        "certificate_sha256": hashlib.sha256(capture.certificate).hexdigest()
        if capture.certificate
        else None,
        "body_sha256": hashlib.sha256(capture.body).hexdigest(),
        "warc": f"{capture.warc_sha256}{SUFFIX}",
        "warc_sha256": capture.warc_sha256,
    }
