"""The response policy zone as resource records: what AXFR and IXFR answers carry.

The records are those of ``render_rpz`` (``policy_records``): SOA, NS, then ``name CNAME .`` and
``*.name CNAME .`` for every listed name. A name that is not a valid domain name or is a public
suffix, allowlisted or the stop page's (``valve.Exclusions``), or too long to fit under the zone's
name, is never published, whatever the store holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.names import is_public_suffix, normalize_name
from mirrorhunt.publish.journal import Difference, Journal
from mirrorhunt.publish.rpz import MAX_NAME, MAX_TTL, NAMESERVER, policy_records, soa_rdata, zone_origin
from mirrorhunt.publish.serial import Epoch
from mirrorhunt.publish.valve import Exclusions

IN = dns.rdataclass.IN


def publishable(name: str) -> str | None:
    """The name in A-label form when it may be published, else None (invalid or a public suffix)."""
    try:
        normal = normalize_name(name)
    except InvalidName:
        return None
    return None if is_public_suffix(normal) else normal


@lru_cache(maxsize=64)
def _target(text: str) -> dns.rdata.Rdata:
    return dns.rdata.from_text(IN, dns.rdatatype.CNAME, text)


class PublishedZone:
    """The zone a primary serves: the journal's names at its head, numbered by the epoch."""

    def __init__(
        self, *, zone: str, ttl: int, journal: Journal, epoch: Epoch, exclusions: Exclusions | None = None
    ) -> None:
        if not 0 <= ttl <= MAX_TTL:
            raise InvalidInput(f"TTL {ttl} is out of range", hint=f"a TTL is from 0 to {MAX_TTL} seconds")
        self.text_origin = zone_origin(zone)
        self.origin = dns.name.from_text(self.text_origin)
        self.ttl = ttl
        self.journal = journal
        self.epoch = epoch
        self._published: dict[str, str | None] = {}
        self.exclusions = exclusions or Exclusions()

    @property
    def serial(self) -> int:
        """The zone serial of the journal's head."""
        return self.epoch.zone_serial(self.journal.head)

    def soa(self, serial: int | None = None) -> dns.rrset.RRset:
        data = soa_rdata(
            origin=self.text_origin, serial=self.serial if serial is None else serial, ttl=self.ttl
        )
        return dns.rrset.from_text(self.origin, self.ttl, IN, dns.rdatatype.SOA, data)

    def ns(self) -> dns.rrset.RRset:
        return dns.rrset.from_text(self.origin, self.ttl, IN, dns.rdatatype.NS, NAMESERVER)

    def published(self, name: str) -> str | None:
        """The name as this zone publishes it (A-labels), or None when it is never published here.

        Each name is checked once and the outcome remembered: a full transfer of a million names cannot
        afford the check every time.
        """
        try:
            return self._published[name]
        except KeyError:
            normal = publishable(name)
            if normal is not None and (
                len(f"*.{normal}.{self.text_origin}") > MAX_NAME
                or self.exclusions.refusal(normal) is not None
            ):
                normal = None
            self._published[name] = normal
            return normal

    def in_order(self, names: Iterable[str]) -> list[str]:
        """The published forms of ``names``, each once, sorted: the order of a full transfer."""
        return sorted({normal for name in names if (normal := self.published(name)) is not None})

    def policy(self, names: Iterable[str]) -> Iterator[dns.rrset.RRset]:
        """The policy records of the publishable ``names``, in the order given."""
        for name in names:
            normal = self.published(name)
            if normal is None:
                continue
            for owner, target in policy_records(normal, origin=self.text_origin):
                rrset = dns.rrset.RRset(dns.name.from_text(owner, self.origin), IN, dns.rdatatype.CNAME)
                rrset.add(_target(target), self.ttl)
                yield rrset

    def incremental(self, client_serial: int) -> list[dns.rrset.RRset] | None:
        """An IXFR answer body from ``client_serial`` (RFC 1995 §4); None when only AXFR can help."""
        since = self.epoch.store_serial(client_serial, current=self.journal.head)
        difference: Difference | None = None if since is None else self.journal.difference(since)
        if difference is None:
            return None
        new = self.soa()
        return [
            new,
            self.soa(client_serial),
            *self.policy(difference.removed),
            new,
            *self.policy(difference.added),
            new,
        ]
