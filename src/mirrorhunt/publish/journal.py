"""The listed names and the changes that led to them, replayed from the store's listing events.

Every ``listing.added`` or ``listing.removed`` event carries the store serial its change produced
(``detail["serial"]``). One serial is one version of the zone: a single listing or removal, or a whole
batch (``Store.add_listings``), whose events all carry the same serial. Serials have no gaps, so
replaying the changes gives the names at any serial, and the changes between two serials are what an
IXFR (RFC 1995) sends.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

FIRST_SERIAL = 1
"""The store serial of a new database, before any listing."""
DEFAULT_MAX_CHANGES = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """The store serial a change produced, the name, and whether it was listed (else delisted)."""

    serial: int
    name: str
    listed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    """What an IXFR carries: names to delist, names to list."""

    removed: tuple[str, ...]
    added: tuple[str, ...]


def _serial_of(change: Change) -> int:
    return change.serial


class Journal:
    """The names listed at store serial ``head``, and the changes after ``start`` (about ``max_changes``).

    ``apply`` takes changes in any order and with repeats; it stops at the first missing serial, so
    ``head`` is always a state the store really had. Older changes are forgotten, a whole serial at a
    time, beyond ``max_changes`` and ``start`` moves up: a secondary older than ``start`` gets a full
    transfer.
    """

    def __init__(self, *, max_changes: int = DEFAULT_MAX_CHANGES) -> None:
        self.names: set[str] = set()
        self.head = FIRST_SERIAL
        self.start = FIRST_SERIAL
        self._max_changes = max_changes
        self._changes: list[Change] = []

    def apply(self, changes: Iterable[Change]) -> int:
        """Apply the serials right after ``head``, in serial order; how many changes were applied.

        The changes of one serial are applied in the order given (the order of their events).
        """
        pending: dict[int, dict[str, Change]] = {}
        for change in changes:
            if change.serial > self.head:
                pending.setdefault(change.serial, {})[change.name] = change
        applied = 0
        while (batch := pending.pop(self.head + 1, None)) is not None:
            for change in batch.values():
                if change.listed:
                    self.names.add(change.name)
                else:
                    self.names.discard(change.name)
            self._changes.extend(batch.values())
            self.head += 1
            applied += len(batch)
        if len(self._changes) > self._max_changes:
            oldest_kept = self._changes[len(self._changes) - self._max_changes - 1].serial
            self._forget_through(oldest_kept)
        return applied

    def difference(self, since: int) -> Difference | None:
        """The net change from store serial ``since`` to ``head``; None when the journal does not reach."""
        if not self.start <= since <= self.head:
            return None
        state: dict[str, bool] = {}
        before: dict[str, bool] = {}
        for change in self._changes[bisect_right(self._changes, since, key=_serial_of) :]:
            before.setdefault(change.name, not change.listed)
            state[change.name] = change.listed
        moved = [name for name, listed in state.items() if listed != before[name]]
        return Difference(
            removed=tuple(sorted(n for n in moved if not state[n])),
            added=tuple(sorted(n for n in moved if state[n])),
        )

    def forget_before(self, serial: int) -> None:
        """Start the journal at ``serial`` (the start of an epoch): older secondaries get AXFR."""
        self._forget_through(max(self.start, min(serial, self.head)))

    def _forget_through(self, serial: int) -> None:
        del self._changes[: bisect_right(self._changes, serial, key=_serial_of)]
        self.start = serial
