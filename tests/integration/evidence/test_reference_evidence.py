"""A reference captured live when a case is opened is kept as evidence like a scan's capture."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from warcio.archiveiterator import ArchiveIterator

from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import open_case
from mirrorhunt.errors import NotFound
from mirrorhunt.evidence import EvidenceFolder, export_bundle
from mirrorhunt.store import Store


async def test_the_live_reference_has_a_warc_that_exports_as_a_bundle(
    settings: Settings, tmp_path: Path
) -> None:
    with Store.open(settings.database_url) as store:
        await open_case(store=store, settings=settings, name="seized", url="https://seized.fr/")
        [reference] = store.references("seized")
        [capture] = store.captures("seized", "seized.fr")
        assert reference.source == "live" and "Seized" in reference.html
        assert capture.warc_path is not None and capture.warc_sha256 is not None
        folder = EvidenceFolder.from_settings(settings)
        bundle = export_bundle(store, folder, name="seized.fr", out=tmp_path / "bundle")
        with pytest.raises(NotFound):
            export_bundle(store, folder, name="other.fr", case="seized", out=tmp_path / "none")
    assert bundle.case == "seized"
    assert bundle.summary["candidate"] is None
    assert [ref["url"] for ref in bundle.summary["references"]] == ["https://seized.fr/"]
    data = (tmp_path / "bundle" / bundle.warcs[0]).read_bytes()
    pages = [
        record.content_stream().read()
        for record in ArchiveIterator(io.BytesIO(data))
        if record.rec_type == "response"
    ]
    assert b"<title>Seized</title>" in pages[0]
    kinds = [str(record.record_type) for record in FastIterator(io.BytesIO(data))]
    assert kinds[0] == "warcinfo" and kinds[-1] == "metadata"
    metadata = json.loads(
        next(r for r in ArchiveIterator(io.BytesIO(data)) if r.rec_type == "metadata").content_stream().read()
    )
    assert metadata["tls_verified"] is True and metadata["dns"]["addresses"]
