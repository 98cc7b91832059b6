"""A lab CT log on loopback for each test, and an HTTP session to read it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from ct_served import NOW, Served

from mirrorhunt.clock import SystemClock
from mirrorhunt.lab.ca import LabCA
from mirrorhunt.lab.ctlog import CtLog, CtServer


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    ca = LabCA(now=NOW)
    log = CtLog(clock=SystemClock())
    server = CtServer(log, roots=[ca.der])
    await server.start(host="127.0.0.1", port=0)
    try:
        yield Served(log, server, ca)
    finally:
        await server.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client
