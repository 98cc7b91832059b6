"""A lab CT log served on loopback, both faces: RFC 6962 at ``url``, static-ct-api at ``tiles_url``;
and a log list naming its tiled face, for tests that follow logs the way settings name them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from mirrorhunt.clock import SystemClock
from mirrorhunt.lab.ca import LabCA
from mirrorhunt.lab.ctlog import CtLog, CtServer
from mirrorhunt.sources.ctlist import LogInfo, log_list_document

NOW = datetime(2026, 11, 23, tzinfo=UTC)


class Served:
    def __init__(self, log: CtLog, server: CtServer, ca: LabCA) -> None:
        self.log, self.server, self.ca = log, server, ca
        self.url = f"http://127.0.0.1:{server.port}/"
        self.tiles_url = f"{self.url}tiles/"
        self.key = serialization.load_pem_public_key(log.public_key_pem).public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def add(self, count: int, *, prefix: str = "site") -> None:
        start = len(self.log.entries)
        for i in range(start, start + count):
            self.certify([f"{prefix}{i}.example"])

    def certify(self, names: list[str]) -> int:
        """Log one certificate for ``names``; its entry index."""
        return self.log.add(self.ca.issue(names, now=NOW).der, chain=[self.ca.der])


@asynccontextmanager
async def served_log() -> AsyncIterator[Served]:
    """A new lab CT log with its own CA, served until the block ends."""
    ca = LabCA(now=NOW)
    log = CtLog(clock=SystemClock())
    server = CtServer(log, roots=[ca.der])
    await server.start(host="127.0.0.1", port=0)
    try:
        yield Served(log, server, ca)
    finally:
        await server.stop()


def tiled_log_list(served: Served, folder: Path) -> Path:
    """A log list in the browsers' format naming the served log's tiled face; its path."""
    tiled = LogInfo(
        operator="lab",
        description="the lab log, tiled",
        kind="tiled",
        url=served.tiles_url,
        key=served.key,
        log_id=served.log.log_id,
        state="usable",
    )
    path = folder / "log_list.json"
    path.write_text(json.dumps(log_list_document([tiled])), encoding="utf-8")
    return path
