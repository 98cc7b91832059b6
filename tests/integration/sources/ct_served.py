"""A lab CT log served on loopback, both faces: RFC 6962 at ``url``, static-ct-api at ``tiles_url``."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization

from mirrorhunt.lab.ca import LabCA
from mirrorhunt.lab.ctlog import CtLog, CtServer

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
            self.log.add(self.ca.issue([f"{prefix}{i}.example"], now=NOW).der, chain=[self.ca.der])

    def certify(self, names: list[str]) -> None:
        """Log one certificate for ``names``."""
        self.log.add(self.ca.issue(names, now=NOW).der, chain=[self.ca.der])
