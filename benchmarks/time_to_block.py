"""Time to block: real Unbound and BIND 9 fed by the mirrorhunt primary on the lab.

    .venv/bin/python benchmarks/time_to_block.py [--trials 20] [--appear-trials 10]

Decision → resolver refuses the name: each trial lists a lab site that both resolvers have just
answered (so the normal answer is cached), calls ``Primary.changed()`` as the engine in the same
process would, and times until each resolver answers NXDOMAIN. Targets (issue 6): Unbound p50 ≤ 100 ms,
p95 ≤ 500 ms; BIND p50 ≤ 500 ms. At most 10 s per trial and resolver.

Mirror appears → Unbound refuses it: the monitor runs in-process over a case that allows auto-listing
(keyword ``lumiere``, the seized demo page as reference), following only the lab CT log. Each trial
adds a new TLS lab site, a keyword name never asked before serving the mirror page, and times until
Unbound answers NXDOMAIN for it. Target: p50 ≤ 5 s, p95 ≤ 15 s. A trial not blocked within 30 s is a
miss. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration" / "resolvers"))

import dns.exception
import dns.rcode
from resolver_processes import Resolver, bind, eventually, free_port, unbound

from mirrorhunt.config import PublishSettings, Settings
from mirrorhunt.engine.cases import open_case
from mirrorhunt.engine.monitor import monitor
from mirrorhunt.lab import Lab, SiteSpec
from mirrorhunt.lab.demo.scenario import KEYWORDS, SEIZED, SEIZED_NAME
from mirrorhunt.model import Case, Listing
from mirrorhunt.publish.primary import Primary
from mirrorhunt.store import Store

ZONE = "rpz.bench"
APPEAR_CASE = "appear"
APPEAR_DEADLINE = 30.0
"""Seconds after which an appearing mirror not yet refused is a miss."""
POLL_SECONDS = 0.02
MONITOR_PACE = {"ct_every": 0.2, "queue_every": 0.2}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def trial(
    name: str, address: str, *, store: Store, primary: Primary, resolvers: list[Resolver]
) -> dict[str, float]:
    for resolver in resolvers:
        await eventually(lambda r=resolver: r.resolves_to(name, address), within=10, what=f"{name} resolves")
    started = time.perf_counter()
    store.add_listing(
        Listing(name=name, case="bench", reason="bench", decided_by="bench", since=datetime.now(UTC))
    )
    primary.changed()

    async def blocked(resolver: Resolver) -> float:
        await eventually(
            lambda: resolver.refuses(name), within=10, every=0.001, what=f"{resolver.kind} blocks"
        )
        return time.perf_counter() - started

    times = await asyncio.gather(*(blocked(r) for r in resolvers))
    return {r.kind: t for r, t in zip(resolvers, times, strict=True)}


def mirror_folder(root: Path, name: str) -> Path:
    """The seized platform's page, assets and favicon, rewritten to carry ``name``."""
    folder = root / name
    shutil.copytree(SEIZED, folder)
    page = folder / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(SEIZED_NAME, name), encoding="utf-8")
    return folder


