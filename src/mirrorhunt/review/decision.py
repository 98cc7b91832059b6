"""What the review desk hands out: decisions, items of the queue, contests. Frozen, free of I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

DecisionKind = Literal[
    "listed",  # approved, and on the list
    "pending_second_approval",  # one of the two approvals of a four-eyes case
    "rejected",
    "second_opinion",
    "delisted",  # a proposal to delist, approved
    "kept",  # a proposal to delist, rejected: the listing stays
    "delist_proposed",
    "contest_upheld",  # the listing stays
    "contest_granted",  # the name is delisted
    "confirmed",  # a person confirmed a name the machine listed
]
ItemKind = Literal["listing", "delist", "contest", "confirm"]
"""What a queue item asks for: list a name, delist one the re-checks no longer see, answer a contest,
or confirm a name the machine listed (approve confirms it, reject withdraws it)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """One step a person (or the monitor) took on a name, as the record shows it."""

    kind: DecisionKind
    case: str
    name: str
    actor: str
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueItem:
    """A name waiting for a person, with what the matcher said of it and who already approved."""

    case: str
    name: str
    verdict: str
    """The latest verdict's label (``mirror`` or ``review``), or ``none`` for a listed name never judged."""
    score: float
    found_at: datetime
    state: str
    """``open``, ``pending`` (approved once, needs another approver) or ``second_opinion``."""
    approvals: tuple[str, ...]
    needs: int
    """Approvals still needed before the decision takes effect."""
    kind: ItemKind = "listing"
    contest: int | None = None
    """The contest's id, for an item of kind ``contest``."""
    due: datetime | None = None
    """When a contest must be decided, or when an unconfirmed machine listing is withdrawn."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Contest:
    """A site owner's statement that a listed name is not a mirror, and what became of it."""

    id: int
    case: str
    name: str
    contact: str
    statement: str
    opened_at: datetime
    deadline: datetime
    state: Literal["open", "upheld", "granted"]
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
