"""Signed tree heads of CT logs: the RFC 6962 ``get-sth`` document and the checkpoint (signed note) of
tiled logs, with their signature checked against the log's key when it is known.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15

from mirrorhunt.errors import SourceError

_NOTE_SIGNATURE_TYPE = b"\x05"


@dataclass(frozen=True, slots=True, kw_only=True)
class TreeHead:
    """A log's tree at one moment: how many entries, their Merkle root, and when (ms since 1970)."""

    size: int
    root: bytes
    timestamp: int


def verify_signature(key_der: bytes, *, head: TreeHead, signature: bytes) -> bool:
    """True if ``signature`` (a ``digitally-signed`` TreeHeadSignature) signs ``head`` with the key."""
    if len(signature) < 4:
        return False
    length = int.from_bytes(signature[2:4], "big")
    if len(signature) != 4 + length:
        return False
    signed = struct.pack(">BBQQ", 0, 1, head.timestamp, head.size) + head.root
    try:
        key = serialization.load_der_public_key(key_der)
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature[4:], signed, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature[4:], signed, PKCS1v15(), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def parse_get_sth(document: dict[str, object], *, key_der: bytes | None, url: str) -> TreeHead:
    """The tree head of a ``get-sth`` document; ``SourceError`` if malformed or wrongly signed."""
    size, timestamp = document.get("tree_size"), document.get("timestamp")
    root, signature = document.get("sha256_root_hash"), document.get("tree_head_signature")
    if (
        not isinstance(size, int)
        or isinstance(size, bool)
        or size < 0
        or not isinstance(timestamp, int)
        or not isinstance(root, str)
        or not isinstance(signature, str)
    ):
        raise SourceError(f"CT log {url} answered get-sth with an unexpected document")
    try:
        head = TreeHead(size=size, root=base64.b64decode(root, validate=True), timestamp=timestamp)
        raw_signature = base64.b64decode(signature, validate=True)
    except binascii.Error as exc:
        raise SourceError(f"CT log {url} answered get-sth with invalid base64") from exc
    if len(head.root) != 32:
        raise SourceError(f"CT log {url} answered get-sth with a root that is not a SHA-256 hash")
    if key_der is not None and not verify_signature(key_der, head=head, signature=raw_signature):
        raise SourceError(f"CT log {url}: the tree head signature does not verify with the log's key")
    return head


def parse_checkpoint(text: str, *, key_der: bytes | None, url: str) -> TreeHead:
    """The tree head of a static-ct-api checkpoint; with ``key_der``, its RFC 6962 note signature
    (key name = origin line) must verify. ``SourceError`` otherwise."""
    body, separator, signatures = text.partition("\n\n")
    lines = body.split("\n")
    if not separator or len(lines) < 3 or not lines[1].isdigit():
        raise SourceError(f"CT log {url} served a checkpoint that is not a signed note")
    origin = lines[0]
    try:
        root = base64.b64decode(lines[2], validate=True)
    except binascii.Error as exc:
        raise SourceError(f"CT log {url} served a checkpoint with an invalid root hash") from exc
    if len(root) != 32:
        raise SourceError(f"CT log {url} served a checkpoint whose root is not a SHA-256 hash")
    size = int(lines[1])
    blobs = list(_note_signatures(signatures, origin=origin))
    if key_der is None:
        timestamp = int.from_bytes(blobs[0][4:12], "big") if blobs else 0
        return TreeHead(size=size, root=root, timestamp=timestamp)
    log_id = hashlib.sha256(key_der).digest()
    key_id = hashlib.sha256(origin.encode() + b"\n" + _NOTE_SIGNATURE_TYPE + log_id).digest()[:4]
    for blob in blobs:
        head = TreeHead(size=size, root=root, timestamp=int.from_bytes(blob[4:12], "big"))
        if blob[:4] == key_id and verify_signature(key_der, head=head, signature=blob[12:]):
            return head
    raise SourceError(f"CT log {url}: no checkpoint signature verifies with the log's key")


def _note_signatures(text: str, *, origin: str) -> Iterator[bytes]:
    """Decoded signature lines of a note made by the key named ``origin``: key ID, then signature."""
    for line in text.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != "\u2014" or parts[1] != origin:
            continue
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except binascii.Error:
            continue
        if len(blob) >= 12:
            yield blob
