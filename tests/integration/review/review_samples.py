"""Moments, cases and judged candidates shared by the review desk tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from mirrorhunt.model import Candidate, Case, Verdict, VerdictLabel
from mirrorhunt.store import Store

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def open_case(store: Store, name: str, *, four_eyes: bool = False, auto_list: bool = False) -> Case:
    case = Case(
        name=name,
        url=f"https://{name}.fr/",
        auto_list=auto_list,
        four_eyes=four_eyes,
        order="TJ Paris, ord. réf. 26/00042",
        expires=date(2026, 12, 31),
        created_at=START,
    )
    store.add_case(case)
    return case


def judged(
    store: Store, case: str, name: str, *, label: VerdictLabel, score: float, age_minutes: int = 0
) -> None:
    """A candidate found ``age_minutes`` before the start, with a verdict."""
    found_at = START - timedelta(minutes=age_minutes)
    store.add_candidate(Candidate(case=case, name=name, source="tip", found_at=found_at))
    verdict = Verdict(label=label, score=score, decided_by="matcher/1")
    store.add_verdict(case, name, verdict)
