"""The ``MerkleTreeLeaf`` of RFC 6962 (section 3.4) for X.509 entries: encoding and decoding.

    MerkleTreeLeaf  = version(1) leaf_type(1) TimestampedEntry
    TimestampedEntry = timestamp(8, ms) entry_type(2) ASN.1Cert<1..2^24-1> extensions<0..2^16-1>

``parse_merkle_tree_leaf`` decodes ``x509_entry`` leaves; ``entry_certificate`` also takes a
``precert_entry``, whose precertificate travels in the entry's ``extra_data``. Tiled logs
(c2sp.org/static-ct-api) serve ``TileLeaf`` records instead, back to back in data tiles:

    TileLeaf = TimestampedEntry [pre_certificate<1..2^24-1> if precert] Fingerprint chain<0..2^16-1>

``parse_tile_leaves`` reads them and rebuilds each ``MerkleTreeLeaf``, whose hash the level-0 tile holds.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from mirrorhunt.errors import SourceError

_V1 = 0
_TIMESTAMPED_ENTRY = 0
X509_ENTRY = 0
PRECERT_ENTRY = 1
_HEAD = struct.Struct(">BBQH")


def _opaque24(data: bytes) -> bytes:
    return len(data).to_bytes(3, "big") + data


def encode_merkle_tree_leaf(*, timestamp_ms: int, certificate: bytes, leaf_index: int | None = None) -> bytes:
    """The ``leaf_input`` of an x509_entry for a DER certificate logged at ``timestamp_ms``; with
    ``leaf_index``, the static-ct-api ``leaf_index`` extension (a 40-bit index) in its extensions."""
    if not 0 < len(certificate) < 1 << 24:
        raise ValueError("a certificate must be 1 byte to 16 MiB long")
    extensions = b"" if leaf_index is None else b"\x00\x00\x05" + leaf_index.to_bytes(5, "big")
    return (
        _HEAD.pack(_V1, _TIMESTAMPED_ENTRY, timestamp_ms, X509_ENTRY)
        + _opaque24(certificate)
        + len(extensions).to_bytes(2, "big")
        + extensions
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


@dataclass(frozen=True, slots=True, kw_only=True)
class TileLeaf:
    """One entry of a data tile: its ``MerkleTreeLeaf``, when it was logged, its (pre)certificate and
    the SHA-256 fingerprints of its issuers."""

    merkle_tree_leaf: bytes
    timestamp_ms: int
    certificate: bytes
    chain: tuple[bytes, ...]


def encode_tile_leaf(merkle_tree_leaf: bytes, *, chain: Sequence[bytes]) -> bytes:
    """The ``TileLeaf`` of an x509_entry leaf whose issuers have these fingerprints."""
    if _header(merkle_tree_leaf)[1] != X509_ENTRY:
        raise ValueError("only x509 entries are encoded here")
    return merkle_tree_leaf[2:] + (32 * len(chain)).to_bytes(2, "big") + b"".join(chain)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, size: int) -> bytes:
        if self.at + size > len(self.data):
            raise SourceError(f"data tile is truncated at byte {self.at}")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def opaque(self, length_bytes: int) -> bytes:
        return self.take(int.from_bytes(self.take(length_bytes), "big"))


def parse_tile_leaves(data: bytes) -> list[TileLeaf]:
    """Every ``TileLeaf`` of a data tile; ``SourceError`` if the tile is malformed (entries have no
    framing, so one bad entry spoils the rest of the tile)."""
    reader, leaves = _Reader(data), []
    while reader.at < len(data):
        start = reader.at
        timestamp_ms = int.from_bytes(reader.take(8), "big")
        entry_type = int.from_bytes(reader.take(2), "big")
        if entry_type == X509_ENTRY:
            certificate = reader.opaque(3)
        elif entry_type == PRECERT_ENTRY:
            reader.take(32)  # issuer key hash
            reader.opaque(3)  # TBSCertificate
        else:
            raise SourceError(f"data tile entry at byte {start} has unknown entry type {entry_type}")
        reader.opaque(2)  # extensions
        timestamped_entry = data[start : reader.at]
        if entry_type == PRECERT_ENTRY:
            certificate = reader.opaque(3)
        chain = reader.opaque(2)
        if len(chain) % 32 or not certificate:
            raise SourceError(f"data tile entry at byte {start} is malformed")
        leaves.append(
            TileLeaf(
                merkle_tree_leaf=bytes((_V1, _TIMESTAMPED_ENTRY)) + timestamped_entry,
                timestamp_ms=timestamp_ms,
                certificate=certificate,
                chain=tuple(chain[i : i + 32] for i in range(0, len(chain), 32)),
            )
        )
    return leaves
