"""Decision → resolver refuses the name: real Unbound and BIND 9 fed by the mirrorhunt primary on the lab.

    .venv/bin/python benchmarks/time_to_block.py [--trials 20]

Each trial lists a lab site that both resolvers have just answered (so the normal answer is cached),
calls ``Primary.changed()`` as the engine in the same process would, and times until each resolver
answers NXDOMAIN. Targets (issue 6): Unbound p50 ≤ 100 ms, p95 ≤ 500 ms; BIND p50 ≤ 500 ms.
Loopback only; at most 10 s per trial and resolver.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration" / "resolvers"))

from resolver_processes import Resolver, bind, eventually, free_port, unbound

from mirrorhunt.config import PublishSettings
from mirrorhunt.lab import Lab, SiteSpec
from mirrorhunt.model import Case, Listing
from mirrorhunt.publish.primary import Primary
from mirrorhunt.store import Store

ZONE = "rpz.bench"


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


async def main(trials: int) -> None:
    with tempfile.TemporaryDirectory(prefix="mirrorhunt-bench-") as tmp:
        folder = Path(tmp)
        site = folder / "site"
        site.mkdir()
        (site / "index.html").write_text("<html><title>bench</title></html>")
        names = [f"mirror-{i}.gg" for i in range(trials)]
        specs = [SiteSpec(name=n, files=site, tls=False) for n in names]
        ports = {"unbound": free_port(), "named": free_port()}
        settings = PublishSettings(
            zone=ZONE, ttl=60, listen="127.0.0.1:0", notify=[f"127.0.0.1:{p}" for p in ports.values()]
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
    print(f"time from add_listing to NXDOMAIN, {trials} trials (ms):")
    for kind in ("unbound", "named"):
        ms = [r[kind] * 1000 for r in results]
        print(
            f"  {kind:8} p50 {statistics.median(ms):7.1f}  p95 {percentile(ms, 0.95):7.1f}  "
            f"min {min(ms):7.1f}  max {max(ms):7.1f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    asyncio.run(main(parser.parse_args().trials))
