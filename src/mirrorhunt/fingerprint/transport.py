"""What the server said besides the page: header order and values, the TLS certificate, the redirect chain.

Volatile headers (dates, lengths, per-request IDs, cookies' values) are left out: they differ between
two fetches of the same site. A certificate that cannot be read leaves its fields empty.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mirrorhunt.model import Hop

_VOLATILE = frozenset({
    "date", "expires", "last-modified", "content-length", "etag", "age", "set-cookie", "cf-ray",
    "x-request-id", "x-amz-request-id", "x-amz-cf-id", "x-cache", "x-served-by", "x-timer", "report-to",
    "nel", "x-runtime", "request-id", "x-trace-id", "server-timing", "content-security-policy",
    "content-security-policy-report-only", "keep-alive", "connection", "transfer-encoding", "vary",
    "content-encoding", "accept-ranges", "cache-control", "pragma",
})  # fmt: skip
MAX_HEADERS = 100
MAX_VALUE = 200
MAX_NAMES = 500


def header_order(headers: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """Header names, lower-case, in the order the server sent them (repeats once)."""
    names = (name.strip().lower() for name, _ in headers[:MAX_HEADERS])
    return tuple(dict.fromkeys(n for n in names if n))


def header_values(headers: Sequence[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """(name, value) of the stable headers (``server: nginx/1.18``, ``x-powered-by: PHP/7.4``)."""
    return frozenset(
        (name.strip().lower(), " ".join(value.split())[:MAX_VALUE])
        for name, value in headers[:MAX_HEADERS]
        if name.strip().lower() not in _VOLATILE and value.strip()
    )


def certificate_identity(der: bytes | None) -> tuple[str | None, frozenset[str]]:
    """SHA-256 of the certificate's public key (hex) and its DNS names; (None, ∅) when unreadable."""
    if not der:
        return None, frozenset()
    try:
        certificate = x509.load_der_x509_certificate(der)
        key = certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None, frozenset()
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = frozenset(n.lower().rstrip(".") for n in san.get_values_for_type(x509.DNSName)[:MAX_NAMES])
    except (x509.ExtensionNotFound, ValueError):
        names = frozenset()
    return hashlib.sha256(key).hexdigest(), names


def redirect_hosts(redirects: Sequence[Hop]) -> tuple[str, ...]:
    """The hosts a redirect chain went through, in order, each once."""
    hosts = []
    for hop in redirects:
        for url in (hop.url, hop.location or ""):
            with contextlib.suppress(ValueError):  # a malformed Location
                if host := (urlsplit(url.strip()).hostname or "").rstrip("."):
                    hosts.append(host)
    return tuple(dict.fromkeys(hosts))
