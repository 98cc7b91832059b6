"""A lab CT log on loopback for each test, and an HTTP session to read it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from ct_served import Served, served_log


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    async with served_log() as log:
        yield log


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client
