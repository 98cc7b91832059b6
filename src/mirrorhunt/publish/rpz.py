"""The blocklist as a DNS Response Policy Zone in master-file format.

Each listed name gets ``name CNAME .`` and ``*.name CNAME .`` (the only listing action, NXDOMAIN,
for the name and every name below it), written relative to the zone origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.model import Listing
from mirrorhunt.names import normalize_name
from mirrorhunt.publish.blocklist import blocked_names, blocked_names_of, header

REFRESH = 60
RETRY = 30
EXPIRE = 86400
MAX_TTL = 2**31 - 1
NAMESERVER = "localhost."
MAX_NAME = 253  # characters of a name in text form without the final dot (255 octets on the wire)


def render_rpz(
    listings: Sequence[Listing],
    *,
    zone: str,
    serial: int,
    ttl: int = 60,
    generated_at: datetime,
) -> str:
    """A complete zone file: SOA, NS, then the policy records of every listed name, sorted."""
    return _zone_file(blocked_names(listings), zone=zone, serial=serial, ttl=ttl, generated_at=generated_at)


def render_rpz_names(
    names: Iterable[str], *, zone: str, serial: int, ttl: int = 60, generated_at: datetime
) -> str:
    """``render_rpz`` from the listed names alone (``Store.listed_names``): no ``Listing`` is built."""
    return _zone_file(blocked_names_of(names), zone=zone, serial=serial, ttl=ttl, generated_at=generated_at)


def _zone_file(names: list[str], *, zone: str, serial: int, ttl: int, generated_at: datetime) -> str:
    origin = zone_origin(zone)
    if not 0 <= ttl <= MAX_TTL:
        raise InvalidInput(f"TTL {ttl} is out of range", hint=f"a TTL is from 0 to {MAX_TTL} seconds")
    title = f"response policy zone {origin}."
    comments = header(title, generated_at=generated_at, serial=serial, count=len(names))
    lines = [f"; {line}" for line in comments]
    lines += [
        f"$ORIGIN {origin}.",
        f"$TTL {ttl}",
        f"@ IN SOA {soa_rdata(origin=origin, serial=serial, ttl=ttl)}",
        f"@ IN NS {NAMESERVER}",
    ]
    longest = MAX_NAME - len(f"*..{origin}")
    for name in names:
        if len(name) > longest:
            policy_records(name, origin=origin)  # raises: too long to be listed under the origin
        lines += (f"{name} IN CNAME .", f"*.{name} IN CNAME .")
    return "\n".join(lines) + "\n"


def policy_records(name: str, *, origin: str) -> tuple[tuple[str, str], ...]:
    """(owner relative to ``origin``, CNAME target) pairs that refuse ``name`` and every name below it."""
    if len(f"*.{name}.{origin}") > MAX_NAME:
        raise InvalidInput(
            f"{name} is too long to be listed in the zone {origin}",
            hint="use a shorter publish.zone name",
        )
    return ((name, "."), (f"*.{name}", "."))


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
