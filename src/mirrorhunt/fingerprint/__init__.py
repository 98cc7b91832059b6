"""③ Fingerprints: a page (and its favicon) reduced to the signals the matcher compares. Pure."""

from mirrorhunt.fingerprint.background import Background
from mirrorhunt.fingerprint.favicon import favicon_hash
from mirrorhunt.fingerprint.indicators import Indicator
from mirrorhunt.fingerprint.minhash import MinHash
from mirrorhunt.fingerprint.page import Fingerprint, fingerprint

__all__ = ["Background", "Fingerprint", "Indicator", "MinHash", "favicon_hash", "fingerprint"]
