"""The evidence folder: WARC files named by the SHA-256 of their bytes, written once, checked on read.

``ab/abcdef….warc.gz`` under the folder; the database keeps the relative path and the hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from mirrorhunt.config import Settings
from mirrorhunt.errors import NotFound, StoreError
from mirrorhunt.evidence.exchange import Exchange
from mirrorhunt.evidence.warc import capture_warc
from mirrorhunt.model import Capture

SUFFIX = ".warc.gz"


def evidence_root(settings: Settings) -> Path:
    """``settings.evidence_dir``; a relative one sits beside an SQLite database file, else in the cwd."""
    folder = Path(settings.evidence_dir).expanduser()
    if folder.is_absolute():
        return folder
    try:
        url = make_url(settings.database_url)
    except ArgumentError:
        return folder
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / folder
    return folder


class EvidenceFolder:
    """Content-addressed WARC files under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_settings(cls, settings: Settings) -> EvidenceFolder:
        return cls(evidence_root(settings))

    def put(self, data: bytes) -> tuple[str, str]:
        """Write ``data`` (once: the same bytes land on the same file); returns (relative path, sha256)."""
        digest = hashlib.sha256(data).hexdigest()
        relative = f"{digest[:2]}/{digest}{SUFFIX}"
        target = self.root / relative
        if target.exists():
            return relative, digest
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except OSError as exc:
            raise StoreError(
                f"cannot write evidence to {target}: {exc.strerror}", hint="check evidence_dir and free space"
            ) from exc
        return relative, digest

    def read(self, relative: str, *, sha256: str) -> bytes:
        """The bytes of a stored WARC, after checking they still hash to ``sha256``."""
        path = self.root / relative
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise NotFound(
                f"evidence file {path} is missing: {exc.strerror}",
                hint="evidence_dir must point at the folder the captures were written to",
            ) from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise StoreError(f"evidence file {path} was altered: SHA-256 {actual}, recorded {sha256}")
        return data

    def write(self, capture: Capture, exchanges: Sequence[Exchange]) -> Capture:
        """Write the capture's WARC and return the capture that references it."""
        relative, digest = self.put(capture_warc(capture, exchanges))
        return replace(capture, warc_path=relative, warc_sha256=digest)

    async def keep(self, capture: Capture, exchanges: Sequence[Exchange]) -> Capture:
        """``write``, off the event loop."""
        return await asyncio.to_thread(self.write, capture, exchanges)
