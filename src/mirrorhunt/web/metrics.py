"""``/metrics`` in the Prometheus text format (version 0.0.4): counts read from the store, rendered by hand.

``collect`` reads (a few GROUP BY queries); ``render`` is pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from mirrorhunt.store import Store, schema

DECISION_BUCKETS = (60.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 12 * 3600.0, 86400.0, 3 * 86400.0, 7 * 86400.0)
"""Seconds from a candidate's discovery to its listing: a minute to a week."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Metrics:
    candidates: Mapping[str, int]
    """By state."""
    verdicts: Mapping[str, int]
    """By label, every verdict ever given."""
    listings: Mapping[str, int]
    """By action."""
    decision_seconds: Sequence[float]
    """For each listed name, seconds from its discovery to its listing."""
    probe_errors: int
    """Captures that ended in an error (timeout, refusal, garbage)."""


def candidate_states(store: Store, *, case: str | None = None) -> dict[str, int]:
    table = schema.candidates
    query = sa.select(table.c.state, sa.func.count()).group_by(table.c.state)
    if case is not None:
        query = query.where(table.c.case_name == case)
    with store.reading() as conn:
        return {state: count for state, count in conn.execute(query)}


def collect(store: Store) -> Metrics:
    verdicts, listings, candidates = schema.verdicts, schema.listings, schema.candidates
    joined = listings.join(
        candidates,
        sa.and_(candidates.c.case_name == listings.c.case_name, candidates.c.name == listings.c.name),
    )
    with store.reading() as conn:
        labels: dict[str, int] = dict(
            conn.execute(sa.select(verdicts.c.label, sa.func.count()).group_by(verdicts.c.label)).all()
        )
        actions: dict[str, int] = dict(
            conn.execute(sa.select(listings.c.action, sa.func.count()).group_by(listings.c.action)).all()
        )
        spans = conn.execute(sa.select(listings.c.since, candidates.c.found_at).select_from(joined)).all()
        errors = conn.execute(
            sa.select(sa.func.count())
            .select_from(schema.captures)
            .where(schema.captures.c.error.is_not(None))
        ).scalar_one()
    return Metrics(
        candidates=candidate_states(store),
        verdicts=labels,
        listings=actions,
        decision_seconds=[max(0.0, (since - found).total_seconds()) for since, found in spans],
        probe_errors=errors,
    )


def render(metrics: Metrics) -> str:
    """The exposition text: HELP and TYPE lines, then samples, labels escaped as the format requires."""
    lines: list[str] = []
    _family(lines, "mirrorhunt_candidates", "gauge", "Candidates by state.", "state", metrics.candidates)
    _family(lines, "mirrorhunt_verdicts", "gauge", "Verdicts given, by label.", "verdict", metrics.verdicts)
    _family(lines, "mirrorhunt_listings", "gauge", "Listed names, by action.", "action", metrics.listings)
    name = "mirrorhunt_decision_seconds"
    lines += [f"# HELP {name} Seconds from a name's discovery to its listing.", f"# TYPE {name} histogram"]
    spans = sorted(metrics.decision_seconds)
    for bound in DECISION_BUCKETS:
        lines.append(f'{name}_bucket{{le="{bound:g}"}} {sum(1 for s in spans if s <= bound)}')
    lines += [
        f'{name}_bucket{{le="+Inf"}} {len(spans)}',
        f"{name}_sum {sum(spans):g}",
        f"{name}_count {len(spans)}",
    ]
    lines += [
        "# HELP mirrorhunt_probe_errors Captures that ended in an error.",
        "# TYPE mirrorhunt_probe_errors gauge",
        f"mirrorhunt_probe_errors {metrics.probe_errors}",
    ]
    return "\n".join(lines) + "\n"


def _family(
    lines: list[str], name: str, kind: str, help_: str, label: str, values: Mapping[str, int]
) -> None:
    lines += [f"# HELP {name} {help_}", f"# TYPE {name} {kind}"]
    lines += [f'{name}{{{label}="{_escape(key)}"}} {count}' for key, count in sorted(values.items())]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
