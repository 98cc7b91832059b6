"""The guarded HTTP client on its own: addresses refused at connect time, decompression capped."""

import gzip
import socket
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from yarl import URL

from mirrorhunt.config import Settings
from mirrorhunt.errors import SafetyRefusal
from mirrorhunt.probe import Prober, Resolver
from mirrorhunt.probe.http import GuardedResolver, HttpClient

SettingsFor = Callable[..., Settings]
BOMB = gzip.compress(b"<html><body>" + b" " * 20_000_000 + b"</body></html>", compresslevel=9)


async def test_the_guarded_resolver_refuses_private_answers(scripted_dns: str) -> None:
    resolver = Resolver([scripted_dns], timeout=0.5)
    refused = GuardedResolver(resolver, allow_private=False)
    with pytest.raises(SafetyRefusal, match=r"refused: 127\.0\.0\.9 is a loopback address"):
        await refused.resolve("end.test", 443, socket.AF_UNSPEC)
    allowed = await GuardedResolver(resolver, allow_private=True).resolve("end.test", 443, socket.AF_UNSPEC)
    assert [(answer["host"], answer["port"]) for answer in allowed] == [("127.0.0.9", 443)]


async def test_an_address_in_a_url_is_checked_before_connecting(settings_for: SettingsFor) -> None:
    settings = settings_for(allow_private_addresses=False)
    async with HttpClient(settings=settings, resolver=Resolver.from_settings(settings)) as client:
        with pytest.raises(SafetyRefusal, match=r"refused: 10\.1\.2\.3 is a private address"):
            await client.get(URL("http://10.1.2.3/"), max_bytes=1000)


@pytest.fixture
async def bomb_port() -> AsyncIterator[int]:
    """An HTTP server on 127.0.0.9 answering every path with a small gzip body that inflates to 20 MB."""

    async def bomb(_: web.Request) -> web.Response:
        return web.Response(body=BOMB, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})

    app = web.Application()
    app.router.add_get("/{tail:.*}", bomb)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.9", 0).start()
    try:
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


async def test_a_compressed_body_is_cut_at_the_cap_after_decompression(
    scripted_dns: str, bomb_port: int, settings_for: SettingsFor
) -> None:
    settings = settings_for(resolvers=[scripted_dns], http_port=bomb_port, max_body_bytes=50_000)
    async with Prober(settings) as prober:
        capture = await prober.capture("http://end.test/")
    assert capture.error is None, capture.error
    assert len(BOMB) < 50_000
    assert (len(capture.body), capture.truncated) == (50_000, True)
    assert capture.body.startswith(b"<html><body>")
    assert capture.favicon is None
