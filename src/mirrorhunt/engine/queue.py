"""The monitor's single probe queue: which channel goes first, and when a name is probed again. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from mirrorhunt.config import MonitorSettings

URGENT = 0
"""Fresh CT hits, redirects, announcements and tips: a mirror announced now is probed now."""
PIVOT = 1
SEIZED = 2
"""The seized names themselves, watched for redirects and announcements."""
SWEEP = 5
"""Names found by the background permutation sweeps."""


def next_probe(state: str, *, now: datetime, pace: MonitorSettings) -> datetime:
    """When a candidate left in ``state`` by a probe is probed again: names that do not exist now less
    often than those that answer (a parked page may become a mirror; so may a gone name, later)."""
    seconds = pace.reprobe_gone_every if state == "gone" else pace.reprobe_every
    return now + timedelta(seconds=seconds)
