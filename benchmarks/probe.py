"""Probe throughput on loopback: DNS sweep (ours and dnstwist, same names, same servers, same run),
full probes of live lab sites, and peak memory of a long `mirrorhunt probe --dns-only` stream.

    .venv/bin/python benchmarks/probe.py [--names 100000] [--dnstwist-names 4000] [--sites 5000]
                                         [--stream-names 1000000]

Name servers: the lab's own (Python, dnspython: about 2,000 names/s, the ceiling of any client on it,
printed as such) and the lab's zone (its names at their lab addresses, NXDOMAIN for the rest) loaded
into BIND as the authoritative server (no response-rate limit configured), so the client is the limit.
The full probe runs the lab in another process and prints the CPU each side spends per site, which
says what limits it on a shared 2-core machine. The load average is printed before and after.
Every number is printed; nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import queue
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dns.nameserver

from mirrorhunt.config import Settings, load_settings
from mirrorhunt.engine.probe_list import probe_names
from mirrorhunt.sources.permute import permutations

SEEDS = ["salon-lumiere", "chat-nocturne", "marche-noir", "forum-libre", "club-prive", "vente-rapide"]
LIVE = "salon-lumiere.fr"


def sweep_names(count: int) -> list[str]:
    """``count`` permutation names (almost all non-existent), from a few seed platforms."""
    names: dict[str, None] = {}
    for number in range(1000):
        seed = f"{SEEDS[number % len(SEEDS)]}{number // len(SEEDS) or ''}.fr"
        names.update((p.name, None) for p in permutations(seed))
        if len(names) >= count:
            break
    return list(names)[:count]


@contextmanager
def lab_server(workdir: Path, sites: list[str]) -> Iterator[tuple[dict[str, str], int]]:
    """`mirrorhunt lab serve` in its own process, serving ``sites``; yields its MIRRORHUNT_* settings
    and its process id."""
    page = workdir / "site"
    page.mkdir(parents=True, exist_ok=True)
    (page / "index.html").write_text("<html><head><title>Salon Lumière</title></head><body>" + "x" * 20000)
    (page / "favicon.ico").write_bytes(b"\x00\x00\x01\x00bench")
    spec = workdir / "lab.toml"
    spec.write_text("".join(f'[[site]]\nname = "{name}"\nfiles = "{page}"\n' for name in sites))
    env_file = workdir / "lab.env"
    base = {k: v for k, v in os.environ.items() if not k.startswith("MIRRORHUNT_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "mirrorhunt", "lab", "serve", str(spec), "--env-file", str(env_file),
         "--workdir", str(workdir / "lab")],
        env=base, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while not env_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the lab did not start: {process.stderr.read() if process.stderr else ''}")
            time.sleep(0.1)
        pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
        yield {key: value.strip().strip("'\"") for key, value in pairs}, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def bind_server(workdir: Path, names: dict[str, str]) -> Iterator[str | None]:
    """BIND as the authoritative root serving ``names`` (name -> address), or None without named."""
    named = shutil.which("named") or ("/usr/sbin/named" if Path("/usr/sbin/named").exists() else None)
    if named is None:
        yield None
        return
    folder = workdir / "bind"
    folder.mkdir()
    records = "".join(f"{name}. IN A {address}\n" for name, address in names.items())
    (folder / "root.zone").write_text(
        "$TTL 60\n@ IN SOA ns.lab. hostmaster.ns.lab. 1 3600 600 86400 60\n@ IN NS ns.lab.\n"
        f"ns.lab. IN A 127.0.0.1\n{records}"
    )
    port = _free_port()
    (folder / "named.conf").write_text(
        f'options {{ directory "{folder}"; listen-on port {port} {{ 127.0.0.1; }};\n'
        "  listen-on-v6 { none; };\n"
        f'  recursion no; pid-file "{folder}/named.pid"; notify no; dnssec-validation no; }};\n'
        f'zone "." {{ type primary; file "{folder}/root.zone"; }};\n'
    )
    process = subprocess.Popen(
        [named, "-g", "-c", str(folder / "named.conf"), "-n", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for_dns(f"127.0.0.1:{port}", next(iter(names), "ns.lab"))
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        return int(udp.getsockname()[1])


def _wait_for_dns(server: str, name: str) -> None:
    from mirrorhunt.probe import Resolver

    async def ask() -> bool:
        async with Resolver([server], timeout=0.2, attempts=1, detect_wildcards=False) as resolver:
            return (await resolver.resolve(name)).outcome != "error"

    deadline = time.monotonic() + 30
    while not asyncio.run(ask()):
        if time.monotonic() > deadline:
            raise SystemExit(f"no name server answered on {server}")


def settings_for(resolver: str, env: dict[str, str] | None = None) -> Settings:
    overrides = {"resolvers": [resolver], "probe": {"timeout": 10.0, "connect_timeout": 2.0}}
    return load_settings(config_file=None, environ=env or {}, overrides=overrides)


def ours(
    names: list[str], settings: Settings, *, dns_only: bool, concurrency: int | None = None
) -> tuple[float, Counter[str]]:
    """(items per second, outcome counts) of ``probe_names`` over ``names``."""

    async def run() -> Counter[str]:
        seen: Counter[str] = Counter()
        async for record in probe_names(names, settings=settings, dns_only=dns_only, concurrency=concurrency):
            seen[
                record["dns"] if dns_only or record["dns"] != "resolves" else f"status {record['status']}"
            ] += 1
        return seen

    began = time.perf_counter()
    seen = asyncio.run(run())
    return len(names) / (time.perf_counter() - began), seen


def dnstwist_sweep(names: list[str], server: str, *, threads: int) -> tuple[float, Counter[str]]:
    """dnstwist's own scanner threads (NS, A, AAAA, MX per name, as its CLI does) on ``names``."""
    import dnstwist

    host, port = server.rsplit(":", 1)
    jobs: queue.Queue[dict[str, object]] = queue.Queue()
    tasks = [{"domain": name} for name in names]
    for task in tasks:
        jobs.put(task)
    workers = []
    began = time.perf_counter()
    for _ in range(threads):
        worker = dnstwist.Scanner(jobs)
        worker.option_extdns = True
        worker.nameservers = [dns.nameserver.Do53Nameserver(host, int(port))]
        worker.start()
        workers.append(worker)
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    seen = Counter("resolves" if task.get("dns_a") or task.get("dns_ns") else "other" for task in tasks)
    return len(names) / elapsed, seen


