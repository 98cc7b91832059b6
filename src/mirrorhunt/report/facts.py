"""What a capture proves, reduced to values a court can check: hashes, addresses, identifiers. Pure.

Everything here comes from hostile pages and is kept as plain text; the renderers escape it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from mirrorhunt.errors import InvalidInput
from mirrorhunt.fingerprint import favicon_hash, fingerprint
from mirrorhunt.fingerprint.indicators import Indicator, find_indicators
from mirrorhunt.model import Capture, Reference


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureFacts:
    """The checkable values of one capture."""

    title: str
    body_sha256: str
    body_bytes: int
    addresses: tuple[str, ...]
    certificate_sha256: str | None
    """SHA-256 of the leaf certificate's DER: its usual fingerprint."""
    chain_sha256: tuple[str, ...]
    favicon_hash: int | None
    """The Shodan-style MurmurHash3 an analyst pivots on."""
    favicon_sha256: str | None
    indicators: tuple[Indicator, ...]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _page(html: bytes | str, *, url: str | None) -> tuple[str, frozenset[Indicator]]:
    """The page's title and identifiers; the identifiers alone when there is no http(s) URL to read it as."""
    if url is not None:
        try:
            page = fingerprint(html, url=url)
        except InvalidInput:
            pass
        else:
            return page.title, page.indicators
    return "", find_indicators(html)


def capture_facts(capture: Capture) -> CaptureFacts:
    title, indicators = _page(capture.body, url=capture.url) if capture.body else ("", frozenset())
    return CaptureFacts(
        title=title,
        body_sha256=_sha256(capture.body),
        body_bytes=len(capture.body),
        addresses=capture.dns.addresses,
        certificate_sha256=None if capture.certificate is None else _sha256(capture.certificate),
        chain_sha256=tuple(_sha256(der) for der in capture.certificate_chain),
        favicon_hash=None if capture.favicon is None else favicon_hash(capture.favicon),
        favicon_sha256=None if capture.favicon is None else _sha256(capture.favicon),
        indicators=tuple(sorted(indicators)),
    )


def reference_facts(reference: Reference) -> CaptureFacts:
    """The same values for the seized site's reference copy (it has no DNS answer or certificate)."""
    html = reference.html.encode("utf-8", "replace")
    title, indicators = _page(html, url=reference.url)
    return CaptureFacts(
        title=title,
        body_sha256=_sha256(html),
        body_bytes=len(html),
        addresses=(),
        certificate_sha256=None,
        chain_sha256=(),
        favicon_hash=None if reference.favicon is None else favicon_hash(reference.favicon),
        favicon_sha256=None if reference.favicon is None else _sha256(reference.favicon),
        indicators=tuple(sorted(indicators)),
    )
