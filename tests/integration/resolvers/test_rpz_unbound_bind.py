"""Unbound and BIND 9 fed by the mirrorhunt primary refuse a listed name, and answer again once delisted."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from resolver_processes import ADDRESS, SITE, Resolver, bind, eventually, free_port, unbound

from mirrorhunt.config import PublishSettings
from mirrorhunt.lab import Lab
from mirrorhunt.model import Listing
from mirrorhunt.publish.primary import Primary
from mirrorhunt.publish.tsig import parse_tsig
from mirrorhunt.store import Store

ZONE = "rpz.test"
TSIG = "xfr-key:hmac-sha256:" + base64.b64encode(b"mirrorhunt-test-secret-32-bytes!").decode()


def listing(name: str) -> Listing:
    return Listing(name=name, case="salon", reason="mirror", decided_by="test", since=datetime.now(UTC))


async def each(consumers: list[Resolver], check: Callable[[Resolver], Awaitable[bool]], *, what: str) -> None:
    for consumer in consumers:
        try:
            await eventually(lambda c=consumer: check(c), within=10, what=f"{consumer.kind}: {what}")
        except TimeoutError:
            print(consumer.log())
            raise


@pytest.mark.usefixtures("binaries")
@pytest.mark.parametrize("tsig", [None, TSIG], ids=["by-address", "tsig"])
async def test_listing_and_delisting_reach_unbound_and_bind(
    lab: Lab, store: Store, tmp_path: Path, tsig: str | None
) -> None:
    ports = {"unbound": free_port(), "named": free_port()}
    settings = PublishSettings(
        zone=ZONE,
        ttl=5,
        listen="127.0.0.1:0",
        notify=[f"127.0.0.1:{port}" for port in ports.values()],
        tsig=tsig,
    )
    async with Primary(store, settings=settings) as primary, contextlib.AsyncExitStack() as stack:
        common = {"lab_dns": lab.dns_address, "zone": ZONE, "primary": primary.port}
        key = None if tsig is None else parse_tsig(tsig)
        consumers = [
            await stack.enter_async_context(
                bind(folder=tmp_path / "named", port=ports["named"], key=key, **common)
            )
        ]
        if tsig is None:  # Unbound 1.17 cannot sign transfers: it is allowed by address alone
            unbound_ = unbound(folder=tmp_path / "unbound", port=ports["unbound"], **common)
            consumers.append(await stack.enter_async_context(unbound_))
        await each(consumers, lambda c: c.resolves_to(SITE, ADDRESS), what="resolves before the listing")

        assert store.add_listing(listing(SITE))
        primary.changed()
        await each(consumers, lambda c: c.refuses(SITE), what="refuses the listed name")
        await each(consumers, lambda c: c.refuses(f"www.{SITE}"), what="refuses a name below it")

        store.remove_listing(SITE, reason="order lifted", decided_by="test")  # seen by polling
        await each(consumers, lambda c: c.resolves_to(SITE, ADDRESS), what="resolves once delisted")
