"""The machine lists a mirror of an auto-list case only where the safeguards allow it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from review_samples import START

from mirrorhunt.clock import FixedClock
from mirrorhunt.engine.scan import case_references, judge
from mirrorhunt.lab.demo.scenario import SEIZED
from mirrorhunt.model import Candidate, Capture, Case, DnsResult, Reference
from mirrorhunt.store import Store

PAGE = (SEIZED / "index.html").read_text(encoding="utf-8")
ICON = (SEIZED / "favicon.ico").read_bytes()


def mirror_capture(name: str) -> Capture:
    """The seized page itself, served under ``name``."""
    return Capture(
        name=name,
        dns=DnsResult(name=name, outcome="resolves", addresses=("127.0.0.9",)),
        url=f"https://{name}/",
        status=200,
        headers=(("content-type", "text/html; charset=utf-8"),),
        body=PAGE.encode(),
        favicon=ICON,
        started_at=START,
    )


@pytest.mark.parametrize(
    ("name", "listed"),
    [
        ("salon-lumiere.gg", True),
        ("salon-lumiere.github.io", True),  # the exact name on a shared platform
        ("salon.wikipedia.org", False),  # below a popular domain
        ("amazonaws.com", False),  # a shared platform's own domain
    ],
)
def test_the_machine_lists_only_what_the_safeguards_allow(
    store: Store, clock: FixedClock, name: str, listed: bool
) -> None:
    case = Case(name="lumiere", url="https://salon-lumiere.fr/", auto_list=True, created_at=START)
    reference = Reference(
        case="lumiere", url=case.url, html=PAGE, favicon=ICON, source="file:index.html", captured_at=START
    )
    store.add_case(case, references=[reference])
    candidate = Candidate(case="lumiere", name=name, source="tip", found_at=START - timedelta(minutes=5))
    store.add_candidate(candidate)
    result = judge(
        case, candidate, mirror_capture(name), case_references(case, store=store), store=store, clock=clock
    )
    assert result.verdict is not None and result.verdict.label == "mirror"
    assert result.listed is listed
    assert [listing.name for listing in store.listings()] == ([name] if listed else [])
