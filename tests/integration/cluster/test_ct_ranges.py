"""CT logs on the engine: a log's new entries cut into ranges that the two worker processes of a
LocalCluster fetch, parse and match, giving the candidates the in-process engine gives; a range that
fails holds the cursor back; and each log is a lease, shared out among the processes of one PostgreSQL
database and taken over from a process that stopped renewing. The lab's CT log (RFC 6962 and tiled
faces) runs in this process on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from distributed import Client, LocalCluster
from distributed.scheduler import Scheduler

from ct_served import NOW, Served, served_log, tiled_log_list
from mirrorhunt.clock import FixedClock, SystemClock
from mirrorhunt.config import Settings, load_settings
from mirrorhunt.engine.ct_ranges import RangeRead, advanced
from mirrorhunt.engine.ct_source import CtPass, CtSource, StoreCursors
from mirrorhunt.engine.executor import open_executor
from mirrorhunt.engine.leader import Claims
from mirrorhunt.model import Case
from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex
from mirrorhunt.store import Store
from mirrorhunt.store.leases import Leases

CASES = (
    Case(name="lumiere", url="https://salon-lumiere.fr/", keywords=("lumiere",), created_at=NOW),
    Case(name="phares", url="https://phare-club.fr/", keywords=("phare",), created_at=NOW),
)
INDEX = WatchIndex(WatchRules.of(case) for case in CASES)
BATCH = 16
"""Entries per get-entries call; a range is four of them (64 entries)."""


@pytest.fixture
async def lab_log() -> AsyncIterator[Served]:
    async with served_log() as served:
        yield served


def _settings(
    lab: Served, tmp_path: Path, *, logs: list[str], scheduler: str | None = None, lease: float = 30.0
) -> Settings:
    """``logs`` as RFC 6962 logs, and the lab log's tiled face from a log list."""
    path = tiled_log_list(lab, tmp_path)
    overrides = {
        "ct": {"logs": logs, "log_list": str(path), "batch_size": BATCH},
        "engine": {"scheduler": scheduler, "lease_seconds": lease},
    }
    return load_settings(overrides=overrides, environ={})


def _opened(url: str) -> Store:
    store = Store.open(url)
    for case in CASES:
        store.add_case(case)
    return store


async def _pass(store: Store, settings: Settings) -> CtPass:
    async with aiohttp.ClientSession() as session, open_executor(settings) as executor:
        source = CtSource(
            store=store, settings=settings, session=session, clock=SystemClock(), executor=executor
        )
        return await source.read(INDEX)


def _ranges_run(dask_scheduler: Scheduler) -> int:
    """Partitions the cluster has finished so far (on the scheduler: tasks that reached memory)."""
    prefix = dask_scheduler.task_prefixes.get("run_partition")
    return 0 if prefix is None else int(prefix.state_counts["memory"])


def _found(store: Store) -> set[tuple[str, str, str]]:
    return {(c.case, c.name, c.detail) for case in CASES for c in store.candidates(case.name)}


