"""An operator's own listing decisions, checked against ``[publish]`` before the store records them.

A name that is never published (``valve.Exclusions``) is refused at once, and so is a redirect when no
stop page is configured: both would otherwise only show up when the zone is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from mirrorhunt.clock import Clock
from mirrorhunt.config import PublishSettings
from mirrorhunt.errors import InvalidName
from mirrorhunt.model import Listing, ListingAction
from mirrorhunt.names import normalize_name
from mirrorhunt.publish.publication import exclusions_in
from mirrorhunt.publish.rpz import policy_target
from mirrorhunt.store import Store
from mirrorhunt.store.records import check_action


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """What a decision did: the name as listed, its action, whether anything changed, the store serial."""

    name: str
    action: ListingAction
    changed: bool
    serial: int


def parse_action(text: str) -> ListingAction:
    """``text`` as a listing action; raises ``InvalidInput``."""
    check_action(text)
    return cast(ListingAction, text)


def list_name(
    store: Store,
    *,
    name: str,
    case: str,
    reason: str,
    action: ListingAction | None = None,
    settings: PublishSettings,
    decided_by: str,
    clock: Clock,
) -> Decision:
    """List ``name`` for ``case`` with ``action`` (default: ``[publish] action``), until the order expires."""
    normal = normalize_name(name)
    refusal = exclusions_in(settings).refusal(normal)
    if refusal is not None:
        raise InvalidName(
            f"{normal} is never listed: {refusal}", hint="see [publish] allowlist and stop_page"
        )
    chosen = settings.action if action is None else action
    policy_target(chosen, stop_page=settings.stop_page)  # a redirect needs the stop page
    found = store.get_case(case)
    listing = Listing(
        name=normal,
        case=case,
        action=chosen,
        reason=reason,
        decided_by=decided_by,
        since=clock.now(),
        expires=found.expires,
    )
    new = store.add_listing(listing)
    return Decision(name=normal, action=chosen, changed=new, serial=store.zone_serial())


def change_action(
    store: Store,
    *,
    name: str,
    action: ListingAction,
    reason: str,
    settings: PublishSettings,
    decided_by: str,
) -> Decision:
    """Give a listed name another action: one change of the zone, a ``listing.changed`` event."""
    normal = normalize_name(name)
    policy_target(action, stop_page=settings.stop_page)  # a redirect needs the stop page
    changed = store.set_listing_action(normal, action=action, reason=reason, decided_by=decided_by)
    return Decision(name=normal, action=action, changed=changed, serial=store.zone_serial())
