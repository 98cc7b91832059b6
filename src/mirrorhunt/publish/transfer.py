"""Answers of the primary, as wire messages: SOA, AXFR, IXFR (RFC 5936, RFC 1995), with TSIG.

``respond(wire, …)`` is pure: it takes one request and returns the messages to send back (none
for a message that deserves no answer). ``prepare`` splits that in two for a server: what reads the
zone, done at once, and the encoding, returned as a function that may run in another thread while the
zone moves on (a full zone of a million names takes seconds to encode: ``zone_wire.py``). The server
(``primary.py``) only moves the bytes.

- Access by address: a source outside ``Access.networks`` is REFUSED.
- With a TSIG key, AXFR and IXFR must be signed with it (else NOTAUTH); SOA queries may be unsigned,
  so resolvers without TSIG (Unbound 1.17) can still see the serial. Signed requests get signed
  answers, every message of a transfer included (RFC 8945 §5.3.1).
- IXFR over UDP, and IXFR from a serial the journal no longer reaches, are answered as RFC 1995
  says: the current SOA alone (UDP, the client then retries over TCP) or a full zone (TCP).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdatatype
import dns.rrset
import dns.tsig

from mirrorhunt.errors import ConfigError
from mirrorhunt.publish.serial import serial_gt
from mirrorhunt.publish.zone import PublishedZone
from mirrorhunt.publish.zone_wire import full_messages

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Transport = Literal["udp", "tcp"]
Encoder = Callable[[], list[bytes]]
RRSETS_PER_MESSAGE = 200
"""At most 266 octets per policy record (255-octet owner): 200 of them fit a 65,535-octet message."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Access:
    """Who may ask: source networks, and the TSIG key that transfers must carry when set."""

    networks: tuple[Network, ...]
    key: dns.tsig.Key | None = None
    keyring: dict[dns.name.Name, dns.tsig.Key] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keyring", None if self.key is None else {self.key.name: self.key})

    def allows(self, address: str) -> bool:
        try:
            source = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        return any(source in network for network in self.networks)


def networks_of(texts: Iterable[str]) -> tuple[Network, ...]:
    """Parse ``publish.allow`` entries (addresses or networks); raises ``ConfigError``."""
    try:
        return tuple(ipaddress.ip_network(text.strip(), strict=False) for text in texts)
    except ValueError as exc:
        raise ConfigError(
            f"publish.allow holds something that is not an address or network: {exc}",
            hint='e.g. allow = ["127.0.0.1", "192.0.2.0/24", "2001:db8::/32"]',
        ) from exc


def respond(
    wire: bytes, *, source: str, transport: Transport, zone: PublishedZone, access: Access
) -> list[bytes]:
    """The wire messages answering one request (an empty list: send nothing)."""
    return prepare(wire, source=source, transport=transport, zone=zone, access=access)()


def prepare(
    wire: bytes, *, source: str, transport: Transport, zone: PublishedZone, access: Access
) -> Encoder:
    """Read what the answer needs from ``zone`` now; the returned function encodes it, in any thread."""
    try:
        query = dns.message.from_wire(wire, keyring=access.keyring)
    except (dns.message.UnknownTSIGKey, dns.tsig.BadSignature, dns.tsig.BadTime, dns.tsig.BadKey):
        return _ready(_error_from_header(wire, dns.rcode.NOTAUTH))
    except dns.exception.DNSException:
        return _ready(_error_from_header(wire, dns.rcode.FORMERR))
    if query.flags & dns.flags.QR:
        return _ready([])
    if query.opcode() != dns.opcode.QUERY or len(query.question) != 1:
        rcode = dns.rcode.NOTIMP if query.opcode() != dns.opcode.QUERY else dns.rcode.FORMERR
        return _ready([_rcode(query, rcode)])
    if not access.allows(source):
        return _ready([_rcode(query, dns.rcode.REFUSED)])
    question = query.question[0]
    if question.name != zone.origin:
        return _ready([_rcode(query, dns.rcode.NOTAUTH if query.had_tsig else dns.rcode.REFUSED)])
    kind = question.rdtype
    if kind in (dns.rdatatype.AXFR, dns.rdatatype.IXFR):
        if access.key is not None and not query.had_tsig:
            return _ready([_rcode(query, dns.rcode.NOTAUTH)])
        if kind == dns.rdatatype.AXFR:
            return _ready([]) if transport == "udp" else _full(query, zone=zone, access=access)
        return _ixfr(query, transport=transport, zone=zone, access=access)
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA
    if kind in (dns.rdatatype.SOA, dns.rdatatype.ANY):
        response.answer.append(zone.soa())
    elif kind == dns.rdatatype.NS:
        response.answer.append(zone.ns())
    else:
        response.authority.append(zone.soa())
    return _ready([response.to_wire()])


def _ready(wires: list[bytes]) -> Encoder:
    return lambda: wires


def _full(query: dns.message.Message, *, zone: PublishedZone, access: Access) -> Encoder:
    """The whole zone as it is now: a copy of its entries, sorted and encoded by the caller's thread."""
    soa, ns, entries = zone.soa(), zone.ns(), tuple(zone.journal.names.items())
    log, targets = zone.log_record(zone.log_head()), zone.targets()
    key = access.key if query.had_tsig else None
    return lambda: full_messages(
        query,
        soa=soa,
        ns=ns,
        log=log,
        entries=zone.in_order(entries),
        targets=targets,
        ttl=zone.ttl,
        key=key,
    )


def _ixfr(
    query: dns.message.Message, *, transport: Transport, zone: PublishedZone, access: Access
) -> Encoder:
    client = _client_serial(query)
    if client is None:
        return _ready([_rcode(query, dns.rcode.FORMERR)])
    current = zone.serial
    if transport == "udp" or client == current or serial_gt(client, current):
        return _ready(_messages(query, [zone.soa()]))
    body = zone.incremental(client)
    if body is None:
        return _full(query, zone=zone, access=access)
    return lambda: _messages(query, body)


def _client_serial(query: dns.message.Message) -> int | None:
    for rrset in query.authority:
        if rrset.rdtype == dns.rdatatype.SOA and len(rrset) == 1:
            serial: int = rrset[0].serial
            return serial
    return None


def _messages(query: dns.message.Message, rrsets: Iterable[dns.rrset.RRset]) -> list[bytes]:
    """The records in as many answers as needed, each TSIG-signed in sequence when the query was."""
    wires: list[bytes] = []
    context = None
    batch: list[dns.rrset.RRset] = []

    def flush() -> None:
        nonlocal context
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        response.answer = batch.copy()
        wires.append(response.to_wire(multi=query.had_tsig, tsig_ctx=context))
        context = response.tsig_ctx if query.had_tsig else None
        batch.clear()

    for rrset in rrsets:
        batch.append(rrset)
        if len(batch) == RRSETS_PER_MESSAGE:
            flush()
    if batch or not wires:
        flush()
    return wires


def _rcode(query: dns.message.Message, rcode: dns.rcode.Rcode) -> bytes:
    response = dns.message.make_response(query)
    response.set_rcode(rcode)
    return response.to_wire()


def _error_from_header(wire: bytes, rcode: dns.rcode.Rcode) -> list[bytes]:
    """An unsigned error answer built from the request's header and question, or nothing if unreadable."""
    try:
        query = dns.message.from_wire(wire, question_only=True)
    except dns.exception.DNSException:
        return []
    if query.flags & dns.flags.QR:
        return []
    response = dns.message.make_response(query)
    response.set_rcode(rcode)
    return [response.to_wire()]
