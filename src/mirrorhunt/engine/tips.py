"""Tips from people and partners: ``mirrorhunt submit`` and the API's tip endpoint call ``accept_tip``.

A tip is hostile until shown otherwise: its name must be a usable domain name that is not a public
suffix (``submit_tip``), its note is cut short and stripped of control characters, each source (an
API token, an address, the command line) may send only so many in a while, and a name the case
already has is not added twice.
"""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.engine.cases import submit_tip
from mirrorhunt.errors import InvalidInput, RateLimited
from mirrorhunt.store import Store

MAX_DETAIL_CHARS = 500
MAX_SOURCE_CHARS = 200


class TipLimiter:
    """At most ``burst`` tips from one source in any ``window`` seconds. Kept in memory: one for each
    process that takes tips; a restart forgets it."""

    def __init__(self, *, burst: int = 30, window: float = 3600.0) -> None:
        if burst < 1 or window <= 0:
            raise InvalidInput(f"a tip limit needs a burst >= 1 and a window > 0, not {burst} and {window}")
        self.burst = burst
        self.window = window
        self._seen: dict[str, deque[float]] = {}

    def take(self, source: str, *, now: datetime) -> None:
        """Count one tip from ``source``; ``RateLimited`` (nothing counted) when it has sent its burst."""
        moment = now.timestamp()
        self._forget(before=moment - self.window)
        times = self._seen.setdefault(source, deque())
        if len(times) >= self.burst:
            wait = math.ceil(times[0] + self.window - moment)
            raise RateLimited(
                f"{source} sent {len(times)} tips in the last {self.window:g} s",
                hint=f"try again in {max(wait, 1)} s",
            )
        times.append(moment)

    def _forget(self, *, before: float) -> None:
        for source in list(self._seen):
            times = self._seen[source]
            while times and times[0] <= before:
                times.popleft()
            if not times:
                del self._seen[source]


def accept_tip(
    *,
    store: Store,
    case: str,
    name: str,
    detail: str = "",
    source: str,
    limiter: TipLimiter | None = None,
    clock: Clock | None = None,
) -> bool:
    """Check and record a tip from ``source`` (who sent it: ``cli``, ``api:<user>``, ``ip:<address>``);
    True when the name is new for the case. ``InvalidInput``/``InvalidName`` for a bad name or source,
    ``UnknownCase``, ``RateLimited`` when ``limiter`` says the source has sent enough for now."""
    clock = clock or SystemClock()
    who = _printable(source).strip()
    if not who or len(who) > MAX_SOURCE_CHARS:
        raise InvalidInput(f"a tip needs a source of 1 to {MAX_SOURCE_CHARS} characters")
    note = _printable(detail).strip()[:MAX_DETAIL_CHARS]
    store.get_case(case)
    if limiter is not None:
        limiter.take(who, now=clock.now())
    return submit_tip(
        store=store,
        case=case,
        name=name,
        detail=f"tip from {who}" + (f": {note}" if note else ""),
        clock=clock,
    )


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)
