"""The blocklist as a DNS Response Policy Zone in master-file format.

Each listed name gets ``name CNAME target`` and ``*.name CNAME target`` (the name and every name
below it), written relative to the zone origin; the target says the action: ``.`` NXDOMAIN, ``*.``
NODATA, the stop page's name (``[publish] stop_page``) a redirect to it, ``rpz-passthru.`` the real
answer (an exception below a listed name). With a transparency log head, the zone also holds
``_log TXT "size=N root=HEX"`` (``loghead.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from mirrorhunt.errors import ConfigError, InvalidInput, InvalidName
from mirrorhunt.model import Listing, ListingAction
from mirrorhunt.names import normalize_name
from mirrorhunt.publish.blocklist import blocked_actions, blocked_actions_of, header
from mirrorhunt.publish.loghead import OWNER, LogHead

REFRESH = 60
RETRY = 30
EXPIRE = 86400
MAX_TTL = 2**31 - 1
NAMESERVER = "localhost."
MAX_NAME = 253  # characters of a name in text form without the final dot (255 octets on the wire)
TARGETS: Mapping[str, str] = {"nxdomain": ".", "nodata": "*.", "passthru": "rpz-passthru."}
"""The CNAME target of each action but the redirect, whose target is the stop page's name."""


def render_rpz(
    listings: Sequence[Listing],
    *,
    zone: str,
    serial: int,
    ttl: int = 60,
    generated_at: datetime,
    stop_page: str | None = None,
    log_head: LogHead | None = None,
) -> str:
    """A complete zone file: SOA, NS, the log head if any, then each listed name's policy records, sorted.

    ``stop_page`` is the redirect target; a redirect without one raises ``ConfigError``.
    """
    return _zone_file(
        blocked_actions(listings),
        zone=zone,
        serial=serial,
        ttl=ttl,
        generated_at=generated_at,
        stop_page=stop_page,
        log_head=log_head,
    )


def render_rpz_names(
    names: Iterable[str] | Mapping[str, ListingAction],
    *,
    zone: str,
    serial: int,
    ttl: int = 60,
    generated_at: datetime,
    stop_page: str | None = None,
    log_head: LogHead | None = None,
) -> str:
    """``render_rpz`` from the listed names and their actions (``Store.listed_actions``), or from the
    names alone (``Store.listed_names``), which are then NXDOMAIN: no ``Listing`` is built."""
    return _zone_file(
        blocked_actions_of(names),
        zone=zone,
        serial=serial,
        ttl=ttl,
        generated_at=generated_at,
        stop_page=stop_page,
        log_head=log_head,
    )


def _zone_file(
    entries: dict[str, ListingAction],
    *,
    zone: str,
    serial: int,
    ttl: int,
    generated_at: datetime,
    stop_page: str | None,
    log_head: LogHead | None,
) -> str:
    origin = zone_origin(zone)
    if not 0 <= ttl <= MAX_TTL:
        raise InvalidInput(f"TTL {ttl} is out of range", hint=f"a TTL is from 0 to {MAX_TTL} seconds")
    targets = {action: policy_target(action, stop_page=stop_page) for action in set(entries.values())}
    title = f"response policy zone {origin}."
    comments = header(title, generated_at=generated_at, serial=serial, count=len(entries))
    lines = [f"; {line}" for line in comments]
    lines += [
        f"$ORIGIN {origin}.",
        f"$TTL {ttl}",
        f"@ IN SOA {soa_rdata(origin=origin, serial=serial, ttl=ttl)}",
        f"@ IN NS {NAMESERVER}",
    ]
    if log_head is not None:
        lines.append(f'{OWNER} IN TXT "{log_head.text}"')
    longest = MAX_NAME - len(f"*..{origin}")
    for name, action in entries.items():
        if len(name) > longest:
            policy_records(name, origin=origin)  # raises: too long to be listed under the origin
        target = targets[action]
        lines += (f"{name} IN CNAME {target}", f"*.{name} IN CNAME {target}")
    return "\n".join(lines) + "\n"


def policy_records(
    name: str, *, origin: str, action: ListingAction = "nxdomain", stop_page: str | None = None
) -> tuple[tuple[str, str], ...]:
    """(owner relative to ``origin``, CNAME target) pairs that apply ``action`` to ``name`` and every
    name below it."""
    if len(f"*.{name}.{origin}") > MAX_NAME:
        raise InvalidInput(
            f"{name} is too long to be listed in the zone {origin}",
            hint="use a shorter publish.zone name",
        )
    target = policy_target(action, stop_page=stop_page)
    return ((name, target), (f"*.{name}", target))


def policy_target(action: str, *, stop_page: str | None) -> str:
    """The absolute CNAME target of ``action``; a redirect needs the stop page (else ``ConfigError``)."""
    if action != "redirect":
        try:
            return TARGETS[action]
        except KeyError:
            raise InvalidInput(
                f"unknown listing action {action!r}", hint="one of: nxdomain, nodata, redirect, passthru"
            ) from None
    if stop_page is None:
        raise ConfigError(
            "a listing redirects to the stop page, but no stop page is configured",
            hint='set [publish] stop_page = "stop.example.gouv.fr" (the page resolvers send users to)',
        )
    try:
        return normalize_name(stop_page) + "."
    except InvalidName as exc:
        raise ConfigError(
            f"publish.stop_page {stop_page!r} is not a domain name", hint="one name, e.g. stop.example.org"
        ) from exc


def soa_rdata(*, origin: str, serial: int, ttl: int) -> str:
    """The SOA record's data in master-file form; the negative-caching TTL is the zone's TTL."""
    return f"{NAMESERVER} hostmaster.{origin}. {serial} {REFRESH} {RETRY} {EXPIRE} {ttl}"


def zone_origin(zone: str) -> str:
    """The normalised RPZ name (no final dot); raises ``InvalidInput``."""
    try:
        return normalize_name(zone)
    except InvalidName as exc:
        raise InvalidInput(
            f"RPZ zone name {zone!r} is not a domain name",
            hint="set publish.zone to a name such as rpz.example.",
        ) from exc
