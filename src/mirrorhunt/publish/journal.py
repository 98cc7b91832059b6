"""The listed names and the changes that led to them, replayed from the store's listing events.

Every ``listing.added``, ``listing.changed`` (a new action) or ``listing.removed`` event carries the
store serial its change produced (``detail["serial"]``). One serial is one version of the zone: a single
listing, removal or change of action, or a whole batch (``Store.add_listings``), whose events all carry
the same serial. Serials have no gaps, so replaying the changes gives the names and their actions at any
serial, and the changes between two serials are what an IXFR (RFC 1995) sends: a new action is the old
records removed and the new added.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from mirrorhunt.model import ListingAction

FIRST_SERIAL = 1
"""The store serial of a new database, before any listing."""
DEFAULT_MAX_CHANGES = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """The store serial a change produced, the name, whether it is listed (else delisted) and its action."""

    serial: int
    name: str
    listed: bool
    action: ListingAction = "nxdomain"


Entry = tuple[str, ListingAction]
"""A listed name and its action."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    """What an IXFR carries: the entries to remove, the entries to add (a name whose action changed is
    in both)."""

    removed: tuple[Entry, ...]
    added: tuple[Entry, ...]


_Step = tuple[int, str, ListingAction | None, ListingAction | None]
"""A change as applied: its serial, the name, and the name's action before and after it (None: not
listed). A plain tuple: a million of them are made when a primary loads a million names."""


def _serial_of(step: _Step) -> int:
    return step[0]


class Journal:
    """The names listed at store serial ``head`` with their actions, and the changes after ``start``
    (about ``max_changes``).

    ``apply`` takes changes in any order and with repeats; it stops at the first missing serial, so
    ``head`` is always a state the store really had. Older changes are forgotten, a whole serial at a
    time, beyond ``max_changes`` and ``start`` moves up: a secondary older than ``start`` gets a full
    transfer.
    """

    def __init__(self, *, max_changes: int = DEFAULT_MAX_CHANGES) -> None:
        self.names: dict[str, ListingAction] = {}
        self.head = FIRST_SERIAL
        self.start = FIRST_SERIAL
        self._max_changes = max_changes
        self._changes: list[_Step] = []

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
            names, steps = self.names, self._changes
            for change in batch.values():
                name = change.name
                if change.listed:
                    steps.append((change.serial, name, names.get(name), change.action))
                    names[name] = change.action
                else:
                    steps.append((change.serial, name, names.pop(name, None), None))
            self.head += 1
            applied += len(batch)
        if len(self._changes) > self._max_changes:
            oldest_kept = self._changes[len(self._changes) - self._max_changes - 1][0]
            self._forget_through(oldest_kept)
        return applied

    def difference(self, since: int) -> Difference | None:
        """The net change from store serial ``since`` to ``head``; None when the journal does not reach."""
        if not self.start <= since <= self.head:
            return None
        first: dict[str, ListingAction | None] = {}
        last: dict[str, ListingAction | None] = {}
        for _serial, name, before, after in self._changes[
            bisect_right(self._changes, since, key=_serial_of) :
        ]:
            first.setdefault(name, before)
            last[name] = after
        moved = sorted(name for name, after in last.items() if after != first[name])
        return Difference(
            removed=tuple((n, action) for n in moved if (action := first[n]) is not None),
            added=tuple((n, action) for n in moved if (action := last[n]) is not None),
        )

    def forget_before(self, serial: int) -> None:
        """Start the journal at ``serial`` (the start of an epoch): older secondaries get AXFR."""
        self._forget_through(max(self.start, min(serial, self.head)))

    def _forget_through(self, serial: int) -> None:
        del self._changes[: bisect_right(self._changes, serial, key=_serial_of)]
        self.start = serial
