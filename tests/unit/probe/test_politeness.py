"""KeyedLimiter: at most so many holders per key, and nothing kept for keys nobody holds."""

import asyncio

import pytest

from mirrorhunt.errors import ConfigError
from mirrorhunt.probe.politeness import KeyedLimiter


async def test_no_key_has_more_holders_than_the_limit_and_keys_are_independent() -> None:
    limiter = KeyedLimiter(2, what="test")
    peak: dict[str, int] = {"a": 0, "b": 0}
    release, full = asyncio.Event(), asyncio.Event()

    async def hold(key: str) -> None:
        async with limiter.hold(key):
            peak[key] = max(peak[key], limiter.in_use(key))
            if limiter.in_use("a") == 2 and limiter.in_use("b") == 1:
                full.set()
            await release.wait()

    tasks = [asyncio.create_task(hold(key)) for key in "aaaaab"]
    async with asyncio.timeout(5):
        await full.wait()
    assert (limiter.in_use("a"), limiter.in_use("b")) == (2, 1)
    release.set()
    await asyncio.gather(*tasks)
    assert peak == {"a": 2, "b": 1}
    assert limiter.keys == 0


async def test_a_failing_holder_frees_its_slot() -> None:
    limiter = KeyedLimiter(1, what="test")
    with pytest.raises(RuntimeError):
        async with limiter.hold("x"):
            raise RuntimeError("boom")
    assert limiter.keys == 0
    async with asyncio.timeout(5), limiter.hold("x"):
        assert limiter.in_use("x") == 1


def test_a_limit_below_one_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"probe\.max_per_host must be at least 1"):
        KeyedLimiter(0, what="probe.max_per_host")