def stream_peak_rss(count: int, server: str) -> tuple[float, float]:
    """(names per second, peak RSS in MB) of `mirrorhunt probe - --dns-only` fed ``count`` names."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRRORHUNT_")}
    env["MIRRORHUNT_RESOLVERS"] = f'["{server}"]'
    process = subprocess.Popen(
        [sys.executable, "-m", "mirrorhunt", "probe", "-", "--dns-only", "--out", os.devnull],
        stdin=subprocess.PIPE, env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdin is not None
    began = time.perf_counter()

    def feed() -> None:
        assert process.stdin is not None
        chunk = 10_000
        for start in range(0, count, chunk):
            process.stdin.write(
                "".join(f"s{i}-salon-lumiere.fr\n" for i in range(start, min(count, start + chunk))).encode()
            )
        process.stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    _, _status, usage = os.wait4(process.pid, 0)
    feeder.join()
    elapsed = time.perf_counter() - began
    return count / elapsed, usage.ru_maxrss / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def lab_addresses(server: str, names: list[str]) -> dict[str, str]:
    """The addresses the lab's DNS gives ``names``: the zone BIND is loaded with."""
    from mirrorhunt.probe import Resolver

    async def ask() -> dict[str, str]:
        async with Resolver([server], detect_wildcards=False) as resolver:
            results = [await resolver.resolve(name) for name in names]
        return {result.name: result.addresses[0] for result in results if result.addresses}

    return asyncio.run(ask())


