"""Sources that stopped: a CT log whose position stays put, a resolver that stays silent.

``SourceWatch`` is told what was seen and when, and answers with an alert once per stall: when a source
moves again, a later stall is a new alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from mirrorhunt.alerts.rules import Alert


@dataclass(slots=True)
class _Track:
    progress_at: datetime
    position: int | None = None
    told: bool = False


@dataclass(slots=True, kw_only=True)
class SourceWatch:
    """When each source last made progress; ``stalled_after`` seconds without any is an alert."""

    stalled_after: float
    _tracks: dict[str, _Track] = field(default_factory=dict)

    def position(self, source: str, value: int | None, *, now: datetime) -> list[Alert]:
        """A position that changed since the last look is progress."""
        track = self._tracks.setdefault(source, _Track(progress_at=now, position=value))
        if value != track.position:
            track.position, track.progress_at, track.told = value, now, False
        return self._check(source, track, now=now, what=f"has stayed at position {value}")

    def answered(self, source: str, ok: bool, *, now: datetime) -> list[Alert]:
        """An answer is progress; silence (or a failure) is not."""
        track = self._tracks.setdefault(source, _Track(progress_at=now))
        if ok:
            track.progress_at, track.told = now, False
        return self._check(source, track, now=now, what="has not answered")

    def _check(self, source: str, track: _Track, *, now: datetime, what: str) -> list[Alert]:
        stalled = (now - track.progress_at).total_seconds()
        if track.told or stalled < self.stalled_after:
            return []
        track.told = True
        return [
            Alert(
                key=f"stalled:{source}:{track.progress_at.isoformat()}",
                kind="stalled",
                case=None,
                subject=source,
                summary=f"source {source} {what} for {stalled:.0f} s",
                at=now,
            )
        ]
