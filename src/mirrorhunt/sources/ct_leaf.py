"""The ``MerkleTreeLeaf`` of RFC 6962 (section 3.4) for X.509 entries: encoding and decoding.

    MerkleTreeLeaf  = version(1) leaf_type(1) TimestampedEntry
    TimestampedEntry = timestamp(8, ms) entry_type(2) ASN.1Cert<1..2^24-1> extensions<0..2^16-1>

``parse_merkle_tree_leaf`` decodes ``x509_entry`` leaves; ``entry_certificate`` also takes a
``precert_entry``, whose precertificate travels in the entry's ``extra_data``.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from mirrorhunt.errors import SourceError

_V1 = 0
_TIMESTAMPED_ENTRY = 0
X509_ENTRY = 0
PRECERT_ENTRY = 1
_HEAD = struct.Struct(">BBQH")


def _opaque24(data: bytes) -> bytes:
    return len(data).to_bytes(3, "big") + data


def encode_merkle_tree_leaf(*, timestamp_ms: int, certificate: bytes) -> bytes:
    """The ``leaf_input`` of an x509_entry for a DER certificate logged at ``timestamp_ms``."""
    if not 0 < len(certificate) < 1 << 24:
        raise ValueError("a certificate must be 1 byte to 16 MiB long")
    return (
        _HEAD.pack(_V1, _TIMESTAMPED_ENTRY, timestamp_ms, X509_ENTRY) + _opaque24(certificate) + b"\x00\x00"
    )


def encode_certificate_chain(chain: Sequence[bytes]) -> bytes:
    """The ``extra_data`` of an x509_entry: ``ASN.1Cert certificate_chain<0..2^24-1>`` (section 4.6)."""
    return _opaque24(b"".join(_opaque24(certificate) for certificate in chain))


def _header(leaf_input: bytes) -> tuple[int, int]:
    """(timestamp in ms, entry type) of a leaf whose version and leaf type are known."""
    if len(leaf_input) < _HEAD.size + 3 + 2:
        raise SourceError(f"CT leaf is truncated ({len(leaf_input)} bytes)")
    version, leaf_type, timestamp_ms, entry_type = _HEAD.unpack_from(leaf_input)
    if version != _V1 or leaf_type != _TIMESTAMPED_ENTRY:
        raise SourceError(f"CT leaf has unknown version {version} or leaf type {leaf_type}")
    if entry_type not in (X509_ENTRY, PRECERT_ENTRY):
        raise SourceError(f"CT leaf has unknown entry type {entry_type}")
    return timestamp_ms, entry_type


def parse_merkle_tree_leaf(leaf_input: bytes) -> tuple[int, bytes]:
    """(timestamp in ms, DER certificate) of an x509_entry leaf; raises ``SourceError`` otherwise."""
    timestamp_ms, entry_type = _header(leaf_input)
    if entry_type == PRECERT_ENTRY:
        raise SourceError("CT leaf is a precertificate entry; only x509 entries are decoded here")
    start = _HEAD.size + 3
    length = int.from_bytes(leaf_input[_HEAD.size : start], "big")
    end = start + length
    if length == 0 or end + 2 > len(leaf_input):
        raise SourceError("CT leaf certificate length does not fit the leaf")
    extensions_length = int.from_bytes(leaf_input[end : end + 2], "big")
    if end + 2 + extensions_length != len(leaf_input):
        raise SourceError("CT leaf has trailing or missing bytes after the certificate")
    return timestamp_ms, leaf_input[start:end]


def entry_certificate(leaf_input: bytes, extra_data: bytes) -> tuple[int, bytes]:
    """(timestamp in ms, DER) of a ``get-entries`` item: an x509 entry's certificate from its leaf, a
    precertificate entry's precertificate from its ``extra_data`` (``PrecertChainEntry``, section 3.1)."""
    timestamp_ms, entry_type = _header(leaf_input)
    if entry_type == X509_ENTRY:
        return parse_merkle_tree_leaf(leaf_input)
    length = int.from_bytes(extra_data[:3], "big")
    if length == 0 or 3 + length > len(extra_data):
        raise SourceError("precertificate entry has no precertificate in extra_data")
    return timestamp_ms, extra_data[3 : 3 + length]
