"""Probe throughput on loopback: DNS sweep (ours and dnstwist, same names, same servers, same run),
full probes of live lab sites, and peak memory of a long `mirrorhunt probe --dns-only` stream.

    .venv/bin/python benchmarks/probe.py [--names 100000] [--dnstwist-names 4000] [--sites 2000]
                                         [--stream-names 1000000]

Name servers: the lab's own (Python, dnspython: its answering rate is the ceiling of any client on it,
printed as such) and, when /usr/sbin/named exists, BIND serving the same names (the client is then the
limit). Every number is printed; nothing leaves 127.0.0.0/8.
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
def lab_server(workdir: Path, sites: list[str]) -> Iterator[dict[str, str]]:
    """`mirrorhunt lab serve` in its own process, serving ``sites``; yields its MIRRORHUNT_* settings."""
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
        time.sleep(0.2)
        pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
        yield {key: value.strip().strip("'\"") for key, value in pairs}
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def bind_server(workdir: Path, names: list[str]) -> Iterator[str | None]:
    """BIND as the authoritative root for ``names`` (127.0.0.1), or None without named."""
    named = shutil.which("named") or ("/usr/sbin/named" if Path("/usr/sbin/named").exists() else None)
    if named is None:
        yield None
        return
    folder = workdir / "bind"
    folder.mkdir()
    records = "".join(f"{name}. IN A 127.0.10.1\n" for name in names)
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
        _wait_for_dns(f"127.0.0.1:{port}", names[0] if names else "ns.lab")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--dnstwist-names", type=int, default=4_000)
    parser.add_argument("--dnstwist-threads", type=int, default=32)
    parser.add_argument("--sites", type=int, default=2_000)
    parser.add_argument("--stream-names", type=int, default=1_000_000)
    args = parser.parse_args()

    names = sweep_names(args.names)
    twisted = names[: args.dnstwist_names]
    print(f"{len(names)} permutation names; dnstwist gets the first {len(twisted)}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with lab_server(work / "dnslab", [LIVE]) as env:
            lab_dns = env["MIRRORHUNT_RESOLVERS"].strip('[]"')
            rate, seen = ours(names, settings_for(lab_dns), dns_only=True)
            print(f"lab DNS (Python)   ours      {rate:9,.0f} names/s  {dict(seen)}  (the server's ceiling)")
            rate_t, seen_t = dnstwist_sweep(twisted, lab_dns, threads=args.dnstwist_threads)
            print(f"lab DNS (Python)   dnstwist  {rate_t:9,.0f} names/s  {dict(seen_t)}")
        with bind_server(work, [LIVE]) as bind:
            if bind is None:
                print("BIND (named) not installed: no figure without the lab server's ceiling")
            else:
                rate, seen = ours(names, settings_for(bind), dns_only=True)
                print(f"BIND               ours      {rate:9,.0f} names/s  {dict(seen)}")
                rate_t, seen_t = dnstwist_sweep(twisted, bind, threads=args.dnstwist_threads)
                print(f"BIND               dnstwist  {rate_t:9,.0f} names/s  {dict(seen_t)}")
                print(f"                   ratio     {rate / rate_t:9.1f} x")
                if args.stream_names:
                    for count in (args.stream_names // 10, args.stream_names):
                        speed, peak = stream_peak_rss(count, bind)
                        print(
                            f"stream {count:>9,} names: peak RSS {peak:6.1f} MB  ({speed:,.0f} names/s, CLI)"
                        )
        if args.sites:
            sites = [f"site{i}-salon.fr" for i in range(args.sites)]
            with lab_server(work / "weblab", sites) as env:
                settings = load_settings(
                    config_file=None, environ=env, overrides={"probe": {"timeout": 20.0}}
                )
                rate, seen = ours(sites, settings, dns_only=False)
                print(
                    f"full probe of {len(sites)} lab sites (DNS+TLS+HTTP+favicon+summary): "
                    f"{rate:,.1f} sites/s {dict(seen)}"
                )
    print(f"benchmark process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
