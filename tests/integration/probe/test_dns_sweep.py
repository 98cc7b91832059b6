"""Resolver.sweep gives, name for name, what resolve gives: the fast NXDOMAIN path changes no outcome."""

from collections.abc import AsyncIterator

from mirrorhunt.model import DnsResult
from mirrorhunt.probe import Resolver

NAMES = ["end.test", "start.test", "nope.test", "x.broken.test", "bad..name", "v6.test", "text-only.test"]


async def batches(names: list[str], size: int) -> AsyncIterator[list[str]]:
    for start in range(0, len(names), size):
        yield names[start : start + size]


async def test_a_sweep_agrees_with_resolve_for_every_kind_of_answer(scripted_dns: str) -> None:
    async with Resolver([scripted_dns], timeout=0.5, attempts=1, detect_wildcards=False) as resolver:
        swept = [result async for result in resolver.sweep(batches(NAMES * 30, 7), limit=16)]
        one_by_one: dict[str, DnsResult] = {}
        for name in NAMES[:4] + NAMES[5:]:
            one_by_one[name] = await resolver.resolve(name)
    assert len(swept) == len(NAMES) * 30
    by_name = {result.name: result for result in swept}
    assert by_name["bad..name"].outcome == "error" and "not a domain name" in (
        by_name["bad..name"].error or ""
    )
    for name, expected in one_by_one.items():
        assert by_name[name] == expected, name
    assert by_name["nope.test"].outcome == "nxdomain"
    assert by_name["start.test"].cnames == ("middle.test", "end.test")
    assert by_name["x.broken.test"].outcome == "error"


async def test_a_sweep_against_a_silent_server_ends_with_errors(silent_port: int) -> None:
    async with Resolver([f"127.0.0.1:{silent_port}"], timeout=0.2, attempts=1) as resolver:
        swept = [
            result async for result in resolver.sweep(batches(["a.test", "b.test", "c.test"], 2), limit=2)
        ]
    assert sorted(result.name for result in swept) == ["a.test", "b.test", "c.test"]
    assert all(result.outcome == "error" and "did not answer" in (result.error or "") for result in swept)
