"""What is published: the store serial released to the primary and the exports, and its zone serial.

The store's listings may run ahead of what is published. ``Publication.refresh`` releases the store's
head unless the safety valve (``valve.py``) holds the change, and then nothing more is released until a
person runs ``mirrorhunt publish confirm``. The primary, the feeds and ``mirrorhunt publish`` all serve
the released version, numbered by the same epoch (``serial.py``), so a consumer mixing zone transfers
and file exports never sees the serial go back. State lives in the store's positions, under
``publish.<zone>.``: ``released``, ``held`` (the store serial that tripped the valve, 0 when none),
``window.serial`` / ``window.start`` (the baseline of the current minute) and ``epoch.start`` /
``epoch.base`` (shared with the primary).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from mirrorhunt.clock import Clock
from mirrorhunt.config import PublishSettings
from mirrorhunt.errors import ConfigError, InvalidInput
from mirrorhunt.model import Event, Listing, ListingAction
from mirrorhunt.publish.journal import FIRST_SERIAL
from mirrorhunt.publish.loghead import LogHead
from mirrorhunt.publish.rpz import zone_origin
from mirrorhunt.publish.serial import Epoch, open_epoch
from mirrorhunt.publish.valve import (
    WINDOW_SECONDS,
    Assessment,
    Exclusions,
    Limits,
    assess,
    assess_counts,
    exclusions_of,
    parse_allowlist,
)
from mirrorhunt.store import ListingChange, Store


@dataclass(frozen=True, slots=True, kw_only=True)
class Status:
    """The published version against the store's head."""

    head: int
    """The store serial of the latest listing change."""
    released: int
    """The store serial that is published."""
    zone_serial: int
    """The SOA serial the released version is published under."""
    held: bool
    pending: Assessment
    """The change from the released version to the head (its reasons say why it is held)."""
    names: Mapping[str, ListingAction]
    """The names published (listed at ``released`` and not excluded), with their actions."""
    excluded: tuple[tuple[str, str], ...]
    """(name, why) of each name listed at ``released`` that is never published."""


LogHeadProvider = Callable[[], LogHead | None]
"""Asked for the transparency log's head each time a new version of the zone is built."""


