"""Safety valves: names that are never published, and changes too large to publish without a person.

- ``Exclusions``: a public suffix, an allowlisted name or any name below it, the stop page's name, and
  any name above one of those (its ``*.name`` record would block them too) is never published.
- ``assess``: a change that adds more than ``max_added`` names, or drops more than
  ``max(max_removed_share × published names, removed_floor)``, within one window (a minute), is held:
  the published zone stays at the last released version until ``mirrorhunt publish confirm``. The
  names counted are those blocked: a listed name given the PASSTHRU action is dropped from them, a
  PASSTHRU name given a blocking action is added (``publication.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass, field

from mirrorhunt.errors import ConfigError, InvalidName
from mirrorhunt.names import is_public_suffix, normalize_name

WINDOW_SECONDS = 60
"""Additions and removals are counted against the published version at most this old."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """How much may change within one window before a person must confirm."""

    max_added: int = 500
    max_removed_share: float = 0.2
    removed_floor: int = 10

    def max_removed(self, published: int) -> int:
        """Names that may be dropped from ``published`` names without confirmation."""
        return max(self.removed_floor, int(self.max_removed_share * published))


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """A change from a baseline version to a target: its size, and why it must be held (if it must)."""

    added: int
    removed: int
    baseline: int
    """Names published at the baseline."""
    reasons: tuple[str, ...] = ()

    @property
    def held(self) -> bool:
        return bool(self.reasons)


def assess(*, baseline: Set[str], target: Set[str], limits: Limits) -> Assessment:
    """Compare two versions' names against ``limits``."""
    return assess_counts(
        added=len(target - baseline), removed=len(baseline - target), baseline=len(baseline), limits=limits
    )


def assess_counts(*, added: int, removed: int, baseline: int, limits: Limits) -> Assessment:
    """``assess`` from the sizes alone: names added, names dropped, names published at the baseline."""
    reasons = []
    if added > limits.max_added:
        reasons.append(f"adds {added} names (at most {limits.max_added} a minute without confirmation)")
    if removed > limits.max_removed(baseline):
        reasons.append(
            f"drops {removed} of {baseline} names (at most {limits.max_removed(baseline)} "
            "a minute without confirmation)"
        )
    return Assessment(added=added, removed=removed, baseline=baseline, reasons=tuple(reasons))


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Names never published; build with ``exclusions_of``."""

    protected: frozenset[str] = frozenset()
    """Allowlisted names: they and every name below them are never published."""
    stop_page: str | None = None
    _above: dict[str, str] = field(default_factory=dict)
    """Every proper ancestor of a protected name or of the stop page, with that name."""

    def refusal(self, name: str) -> str | None:
        """Why ``name`` must never be published, or None when it may be."""
        try:
            normal = normalize_name(name)
        except InvalidName:
            return "not a domain name"
        if is_public_suffix(normal):
            return "a public suffix"
        if normal == self.stop_page:
            return "the stop page's own name"
        labels = normal.split(".")
        for start in range(len(labels)):
            if ".".join(labels[start:]) in self.protected:
                return f"allowlisted ({'.'.join(labels[start:])})"
        below = self._above.get(normal)
        if below is not None:
            what = "the stop page" if below == self.stop_page else "the allowlisted"
            return f"above {what} {below}"
        return None


def exclusions_of(*, allowlist: Iterable[str], stop_page: str | None) -> Exclusions:
    """Normalise the allowlist and stop page; a name that is not a domain name raises ``ConfigError``."""
    protected = frozenset(_setting_name(name, setting="publish.allowlist") for name in allowlist)
    stop = None if stop_page is None else _setting_name(stop_page, setting="publish.stop_page")
    above: dict[str, str] = {}
    for name in sorted(protected | ({stop} if stop else set())):
        labels = name.split(".")
        for start in range(1, len(labels)):
            above.setdefault(".".join(labels[start:]), name)
    return Exclusions(protected, stop, above)


def parse_allowlist(text: str) -> list[str]:
    """The names of an allowlist file: one a line, ``#`` starts a comment."""
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def _setting_name(name: str, *, setting: str) -> str:
    try:
        return normalize_name(name)
    except InvalidName as exc:
        raise ConfigError(
            f"{setting}: {name!r} is not a domain name", hint="one name, e.g. example.org"
        ) from exc
