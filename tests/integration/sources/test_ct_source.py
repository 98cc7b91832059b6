"""CT as a source of scan and run: every followed log (RFC 6962 and tiled, from settings and a log list)
read concurrently from cursors kept in the store, names matched against every case at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from ct_served import NOW, Served, tiled_log_list
from mirrorhunt.clock import SystemClock
from mirrorhunt.config import Settings, load_settings
from mirrorhunt.engine.ct_source import CtSource, StoreCursors
from mirrorhunt.model import Case
from mirrorhunt.sources.ctfollow import Cursor
from mirrorhunt.sources.treehead import TreeHead
from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex
from mirrorhunt.store import Store

CASES = (
    Case(name="lumiere", url="https://salon-lumiere.fr/", keywords=("lumiere",), created_at=NOW),
    Case(name="phares", url="https://phare-club.fr/", keywords=("phare",), created_at=NOW),
)
INDEX = WatchIndex(WatchRules.of(case) for case in CASES)


def _settings(served: Served, tmp_path: Path) -> Settings:
    """The RFC 6962 face from ``ct.logs``, the tiled face from a log list."""
    path = tiled_log_list(served, tmp_path)
    return load_settings(overrides={"ct": {"logs": [served.url], "log_list": str(path)}}, environ={})


def _opened(store_url: str) -> Store:
    store = Store.open(store_url)
    for case in CASES:
        store.add_case(case)
    return store


async def test_both_kinds_of_log_are_read_and_matched_for_every_case(
    served: Served, session: aiohttp.ClientSession, store_url: str, tmp_path: Path
) -> None:
    settings = _settings(served, tmp_path)
    served.add(3)
    served.certify(["lumiere-veille.net"])
    served.certify(["phare-bleu.com", "unrelated.example"])
    with _opened(store_url) as store:
        source = CtSource(store=store, settings=settings, session=session, clock=SystemClock())
        first = await source.read(INDEX)
        assert first.read == 10 and first.warnings == []
        assert {(c.case, c.name) for c in first.found} == {
            ("lumiere", "lumiere-veille.net"),
            ("phares", "phare-bleu.com"),
        }
        # Both logs saw both names; each detail says which log and entry.
        assert sorted(c.detail.split(": ")[0] for c in first.found) == sorted(
            f"certificate in {url} entry {index}"
            for url in (served.url, served.tiles_url)
            for index in (3, 4)
        )
        assert {c.name for c in store.candidates("lumiere")} == {"lumiere-veille.net"}
        assert store.get_candidate("phares", "phare-bleu.com").source == "ct"
        for url in (served.url, served.tiles_url):
            cursor = StoreCursors(store).load(url)
            assert cursor is not None and cursor.index == 5
            assert cursor.head is not None and cursor.head.size == 5
            assert cursor.head.root == served.log.root_hash(5)

        served.certify(["phare-ancien.com"])
        again = await CtSource(store=store, settings=settings, session=session, clock=SystemClock()).read(
            INDEX
        )
        assert again.read == 2, "a new source resumes both logs from the store"
        assert {c.name for c in again.found} == {"phare-ancien.com"}


def _rewind(served: Served) -> None:
    served.log.truncate(4)
    served.certify(["lumiere-fork.net"])


def _fork(served: Served) -> None:
    served.log.rewrite(2, served.ca.issue(["lumiere-forged.net"], now=NOW).der, chain=[served.ca.der])
    served.certify(["lumiere-later.net"])


@pytest.mark.parametrize(
    ("damage", "problem"),
    [(_rewind, "rewound from 6 to 5"), (_fork, "does not extend the verified tree of 6")],
)
async def test_a_log_that_rewinds_or_forks_is_a_warning_and_keeps_its_cursor(
    served: Served,
    session: aiohttp.ClientSession,
    store_url: str,
    tmp_path: Path,
    damage: Callable[[Served], None],
    problem: str,
) -> None:
    settings = _settings(served, tmp_path)
    served.add(6)
    with _opened(store_url) as store:
        source = CtSource(store=store, settings=settings, session=session, clock=SystemClock())
        await source.read(INDEX)
        kept = {url: StoreCursors(store).load(url) for url in (served.url, served.tiles_url)}
        damage(served)
        damaged = await source.read(INDEX)
        assert damaged.read == 0 and damaged.found == []
        assert len(damaged.warnings) == 2 and all(problem in warning for warning in damaged.warnings)
        assert {url: StoreCursors(store).load(url) for url in kept} == kept
        assert store.candidates("lumiere") == []


def test_cursors_round_trip_and_positions_from_before_tree_heads_carry_on(store_url: str) -> None:
    head = TreeHead(size=2**40, root=bytes(range(256 - 32, 256)), timestamp=1_763_856_000_000)
    with Store.open(store_url) as store:
        cursors = StoreCursors(store)
        assert cursors.load("http://log.test/") is None
        store.set_position("ct:http://old.test/", 1234)  # what read_ct kept before
        assert cursors.load("http://old.test/") == Cursor(index=1234)
        store.set_position("ct:http://bare.test/log", 99)  # ct.logs spelled without the final slash
        assert cursors.load("http://bare.test/log/") == Cursor(index=99)
        cursors.save("http://log.test/", Cursor(index=77, head=head))
        assert cursors.load("http://log.test/") == Cursor(index=77, head=head)
        assert store.get_position("ct:http://log.test/") == 77
        cursors.save("http://log.test/", Cursor(index=80))
        assert cursors.load("http://log.test/") == Cursor(index=80), (
            "a cursor without a head drops the old one"
        )
