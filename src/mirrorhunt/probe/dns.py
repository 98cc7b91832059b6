"""Name resolution for the prober: A and AAAA through the configured resolvers, CNAMEs followed.

The outcome keeps three answers apart: the name does not exist (``nxdomain``), it has addresses
(``resolves``), or the lookup failed (``error``: timeout, SERVFAIL, REFUSED, garbage). A failure is
never reported as ``nxdomain``: a monitor retries errors and trusts non-existence.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.resolver

from mirrorhunt.config import Settings
from mirrorhunt.errors import ConfigError
from mirrorhunt.model import DnsResult
from mirrorhunt.names import normalize_name

MAX_CNAME_HOPS = 8
_ADDRESS_TYPES = (dns.rdatatype.A, dns.rdatatype.AAAA)


def parse_server(text: str) -> tuple[str, int]:
    """(address, port) of ``host:port``, ``[v6]:port`` or a bare address (port 53); ``ConfigError`` if not."""
    raw = text.strip()
    host, port = raw, "53"
    if raw.startswith("["):
        host, _, rest = raw[1:].partition("]")
        if rest:
            port = rest.removeprefix(":")
    elif raw.count(":") == 1:
        host, port = raw.split(":")
    try:
        address = str(ipaddress.ip_address(host))
        number = int(port)
    except ValueError as exc:
        raise ConfigError(
            f"resolver {text!r} is not an address and port", hint='write resolvers as "127.0.0.1:53"'
        ) from exc
    if not 0 < number < 65536:
        raise ConfigError(f"resolver {text!r} has port {number} out of range")
    return address, number


def system_servers() -> list[tuple[str, int]]:
    """The name servers of /etc/resolv.conf, on port 53."""
    try:
        nameservers = dns.resolver.Resolver(configure=True).nameservers
    except dns.resolver.NoResolverConfiguration as exc:
        raise ConfigError(
            "no resolvers configured and /etc/resolv.conf names none", hint='set resolvers = ["host:port"]'
        ) from exc
    return [(str(server), 53) for server in nameservers]


class _LookupFailed(Exception):
    """Every resolver failed to answer one query; the message says how the last one failed."""


@dataclass(frozen=True, slots=True)
class _Answer:
    addresses: tuple[str, ...] = ()
    nxdomain: bool = False
    error: str | None = None


class Resolver:
    """Asks the configured resolvers for the A and AAAA records of names, trying each in turn."""

    def __init__(self, servers: Sequence[str] = (), *, timeout: float = 2.0, attempts: int = 2) -> None:
        self._servers = [parse_server(server) for server in servers] or system_servers()
        self._timeout = timeout
        self._attempts = max(1, attempts)

    @classmethod
    def from_settings(cls, settings: Settings) -> Resolver:
        """A resolver using ``settings.resolvers``, each query bounded by the connect timeout."""
        timeout = min(settings.probe.connect_timeout, settings.probe.timeout / 2)
        return cls(settings.resolvers, timeout=timeout)

    async def resolve(self, name: str) -> DnsResult:
        """The addresses of ``name`` (A first, then AAAA); raises ``InvalidName`` for a malformed name."""
        normal = normalize_name(name)
        qname = dns.name.from_text(normal)
        answers = await asyncio.gather(*(self._lookup(qname, rdtype) for rdtype in _ADDRESS_TYPES))
        addresses = tuple(dict.fromkeys(a for answer in answers for a in answer.addresses))
        if addresses:
            return DnsResult(name=normal, outcome="resolves", addresses=addresses)
        if any(answer.nxdomain for answer in answers):
            return DnsResult(name=normal, outcome="nxdomain")
        errors = [answer.error for answer in answers if answer.error]
        if errors:
            return DnsResult(name=normal, outcome="error", error=errors[0])
        return DnsResult(name=normal, outcome="nxdomain", error="the name exists but has no A or AAAA record")

    async def _lookup(self, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType) -> _Answer:
        target = qname
        hops = 0
        while hops <= MAX_CNAME_HOPS:
            try:
                response = await self._query(target, rdtype)
            except _LookupFailed as exc:
                return _Answer(error=str(exc))
            if response.rcode() == dns.rcode.NXDOMAIN:
                return _Answer(nxdomain=True)
            addresses, end, followed = _follow_answer(response, target, rdtype)
            if addresses:
                return _Answer(addresses=addresses)
            if followed == 0:
                return _Answer()
            target, hops = end, hops + followed
        return _Answer(
            error=f"CNAME chain of {qname.to_text(omit_final_dot=True)} is longer than {MAX_CNAME_HOPS}"
        )

    async def _query(self, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType) -> dns.message.Message:
        failure = "no resolver"
        for _ in range(self._attempts):
            for host, port in self._servers:
                query = dns.message.make_query(qname, rdtype, use_edns=0, payload=1232)
                where = f"{host}:{port}"
                try:
                    response, _ = await dns.asyncquery.udp_with_fallback(
                        query, host, port=port, timeout=self._timeout
                    )
                except dns.exception.Timeout:
                    failure = f"resolver {where} did not answer within {self._timeout:g} s"
                    continue
                except (OSError, dns.exception.DNSException) as exc:
                    failure = f"resolver {where} failed: {exc.strerror if isinstance(exc, OSError) else exc}"
                    continue
                rcode = response.rcode()
                if rcode in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
                    return response
                failure = f"resolver {where} answered {dns.rcode.to_text(rcode)}"
        raise _LookupFailed(failure)


def _follow_answer(
    response: dns.message.Message, start: dns.name.Name, rdtype: dns.rdatatype.RdataType
) -> tuple[tuple[str, ...], dns.name.Name, int]:
    """(addresses, last name reached, CNAMEs followed) within one response's answer section."""
    current, followed = start, 0
    while followed <= MAX_CNAME_HOPS:
        records = response.get_rrset(response.answer, current, dns.rdataclass.IN, rdtype)
        if records:
            return tuple(str(record.address) for record in records), current, followed
        alias = response.get_rrset(response.answer, current, dns.rdataclass.IN, dns.rdatatype.CNAME)
        if not alias:
            break
        current, followed = next(iter(alias)).target, followed + 1
    return (), current, followed
