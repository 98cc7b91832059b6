"""Name resolution for the prober: A and AAAA (NS, MX on request) through the configured resolvers.

The outcome keeps three answers apart: the name does not exist (``nxdomain``), it has addresses
(``resolves``), or the lookup failed (``error``: timeout, SERVFAIL, REFUSED, garbage). A failure is
never reported as ``nxdomain``: a monitor retries errors and trusts non-existence. CNAME chains are
followed (within one answer and across queries) and recorded. A name whose parent answers for a
random label with the same addresses sits under a wildcard: it resolves, but proves nothing.

Queries go through our own lean client (``dnsclient``, ``dnswire``): on this hardware it sweeps
several times faster than c-ares through aiodns and ten times faster than dnspython
(../shared/PERFORMANCE.md, benchmarks/probe.py).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import secrets
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from types import TracebackType

import dns.resolver

from mirrorhunt.config import Settings
from mirrorhunt.errors import ConfigError, InvalidInput, InvalidName
from mirrorhunt.model import DnsOutcome, DnsResult
from mirrorhunt.names import normalize_name, registrable_domain
from mirrorhunt.probe import dnsclient, dnswire
from mirrorhunt.probe.dnsclient import MAX_IN_FLIGHT, ExchangeError, UdpChannel, ask_tcp, describe

MAX_CNAME_HOPS = 8
WILDCARD_CACHE_SIZE = 100_000
"""Parents whose wildcard answer is remembered (one random-label query per parent)."""
_NO_ADDRESS = "the name exists but has no A or AAAA record"


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Lookup:
    """The records of one type for one name, in presentation form (``10 mx.example`` for MX)."""

    name: str
    rdtype: str
    outcome: DnsOutcome
    records: tuple[str, ...] = ()
    cnames: tuple[str, ...] = ()
    """The names the CNAME chain went through, in order, after ``name``."""
    error: str | None = None


class Resolver:
    """Asks the configured resolvers, in turn, for the records of names; use ``async with`` or ``close``."""

    def __init__(
        self,
        servers: Sequence[str] = (),
        *,
        timeout: float = 2.0,
        attempts: int = 2,
        detect_wildcards: bool = True,
    ) -> None:
        self._servers = [parse_server(server) for server in servers] or system_servers()
        self._timeout = timeout
        self._attempts = max(1, attempts)
        self._detect_wildcards = detect_wildcards
        self._loop: asyncio.AbstractEventLoop | None = None
        self._channels: list[UdpChannel] = []
        self._wildcards: dict[str, asyncio.Future[frozenset[str]]] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Resolver:
        """A resolver using ``settings.resolvers``, each query bounded by the connect timeout."""
        timeout = min(settings.probe.connect_timeout, settings.probe.timeout / 2)
        return cls(settings.resolvers, timeout=timeout)

    async def __aenter__(self) -> Resolver:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the sockets now (they also close after a second of idleness)."""
        for channel in self._channels:
            channel.close()
        self._channels = []

    async def resolve(self, name: str, *, nameservers: bool = False) -> DnsResult:
        """The addresses of ``name`` (A, then AAAA); raises ``InvalidName`` for a malformed name.

        AAAA is asked only when A did not say the name does not exist: most names of a sweep do not.
        With ``nameservers``, the NS of its registrable domain are asked alongside AAAA (a pivot for
        infrastructure; sweeps skip it).
        """
        normal = normalize_name(name)
        first = await self._lookup(normal, dnswire.TYPES["A"])
        if first.outcome == "nxdomain" and first.error is None:
            return DnsResult(name=normal, outcome="nxdomain")
        if first.outcome == "error":
            return DnsResult(name=normal, outcome="error", error=first.error)
        canonical = first.cnames[-1] if first.cnames else normal
        aaaa = self._lookup(canonical, dnswire.TYPES["AAAA"])
        if nameservers:
            second, servers = await asyncio.gather(aaaa, self._nameservers(normal))
        else:
            second, servers = await aaaa, ()
        addresses = (*first.records, *second.records)
        if addresses:
            wildcard = await self._under_wildcard(normal, addresses)
            return DnsResult(
                name=normal,
                outcome="resolves",
                addresses=addresses,
                cnames=first.cnames,
                wildcard=wildcard,
                nameservers=servers,
            )
        if second.outcome == "error":
            return DnsResult(name=normal, outcome="error", error=second.error)
        return DnsResult(name=normal, outcome="nxdomain", error=_NO_ADDRESS)

    async def sweep(self, batches: AsyncIterator[list[str]], *, limit: int) -> AsyncIterator[DnsResult]:
        """``resolve`` for every name of ``batches``, at most ``limit`` in flight, in completion order.

        A malformed name gives an ``error`` result named as given. Fast path for sweeps of mostly
        non-existent names: the first A query of each name is sent round-robin to the resolvers with
        no task of its own, and a clean NXDOMAIN ends there; any other reply, a timeout or a failure
        hands the name to ``resolve`` (asked again from the start, with its retries across resolvers).
        """
        limit = max(1, min(limit, MAX_IN_FLIGHT * len(self._servers)))
        A = dnswire.TYPES["A"]
        done: deque[DnsResult] = deque()
        wake = asyncio.Event()
        in_flight = 0
        tasks: set[asyncio.Task[DnsResult]] = set()

        def finish(result: DnsResult) -> None:
            nonlocal in_flight
            in_flight -= 1
            done.append(result)
            wake.set()

        def slow(name: str) -> None:
            task = asyncio.ensure_future(self.resolve(name))
            tasks.add(task)
            task.add_done_callback(functools.partial(ended, name))

        def ended(name: str, task: asyncio.Task[DnsResult]) -> None:
            tasks.discard(task)
            finish(_result_of(task, name))

        def fast(name: str, question: bytes) -> dnsclient.OnReply:
            def on_reply(wire: bytes | None) -> None:
                if closed:
                    return
                if (
                    wire is not None
                    and dnswire.answers_question(wire, question)
                    and wire[3] & 0x0F == dnswire.NXDOMAIN
                    and wire[6:8] == b"\x00\x00"
                    and not wire[2] & 0x02
                ):
                    finish(DnsResult(name=name, outcome="nxdomain"))
                else:
                    slow(name)

            return on_reply

        waiting: deque[str] = deque()
        exhausted = closed = False
        turn = 0
        try:
            while True:
                while in_flight < limit and len(done) < limit:
                    if not waiting and not exhausted:
                        batch = await anext(batches, None)
                        exhausted = batch is None
                        waiting.extend(batch or ())
                    if not waiting:
                        break
                    line = waiting.popleft()
                    try:
                        name = normalize_name(line)
                    except InvalidName as exc:
                        done.append(DnsResult(name=line, outcome="error", error=exc.message))
                        continue
                    in_flight += 1
                    channels = self._channels_now()
                    channel = channels[turn % len(channels)]
                    turn += 1
                    question = dnswire.question(name, A)
                    channel.submit(question, within=self._timeout, on_reply=fast(name, question))
                while done:
                    yield done.popleft()
                if in_flight == 0 and exhausted and not waiting:
                    return
                if not done and (in_flight >= limit or (exhausted and not waiting)):
                    wake.clear()  # nothing to hand out and no room or nothing to send: wait for a reply
                    await wake.wait()
        finally:
            closed = True
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def lookup(self, name: str, *, rdtype: str) -> Lookup:
        """The records of type ``rdtype`` (A, AAAA, NS, MX, CNAME) of ``name``; raises ``InvalidInput``."""
        number = dnswire.TYPES.get(rdtype.upper())
        if number is None:
            raise InvalidInput(f"record type {rdtype!r} is not one of {', '.join(dnswire.TYPES)}")
        return await self._lookup(normalize_name(name), number)

    async def _lookup(self, name: str, rdtype: int) -> Lookup:
        """Follow CNAMEs from ``name`` until records of ``rdtype``, NXDOMAIN, no data or a failure."""
        target, chain = name, [name]
        kind = dnswire.TYPE_NAMES[rdtype]
        while True:
            try:
                response = await self._ask(target, rdtype)
            except ExchangeError as exc:
                return Lookup(
                    name=name, rdtype=kind, outcome="error", cnames=tuple(chain[1:]), error=str(exc)
                )
            records, chain = _follow(response.answers, chain, rdtype)
            if len(chain) > MAX_CNAME_HOPS + 1:
                error = f"CNAME chain of {name} is longer than {MAX_CNAME_HOPS}"
                return Lookup(name=name, rdtype=kind, outcome="error", cnames=tuple(chain[1:]), error=error)
            if records:
                return Lookup(
                    name=name, rdtype=kind, outcome="resolves", records=records, cnames=tuple(chain[1:])
                )
            if response.rcode == dnswire.NXDOMAIN:
                return Lookup(name=name, rdtype=kind, outcome="nxdomain", cnames=tuple(chain[1:]))
            if chain[-1] == target:
                error = f"no {kind} record"
                return Lookup(
                    name=name, rdtype=kind, outcome="nxdomain", cnames=tuple(chain[1:]), error=error
                )
            target = chain[-1]

    async def _ask(self, name: str, rdtype: int) -> dnswire.Response:
        """One answer with NOERROR or NXDOMAIN, trying every resolver ``attempts`` times in turn."""
        question = dnswire.question(name, rdtype)
        failure = "no resolver"
        for _ in range(self._attempts):
            for channel in self._channels_now():
                try:
                    wire = await channel.ask(question, within=self._timeout)
                    if not dnswire.answers_question(wire, question):
                        raise ExchangeError(f"resolver {channel.where} answered another question")
                    response = dnswire.parse_response(wire)
                    if response.truncated:
                        wire = await ask_tcp(channel.server, question, within=self._timeout)
                        response = dnswire.parse_response(wire)
                except ExchangeError as exc:
                    failure = str(exc)
                    continue
                except dnswire.WireError as exc:
                    failure = f"resolver {describe(channel.server)} sent a malformed answer: {exc}"
                    continue
                if response.rcode in (dnswire.NOERROR, dnswire.NXDOMAIN):
                    return response
                rcode = dnswire.RCODE_NAMES.get(response.rcode, f"rcode {response.rcode}")
                failure = f"resolver {channel.where} answered {rcode}"
        raise ExchangeError(failure)

    async def _nameservers(self, name: str) -> tuple[str, ...]:
        """The NS of the registrable domain of ``name``, sorted; none for a public suffix, or when the
        lookup fails or outlasts one query timeout: the capture goes on without them."""
        domain = registrable_domain(name)
        if domain is None:
            return ()
        try:
            async with asyncio.timeout(self._timeout):
                found = await self._lookup(domain, dnswire.TYPES["NS"])
        except TimeoutError:
            return ()
        return tuple(sorted(set(found.records)))

    def _channels_now(self) -> list[UdpChannel]:
        """The channels of the running event loop (new ones when the loop changed)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            for channel in self._channels:
                channel.close()
            self._loop = loop
            self._channels = [UdpChannel(server, loop=loop) for server in self._servers]
            self._wildcards = {}
        return self._channels

    async def _under_wildcard(self, name: str, addresses: tuple[str, ...]) -> bool:
        """True when a random label beside ``name`` resolves to one of the same addresses."""
        if not self._detect_wildcards:
            return False
        parent = name.partition(".")[2]
        pending = self._wildcards.get(parent)
        if pending is None:
            if len(self._wildcards) >= WILDCARD_CACHE_SIZE:
                del self._wildcards[next(iter(self._wildcards))]
            pending = asyncio.ensure_future(self._wildcard_addresses(parent))
            self._wildcards[parent] = pending
        found = await asyncio.shield(pending)
        return not found.isdisjoint(addresses)

    async def _wildcard_addresses(self, parent: str) -> frozenset[str]:
        probe = f"mh-{secrets.token_hex(8)}.{parent}"
        found: list[str] = []
        for rdtype in (dnswire.TYPES["A"], dnswire.TYPES["AAAA"]):
            answer = await self._lookup(probe, rdtype)
            if answer.outcome == "nxdomain" and answer.error is None:
                break
            found.extend(answer.records)
        return frozenset(found)


def _result_of(task: asyncio.Task[DnsResult], name: str) -> DnsResult:
    """The task's result; a failure inside ``resolve`` becomes an ``error`` result, never a crash."""
    failure = None if task.cancelled() else task.exception()
    if task.cancelled() or failure is not None:
        return DnsResult(name=name, outcome="error", error=f"lookup failed: {failure or 'cancelled'}")
    return task.result()


def _follow(
    answers: Sequence[dnswire.Record], chain: list[str], rdtype: int
) -> tuple[tuple[str, ...], list[str]]:
    """(records of ``rdtype`` at the end of the chain, the chain extended by this answer's CNAMEs)."""
    chain = list(chain)
    while len(chain) <= MAX_CNAME_HOPS + 1:
        current = chain[-1]
        records = tuple(r.data for r in answers if r.owner == current and r.rdtype == rdtype)
        if records:
            return tuple(dict.fromkeys(records)), chain
        alias = next(
            (r.data for r in answers if r.owner == current and r.rdtype == dnswire.TYPES["CNAME"]), None
        )
        if alias is None or rdtype == dnswire.TYPES["CNAME"]:
            break
        chain.append(alias)
    return (), chain
