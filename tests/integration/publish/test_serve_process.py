"""`mirrorhunt serve` as a process: the primary and the feeds both answer with one serial; after kill -9
and a restart the SOA serial has gone up and a secondary can transfer the zone again."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import dns.message
import dns.query
import dns.rdatatype
import dns.zone
import pytest

from mirrorhunt.model import Case, Listing
from mirrorhunt.store import Store

ZONE = "rpz.test."
STARTED = re.compile(
    r"on 127\.0\.0\.1:(\d+) \(UDP and TCP\).*?Feeds on http://127\.0\.0\.1:(\d+)/"
    r".*?Stop page on http://127\.0\.0\.1:(\d+) .*?Review desk on http://127\.0\.0\.1:(\d+)/",
    re.S,
)


def start(url: str, tmp_path: Path) -> tuple[subprocess.Popen[str], int, int, int, int]:
    env = {**os.environ, "COLUMNS": "400", "MIRRORHUNT_PUBLISH__ZONE": ZONE}
    command = [sys.executable, "-m", "mirrorhunt", "--database-url", url, "serve"]
    command += ["--listen", "127.0.0.1:0", "--feeds-listen", "127.0.0.1:0"]
    command += ["--web-listen", "127.0.0.1:0", "--stoppage-listen", "127.0.0.1:0"]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + 30
    while (found := STARTED.search(seen)) is None:
        assert time.monotonic() < deadline and process.poll() is None, f"serve did not start: {seen}"
        seen += process.stdout.readline()
    dns_port, feeds_port, stop_port, web_port = (int(port) for port in found.groups())
    return process, dns_port, feeds_port, stop_port, web_port


def soa_serial(port: int) -> int:
    reply = dns.query.udp(dns.message.make_query(ZONE, dns.rdatatype.SOA), "127.0.0.1", port=port, timeout=2)
    return int(reply.answer[0][0].serial)


def test_serve_answers_dns_and_feeds_and_survives_kill_9(store_url: str, tmp_path: Path) -> None:
    at = datetime.now(UTC)
    with Store.open(store_url) as store:
        store.add_case(Case(name="salon", url="https://salon-lumiere.fr/", created_at=at))
        store.add_listing(
            Listing(name="salon-lumiere.gg", case="salon", reason="m", decided_by="t", since=at)
        )
    process, dns_port, feeds_port, stop_port, web_port = start(store_url, tmp_path)
    try:
        first = soa_serial(dns_port)
        with urllib.request.urlopen(f"http://127.0.0.1:{feeds_port}/feeds/domains", timeout=5) as response:
            body = response.read().decode()
            assert response.headers["X-Mirrorhunt-Serial"] == str(first), "zone and exports share one serial"
        assert "salon-lumiere.gg" in body
        blocked = urllib.request.Request(
            f"http://127.0.0.1:{stop_port}/", headers={"Host": "salon-lumiere.gg"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(blocked, timeout=5)
        assert refused.value.code == 451, "the stop page explains the block"
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/transparency.json", timeout=5) as response:
            assert response.status == 200, "the desk serves the public transparency figures"
        with Store.open(store_url) as store:
            store.add_listing(
                Listing(name="salon-lumiere.to", case="salon", reason="m", decided_by="t", since=at)
            )
        deadline = time.monotonic() + 10
        while soa_serial(dns_port) == first:
            assert time.monotonic() < deadline, "the primary never saw the new listing"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    process, dns_port, *_ = start(store_url, tmp_path)
    try:
        assert soa_serial(dns_port) > first + 1
        zone = dns.zone.from_xfr(dns.query.xfr("127.0.0.1", ZONE, port=dns_port, lifetime=5))
        assert {str(name) for name in zone.nodes} >= {"salon-lumiere.gg", "salon-lumiere.to"}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
