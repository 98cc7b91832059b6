"""Done-when for evidence: the demo's mirrors export as bundles that warcio and FastWARC read back."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

from fastwarc.warc import ArchiveIterator as FastIterator
from fastwarc.warc import WarcRecordType
from warcio.archiveiterator import ArchiveIterator

from mirrorhunt.evidence import EvidenceFolder, export_bundle
from mirrorhunt.lab.demo.run import CASE, demo_lab, run_demo
from mirrorhunt.store import Store

BIN = Path(sys.executable).parent


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def test_every_demo_mirror_exports_a_bundle_that_two_warc_tools_read(tmp_path: Path) -> None:
    with demo_lab(tmp_path) as (scenario, lab, settings):
        run_demo(scenario=scenario, lab=lab, settings=settings, workdir=tmp_path, progress=_quiet)
    folder = EvidenceFolder.from_settings(settings)
    with Store.open(settings.database_url) as store:
        bundles = [
            export_bundle(store, folder, name=mirror, case=CASE, out=tmp_path / "bundles" / mirror)
            for mirror in scenario.mirrors
        ]
    assert len(bundles) == len(scenario.mirrors) >= 4
    for bundle in bundles:
        for line in (bundle.folder / "SHA256SUMS").read_text().splitlines():
            digest, file_name = line.split("  ")
            assert hashlib.sha256((bundle.folder / file_name).read_bytes()).hexdigest() == digest
        pages: list[bytes] = []
        for warc in bundle.warcs:
            path = bundle.folder / warc
            for tool in (["warcio", "check"], ["fastwarc", "check", "-q", "-p"]):
                checked = subprocess.run(
                    [str(BIN / tool[0]), *tool[1:], str(path)], capture_output=True, text=True
                )
                assert checked.returncode == 0, (bundle.name, tool, checked.stdout, checked.stderr)
            data = path.read_bytes()
            warcio_types = [record.rec_type for record in ArchiveIterator(io.BytesIO(data))]
            fast_types: list[str] = []
            for record in FastIterator(io.BytesIO(data), parse_http=False):
                fast_types.append(str(record.record_type))
                if record.record_type == WarcRecordType.response:
                    pages.append(record.reader.read())
            assert warcio_types == fast_types
            assert warcio_types[0] == "warcinfo" and warcio_types[-1] == "metadata"
        assert any(b"<html" in page.lower() for page in pages), bundle.name
        assert bundle.summary["verdict"]["label"] == "mirror", bundle.name