class Publication:
    """The published version of ``[publish] zone`` in ``store``.

    ``log_head``, when given, is asked for the transparency log's head that the zone carries.
    """

    def __init__(
        self,
        store: Store,
        *,
        settings: PublishSettings,
        clock: Clock,
        log_head: LogHeadProvider | None = None,
    ) -> None:
        self._store, self._clock = store, clock
        self._log_head = log_head
        self.limits = Limits(
            max_added=settings.max_added,
            max_removed_share=settings.max_removed_share,
            removed_floor=settings.removed_floor,
        )
        self.exclusions = exclusions_in(settings)
        self._key = f"publish.{zone_origin(settings.zone)}."
        self._seen: tuple[int | None, ...] = ()
        self._log = _ListingLog(self.exclusions)

    def log_head(self) -> LogHead | None:
        """The transparency log's head for a version built now; None without a log."""
        return None if self._log_head is None else self._log_head()

    def marker(self) -> tuple[int | None, ...]:
        """Cheap reads that change whenever what ``refresh`` would answer may have changed."""
        return (self._store.zone_serial(), *self._positions())

    def released(self) -> int:
        """The released store serial, releasing the head (as ``refresh`` does) only when the store or a
        position moved; it reads only the listing events it has not seen yet."""
        serial = self._store.zone_serial()
        if (serial, *self._positions()) != self._seen:
            self._release()
            self._seen = (serial, *self._positions())
        return self._seen[1] or FIRST_SERIAL

    def refresh(self) -> Status:
        """Release the store's head unless the valve holds it; the status after that."""
        head, released, held = self._release()
        self._log.follow(self._store, head=head)
        changes = self._log.changes_up_to(head)
        return self._status(changes, head=head, released=released, held=held)

    def _release(self) -> tuple[int, int, bool]:
        """(head, released, held) after releasing the head unless the valve holds it."""
        head = self._store.zone_serial()
        released = self._get("released") or FIRST_SERIAL
        held = bool(self._get("held"))
        if not held and released < head:
            now = self._now()
            start, baseline = self._get("window.start"), self._get("window.serial")
            if start is None or baseline is None or now - start >= WINDOW_SECONDS:
                start, baseline = now, released
                self._set("window.start", start)
                self._set("window.serial", baseline)
            self._log.follow(self._store, head=head, floor=baseline)
            window = self._log.assess(target=head, limits=self.limits)
            if window.held:
                held = True
                self._set("held", head)
                self._store.append_event(
                    Event(
                        kind="publish.held",
                        subject=self._key.removeprefix("publish.").rstrip("."),
                        detail={"released": released, "head": head, "reasons": list(window.reasons)},
                        at=self._clock.now(),
                    )
                )
            else:
                released = head
                self._set("released", released)
        return head, released, held

    def confirm(self, *, serial: int | None = None, by: str) -> Status:
        """Release the store's version ``serial`` (default: the head) and lift any hold."""
        head = self._store.zone_serial()
        released = self._get("released") or FIRST_SERIAL
        target = head if serial is None else serial
        if not released <= target <= head:
            raise InvalidInput(
                f"store serial {target} cannot be confirmed: {released} is published, {head} is the latest",
                hint="confirm a serial `mirrorhunt publish status` shows, or none for the latest",
            )
        for key, value in (("released", target), ("held", 0), ("window.serial", target)):
            self._set(key, value)
        self._set("window.start", self._now())
        self._store.append_event(
            Event(
                kind="publish.confirmed",
                subject=self._key.removeprefix("publish.").rstrip("."),
                detail={"from": released, "to": target, "by": by},
                at=self._clock.now(),
            )
        )
        return self.refresh()

    def listings(self, status: Status) -> list[Listing]:
        """The published listings (of ``status.names``), sorted by name."""
        current = {listing.name: listing for listing in self._store.listings()}
        missing = frozenset(status.names.keys() - current.keys())
        if missing:
            current.update(_listings_of(self._store.events(kind="listing.added"), missing, status.released))
        chosen = (_with_action(current[name], action) for name, action in status.names.items())
        return sorted(chosen, key=lambda listing: listing.name)

    def epoch(self, released: int) -> Epoch:
        """The epoch the primary serves (saved in the store), or a new one saved now when none is."""
        start, base = self._get("epoch.start"), self._get("epoch.base")
        if start is not None and base is not None and start <= released:
            return Epoch(start=start, base=base)
        previous = None if start is None or base is None else Epoch(start=start, base=base)
        epoch = open_epoch(store_serial=released, previous=previous, now_seconds=self._now())
        self.save_epoch(epoch)
        return epoch

    def save_epoch(self, epoch: Epoch) -> None:
        self._set("epoch.start", epoch.start)
        self._set("epoch.base", epoch.base)

    def saved_epoch(self) -> Epoch | None:
        start, base = self._get("epoch.start"), self._get("epoch.base")
        return None if start is None or base is None else Epoch(start=start, base=base)

    def _status(self, changes: list[_Row], *, head: int, released: int, held: bool) -> Status:
        listed = _names_at(changes, released)
        published = {name: action for name, action in listed.items() if self._log.refusal(name) is None}
        excluded = tuple(
            sorted((name, reason) for name in listed if (reason := self._log.refusal(name)) is not None)
        )
        blocked = {name for name, action in published.items() if _blocks(action)}
        pending = assess(baseline=blocked, target=self._blocked(changes, head), limits=self.limits)
        if not held:
            pending = Assessment(added=pending.added, removed=pending.removed, baseline=pending.baseline)
        return Status(
            head=head,
            released=released,
            zone_serial=self.epoch(released).zone_serial(released),
            held=held,
            pending=pending,
            names=published,
            excluded=excluded,
        )

    def _blocked(self, changes: list[_Row], serial: int) -> set[str]:
        """The names published and blocked at ``serial``: what the valve counts."""
        return {
            name
            for name, action in _names_at(changes, serial).items()
            if _blocks(action) and self._log.refusal(name) is None
        }

    def _positions(self) -> tuple[int | None, ...]:
        return tuple(self._get(key) for key in ("released", "held", "epoch.start", "epoch.base"))

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    def _get(self, key: str) -> int | None:
        return self._store.get_position(self._key + key)

    def _set(self, key: str, value: int) -> None:
        self._store.set_position(self._key + key, value)


_Row = tuple[int, str, ListingAction | None]
"""(serial, name, action) of a listing change; the action is None when the name is delisted."""


def _blocks(action: ListingAction | None) -> bool:
    """A name listed with ``action`` is blocked: the valve counts it (a PASSTHRU exception unblocks)."""
    return action is not None and action != "passthru"


