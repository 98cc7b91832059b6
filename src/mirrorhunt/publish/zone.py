"""The response policy zone as resource records: what AXFR and IXFR answers carry.

The records are those of ``render_rpz`` (``policy_records``): SOA, NS, the transparency log's head
when there is one, then ``name CNAME target`` and ``*.name CNAME target`` for every listed name, the
target saying its action. Each version of the zone keeps the log head it was built with, so that an
IXFR replaces the head the secondary holds. A name that is not a valid domain name or is a public
suffix, allowlisted or the stop page's (``valve.Exclusions``), or too long to fit under the zone's
name, is never published, whatever the store holds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.model import LISTING_ACTIONS, ListingAction
from mirrorhunt.names import is_public_suffix, normalize_name
from mirrorhunt.publish.journal import Difference, Entry, Journal
from mirrorhunt.publish.loghead import OWNER, LogHead
from mirrorhunt.publish.rpz import (
    MAX_NAME,
    MAX_TTL,
    NAMESERVER,
    policy_records,
    policy_target,
    soa_rdata,
    zone_origin,
)
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
    """The zone a primary serves: the journal's names at its head, numbered by the epoch.

    The redirect target is ``exclusions.stop_page``. ``log_head`` is the head of the version at the
    journal's head; ``built`` records the head of each later version.
    """

    def __init__(
        self,
        *,
        zone: str,
        ttl: int,
        journal: Journal,
        epoch: Epoch,
        exclusions: Exclusions | None = None,
        log_head: LogHead | None = None,
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
        self._heads: list[tuple[int, LogHead | None]] = [(journal.head, log_head)]
        """(store serial, log head) of each version built, in serial order."""

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

    def built(self, log_head: LogHead | None) -> None:
        """Record the log head of the version at the journal's head (call once its changes are applied)."""
        head = self.journal.head
        kept = [(serial, found) for serial, found in self._heads if serial < head]
        start = bisect_right(kept, self.journal.start, key=_serial_of) - 1
        self._heads = [*kept[max(start, 0) :], (head, log_head)]

    def log_head(self, serial: int | None = None) -> LogHead | None:
        """The log head of the version at store serial ``serial`` (default: the journal's head)."""
        at = self.journal.head if serial is None else serial
        index = bisect_right(self._heads, at, key=_serial_of) - 1
        return self._heads[max(index, 0)][1]

    def log_record(self, log_head: LogHead | None) -> dns.rrset.RRset | None:
        """``_log TXT "size=N root=HEX"`` of ``log_head``; None for None."""
        if log_head is None:
            return None
        owner = dns.name.from_text(OWNER, self.origin)
        return dns.rrset.from_text(owner, self.ttl, IN, dns.rdatatype.TXT, f'"{log_head.text}"')

    def in_order(self, entries: Iterable[Entry]) -> list[Entry]:
        """The published forms of ``entries``' names, each once, with its action, sorted: the order of a
        full transfer."""
        chosen: dict[str, ListingAction] = {}
        for name, action in entries:
            normal = self.published(name)
            if normal is not None:
                chosen.setdefault(normal, action)
        return sorted(chosen.items())

    def targets(self) -> dict[ListingAction, str]:
        """The CNAME target of each action this zone can publish (a redirect needs the stop page)."""
        stop_page = self.exclusions.stop_page
        return {
            action: policy_target(action, stop_page=stop_page)
            for action in LISTING_ACTIONS
            if action != "redirect" or stop_page is not None
        }

    def policy(self, entries: Iterable[Entry]) -> Iterator[dns.rrset.RRset]:
        """The policy records of the publishable entries, in the order given."""
        stop_page = self.exclusions.stop_page
        for name, action in entries:
            normal = self.published(name)
            if normal is None:
                continue
            for owner, target in policy_records(
                normal, origin=self.text_origin, action=action, stop_page=stop_page
            ):
                rrset = dns.rrset.RRset(dns.name.from_text(owner, self.origin), IN, dns.rdatatype.CNAME)
                rrset.add(_target(target), self.ttl)
                yield rrset

    def incremental(self, client_serial: int) -> list[dns.rrset.RRset] | None:
        """An IXFR answer body from ``client_serial`` (RFC 1995 §4); None when only AXFR can help."""
        since = self.epoch.store_serial(client_serial, current=self.journal.head)
        difference: Difference | None = None if since is None else self.journal.difference(since)
        if since is None or difference is None:
            return None
        old_head, new_head = self.log_head(since), self.log_head()
        old_log = None if old_head == new_head else self.log_record(old_head)
        new_log = None if old_head == new_head else self.log_record(new_head)
        new = self.soa()
        return [
            new,
            self.soa(client_serial),
            *([] if old_log is None else [old_log]),
            *self.policy(difference.removed),
            new,
            *([] if new_log is None else [new_log]),
            *self.policy(difference.added),
            new,
        ]


def _serial_of(version: tuple[int, LogHead | None]) -> int:
    return version[0]