async def appear_trial(name: str, *, files: Path, lab: Lab, store: Store, resolver: Resolver) -> float | None:
    """Seconds from the site's appearance (certificate logged, DNS, web) to Unbound's NXDOMAIN; None when
    not refused within ``APPEAR_DEADLINE``. The name was never asked before and exists in the lab from
    the start, so NXDOMAIN can only come from the RPZ; the listing is checked all the same."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    await lab.add_site(SiteSpec(name=name, files=files, tls=True))
    while loop.time() - started < APPEAR_DEADLINE:
        try:
            reply = await resolver.query(name, wait=0.5)
        except dns.exception.DNSException:
            reply = None
        if reply is not None and reply.rcode() == dns.rcode.NXDOMAIN:
            elapsed = loop.time() - started
            if name not in {listing.name for listing in store.listings()}:
                raise RuntimeError(f"Unbound refuses {name} but it is not listed:\n{resolver.log()}")
            return elapsed
        await asyncio.sleep(POLL_SECONDS)
    return None


async def appear_trials(
    count: int, *, folder: Path, lab: Lab, store: Store, publish: PublishSettings, resolver: Resolver
) -> list[float | None]:
    """Open the auto-listing case, run the monitor and time ``count`` appearing mirrors."""
    settings = Settings.model_validate(
        {
            **lab.settings_overrides(),
            "database_url": f"sqlite:///{folder / 'bench.db'}",
            "evidence_dir": str(folder / "evidence"),
            "permute": {"tld_swap": False, "typos": False},
            "monitor": MONITOR_PACE,
            "publish": publish.model_dump(),
        }
    )
    await open_case(
        store=store,
        settings=settings,
        name=APPEAR_CASE,
        url=f"https://{SEIZED_NAME}/",
        reference=SEIZED / "index.html",
        favicon=SEIZED / "favicon.ico",
        keywords=KEYWORDS,
        auto_list=True,
    )
    sites = folder / "appear"
    names = [f"{KEYWORDS[0]}-appear-{i}.gg" for i in range(count)]
    files = {name: mirror_folder(sites, name) for name in names}
    stop = asyncio.Event()
    running = asyncio.create_task(monitor(store=store, settings=settings, stop=stop, notify=lambda _: None))
    try:
        return [
            await appear_trial(name, files=files[name], lab=lab, store=store, resolver=resolver)
            for name in names
        ]
    finally:
        stop.set()
        await running


def summary(label: str, seconds: list[float], *, unit: float, misses: int = 0) -> str:
    """One line of figures, ``seconds`` scaled by ``unit``; misses are counted apart."""
    missed = f"  ({misses} missed)" if misses else ""
    values = [s * unit for s in seconds]
    if not values:
        return f"  {label:8} no trial succeeded{missed}"
    return (
        f"  {label:8} p50 {statistics.median(values):7.1f}  p95 {percentile(values, 0.95):7.1f}  "
        f"min {min(values):7.1f}  max {max(values):7.1f}{missed}"
    )


async def main(trials: int, appear: int) -> None:
    with tempfile.TemporaryDirectory(prefix="mirrorhunt-bench-") as tmp:
        folder = Path(tmp)
        site = folder / "site"
        site.mkdir()
        (site / "index.html").write_text("<html><title>bench</title></html>")
        names = [f"mirror-{i}.gg" for i in range(trials)]
        specs = [SiteSpec(name=n, files=site, tls=False) for n in names]
        ports = {"unbound": free_port(), "named": free_port()}
        settings = PublishSettings(
            zone=ZONE,
            ttl=60,
            listen="127.0.0.1:0",
            notify=[f"127.0.0.1:{p}" for p in ports.values()],
            max_added=max(PublishSettings().max_added, trials + appear),
        )
        with Store.open(f"sqlite:///{folder / 'bench.db'}") as store:
            store.add_case(Case(name="bench", url="https://mirror.gg/", created_at=datetime.now(UTC)))
            async with (
                Lab(sites=specs, workdir=folder / "lab") as lab,
                Primary(store, settings=settings) as primary,
            ):
                common = {"lab_dns": lab.dns_address, "zone": ZONE, "primary": primary.port}
                async with (
                    unbound(folder=folder / "unbound", port=ports["unbound"], **common) as first,
                    bind(folder=folder / "named", port=ports["named"], **common) as second,
                ):
                    results = [
                        await trial(
                            s.name, s.address or "", store=store, primary=primary, resolvers=[first, second]
                        )
                        for s in lab.sites
                    ]
                    appeared = await appear_trials(
                        appear, folder=folder, lab=lab, store=store, publish=settings, resolver=first
                    )
    print(f"time from add_listing to NXDOMAIN, {trials} trials (ms):")
    for kind in ("unbound", "named"):
        print(summary(kind, [r[kind] for r in results], unit=1000))
    blocked = [t for t in appeared if t is not None]
    print(f"time from a mirror appearing (CT, DNS, site) to NXDOMAIN, {appear} trials (ms):")
    print(summary("unbound", blocked, unit=1000, misses=len(appeared) - len(blocked)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--appear-trials", type=int, default=10)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.trials, arguments.appear_trials))
