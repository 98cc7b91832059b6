"""Evidence: every capture kept as a WARC file, content-addressed, exported as a checkable bundle."""

from mirrorhunt.evidence.bundle import Bundle, export_bundle
from mirrorhunt.evidence.exchange import Exchange
from mirrorhunt.evidence.folder import EvidenceFolder, evidence_root
from mirrorhunt.evidence.warc import capture_metadata, capture_warc

__all__ = [
    "Bundle",
    "EvidenceFolder",
    "Exchange",
    "capture_metadata",
    "capture_warc",
    "evidence_root",
    "export_bundle",
]
