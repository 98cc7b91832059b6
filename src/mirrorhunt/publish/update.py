"""Listing changes pushed to an operator's own primary (BIND, Knot) as RFC 2136 UPDATEs signed with TSIG.

``update_messages`` is pure: the net change (names to list or give a new action, names to delist) as
UPDATE messages of at most ``NAMES_PER_MESSAGE`` names, each one atomic on the primary. ``send`` moves
them over TCP with retries; a primary that refuses (REFUSED, NOTAUTH, a bad key) is a ``ConfigError`` at
once, since retrying cannot help. ``push_changes(store, settings=…)`` ties both to the store: it reads
the listing events after the cursor it keeps in the store (``Store.get_position``), up to the version
the safety valve released, pushes their net effect and moves the cursor only once the primary accepted
everything. A crash in between pushes the same changes again, which is harmless: adding a record that
exists and deleting one that does not are no-ops.

The engine calls ``push_changes`` after each listing change (or every few seconds, from any process:
the cursor lives in the database); the operator's primary then notifies its own secondaries.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsig
import dns.update

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.config import PublishSettings
from mirrorhunt.errors import ConfigError
from mirrorhunt.model import ListingAction
from mirrorhunt.publish.primary import host_port
from mirrorhunt.publish.publication import Publication
from mirrorhunt.publish.rpz import MAX_NAME, policy_records, zone_origin
from mirrorhunt.publish.tsig import parse_tsig
from mirrorhunt.publish.zone import publishable
from mirrorhunt.store import Store

NAMES_PER_MESSAGE = 500
"""Two records per name: 1,000 records, about 40 kB, fit one TCP message."""
RETRY_DELAYS = (0.25, 1.0, 4.0)
"""Seconds to wait before each new attempt after a timeout, a lost connection or SERVFAIL."""
_REFUSALS = {
    dns.rcode.REFUSED: "refused the update",
    dns.rcode.NOTAUTH: "does not accept the key (NOTAUTH)",
    dns.rcode.NOTZONE: "is not authoritative for the zone (NOTZONE)",
}
_HINT = (
    "check publish.update, publish.zone and publish.tsig against the primary's configuration; "
    'BIND: zone "ZONE" { type primary; allow-update { key "KEY"; }; }; Knot: an acl with action update'
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Pushed:
    """What ``push_changes`` sent: names listed and delisted, and the last store serial and event pushed."""

    added: int
    removed: int
    serial: int | None
    cursor: int


def update_messages(
    *,
    zone: str,
    ttl: int,
    added: Sequence[str] | Mapping[str, ListingAction],
    removed: Sequence[str],
    key: dns.tsig.Key | None = None,
    stop_page: str | None = None,
) -> list[dns.update.UpdateMessage]:
    """UPDATEs that delist ``removed`` and list ``added`` (with their actions when a mapping, else
    NXDOMAIN), replacing whatever action a name had; names that may not be published (invalid, a public
    suffix, too long for the zone) are skipped. A redirect needs ``stop_page`` (else ``ConfigError``)."""
    origin = zone_origin(zone)
    actions: Mapping[str, ListingAction] = (
        added if isinstance(added, Mapping) else dict.fromkeys(added, "nxdomain")
    )
    changes: list[tuple[str, ListingAction | None]] = [(name, None) for name in removed]
    changes += actions.items()
    chosen = [
        (normal, action)
        for name, action in changes
        if (normal := publishable(name)) is not None and len(f"*.{normal}.{origin}") <= MAX_NAME
    ]
    zone_name = dns.name.from_text(origin)
    messages = []
    for first in range(0, len(chosen), NAMES_PER_MESSAGE):
        message = dns.update.UpdateMessage(
            zone_name,
            keyring=None if key is None else {key.name: key},
            keyname=None if key is None else key.name,
            keyalgorithm=dns.tsig.default_algorithm if key is None else key.algorithm,
        )
        for name, action in chosen[first : first + NAMES_PER_MESSAGE]:
            records = policy_records(name, origin=origin, action=action or "nxdomain", stop_page=stop_page)
            for relative, target in records:
                owner = dns.name.from_text(relative, zone_name)
                if action is not None:
                    message.replace(owner, ttl, dns.rdatatype.CNAME, target)
                else:
                    message.delete(owner, dns.rdatatype.CNAME)
        messages.append(message)
    return messages


def send(messages: Sequence[dns.update.UpdateMessage], *, target: str, timeout: float = 5.0) -> None:
    """Send each UPDATE over TCP and check its answer; raises ``ConfigError`` when the primary refuses
    or stays unreachable after the retries."""
    host, port = host_port(target, default_port=53, setting="publish.update")
    for message in messages:
        _send_one(message, host=host, port=port, timeout=timeout)


def push_changes(
    store: Store, *, settings: PublishSettings, clock: Clock | None = None, timeout: float = 5.0
) -> Pushed:
    """Push the released listing changes made since the last push to ``settings.update``.

    Only versions the safety valve released (``publication.py``) are pushed, and never a name it
    excludes; see the module docstring for the cursor.
    """
    if settings.update is None:
        raise ConfigError("publish.update is not set", hint='set it to the primary, e.g. "192.0.2.1:53"')
    key = None if settings.tsig is None else parse_tsig(settings.tsig)
    origin = zone_origin(settings.zone)
    position = f"publish.update.{origin}.cursor"
    cursor = store.get_position(position) or 0
    publication = Publication(store, settings=settings, clock=clock or SystemClock())
    released = publication.released()
    rows = [row for row in store.listing_changes(after=cursor) if row.serial <= released]
    if not rows:
        return Pushed(added=0, removed=0, serial=None, cursor=cursor)
    final = {row.name: None if row.kind == "listing.removed" else row.action or "nxdomain" for row in rows}
    added = {
        name: action
        for name, action in sorted(final.items())
        if action is not None
        and (normal := publishable(name)) is not None
        and publication.exclusions.refusal(normal) is None
    }
    removed = sorted(name for name, action in final.items() if action is None)
    messages = update_messages(
        zone=origin,
        ttl=settings.ttl,
        added=added,
        removed=removed,
        key=key,
        stop_page=settings.stop_page,
    )
    send(messages, target=settings.update, timeout=timeout)
    store.set_position(position, rows[-1].id)
    return Pushed(added=len(added), removed=len(removed), serial=rows[-1].serial, cursor=rows[-1].id)


def _send_one(message: dns.update.UpdateMessage, *, host: str, port: int, timeout: float) -> None:
    where = f"the primary at {host}:{port}"
    problem = ""
    for delay in (0.0, *RETRY_DELAYS):
        time.sleep(delay)
        try:
            reply = dns.query.tcp(message, host, port=port, timeout=timeout)
        except (dns.tsig.PeerBadKey, dns.tsig.PeerBadSignature, dns.tsig.PeerBadTime) as exc:
            raise ConfigError(f"{where} does not accept the TSIG key: {exc}", hint=_HINT) from exc
        except (dns.exception.DNSException, OSError) as exc:
            problem = str(exc) or type(exc).__name__
            continue
        rcode = reply.rcode()
        if rcode == dns.rcode.NOERROR:
            return
        if rcode in _REFUSALS:
            raise ConfigError(f"{where} {_REFUSALS[rcode]}", hint=_HINT)
        problem = f"it answered {dns.rcode.to_text(rcode)}"
    raise ConfigError(
        f"cannot update {where} after {len(RETRY_DELAYS) + 1} attempts: {problem}",
        hint="check that it runs and listens on TCP at publish.update",
    )
