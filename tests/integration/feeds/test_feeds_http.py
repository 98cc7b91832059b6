"""Signed feeds over real HTTP on loopback: bodies, signatures, ETag/If-None-Match, Last-Modified."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from feed_tools import AT, listed_store, minisign_verify

from mirrorhunt.clock import FixedClock
from mirrorhunt.config import load_settings
from mirrorhunt.model import Listing
from mirrorhunt.publish.feeds import feeds_app
from mirrorhunt.publish.keys import generate_key_files, read_public_key
from mirrorhunt.publish.minisign import verify
from mirrorhunt.store import Store


@dataclass
class Feeds:
    base: str
    store: Store
    session: aiohttp.ClientSession
    public_key: Path

    async def get(self, path: str, **headers: str) -> tuple[aiohttp.ClientResponse, bytes]:
        async with self.session.get(self.base + path, headers=headers) as response:
            return response, await response.read()


@pytest.fixture
async def feeds(store_url: str, tmp_path: Path) -> AsyncIterator[Feeds]:
    secret, public = tmp_path / "feed.key", tmp_path / "feed.pub"
    generate_key_files(secret, public_path=public)
    store = listed_store(store_url, ["salon-lumiere.gg"])
    settings = load_settings(
        environ={},
        overrides={"database_url": store_url, "publish": {"zone": "rpz.test.", "signing_key": str(secret)}},
    )
    runner = web.AppRunner(feeds_app(store=store, settings=settings, clock=FixedClock(AT)))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            yield Feeds(f"http://127.0.0.1:{port}", store, session, public)
    finally:
        await runner.cleanup()
        store.close()


async def test_a_feed_and_its_signature(feeds: Feeds, tmp_path: Path) -> None:
    response, body = await feeds.get("/feeds/hosts")
    assert response.status == 200
    assert response.content_type == "text/plain"
    assert b"0.0.0.0 salon-lumiere.gg\n" in body
    epoch_serial = int(AT.timestamp())  # no primary ran: the first export opens the epoch at the clock
    assert response.headers["ETag"].startswith(f'"{epoch_serial}-hosts-')
    assert response.headers["X-Mirrorhunt-Serial"] == str(epoch_serial)
    signed, signature = await feeds.get("/feeds/hosts.minisig")
    assert signed.status == 200
    assert "format:hosts" in verify(body, signature.decode(), key=read_public_key(feeds.public_key))
    (tmp_path / "hosts").write_bytes(body)
    (tmp_path / "hosts.minisig").write_bytes(signature)
    checked = minisign_verify(feeds.public_key, tmp_path / "hosts", tmp_path / "hosts.minisig")
    assert checked.returncode == 0, checked.stderr


async def test_the_zone_for_unbound_url(feeds: Feeds) -> None:
    response, body = await feeds.get("/rpz/rpz.test.zone")
    assert response.status == 200
    assert b"salon-lumiere.gg IN CNAME ." in body
    _, signature = await feeds.get("/rpz/rpz.test.zone.minisig")
    assert "file:rpz.test.zone" in verify(body, signature.decode(), key=read_public_key(feeds.public_key))
    missing, _ = await feeds.get("/rpz/other.zone")
    assert missing.status == 404


async def test_etag_and_last_modified_answer_304_until_the_list_changes(feeds: Feeds) -> None:
    first, body = await feeds.get("/feeds/stix")
    assert first.content_type == "application/stix+json"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert modified == format_datetime(AT, usegmt=True)
    same, empty = await feeds.get("/feeds/stix", **{"If-None-Match": etag})
    assert (same.status, empty, same.headers["ETag"]) == (304, b"", etag)
    assert (await feeds.get("/feeds/stix", **{"If-None-Match": '"other", ' + etag}))[0].status == 304
    assert (await feeds.get("/feeds/stix", **{"If-Modified-Since": modified}))[0].status == 304
    earlier = format_datetime(AT - timedelta(seconds=1), usegmt=True)
    assert (await feeds.get("/feeds/stix", **{"If-Modified-Since": earlier}))[0].status == 200
    assert (await feeds.get("/feeds/stix", **{"If-None-Match": '"stale"'}))[0].status == 200
    again, same_body = await feeds.get("/feeds/stix")
    assert (again.headers["ETag"], same_body) == (etag, body)

    listing = Listing(name="salon-lumiere.to", case="salon", reason="mirror", decided_by="test", since=AT)
    await asyncio.to_thread(feeds.store.add_listing, listing)
    changed, new_body = await feeds.get("/feeds/stix", **{"If-None-Match": etag})
    assert changed.status == 200
    assert changed.headers["ETag"] != etag
    assert changed.headers["ETag"].startswith(f'"{int(AT.timestamp()) + 1}-stix-')
    assert b"salon-lumiere.to" in new_body


async def test_unknown_feeds_are_404_naming_the_known_ones(feeds: Feeds) -> None:
    response, body = await feeds.get("/feeds/gopher")
    assert response.status == 404
    assert b"dnsmasq" in body


async def test_without_a_signing_key_feeds_are_served_unsigned(store_url: str) -> None:
    store = listed_store(store_url, ["salon-lumiere.gg"])
    settings = load_settings(environ={}, overrides={"database_url": store_url})
    runner = web.AppRunner(feeds_app(store=store, settings=settings))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/feeds/json") as response:
                assert response.status == 200
                assert (await response.json())["count"] == 1
            async with session.get(f"{base}/feeds/json.minisig") as response:
                assert response.status == 404
                assert "signing_key" in await response.text()
    finally:
        await runner.cleanup()
        store.close()
