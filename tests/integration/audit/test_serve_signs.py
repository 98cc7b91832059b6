"""`mirrorhunt serve` with an audit key: every listing change (and every contest, which changes no
zone) is logged and signed within moments, and the zone it serves names the log's head (``_log`` TXT)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import dns.query
import dns.rdatatype
import dns.zone
from audit_samples import ORIGIN

from mirrorhunt.audit.log import AuditLog
from mirrorhunt.audit.note import SignerKey
from mirrorhunt.errors import NotFound
from mirrorhunt.model import Case, Event, Listing
from mirrorhunt.store import Store

ZONE = "rpz.test."
STARTED = re.compile(r"on 127\.0\.0\.1:(\d+) \(UDP and TCP\).*?Transparency log signed", re.S)


def listing(name: str, at: datetime) -> Listing:
    return Listing(name=name, case="salon", reason="same page", decided_by="alice", since=at)


def log_record(port: int) -> str:
    zone = dns.zone.from_xfr(dns.query.xfr("127.0.0.1", ZONE, port=port, lifetime=5))
    return str(zone.find_rdataset("_log", dns.rdatatype.TXT)[0]).strip('"')


def test_serve_logs_and_signs_every_change(store_url: str, tmp_path: Path) -> None:
    at = datetime.now(UTC)
    key = SignerKey(ORIGIN, os.urandom(32))
    (tmp_path / "audit.key").write_text(key.text() + "\n")
    with Store.open(store_url) as store:
        store.add_case(Case(name="salon", url="https://salon-lumiere.fr/", created_at=at))
        store.add_listing(listing("salon-lumiere.gg", at))
    env = {
        **os.environ,
        "COLUMNS": "400",
        "MIRRORHUNT_PUBLISH__ZONE": ZONE,
        "MIRRORHUNT_AUDIT__KEY": "audit.key",
    }
    command = [
        sys.executable,
        "-m",
        "mirrorhunt",
        "--database-url",
        store_url,
        "serve",
        "--listen",
        "127.0.0.1:0",
    ]
    command += ["--feeds-listen", "", "--stoppage-listen", "", "--web-listen", ""]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        seen, deadline = "", time.monotonic() + 60
        while (found := STARTED.search(seen)) is None:
            assert time.monotonic() < deadline and process.poll() is None, f"serve did not start: {seen}"
            seen += process.stdout.readline()
        port = int(found[1])
        with Store.open(store_url) as store:
            log = AuditLog(store)
            assert log.checkpoint().size == 1  # signed when the zone was loaded
            assert log_record(port) == f"size=1 root={log.checkpoint().root.hex()}"
            store.add_listing(listing("salon-lumiere.to", at))
            store.remove_listing("salon-lumiere.gg", reason="gone", decided_by="cli")
            deadline = time.monotonic() + 20
            while (size := _size(log)) < 3:
                assert time.monotonic() < deadline, f"the log stayed at {size} entries"
                time.sleep(0.05)
            assert log.verify(key=key.verifier()).size == 3
            deadline = time.monotonic() + 20
            while log_record(port) != f"size=3 root={log.checkpoint().root.hex()}":
                assert time.monotonic() < deadline, f"the zone names {log_record(port)}"
                time.sleep(0.05)
            # a contest changes no zone: the log follows it on its own
            store.append_event(Event(kind="contest.opened", subject="salon-lumiere.to", detail={}, at=at))
            deadline = time.monotonic() + 20
            while (size := _size(log)) < 4:
                assert time.monotonic() < deadline, f"the log stayed at {size} entries"
                time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def _size(log: AuditLog) -> int:
    try:
        return log.checkpoint().size
    except NotFound:
        return 0
