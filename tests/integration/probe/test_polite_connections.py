"""Politeness on real servers: requests in flight per host and per address are capped; kept-alive
connections are reused across captures of one host."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import cast

import dns.message
import dns.rrset
import pytest
from aiohttp import web
from yarl import URL

from mirrorhunt.config import Settings
from mirrorhunt.lab import Lab
from mirrorhunt.probe import Prober, Resolver
from mirrorhunt.probe.http import HttpClient

SettingsFor = Callable[..., Settings]
SHARED_ADDRESS = "127.0.0.9"


class EveryNameHere(asyncio.DatagramProtocol):
    """A name server answering every A query with ``SHARED_ADDRESS``: many names, one server."""

    transport: asyncio.DatagramTransport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        question = query.question[0]
        if question.rdtype == dns.rdatatype.A:
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", SHARED_ADDRESS))
        self.transport.sendto(response.to_wire(), addr)


class Crowd:
    """An HTTP server that holds each request until ``expected`` are in flight at once (or 2 s pass),
    and records the most it ever saw, in all and per Host."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.in_flight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.full = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        host = request.host.partition(":")[0]
        for key in (host, "*"):
            self.in_flight[key] += 1
            self.peak[key] = max(self.peak[key], self.in_flight[key])
        if self.in_flight["*"] >= self.expected:
            self.full.set()
        try:
            await asyncio.wait_for(self.full.wait(), 2.0)
        except TimeoutError:
            pass
        finally:
            for key in (host, "*"):
                self.in_flight[key] -= 1
        return web.Response(text="<html><title>crowd</title></html>", content_type="text/html")


@pytest.fixture
async def shared_server() -> AsyncIterator[tuple[str, Crowd, int]]:
    """(resolver address, the crowd server, its HTTP port)."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(EveryNameHere, local_addr=("127.0.0.1", 0))
    crowd = Crowd(expected=3)
    app = web.Application()
    app.router.add_get("/{tail:.*}", crowd.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, SHARED_ADDRESS, 0).start()
    host, port = transport.get_extra_info("sockname")[:2]
    try:
        yield f"{host}:{port}", crowd, runner.addresses[0][1]
    finally:
        await runner.cleanup()
        transport.close()


async def _fetch_all(settings: Settings, urls: list[str]) -> None:
    async with HttpClient(settings=settings, resolver=Resolver.from_settings(settings)) as client:
        await asyncio.gather(*(client.get(URL(url), max_bytes=10_000) for url in urls))


async def test_names_sharing_one_address_get_at_most_max_per_address_requests_at_once(
    shared_server: tuple[str, Crowd, int], settings_for: SettingsFor
) -> None:
    resolver, crowd, port = shared_server
    settings = settings_for(resolvers=[resolver], http_port=port, max_per_address=3, max_per_host=8)
    await _fetch_all(settings, [f"http://name{i}.test/" for i in range(9)])
    assert crowd.peak["*"] == 3


async def test_one_host_gets_at_most_max_per_host_requests_at_once(
    shared_server: tuple[str, Crowd, int], settings_for: SettingsFor
) -> None:
    resolver, crowd, port = shared_server
    settings = settings_for(resolvers=[resolver], http_port=port, max_per_address=16, max_per_host=2)
    await _fetch_all(settings, [f"http://one.test/page{i}" for i in range(6)] + ["http://two.test/"])
    assert crowd.peak["one.test"] == 2
    assert crowd.peak["*"] == 3  # another host on the same address is not held back by one.test


async def test_captures_of_one_host_reuse_one_kept_alive_connection(
    lab: Lab, settings_for: SettingsFor
) -> None:
    async with Prober(settings_for()) as prober:
        captures = [await prober.capture("salon.gg") for _ in range(3)]
        counts = prober.connections
    assert all(capture.fetched and capture.favicon for capture in captures)
    assert (counts.opened, counts.reused) == (1, 5)  # page + favicon, three times, on one connection
