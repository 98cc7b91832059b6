"""Opening a case, and tips: everything is checked before anything is written."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.errors import InvalidInput, InvalidName, ProbeError
from mirrorhunt.evidence import EvidenceFolder
from mirrorhunt.model import Candidate, Capture, Case, Reference
from mirrorhunt.names import host_of, is_public_suffix, normalize_name
from mirrorhunt.probe import Prober
from mirrorhunt.store import Store

_CASE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_REFERENCE_BYTES = 5_000_000


async def open_case(
    *,
    store: Store,
    settings: Settings,
    name: str,
    url: str,
    reference: Path | None = None,
    favicon: Path | None = None,
    keywords: Sequence[str] = (),
    auto_list: bool = False,
    four_eyes: bool = False,
    order: str | None = None,
    expires: date | None = None,
    clock: Clock | None = None,
) -> Case:
    """Create a case with its reference page: from a file, or captured once from the live URL.

    A live capture is kept as evidence like a scan's: its WARC in the evidence folder, referenced by a
    capture of the case under the reference's name (``mirrorhunt evidence export NAME --case CASE``).
    """
    clock = clock or SystemClock()
    if not _CASE_NAME.match(name):
        raise InvalidInput(
            f"{name!r} is not a usable case name", hint="lower-case letters, digits, - and _, at most 64"
        )
    host_of(url)
    words = tuple(sorted({w.strip().lower() for w in keywords if w.strip()}))
    case = Case(
        name=name,
        url=url,
        keywords=words,
        auto_list=auto_list,
        four_eyes=four_eyes,
        order=order,
        expires=expires,
        created_at=clock.now(),
    )
    icon = _read(favicon, what="favicon") if favicon else None
    capture: Capture | None = None
    if reference is not None:
        html = _read(reference, what="reference page").decode("utf-8", "replace")
        ref = Reference(
            case=name,
            url=url,
            html=html,
            favicon=icon,
            source=f"file:{reference.name}",
            captured_at=clock.now(),
        )
    else:
        capture = await _capture_live(case, settings=settings, clock=clock)
        ref = Reference(
            case=name,
            url=capture.url or url,
            html=capture.body.decode("utf-8", "replace"),
            favicon=icon or capture.favicon,
            source="live",
            captured_at=capture.started_at,
        )
    store.add_case(case, references=[ref])
    if capture is not None:
        store.add_capture(name, capture)
    return case


async def _capture_live(case: Case, *, settings: Settings, clock: Clock) -> Capture:
    async with Prober(settings, clock=clock, evidence=EvidenceFolder.from_settings(settings)) as prober:
        capture = await prober.capture(case.url)
    if not capture.fetched or not capture.body:
        raise ProbeError(
            f"could not capture the reference page {case.url}: {capture.error or 'empty page'}",
            hint="save the page and give it with --reference FILE.html",
        )
    return capture


def submit_tip(*, store: Store, case: str, name: str, detail: str = "", clock: Clock | None = None) -> bool:
    """A name proposed by a person; True when it is new for the case."""
    clock = clock or SystemClock()
    store.get_case(case)
    normal = _tip_name(name)
    if is_public_suffix(normal):
        raise InvalidName(
            f"{normal} is a public suffix: anybody can register under it, it cannot be a mirror"
        )
    return store.add_candidate(
        Candidate(
            case=case, name=normal, source="tip", detail=detail or "submitted by hand", found_at=clock.now()
        )
    )


def _tip_name(text: str) -> str:
    return host_of(text) if "://" in text else normalize_name(text)


def _read(path: Path, *, what: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_REFERENCE_BYTES:
            raise InvalidInput(
                f"the {what} {path} is {size:,} bytes", hint=f"at most {MAX_REFERENCE_BYTES:,}"
            )
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read the {what} {path}: {exc.strerror}", hint="check the path") from exc
