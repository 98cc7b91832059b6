"""The resolver against real name servers on loopback: wildcards, truncation, retries, garbage, volume."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from typing import cast

import pytest

from mirrorhunt.lab import Lab
from mirrorhunt.lab.dns import DnsServer, LabZone
from mirrorhunt.probe import Resolver

Reply = Callable[[bytes], bytes | None]


class _Answering(asyncio.DatagramProtocol):
    """A UDP server on 127.0.0.1 answering each datagram with ``reply(datagram)`` (or not at all)."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.transport: asyncio.DatagramTransport | None = None
        self.seen = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.seen += 1
        answer = self.reply(data)
        if answer is not None and self.transport is not None:
            self.transport.sendto(answer, addr)


async def _serve(reply: Reply) -> tuple[asyncio.DatagramTransport, _Answering, str]:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: _Answering(reply), local_addr=("127.0.0.1", 0)
    )
    port = transport.get_extra_info("sockname")[1]
    return transport, protocol, f"127.0.0.1:{port}"


@pytest.fixture
async def zone_server() -> AsyncIterator[tuple[LabZone, str]]:
    """The lab's name server with a zone of our own: a wildcard, a name beside it, a crowded name."""
    zone = LabZone(nameserver_address="127.0.0.1")
    zone.set_addresses("*.wild.test", ["127.0.0.5"])
    zone.set_addresses("real.wild.test", ["127.0.0.6"])
    zone.set_addresses("salon.gg", ["127.0.0.7"])
    zone.set_addresses("crowded.test", [f"127.0.1.{i}" for i in range(1, 121)])
    server = DnsServer(zone)
    await server.start(host="127.0.0.1", port=0)
    try:
        yield zone, f"127.0.0.1:{server.port}"
    finally:
        await server.stop()


async def test_a_name_under_a_wildcard_resolves_but_is_marked(zone_server: tuple[LabZone, str]) -> None:
    async with Resolver([zone_server[1]], timeout=1.0) as resolver:
        wild = await resolver.resolve("salon-lumiere.wild.test")
        deeper = await resolver.resolve("a.b.wild.test")
        real = await resolver.resolve("real.wild.test")
        plain = await resolver.resolve("salon.gg")
    assert (wild.outcome, wild.addresses, wild.wildcard) == ("resolves", ("127.0.0.5",), True)
    assert deeper.wildcard
    assert (real.outcome, real.wildcard) == ("resolves", False)  # its own record, not the wildcard's
    assert (plain.outcome, plain.wildcard) == ("resolves", False)


async def test_wildcard_detection_can_be_switched_off(zone_server: tuple[LabZone, str]) -> None:
    async with Resolver([zone_server[1]], timeout=1.0, detect_wildcards=False) as resolver:
        assert not (await resolver.resolve("x.wild.test")).wildcard


async def test_a_truncated_answer_is_asked_again_over_tcp(zone_server: tuple[LabZone, str]) -> None:
    async with Resolver([zone_server[1]], timeout=1.0) as resolver:
        result = await resolver.resolve("crowded.test")
    assert result.outcome == "resolves"
    assert len(result.addresses) == 120


async def test_ns_records_on_request(zone_server: tuple[LabZone, str]) -> None:
    async with Resolver([zone_server[1]], timeout=1.0) as resolver:
        servers = await resolver.lookup("salon.gg", rdtype="NS")
        absent = await resolver.lookup("absent.gg", rdtype="MX")
    assert (servers.outcome, servers.records) == ("resolves", ("ns.lab",))
    assert (absent.outcome, absent.error) == ("nxdomain", None)


async def test_thousands_of_names_in_flight_keep_their_outcomes(zone_server: tuple[LabZone, str]) -> None:
    names = [f"n{i}.gg" for i in range(1500)] + ["salon.gg"] * 10
    async with Resolver([zone_server[1]], timeout=2.0, attempts=3) as resolver:
        results = await asyncio.gather(*(resolver.resolve(name) for name in names))
    outcomes = [r.outcome for r in results]
    assert outcomes.count("nxdomain") == 1500
    assert outcomes.count("resolves") == 10


async def test_garbage_after_a_matching_id_is_an_error_then_the_next_resolver_answers(lab: Lab) -> None:
    transport, garbage, address = await _serve(lambda data: data[:2] + b"\x81\x80\xff\xfe garbage")
    try:
        async with Resolver([address], timeout=0.3, attempts=1) as alone:
            failed = await alone.resolve("salon.gg")
        async with Resolver([address, lab.dns_address], timeout=0.3, attempts=1) as both:
            answered = await both.resolve("salon.gg")
    finally:
        transport.close()
    assert failed.outcome == "error"
    assert failed.error is not None and address in failed.error
    assert answered.outcome == "resolves"
    assert garbage.seen >= 2


async def test_replies_that_answer_another_question_are_not_believed(lab: Lab) -> None:
    # echoes the id with a question for another name, claiming NXDOMAIN
    def other_question(data: bytes) -> bytes:
        header = data[:2] + b"\x81\x83\x00\x01\x00\x00\x00\x00\x00\x00"
        return header + b"\x05other\x02gg\x00\x00\x01\x00\x01"

    transport, _, address = await _serve(other_question)
    try:
        async with Resolver([address], timeout=0.3, attempts=1) as resolver:
            result = await resolver.resolve("salon.gg")
    finally:
        transport.close()
    assert result.outcome == "error"  # never "nxdomain" on the word of a mismatched reply
    assert result.error == f"resolver {address} answered another question"


async def test_random_bytes_are_ignored_until_the_timeout(lab: Lab) -> None:
    transport, _, address = await _serve(lambda data: bytes(range(40)))
    try:
        async with Resolver([address, lab.dns_address], timeout=0.3, attempts=1) as resolver:
            result = await resolver.resolve("salon.gg")
    finally:
        transport.close()
    assert result.outcome == "resolves"


async def test_a_closed_port_fails_fast_and_the_next_resolver_answers(lab: Lab) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{probe.getsockname()[1]}"
    loop = asyncio.get_running_loop()
    began = loop.time()
    async with Resolver([closed], timeout=5.0, attempts=1) as resolver:
        refused = await resolver.resolve("salon.gg")
    assert refused.outcome == "error"
    assert loop.time() - began < 2.0  # the ICMP error ends the wait, not the 5 s timeout
    async with Resolver([closed, lab.dns_address], timeout=5.0) as resolver:
        assert (await resolver.resolve("salon.gg")).outcome == "resolves"


async def test_servfail_from_the_first_resolver_is_retried_on_the_next(lab: Lab) -> None:
    def servfail(data: bytes) -> bytes:
        end = data.index(b"\x00", 12) + 5
        return data[:2] + b"\x81\x82\x00\x01\x00\x00\x00\x00\x00\x00" + data[12:end]

    transport, failing, address = await _serve(servfail)
    try:
        async with Resolver([address, lab.dns_address], timeout=0.5) as resolver:
            result = await resolver.resolve("salon.gg")
        before = failing.seen
        async with Resolver([address], timeout=0.5, attempts=2) as resolver:
            alone = await resolver.resolve("salon.gg")
    finally:
        transport.close()
    assert result.outcome == "resolves"
    assert (alone.outcome, alone.error) == ("error", f"resolver {address} answered SERVFAIL")
    assert failing.seen - before == 2  # asked again on the second attempt, then given up
