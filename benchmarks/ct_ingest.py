"""CT ingestion benchmark: entries parsed and matched against 100 cases' watch rules, per second.

    python benchmarks/ct_ingest.py [--entries N]

A lab CT log (loopback) is filled with N generated certificates (2-3 names each, 1% of them near
a case). Measured: (1) the parse+match path on get-entries items (leaf decode, X.509 parse, names,
watch index); (2) the same through HTTP, reading the log's tiled face with TiledFollower; (3) through
its RFC 6962 face with CtFollower. Target: >= 5,000 entries/s.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import random
import time
from datetime import UTC, datetime

import aiohttp

from mirrorhunt.clock import SystemClock
from mirrorhunt.lab.ca import LabCA
from mirrorhunt.lab.ctlog import CtLog, CtServer
from mirrorhunt.model import Case
from mirrorhunt.sources.ct import CtEntry, CtFollower, names_of_certificate
from mirrorhunt.sources.ct_leaf import entry_certificate
from mirrorhunt.sources.ctfollow import Cursor, LogReader, follow_log
from mirrorhunt.sources.tiles import TiledFollower
from mirrorhunt.sources.watch import WatchRules
from mirrorhunt.sources.watchindex import WatchIndex

NOW = datetime(2026, 11, 23, tzinfo=UTC)
WORDS = ["salon", "lumiere", "chat", "club", "market", "forum", "stream", "files", "book", "shop", "press"]


def cases(rng: random.Random) -> list[WatchRules]:
    rules = []
    for i in range(100):
        label = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}{i}"
        case = Case(name=f"case{i}", url=f"https://{label}.fr/", keywords=(f"kw{i}x", f"{label[:4]}{i}z"),
                    created_at=NOW)  # fmt: skip
        rules.append(WatchRules.of(case))
    return rules


def fill(log: CtLog, ca: LabCA, rules: list[WatchRules], count: int, rng: random.Random) -> None:
    for i in range(count):
        if rng.random() < 0.01:
            names = [f"{rng.choice(rules).label}.gg"]
        else:
            base = f"{rng.choice(WORDS)}{rng.randrange(10**9)}.{rng.choice(['com', 'net', 'io', 'co.uk'])}"
            names = [base, f"www.{base}"] + ([f"mail.{base}"] if i % 3 == 0 else [])
        log.add(ca.issue(names, now=NOW).der, chain=[ca.der])


def parse_and_match(log: CtLog, index: WatchIndex) -> tuple[float, int]:
    items = [
        {
            "leaf_input": base64.b64encode(e.leaf_input).decode(),
            "extra_data": base64.b64encode(e.extra_data).decode(),
        }
        for e in log.entries
    ]
    began, hits = time.perf_counter(), 0
    for item in items:
        _, der = entry_certificate(base64.b64decode(item["leaf_input"]), base64.b64decode(item["extra_data"]))
        for name in names_of_certificate(der):
            hits += len(index.matches(name))
    return time.perf_counter() - began, hits


async def over_http(reader: LogReader, size: int, index: WatchIndex) -> tuple[float, int]:
    began, hits = time.perf_counter(), 0
    result = await follow_log(reader, Cursor(index=0), limit=size)
    entries: list[CtEntry] = result.entries
    for entry in entries:
        for name in entry.names:
            hits += len(index.matches(name))
    assert len(entries) == size, (len(entries), result.problem)
    return time.perf_counter() - began, hits


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=30_000)
    args = parser.parse_args()
    rng = random.Random(4)
    rules = cases(rng)
    index = WatchIndex(rules)
    ca, log = LabCA(now=NOW), CtLog(clock=SystemClock(), max_entries=1000)
    began = time.perf_counter()
    fill(log, ca, rules, args.entries, rng)
    print(f"generated {args.entries:,} certificates in {time.perf_counter() - began:.1f} s")
    seconds, hits = parse_and_match(log, index)
    print(f"parse+match (100 cases): {args.entries / seconds:,.0f} entries/s ({hits} hits)")
    server = CtServer(log, roots=[ca.der])
    await server.start(host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{server.port}/"
            for label, reader in (
                ("tiled log over HTTP", TiledFollower(monitoring_url=f"{url}tiles/", session=session)),
                ("RFC 6962 log over HTTP", CtFollower(log_url=url, session=session, batch_size=1000)),
            ):
                seconds, hits = await over_http(reader, args.entries, index)
                print(f"{label} + parse+match: {args.entries / seconds:,.0f} entries/s ({hits} hits; "
                      f"lab server in the same process)")  # fmt: skip
    finally:
        await server.stop()


if __name__ == "__main__":
    asyncio.run(main())