def keepalive(settings: Settings, name: str, count: int) -> tuple[float, int, int]:
    """(captures per second, connections opened, requests on a reused connection) for ``count``
    captures of one host, one after the other."""
    from mirrorhunt.probe import Prober

    async def run() -> tuple[int, int]:
        async with Prober(settings) as prober:
            for _ in range(count):
                await prober.capture(name)
            return prober.connections.opened, prober.connections.reused

    began = time.perf_counter()
    opened, reused = asyncio.run(run())
    return count / (time.perf_counter() - began), opened, reused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--dnstwist-names", type=int, default=4_000)
    parser.add_argument("--sites", type=int, default=5_000)
    parser.add_argument("--stream-names", type=int, default=1_000_000)
    args = parser.parse_args()
    import dnstwist

    names = sweep_names(args.names)
    twisted = names[: args.dnstwist_names]
    print(f"{load()} at the start; {os.cpu_count()} cores")
    print(f"{len(names):,} permutation names; dnstwist gets the first {len(twisted):,}")
    threads = sorted({dnstwist.THREAD_COUNT_DEFAULT, 32})
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with lab_server(work / "dnslab", [LIVE]) as (env, _):
            lab_dns = env["MIRRORHUNT_RESOLVERS"].strip('[]"')
            zone = lab_addresses(lab_dns, [LIVE])
            rate, seen = ours(names[:20_000], settings_for(lab_dns), dns_only=True)
            print(f"lab DNS (Python) ours {rate:9,.0f} names/s  {dict(seen)}  (the server's ceiling)")
        with bind_server(work, zone) as bind:
            if bind is None:
                raise SystemExit("BIND (named) is not installed: apt-get install bind9")
            print("lab zone served by BIND (C), one thread, no rate limit:")
            rate, seen = ours(names, settings_for(bind), dns_only=True)
            print(f"  ours                        {rate:9,.0f} names/s  {dict(seen)}")
            best = 0.0
            for count in threads:
                rate_t, seen_t = dnstwist_sweep(twisted, bind, threads=count)
                best = max(best, rate_t)
                print(f"  dnstwist, {count:2} threads        {rate_t:9,.0f} names/s  {dict(seen_t)}")
            print(f"  ours / best dnstwist        {rate / best:9.1f} x")
            if args.stream_names:
                for count in (args.stream_names // 10, args.stream_names):
                    speed, peak = stream_peak_rss(count, bind)
                    print(f"  stream {count:>9,} names: peak RSS {peak:6.1f} MB ({speed:,.0f} names/s, CLI)")
        if args.sites:
            sites = [f"site{i}-salon.fr" for i in range(args.sites)]
            with lab_server(work / "weblab", sites) as (env, lab_pid):
                settings = load_settings(
                    config_file=None, environ=env, overrides={"probe": {"timeout": 20.0}}
                )
                speed, opened, reused = keepalive(settings, sites[0], 200)
                print(
                    f"200 captures of one host: {speed:,.0f}/s, {opened} connection(s) opened, "
                    f"{reused} requests on a kept-alive one"
                )
                lab_before, ours_before = cpu_seconds(lab_pid), time.process_time()
                rate, seen = ours(sites, settings, dns_only=False)
                prober_ms = (time.process_time() - ours_before) / len(sites) * 1000
                lab_ms = (cpu_seconds(lab_pid) - lab_before) / len(sites) * 1000
                print(
                    f"full probe of {len(sites):,} lab sites (DNS+TLS+HTTP+favicon+summary): "
                    f"{rate:,.1f} sites/s {dict(seen)}"
                )
                print(
                    f"  CPU per site: prober {prober_ms:.2f} ms (one core: {1000 / prober_ms:,.0f} sites/s), "
                    f"lab server {lab_ms:.2f} ms (one core: {1000 / lab_ms:,.0f} sites/s)"
                )
    print(f"{load()} at the end")
    print(f"benchmark process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
