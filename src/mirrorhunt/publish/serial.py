"""Zone serials: RFC 1982 arithmetic, and the rule that keeps the published serial going up.

The store counts changes (``Store.zone_serial()``: 1, 2, 3 …, one per listing added or removed).
The primary publishes ``zone serial = base + (store serial - start)`` modulo 2**32, where the pair
``(start, base)`` is an ``Epoch`` opened each time the primary starts:

    base = the larger (RFC 1982) of  previous.zone_serial(store serial now) + 1  and  the clock in seconds

- ``previous + 1`` (the epoch kept in the store) makes a restart, even right after ``kill -9``, publish
  a serial above every one the same database could have produced: the epoch is saved before anything
  is served with it.
- ``the clock`` covers a database restored from an older backup: the restored epoch knows nothing of
  the serials served since the backup, but those were at most the clock of their own start plus the
  changes made since, so a restart later than that publishes above them. This holds while the
  zone changes less than once a second on average since the epoch began; a bulk import running far
  ahead of the clock needs as many seconds to pass before a restore is safe.

A restart therefore makes every secondary take one full transfer (AXFR): the journal of changes
(``journal.py``) only reaches back to the start of the current epoch.
"""

from __future__ import annotations

from dataclasses import dataclass

from mirrorhunt.errors import InvalidInput

MODULUS = 2**32
HALF = 2**31


def serial_add(serial: int, increment: int) -> int:
    """RFC 1982 §3.1: ``serial + increment`` modulo 2**32, for ``0 <= increment < 2**31``."""
    _check(serial)
    if not 0 <= increment < HALF:
        raise InvalidInput(f"serial increment {increment} is out of range", hint="from 0 to 2**31 - 1")
    return (serial + increment) % MODULUS


def serial_lt(a: int, b: int) -> bool:
    """RFC 1982 §3.2: ``a`` is older than ``b``; False when the two are exactly 2**31 apart (undefined)."""
    _check(a)
    _check(b)
    return a != b and ((a < b and b - a < HALF) or (a > b and a - b > HALF))


def serial_gt(a: int, b: int) -> bool:
    """``a`` is newer than ``b`` (RFC 1982)."""
    return serial_lt(b, a)


def serial_distance(older: int, newer: int) -> int:
    """How many increments lead from ``older`` to ``newer`` (0 to 2**32 - 1)."""
    _check(older)
    _check(newer)
    return (newer - older) % MODULUS


@dataclass(frozen=True, slots=True, kw_only=True)
class Epoch:
    """Store serial ``start`` is published as zone serial ``base``; each later change adds one."""

    start: int
    base: int

    def zone_serial(self, store_serial: int) -> int:
        """The zone serial of a store serial at or after ``start``."""
        if store_serial < self.start:
            raise InvalidInput(
                f"store serial {store_serial} is older than this epoch ({self.start})",
                hint="the database went back in time: restart the primary",
            )
        return (self.base + store_serial - self.start) % MODULUS

    def store_serial(self, zone_serial: int, *, current: int) -> int | None:
        """The store serial published as ``zone_serial`` in this epoch, up to ``current``; else None."""
        _check(zone_serial)
        behind = serial_distance(zone_serial, self.zone_serial(current))
        store_serial = current - behind
        return store_serial if store_serial >= self.start else None


def open_epoch(*, store_serial: int, previous: Epoch | None, now_seconds: int) -> Epoch:
    """The epoch of a starting primary: see the module docstring for why both floors are needed."""
    base = now_seconds % MODULUS
    if previous is not None and store_serial >= previous.start:
        after_previous = serial_add(previous.zone_serial(store_serial), 1)
        if not serial_gt(base, after_previous):
            base = after_previous
    return Epoch(start=store_serial, base=base)


def _check(serial: int) -> None:
    if not 0 <= serial < MODULUS:
        raise InvalidInput(f"serial {serial} is out of range", hint="a serial is from 0 to 2**32 - 1")
