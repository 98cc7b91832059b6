"""The JSON line written for each probed name (``mirrorhunt probe``): DNS answer, page, certificate.

Pure: a ``DnsResult`` or a ``Capture`` in, a dictionary of plain JSON values out.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography import x509
from selectolax.lexbor import LexborHTMLParser

from mirrorhunt.fingerprint.decode import decode_html
from mirrorhunt.fingerprint.favicon import favicon_hash
from mirrorhunt.model import Capture, DnsResult

TITLE_SCAN_BYTES = 200_000
"""The title is looked for in the first bytes of the page only."""
MAX_TITLE_CHARS = 200


def dns_record(result: DnsResult) -> dict[str, Any]:
    """``{"name", "dns", "addresses", "cnames", "wildcard", "error"}``."""
    return {
        "name": result.name,
        "dns": result.outcome,
        "addresses": list(result.addresses),
        "cnames": list(result.cnames),
        "wildcard": result.wildcard,
        "error": result.error,
    }


def capture_record(capture: Capture) -> dict[str, Any]:
    """The DNS fields, then status, final URL, redirects, certificate and fingerprint summaries."""
    return {
        **dns_record(capture.dns),
        "status": capture.status,
        "final_url": capture.url,
        "redirects": [hop.url for hop in capture.redirects],
        "certificate": certificate_summary(capture.certificate) if capture.certificate else None,
        "fingerprint": {
            "title": page_title(capture.body, headers=capture.headers) if capture.body else None,
            "favicon_hash": favicon_hash(capture.favicon) if capture.favicon else None,
        },
        "error": capture.error or capture.dns.error,
        "elapsed_ms": round(capture.elapsed_ms, 1),
    }


def certificate_summary(der: bytes) -> dict[str, Any]:
    """Subject, issuer, DNS names, SHA-256 of the DER and expiry of a leaf certificate; never raises."""
    summary: dict[str, Any] = {"sha256": hashlib.sha256(der).hexdigest()}
    try:
        certificate = x509.load_der_x509_certificate(der)
        summary["subject"] = certificate.subject.rfc4514_string()
        summary["issuer"] = certificate.issuer.rfc4514_string()
        summary["not_after"] = certificate.not_valid_after_utc.isoformat()
    except ValueError as exc:
        summary["error"] = f"unreadable certificate: {exc}"
        return summary
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        summary["sans"] = names.get_values_for_type(x509.DNSName)
    except (x509.ExtensionNotFound, ValueError):
        summary["sans"] = []
    return summary


def page_title(body: bytes, *, headers: tuple[tuple[str, str], ...] = ()) -> str | None:
    """The page's ``<title>``, whitespace collapsed and cut at ``MAX_TITLE_CHARS``; None without one."""
    text = decode_html(body[:TITLE_SCAN_BYTES], headers=headers)
    node = LexborHTMLParser(text).css_first("title")
    if node is None:
        return None
    return " ".join(node.text().split())[:MAX_TITLE_CHARS]
