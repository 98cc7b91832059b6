"""Captures kept as WARC files: read back by warcio and by FastWARC, exported as a checked bundle."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from warcio.archiveiterator import ArchiveIterator

from mirrorhunt.config import Settings
from mirrorhunt.errors import StoreError
from mirrorhunt.evidence import EvidenceFolder, export_bundle
from mirrorhunt.model import Candidate, Capture, Case
from mirrorhunt.probe import Prober
from mirrorhunt.store import Store

BIN = Path(sys.executable).parent
NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def run(tool: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A console script of this environment, its output captured."""
    return subprocess.run([str(BIN / tool), *args], env=env, capture_output=True, text=True, check=False)


async def captured(settings: Settings) -> tuple[Capture, EvidenceFolder]:
    folder = EvidenceFolder.from_settings(settings)
    async with Prober(settings, evidence=folder) as prober:
        return await prober.capture("salon.gg"), folder


async def test_a_capture_is_a_warc_with_request_response_and_metadata(
    settings: Settings, tmp_path: Path
) -> None:
    capture, folder = await captured(settings)
    assert capture.error is None, capture.error
    assert folder.root == tmp_path / "evidence"
    assert capture.warc_path is not None and capture.warc_sha256 is not None
    data = folder.read(capture.warc_path, sha256=capture.warc_sha256)
    assert hashlib.sha256(data).hexdigest() == capture.warc_sha256
    records = [
        (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read())
        for record in ArchiveIterator(io.BytesIO(data))
    ]
    assert [kind for kind, _, _ in records] == [
        "warcinfo",
        "response",
        "request",
        "response",
        "request",
        "metadata",
    ]
    assert records[1][1] == "https://salon.gg/" and b"<title>Salon</title>" in records[1][2]
    assert records[3][1] == "https://salon.gg/favicon.ico"
    metadata = json.loads(records[-1][2])
    assert metadata["dns"]["addresses"] == list(capture.dns.addresses)
    assert metadata["tls_verified"] is True
    assert metadata["certificate_chain"][0].startswith("-----BEGIN CERTIFICATE-----")
    fast = [str(record.record_type) for record in FastIterator(io.BytesIO(data))]
    assert fast == ["warcinfo", "response", "request", "response", "request", "metadata"]


async def test_an_exported_bundle_checks_with_two_warc_tools(settings: Settings, tmp_path: Path) -> None:
    capture, _ = await captured(settings)
    with Store.open(settings.database_url) as store:
        store.add_case(Case(name="salon", url="https://salon.fr/", created_at=NOW))
        store.add_candidate(Candidate(case="salon", name="salon.gg", source="tip", found_at=NOW))
        store.add_capture("salon", capture)
    env = {**os.environ, "MIRRORHUNT_DATABASE_URL": settings.database_url}
    out = tmp_path / "bundle"
    done = run("mirrorhunt", "evidence", "export", "salon.gg", "--out", str(out), "--json", env=env)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["captures"][0]["tls_verified"] is True
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    warc = out / f"{capture.warc_sha256}.warc.gz"
    for tool in (["warcio", "check"], ["fastwarc", "check", "-q", "-p"]):
        checked = run(*tool, str(warc))
        assert checked.returncode == 0, (tool, checked.stdout, checked.stderr)


async def test_an_altered_warc_is_refused_on_export(settings: Settings, tmp_path: Path) -> None:
    capture, folder = await captured(settings)
    assert capture.warc_path is not None
    with Store.open(settings.database_url) as store:
        store.add_case(Case(name="salon", url="https://salon.fr/", created_at=NOW))
        store.add_candidate(Candidate(case="salon", name="salon.gg", source="tip", found_at=NOW))
        store.add_capture("salon", capture)
        path = folder.root / capture.warc_path
        path.write_bytes(path.read_bytes() + b"\n")
        with pytest.raises(StoreError, match="was altered"):
            export_bundle(store, folder, name="salon.gg", out=tmp_path / "bundle")
