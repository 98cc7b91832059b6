"""The listed names and the changes that led to them, replayed from the store's events.

Every ``listing.added`` or ``listing.removed`` event carries the store serial its change produced
(``detail["serial"]``): one change per serial, no gaps. Replaying them gives the names at any serial,
and the changes between two serials are what an IXFR (RFC 1995) sends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mirrorhunt.model import Event

KINDS = {"listing.added": True, "listing.removed": False}
FIRST_SERIAL = 1
"""The store serial of a new database, before any listing."""
DEFAULT_MAX_CHANGES = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """The store serial a change produced, the name, and whether it was listed (else delisted)."""

    serial: int
    name: str
    listed: bool


def changes_of(events: Iterable[Event]) -> list[Change]:
    """The listing changes among ``events`` that carry a serial, in serial order."""
    changes = [
        Change(serial=int(event.detail["serial"]), name=event.subject, listed=KINDS[event.kind])
        for event in events
        if event.kind in KINDS and isinstance(event.detail.get("serial"), int)
    ]
    return sorted(changes, key=lambda change: change.serial)


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    """What an IXFR carries: names to delist, names to list."""

    removed: tuple[str, ...]
    added: tuple[str, ...]


class Journal:
    """The names listed at store serial ``head``, and the changes after ``start`` (at most ``max_changes``).

    ``apply`` takes changes in any order and with repeats; it stops at the first missing serial, so
    ``head`` is always a state the store really had. Older changes are forgotten beyond ``max_changes``
    and ``start`` moves up: a secondary older than ``start`` gets a full transfer.
    """

    def __init__(self, *, max_changes: int = DEFAULT_MAX_CHANGES) -> None:
        self.names: set[str] = set()
        self.head = FIRST_SERIAL
        self.start = FIRST_SERIAL
        self._max_changes = max_changes
        self._changes: list[Change] = []

    def apply(self, changes: Iterable[Change]) -> int:
        """Apply the changes right after ``head`` in serial order; how many were applied."""
        pending = {change.serial: change for change in changes if change.serial > self.head}
        applied = 0
        while (change := pending.get(self.head + 1)) is not None:
            if change.listed:
                self.names.add(change.name)
            else:
                self.names.discard(change.name)
            self._changes.append(change)
            self.head = change.serial
            applied += 1
        if len(self._changes) > self._max_changes:
            del self._changes[: len(self._changes) - self._max_changes]
            self.start = self._changes[0].serial - 1
        return applied

    def difference(self, since: int) -> Difference | None:
        """The net change from store serial ``since`` to ``head``; None when the journal does not reach."""
        if not self.start <= since <= self.head:
            return None
        state: dict[str, bool] = {}
        before: dict[str, bool] = {}
        for change in self._changes[since - self.start :]:
            before.setdefault(change.name, not change.listed)
            state[change.name] = change.listed
        moved = [name for name, listed in state.items() if listed != before[name]]
        return Difference(
            removed=tuple(sorted(n for n in moved if not state[n])),
            added=tuple(sorted(n for n in moved if state[n])),
        )

    def forget_before(self, serial: int) -> None:
        """Start the journal at ``serial`` (the start of an epoch): older secondaries get AXFR."""
        self.start = max(self.start, min(serial, self.head))
        self._changes = [change for change in self._changes if change.serial > self.start]