class _ListingLog:
    """The listing log as far as it was read: the names listed at a floor serial, the changes after it,
    and the published names the changes since the floor start and stop blocking (``_blocks``: a move to
    PASSTHRU drops a name from what is blocked, a move away from it adds one).

    Each ``follow`` reads only the events after the last one read (``Store.listing_changes(after=…)``);
    ``assess`` against the same floor is answered from running tallies, so a change to a zone of a million
    names costs what the change holds, not what the zone holds.
    """

    def __init__(self, exclusions: Exclusions) -> None:
        self._exclusions = exclusions
        self._refusals: dict[str, str | None] = {}
        self._reset()

    def _reset(self) -> None:
        self._cursor = 0
        self._floor = 0
        self._listed: dict[str, ListingAction] = {}
        """Names listed at ``_floor``, with their actions."""
        self._blocking = 0
        """How many of ``_listed`` are published and blocked."""
        self._tail: list[_Row] = []
        """Every change above ``_floor``, in order."""
        self._tallied = 0
        """How many of ``_tail`` ``_added`` and ``_removed`` count."""
        self._added: set[str] = set()
        self._removed: set[str] = set()

    def follow(self, store: Store, *, head: int, floor: int | None = None) -> None:
        """Read the events not read yet, then move the floor up to ``floor`` when given; start over when
        the store or the floor went back (a restored backup)."""
        if head < max(self._floor, self._tail[-1][0] if self._tail else 0) or (
            floor is not None and floor < self._floor
        ):
            self._reset()
        rows: list[ListingChange] = store.listing_changes(after=self._cursor)
        if rows:
            self._cursor = rows[-1].id
        self._tail += [
            (row.serial, row.name, None if row.kind == "listing.removed" else row.action or "nxdomain")
            for row in rows
            if row.serial is not None
        ]
        if floor is not None and floor > self._floor:
            self._move_floor(floor)

    def assess(self, *, target: int, limits: Limits) -> Assessment:
        """The published change from the floor to store serial ``target`` (at least the floor)."""
        if self._tallied and self._tail[self._tallied - 1][0] > target:
            self._tallied, self._added, self._removed = 0, set(), set()
        for serial, name, action in self._tail[self._tallied :]:
            if serial > target:
                break
            self._tallied += 1
            if self.refusal(name) is not None:
                continue
            blocked = _blocks(action)
            if _blocks(self._listed.get(name)):
                (self._removed.discard if blocked else self._removed.add)(name)
            else:
                (self._added.add if blocked else self._added.discard)(name)
        return assess_counts(
            added=len(self._added), removed=len(self._removed), baseline=self._blocking, limits=limits
        )

    def changes_up_to(self, serial: int) -> list[_Row]:
        """Every change up to ``serial``: those folded into the floor first, as additions."""
        return [(self._floor, name, action) for name, action in self._listed.items()] + [
            change for change in self._tail if change[0] <= serial
        ]

    def _move_floor(self, floor: int) -> None:
        kept = 0
        for serial, name, action in self._tail:
            if serial > floor:
                break
            kept += 1
            before = _blocks(self._listed.get(name))
            if action is not None:
                self._listed[name] = action
            else:
                self._listed.pop(name, None)
            if before != _blocks(action) and self.refusal(name) is None:
                self._blocking += -1 if before else 1
        del self._tail[:kept]
        self._floor = floor
        self._tallied, self._added, self._removed = 0, set(), set()

    def refusal(self, name: str) -> str | None:
        """``Exclusions.refusal``, remembered for every name."""
        try:
            return self._refusals[name]
        except KeyError:
            refusal = self._refusals[name] = self._exclusions.refusal(name)
            return refusal


def _names_at(changes: Iterable[_Row], serial: int) -> dict[str, ListingAction]:
    names: dict[str, ListingAction] = {}
    for change_serial, name, action in changes:
        if change_serial > serial:
            break
        if action is not None:
            names[name] = action
        else:
            names.pop(name, None)
    return names


def _with_action(listing: Listing, action: ListingAction) -> Listing:
    """``listing`` with the action it had in the published version."""
    return listing if listing.action == action else replace(listing, action=action)


def _listings_of(events: Iterable[Event], names: frozenset[str], serial: int) -> dict[str, Listing]:
    """The listing records of ``names`` as their last ``listing.added`` event at or before ``serial``
    (the action is the caller's to set: a ``listing.changed`` event may have changed it)."""
    found: dict[str, Listing] = {}
    for event in events:
        detail = event.detail
        if event.subject in names and int(detail.get("serial", 0)) <= serial:
            expires = detail.get("expires")
            found[event.subject] = Listing(
                name=event.subject,
                case=str(detail["case"]),
                action=detail.get("action", "nxdomain"),
                reason=str(detail["reason"]),
                decided_by=str(detail["decided_by"]),
                since=event.at,
                expires=None if expires is None else date.fromisoformat(expires),
            )
    return found


def exclusions_in(settings: PublishSettings) -> Exclusions:
    """The names ``settings`` never let be published (allowlist, allowlist file, stop page)."""
    allowlist = list(settings.allowlist)
    if settings.allowlist_file is not None:
        path = Path(settings.allowlist_file)
        try:
            allowlist += parse_allowlist(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"cannot read publish.allowlist_file {path}: {exc}", hint="one name a line, UTF-8"
            ) from exc
    return exclusions_of(allowlist=allowlist, stop_page=settings.stop_page)
