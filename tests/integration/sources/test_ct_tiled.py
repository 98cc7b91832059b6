"""Both faces of the lab CT log followed for real: tiles, cursors, rewinds, forks, rate limits, lists."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import aiohttp
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization

from ct_served import NOW, Served
from mirrorhunt.clock import SystemClock
from mirrorhunt.config import load_settings
from mirrorhunt.engine.ct_source import StoreCursors
from mirrorhunt.errors import ConfigError, SourceError
from mirrorhunt.lab.ctlog import CtLog
from mirrorhunt.sources.ct import CtEntry, CtFollower
from mirrorhunt.sources.ctfollow import Cursor, LogReader, follow_log, log_specs
from mirrorhunt.sources.cthttp import fetch, retry_after
from mirrorhunt.sources.ctlist import LogInfo, bundled_log_list, load_log_list, log_list_document
from mirrorhunt.sources.tiles import TiledFollower, tile_path
from mirrorhunt.store import Store


def readers(served: Served, session: aiohttp.ClientSession) -> list[LogReader]:
    return [
        CtFollower(log_url=served.url, session=session, key=served.key, batch_size=100),
        TiledFollower(monitoring_url=served.tiles_url, session=session, key=served.key),
    ]


def names(entries: list[CtEntry]) -> list[str]:
    return [name for entry in entries for name in entry.names]


def test_tile_paths_follow_the_spec() -> None:
    assert tile_path(0, 1234067) == "0/x001/x234/067"
    assert tile_path("data", 5, 17) == "data/005.p/17"
    assert tile_path(2, 1000) == "2/x001/000"


async def test_both_faces_give_the_same_entries_across_tile_boundaries(
    served: Served, session: aiohttp.ClientSession
) -> None:
    served.add(600)
    rfc, tiled = readers(served, session)
    assert (await rfc.head()).root == (await tiled.head()).root
    first = await follow_log(rfc, Cursor(index=0), limit=1000)
    second = await follow_log(tiled, Cursor(index=0), limit=1000)
    assert names(first.entries) == names(second.entries) == [f"site{i}.example" for i in range(600)]
    assert first.cursor is not None and second.cursor is not None
    assert first.cursor.index == second.cursor.index == 600
    assert first.cursor.head is not None and second.cursor.head is not None
    assert first.cursor.head.root == second.cursor.head.root


async def test_cursors_persist_and_resume_with_only_new_entries(
    served: Served, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    served.add(300)
    seen: dict[str, list[str]] = {}

    async def one_pass(cursors: StoreCursors) -> None:
        for reader in readers(served, session):
            result = await follow_log(reader, cursors.load(reader.url), limit=1000)
            assert result.problem is None and result.cursor is not None
            seen.setdefault(reader.url, []).extend(names(result.entries))
            cursors.save(reader.url, result.cursor)

    url = f"sqlite:///{tmp_path / 'cursors.db'}"
    with Store.open(url) as store:
        cursors = StoreCursors(store)
        for reader in readers(served, session):
            cursors.save(reader.url, Cursor(index=250))
        await one_pass(cursors)
    served.add(20, prefix="new")
    with Store.open(url) as restarted:
        await one_pass(StoreCursors(restarted))
        for reader in readers(served, session):
            assert seen[reader.url] == [f"site{i}.example" for i in range(250, 300)] + [
                f"new{i}.example" for i in range(300, 320)
            ]
            cursor = StoreCursors(restarted).load(reader.url)
            assert cursor is not None and cursor.index == 320 and cursor.head is not None


async def test_a_rewind_is_reported_and_the_cursor_kept(
    served: Served, session: aiohttp.ClientSession
) -> None:
    served.add(300)
    for reader in readers(served, session):
        before = await follow_log(reader, Cursor(index=0), limit=1000)
        served.log.truncate(280)
        after = await follow_log(reader, before.cursor, limit=1000)
        assert after.problem is not None and "rewound from 300 to 280" in after.problem
        assert after.cursor == before.cursor and not after.entries
        served.add(20)


async def test_a_forked_history_fails_the_consistency_check(
    served: Served, session: aiohttp.ClientSession
) -> None:
    served.add(270)
    for reader in readers(served, session):
        before = await follow_log(reader, Cursor(index=0), limit=1000)
        served.log.rewrite(3, served.ca.issue(["forged.example"], now=NOW).der, chain=[served.ca.der])
        served.add(5, prefix="later")
        after = await follow_log(reader, before.cursor, limit=1000)
        assert after.problem is not None and "does not extend" in after.problem
        assert after.cursor == before.cursor and not after.entries
        served.log.truncate(270)


async def test_growing_honestly_passes_the_consistency_check(
    served: Served, session: aiohttp.ClientSession
) -> None:
    pair = readers(served, session)
    served.add(1)
    previous = [await reader.head() for reader in pair]
    for size in (3, 256, 257, 512, 700):
        served.add(size - len(served.log.entries))
        for i, reader in enumerate(pair):
            head = await reader.head()
            assert head.size == size
            assert await reader.consistent(previous[i], head)
            assert not await reader.consistent(head, previous[i])
            previous[i] = head


async def test_a_wrong_key_is_refused(served: Served, session: aiohttp.ClientSession) -> None:
    served.add(2)
    other = CtLog(clock=SystemClock()).public_key_pem
    wrong = serialization.load_pem_public_key(other).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for reader in (
        CtFollower(log_url=served.url, session=session, key=wrong),
        TiledFollower(monitoring_url=served.tiles_url, session=session, key=wrong),
    ):
        with pytest.raises(SourceError, match="signature"):
            await reader.head()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def busy_server() -> AsyncIterator[tuple[str, list[int]]]:
    calls: list[int] = []

    async def handler(_: web.Request) -> web.Response:
        calls.append(1)
        if len(calls) < 3:
            return web.Response(status=429, headers={"Retry-After": "0"})
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/x", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/x", calls
    finally:
        await runner.cleanup()


async def test_rate_limits_are_waited_out(
    busy_server: tuple[str, list[int]], session: aiohttp.ClientSession
) -> None:
    url, calls = busy_server
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    assert await fetch(session, url, sleep=sleep) == (200, b"ok")
    assert waits == [0.0, 0.0] and len(calls) == 3


def test_retry_after_reads_seconds_and_dates() -> None:
    now = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
    assert retry_after("7", default=1, now=now) == 7
    assert retry_after("Mon, 23 Nov 2026 12:00:30 GMT", default=1, now=now) == 30
    assert retry_after("soon", default=2, now=now) == 2
    assert retry_after(None, default=3, now=now) == 3


def test_the_bundled_list_and_a_written_list_load(served: Served, tmp_path: Path) -> None:
    bundled = load_log_list(bundled_log_list())
    assert {log.kind for log in bundled} == {"rfc6962", "tiled"}
    faces: tuple[tuple[Literal["rfc6962", "tiled"], str], ...] = (
        ("rfc6962", served.url),
        ("tiled", served.tiles_url),
    )
    infos = [
        LogInfo(operator="lab", description="lab", kind=kind, url=url, key=served.key,
                log_id=served.log.log_id, state="usable")
        for kind, url in faces
    ]  # fmt: skip
    path = tmp_path / "log_list.json"
    path.write_text(json.dumps(log_list_document(infos)))
    assert load_log_list(path) == infos
    settings = load_settings(overrides={"ct": {"log_list": str(path), "logs": [served.url]}}, environ={})
    assert sorted(spec.tiled for spec in log_specs(settings)) == [False, True]


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        json.dumps({"logs": []}),
        json.dumps(
            {"operators": [{"name": "x", "logs": [{"url": "http://a/", "key": "AA==", "log_id": "AA=="}]}]}
        ),
        json.dumps({"operators": [{"name": "x", "tiled_logs": [{"key": "AA=="}]}]}),
    ],
)
def test_bad_log_lists_are_refused(tmp_path: Path, document: str) -> None:
    path = tmp_path / "list.json"
    path.write_text(document)
    with pytest.raises(ConfigError):
        load_log_list(path)
