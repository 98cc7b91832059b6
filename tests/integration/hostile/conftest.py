"""The hostile lab: misbehaving web servers and a rebinding name server, all on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from mirrorhunt.config import Settings, load_settings
from mirrorhunt.lab.hostile import HostileWeb, RebindingDns
from mirrorhunt.model import Capture
from mirrorhunt.probe import Prober

TIMEOUT = 1.5
NAMES = {
    "hostile.test": ["127.0.0.1"],
    "selfsigned.test": ["127.0.0.1"],
    "rebind.test": ["127.0.0.1", "127.0.0.2"],
    "private.test": ["10.0.0.1"],
}


@pytest.fixture
async def hostile(tmp_path: Path) -> AsyncIterator[HostileWeb]:
    async with HostileWeb(workdir=tmp_path / "hostile") as web:
        yield web


@pytest.fixture
async def rebinding_dns() -> AsyncIterator[RebindingDns]:
    server = await RebindingDns(NAMES).start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def settings(hostile: HostileWeb, rebinding_dns: RebindingDns) -> Settings:
    """Private addresses refused, as in production; the prober exempts 127.0.0.1 only."""
    return load_settings(
        config_file=None,
        environ={},
        overrides={
            "resolvers": [rebinding_dns.address],
            "allow_private_addresses": False,
            "probe": {
                "timeout": TIMEOUT,
                "connect_timeout": 1.0,
                "max_body_bytes": 100_000,
                "max_redirects": 5,
                "http_port": hostile.http_port,
                "https_port": hostile.https_port,
                "ca_bundle": str(hostile.ca_bundle),
            },
        },
    )


Capturer = Callable[[str], Awaitable[Capture]]


@pytest.fixture
def capture(settings: Settings) -> Capturer:
    """Capture a target with a fresh prober and check it returned within the deadline."""

    async def run(target: str) -> Capture:
        began = time.monotonic()
        async with Prober(settings, exempt=["127.0.0.1/32"]) as prober:
            result = await prober.capture(target)
        assert time.monotonic() - began < TIMEOUT + 1.0, "the capture outlived its deadline"
        return result

    return run