async def test_the_cluster_finds_what_the_process_finds(
    lab_log: Served, cluster: LocalCluster, client: Client, tmp_path: Path
) -> None:
    lab_log.add(40)
    for index, names in enumerate(
        (["lumiere-veille.net"], ["phare-bleu.com", "unrelated.example"], ["www.lumiere-tv.org"])
    ):
        lab_log.add(50 + 17 * index)
        lab_log.certify(names)
    size = len(lab_log.log.entries)
    found, stored = {}, {}
    for engine, scheduler in (("in-process", None), ("cluster", cluster.scheduler_address)):
        settings = _settings(lab_log, tmp_path, logs=[lab_log.url], scheduler=scheduler)
        before: int = client.run_on_scheduler(_ranges_run)  # type: ignore[no-untyped-call]
        with _opened(f"sqlite:///{tmp_path / engine}.db") as store:
            ct_pass = await _pass(store, settings)
            assert ct_pass.read == 2 * size and ct_pass.warnings == []
            found[engine] = {(c.case, c.name, c.detail) for c in ct_pass.found}
            stored[engine] = _found(store)
            for url in (lab_log.url, lab_log.tiles_url):
                cursor = StoreCursors(store).load(url)
                assert cursor is not None and cursor.index == size
        ran: int = client.run_on_scheduler(_ranges_run)  # type: ignore[no-untyped-call]
        ranges = 2 * -(-size // (4 * BATCH))
        assert ran - before == (ranges if scheduler else 0), f"{engine}: ranges run on the cluster"
    assert found["cluster"] == found["in-process"]
    assert len(found["cluster"]) == 6, "each face of the log saw each name"
    assert {(case, name) for case, name, _ in found["cluster"]} == {
        ("lumiere", "lumiere-veille.net"),
        ("phares", "phare-bleu.com"),
        ("lumiere", "www.lumiere-tv.org"),
    }
    # a candidate is one per case and name: whichever face came first told its detail
    assert {(case, name) for case, name, _ in stored["cluster"]} == {
        (case, name) for case, name, _ in stored["in-process"]
    }
    assert len(stored["cluster"]) == 3


@pytest.fixture
async def failing(lab_log: Served) -> AsyncIterator[tuple[str, set[int]]]:
    """The lab log's RFC 6962 face behind a proxy that answers HTTP 500 to get-entries starting at any
    index in the returned set (empty: nothing fails)."""
    broken: set[int] = set()
    async with aiohttp.ClientSession() as upstream:

        async def forward(request: web.Request) -> web.Response:
            if request.path.endswith("/get-entries") and int(request.query["start"]) in broken:
                return web.Response(status=500, text="this range is broken")
            async with upstream.get(lab_log.url.rstrip("/") + request.path_qs) as response:
                return web.Response(status=response.status, body=await response.read())

        app = web.Application()
        app.router.add_get("/{tail:.*}", forward)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            yield f"http://127.0.0.1:{port}/", broken
        finally:
            await runner.cleanup()


async def test_the_cursor_stays_before_a_range_that_failed(
    lab_log: Served, failing: tuple[str, set[int]], cluster: LocalCluster, tmp_path: Path
) -> None:
    proxy, broken = failing
    lab_log.add(10)
    first = lab_log.certify(["lumiere-avant.net"])  # range [0, 64)
    lab_log.add(80)
    middle = lab_log.certify(["phare-milieu.com"])  # range [64, 128): fails
    lab_log.add(40)
    later = lab_log.certify(["lumiere-apres.net"])  # range [128, 192)
    size = len(lab_log.log.entries)
    assert first < 64 <= middle < 128 <= later < size
    broken.add(64)
    settings = _settings(lab_log, tmp_path, logs=[proxy], scheduler=cluster.scheduler_address)
    settings = settings.model_copy(update={"ct": settings.ct.model_copy(update={"log_list": None})})
    with _opened(f"sqlite:///{tmp_path / 'm.db'}") as store:
        failed = await _pass(store, settings)
        assert len(failed.warnings) == 1 and "stopped at entry 64" in failed.warnings[0]
        assert {c.name for c in failed.found} == {"lumiere-avant.net", "lumiere-apres.net"}
        cursor = StoreCursors(store).load(proxy)
        assert cursor is not None and cursor.index == 64, "not past the range that failed"
        assert cursor.head is not None and cursor.head.size == size

        broken.clear()
        healed = await _pass(store, settings)
        assert healed.warnings == [] and healed.read == size - 64
        assert {c.name for c in healed.found} == {"phare-milieu.com", "lumiere-apres.net"}
        assert {c.name for case in CASES for c in store.candidates(case.name)} == {
            "lumiere-avant.net",
            "phare-milieu.com",
            "lumiere-apres.net",
        }, "the later range's candidate, stored twice, is one candidate"
        cursor = StoreCursors(store).load(proxy)
        assert cursor is not None and cursor.index == size


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
async def test_processes_share_the_logs_and_take_over_a_dead_ones(
    lab_log: Served, store_url: str, tmp_path: Path
) -> None:
    settings = _settings(lab_log, tmp_path, logs=[lab_log.url], lease=30.0)
    logs = [lab_log.url, lab_log.tiles_url]
    clock = FixedClock(NOW)
    lab_log.add(5)
    with _opened(store_url) as store_a, Store.open(store_url) as store_b:
        async with aiohttp.ClientSession() as session:
            sources, claims = {}, {}
            for name, store in (("a", store_a), ("b", store_b)):
                sources[name] = CtSource(store=store, settings=settings, session=session, clock=clock)
                claims[name] = Claims(store, settings=settings, clock=clock, holder=name)

            async def read(name: str) -> CtPass:
                return await sources[name].read(INDEX, claims=claims[name])

            def holders() -> list[str | None]:
                leases = [Leases(store_a).get(f"ct:{url}") for url in logs]
                return [None if lease is None else lease.holder for lease in leases]

            assert (await read("a")).read == 10, "alone, a reads both logs"
            assert (await read("b")).read == 0, "b shows up: both logs are held"
            lab_log.add(3)
            clock.at += timedelta(seconds=5)
            assert (await read("a")).read == 3, "a keeps its share and gives the other log up"
            assert (await read("b")).read == 3, "b takes it from its stored cursor"
            assert holders() == ["a", "b"]

            clock.at += timedelta(seconds=20)  # b stops renewing: it died
            assert (await read("a")).read == 0
            lab_log.certify(["lumiere-veille.net"])
            clock.at += timedelta(seconds=20)
            taken_over = await read("a")
            assert taken_over.read == 2 and taken_over.warnings == []
            assert sorted(c.detail.split(": ")[0] for c in taken_over.found) == sorted(
                f"certificate in {url} entry 8" for url in logs
            )
            assert holders() == ["a", "a"]
            moves = [
                (e.subject, e.detail["holder"], e.detail["from"]) for e in store_a.events(kind="lease.taken")
            ]
            assert (f"ct:{lab_log.tiles_url}", "a", "b") in moves


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_with_sqlite_one_process_reads_every_log_without_leases(
    lab_log: Served, store_url: str, tmp_path: Path
) -> None:
    settings = _settings(lab_log, tmp_path, logs=[lab_log.url])
    lab_log.add(4)
    with _opened(store_url) as store:
        async with aiohttp.ClientSession() as session:
            source = CtSource(store=store, settings=settings, session=session, clock=SystemClock())
            claims = Claims(store, settings=settings, clock=SystemClock())
            assert (await source.read(INDEX, claims=claims)).read == 8
        assert Leases(store).all() == []


def _done(start: int, end: int, reached: int | None = None) -> RangeRead:
    reached = end if reached is None else reached
    return RangeRead(start=start, end=end, reached=reached, read=reached - start, matches=())


def test_the_cursor_moves_past_the_ranges_finished_one_after_the_other() -> None:
    assert advanced(0, []) == 0
    assert advanced(0, [_done(64, 128), _done(0, 64)]) == 128, "in any order of arrival"
    assert advanced(0, [_done(0, 64), _done(128, 192)]) == 64, "not over a range missing"
    assert advanced(0, [_done(0, 64), _done(64, 128, reached=80), _done(128, 192)]) == 80, (
        "into a range that stopped, as far as it got"
    )
    assert advanced(0, [_done(0, 64, reached=0), _done(64, 128)]) == 0
