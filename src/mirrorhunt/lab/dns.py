"""The lab's authoritative name server: the root of the simulated internet, over UDP and TCP.

``LabZone`` holds the names; ``answer`` is the pure answer logic; ``respond`` turns query bytes into
response bytes (or nothing, for packets not worth answering); ``DnsServer`` is the thin socket code.
The zone is ``.`` itself, so that a real resolver can use this server as its root (``stub-zone "."``):
``. NS`` carries glue, and names above lab names (``gg.``) are empty non-terminals, never NXDOMAIN.
Every lab name is also a zone apex served by the same server (NS and SOA at the name); its NS RRset
names the lab's shared server unless a site's registrable domain was given its own name servers
(``set_nameservers``), as a mirror operator's own DNS host would be. Name servers served by the lab
come with their addresses as glue.
A name whose first label is ``*`` is a wildcard: it answers for every name below its parent that is
not otherwise served (``set_addresses("*.wild.test", …)``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import struct
from collections import Counter
from collections.abc import Sequence
from typing import cast

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from mirrorhunt.dnstcp import serve_connection

NAMESERVER = "ns.lab"
_HEADER = struct.Struct(">HH")
_TCP_IDLE_SECONDS = 10.0


class LabZone:
    """The names the lab answers for, with their addresses; changes show in the next answer."""

    def __init__(self, *, nameserver_address: str, nameserver: str = NAMESERVER, ttl: int = 60) -> None:
        self.nameserver = dns.name.from_text(nameserver)
        self.ttl = ttl
        self.serial = 1
        self._addresses: dict[dns.name.Name, tuple[str, ...]] = {}
        self._aliases: dict[dns.name.Name, dns.name.Name] = {}
        self._nameservers: dict[dns.name.Name, tuple[dns.name.Name, ...]] = {}
        self._ancestors: Counter[dns.name.Name] = Counter()
        self.set_addresses(nameserver, [nameserver_address])

    def set_addresses(self, name: str, addresses: Sequence[str]) -> None:
        """Serve ``name`` with these IPv4/IPv6 addresses (replacing what it had)."""
        owner = dns.name.from_text(name)
        canonical = tuple(str(ipaddress.ip_address(address)) for address in addresses)
        if owner not in self._addresses:
            self._ancestors.update(_proper_ancestors(owner))
        self._addresses[owner] = canonical
        self.serial += 1

    def set_alias(self, name: str, target: str) -> None:
        """Answer ``name`` with a CNAME to ``target`` (a lab name or not)."""
        owner = dns.name.from_text(name)
        if owner not in self._aliases:
            self._ancestors.update(_proper_ancestors(owner))
        self._aliases[owner] = dns.name.from_text(target)
        self.serial += 1

    def set_nameservers(self, name: str, nameservers: Sequence[str]) -> None:
        """Serve ``nameservers`` as the NS RRset of ``name`` (none: the lab's shared server again)."""
        owner = dns.name.from_text(name)
        if nameservers:
            self._nameservers[owner] = tuple(dns.name.from_text(server) for server in nameservers)
        else:
            self._nameservers.pop(owner, None)
        self.serial += 1

    def nameservers_of(self, name: dns.name.Name) -> tuple[dns.name.Name, ...]:
        """The name servers of an apex: its own, or the lab's shared one."""
        return self._nameservers.get(name, (self.nameserver,))

    def is_delegated(self, name: dns.name.Name) -> bool:
        """True for a name given name servers of its own, an apex even when it serves no address."""
        return name in self._nameservers

    def alias_of(self, name: dns.name.Name) -> dns.name.Name | None:
        """The CNAME target of an alias, or None."""
        return self._aliases.get(name)

    def remove(self, name: str) -> None:
        """Stop serving ``name``: it answers NXDOMAIN again (unless a name below it exists)."""
        owner = dns.name.from_text(name)
        if self._addresses.pop(owner, None) is not None or self._aliases.pop(owner, None) is not None:
            self._ancestors.subtract(_proper_ancestors(owner))
            self._ancestors = +self._ancestors  # drop the names whose count fell to zero
            self.serial += 1

    def addresses(self, name: dns.name.Name) -> tuple[str, ...] | None:
        """The addresses of a served name (or of the wildcard covering it), or None if it is not served."""
        found = self._addresses.get(name)
        if found is not None or name == dns.name.root or self.is_empty_non_terminal(name):
            return found
        encloser = name.parent()  # RFC 4592: ``*`` under the closest ancestor that exists
        while encloser != dns.name.root and encloser not in self._addresses:
            if self.is_empty_non_terminal(encloser):
                break
            encloser = encloser.parent()
        return self._addresses.get(dns.name.Name((b"*", *encloser.labels)))

    def is_empty_non_terminal(self, name: dns.name.Name) -> bool:
        """True for a name that holds no data but has served names below it (``gg.``)."""
        return self._ancestors[name] > 0

    def apex_of(self, name: dns.name.Name) -> dns.name.Name:
        """The closest zone apex at or above ``name``: a served name, or the root."""
        while name != dns.name.root and name not in self._addresses and name not in self._nameservers:
            name = name.parent()
        return name

    def rrset(self, owner: dns.name.Name, rdtype: dns.rdatatype.RdataType) -> dns.rrset.RRset | None:
        """The records of one type at an apex or served name, or None."""
        apex = owner == dns.name.root or owner in self._addresses or owner in self._nameservers
        if rdtype == dns.rdatatype.NS and apex:
            texts = [server.to_text() for server in self.nameservers_of(owner)]
        elif rdtype == dns.rdatatype.SOA and apex:
            primary = self.nameservers_of(owner)[0]
            texts = [f"{primary} hostmaster.{primary} {self.serial} 3600 600 86400 {self.ttl}"]
        elif rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
            version = 4 if rdtype == dns.rdatatype.A else 6
            texts = [a for a in self.addresses(owner) or () if ipaddress.ip_address(a).version == version]
        else:
            texts = []
        if not texts:
            return None
        return dns.rrset.from_text_list(owner, self.ttl, dns.rdataclass.IN, rdtype, texts)


def _proper_ancestors(name: dns.name.Name) -> list[dns.name.Name]:
    found = []
    while name != dns.name.root:
        name = name.parent()
        found.append(name)
    return found[:-1]  # the root is the apex, never an empty non-terminal


_ANY_TYPES = (dns.rdatatype.SOA, dns.rdatatype.NS, dns.rdatatype.A, dns.rdatatype.AAAA)


def answer(query: dns.message.Message, zone: LabZone) -> dns.message.Message:
    """The authoritative response of the lab to one query."""
    response = dns.message.make_response(query)
    if query.opcode() != dns.opcode.QUERY:
        response.set_rcode(dns.rcode.NOTIMP)
        return response
    if len(query.question) != 1:
        response.set_rcode(dns.rcode.FORMERR)
        return response
    question = query.question[0]
    if question.rdclass != dns.rdataclass.IN:
        response.set_rcode(dns.rcode.REFUSED)
        return response
    response.flags |= dns.flags.AA
    qname, qtype = question.name, question.rdtype
    if zone.alias_of(qname) is not None:
        _follow_aliases(response, qname, qtype, zone)
        return response
    if qname == dns.name.root or zone.addresses(qname) is not None or zone.is_delegated(qname):
        types = _ANY_TYPES if qtype == dns.rdatatype.ANY else (qtype,)
        for rdtype in types:
            rrset = zone.rrset(qname, rdtype)
            if rrset is not None:
                response.answer.append(rrset)
        if any(rrset.rdtype == dns.rdatatype.NS for rrset in response.answer):
            for server in zone.nameservers_of(qname):
                for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                    glue = zone.rrset(server, rdtype)
                    if glue is not None:
                        response.additional.append(glue)
        if response.answer:
            return response
    elif not zone.is_empty_non_terminal(qname):
        response.set_rcode(dns.rcode.NXDOMAIN)
    apex = zone.apex_of(qname)
    soa = zone.rrset(apex, dns.rdatatype.SOA)
    assert soa is not None
    response.authority.append(soa)
    return response


_MAX_ALIASES = 8


def _follow_aliases(
    response: dns.message.Message, qname: dns.name.Name, qtype: dns.rdatatype.RdataType, zone: LabZone
) -> None:
    """CNAME records from ``qname`` on, and the records of the type asked at the end of the chain when
    that is a lab name (RFC 1034 section 3.6.2); a target outside the lab is left to the resolver."""
    owner = qname
    for _ in range(_MAX_ALIASES):
        target = zone.alias_of(owner)
        if target is None:
            break
        response.answer.append(
            dns.rrset.from_text_list(
                owner, zone.ttl, dns.rdataclass.IN, dns.rdatatype.CNAME, [target.to_text()]
            )
        )
        if qtype == dns.rdatatype.CNAME:
            return
        owner = target
    if owner != qname and zone.addresses(owner) is not None:
        rrset = zone.rrset(owner, qtype)
        if rrset is not None:
            response.answer.append(rrset)


def respond(wire: bytes, zone: LabZone, *, udp: bool) -> bytes | None:
    """Response bytes for query bytes: FORMERR for garbage with a header; None for worse, or a response."""
    if len(wire) < _HEADER.size:
        return None
    query_id, flags = _HEADER.unpack_from(wire)
    if flags & dns.flags.QR:
        return None
    try:
        query = dns.message.from_wire(wire)
    except (dns.exception.DNSException, ValueError, UnicodeError):
        formerr = dns.message.Message(id=query_id)
        formerr.flags = dns.flags.QR
        formerr.set_rcode(dns.rcode.FORMERR)
        return formerr.to_wire()
    response = answer(query, zone)
    limit = (max(query.payload, 512) if query.edns >= 0 else 512) if udp else 65535
    try:
        return response.to_wire(max_size=limit)
    except dns.exception.TooBig:
        truncated = dns.message.make_response(query)
        truncated.flags |= dns.flags.TC | (response.flags & dns.flags.AA)
        truncated.set_rcode(response.rcode())
        return truncated.to_wire()


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, zone: LabZone) -> None:
        self.zone = zone
        self.transport: asyncio.DatagramTransport | None = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        reply = respond(data, self.zone, udp=True)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)


