"""The TSIG key (RFC 8945) of ``[publish] tsig``: ``"name:algorithm:base64secret"``.

Example: ``"mirrorhunt-xfr:hmac-sha256:2T8O1r8mN1y1p8Ku8xHqk1m0oV3cz1o0fJ1bYw3uYvQ="``; make a secret
with ``tsig-keygen -a hmac-sha256 mirrorhunt-xfr`` (BIND) or ``openssl rand -base64 32``.
"""

from __future__ import annotations

import base64
import binascii

import dns.exception
import dns.name
import dns.tsig

from mirrorhunt.errors import ConfigError

ALGORITHMS = ("hmac-sha256", "hmac-sha384", "hmac-sha512", "hmac-sha224", "hmac-sha1")
_FORMAT = 'set publish.tsig to "name:algorithm:base64secret", e.g. "xfr-key:hmac-sha256:c2VjcmV0…"'


def parse_tsig(text: str) -> dns.tsig.Key:
    """The key described by a ``publish.tsig`` setting; raises ``ConfigError``."""
    parts = text.strip().split(":")
    if len(parts) != 3 or not all(parts):
        raise ConfigError("publish.tsig is not name:algorithm:secret", hint=_FORMAT)
    name, algorithm, secret = parts
    algorithm = algorithm.lower()
    if algorithm not in ALGORITHMS:
        raise ConfigError(
            f"publish.tsig algorithm {algorithm!r} is not supported",
            hint=f"use one of {', '.join(ALGORITHMS)}",
        )
    try:
        raw = base64.b64decode(secret, validate=True)
    except binascii.Error as exc:
        raise ConfigError("publish.tsig secret is not base64", hint=_FORMAT) from exc
    try:
        key_name = dns.name.from_text(name)
    except dns.exception.DNSException as exc:
        raise ConfigError(f"publish.tsig key name {name!r} is not a domain name", hint=_FORMAT) from exc
    if len(raw) < 16:
        raise ConfigError("publish.tsig secret is shorter than 16 bytes", hint="use 32 random bytes")
    return dns.tsig.Key(key_name, raw, algorithm)


def keyring_of(key: dns.tsig.Key | None) -> dict[dns.name.Name, dns.tsig.Key] | None:
    """The keyring dnspython verifies incoming messages with (None: no key configured)."""
    return None if key is None else {key.name: key}