class DnsServer:
    """The zone served over UDP and TCP on one address and port."""

    def __init__(self, zone: LabZone) -> None:
        self.zone = zone
        self._udp: _UdpProtocol | None = None
        self._tcp: asyncio.Server | None = None
        self.port = 0

    async def start(self, *, host: str, port: int) -> None:
        """Listen on ``host:port`` (port 0: a free one for both UDP and TCP); raises ``OSError``."""
        loop = asyncio.get_running_loop()
        for attempt in range(8):
            udp, protocol = await loop.create_datagram_endpoint(
                lambda: _UdpProtocol(self.zone), local_addr=(host, port)
            )
            chosen = udp.get_extra_info("sockname")[1]
            try:
                self._tcp = await asyncio.start_server(self._serve_tcp, host, chosen)
            except OSError:
                udp.close()
                await protocol.closed
                if port != 0 or attempt == 7:
                    raise
                continue
            self._udp, self.port = protocol, chosen
            return

    async def stop(self) -> None:
        if self._udp is not None and self._udp.transport is not None:
            self._udp.transport.close()
            await self._udp.closed
        if self._tcp is not None:
            self._tcp.close()
            await self._tcp.wait_closed()

    async def _serve_tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_connection(reader, writer, self._answer_tcp, idle_seconds=_TCP_IDLE_SECONDS)

    async def _answer_tcp(self, wire: bytes, source: str) -> list[bytes]:
        reply = respond(wire, self.zone, udp=False)
        return [reply] if reply is not None else []
