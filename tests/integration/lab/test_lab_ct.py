"""The lab CT log over HTTP, checked against RFC 6962 and merkle.py."""

from __future__ import annotations

import base64
import contextlib
import struct
from typing import Any

import aiohttp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt import merkle
from mirrorhunt.errors import SourceError
from mirrorhunt.lab import Lab
from mirrorhunt.sources.ct_leaf import encode_merkle_tree_leaf, parse_merkle_tree_leaf


async def get(lab: Lab, path: str, **params: str | int) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{lab.ct_url}ct/v1/{path}", params={k: str(v) for k, v in params.items()}) as response,
    ):
        return response.status, await response.json()


async def all_entries(lab: Lab, size: int) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = []
    while len(entries) < size:
        status, body = await get(lab, "get-entries", start=len(entries), end=size - 1)
        assert status == 200 and body["entries"]
        entries.extend(body["entries"])
    return entries


def sans(der: bytes) -> list[str]:
    extension = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    return extension.value.get_values_for_type(x509.DNSName)


async def test_sth_is_signed_by_the_log_key(lab: Lab) -> None:
    status, sth = await get(lab, "get-sth")
    assert status == 200
    signed = base64.b64decode(sth["tree_head_signature"])
    hash_algorithm, signature_algorithm, length = struct.unpack(">BBH", signed[:4])
    assert (hash_algorithm, signature_algorithm, len(signed) - 4) == (4, 3, length)
    message = struct.pack(">BBQQ", 0, 1, sth["timestamp"], sth["tree_size"]) + base64.b64decode(
        sth["sha256_root_hash"]
    )
    key = serialization.load_pem_public_key(lab.ct_public_key)
    assert isinstance(key, ec.EllipticCurvePublicKey)
    key.verify(signed[4:], message, ec.ECDSA(hashes.SHA256()))


async def test_entries_decode_to_the_issued_certificates_and_the_root_matches(lab: Lab) -> None:
    issued = lab.issue_certificate(["seen-only-in-ct.gg", "www.seen-only-in-ct.gg"])
    _, sth = await get(lab, "get-sth")
    assert sth["tree_size"] == 3  # salon.gg, old-salon.fr (TLS sites), then the one above
    entries = await all_entries(lab, sth["tree_size"])
    certificates = [parse_merkle_tree_leaf(base64.b64decode(e["leaf_input"]))[1] for e in entries]
    assert [sans(c) for c in certificates] == [
        ["salon.gg"],
        ["old-salon.fr"],
        ["seen-only-in-ct.gg", "www.seen-only-in-ct.gg"],
    ]
    assert certificates[-1] == issued
    ca = x509.load_pem_x509_certificate(lab.ca_bundle.read_bytes())
    chain = base64.b64decode(entries[-1]["extra_data"])
    assert int.from_bytes(chain[:3], "big") == len(chain) - 3
    assert chain[6:] == ca.public_bytes(serialization.Encoding.DER)
    x509.load_der_x509_certificate(issued).verify_directly_issued_by(ca)
    hashes_ = [merkle.hash_leaf(base64.b64decode(e["leaf_input"])) for e in entries]
    assert base64.b64decode(sth["sha256_root_hash"]) == merkle.root_hash(hashes_)


async def test_audit_paths_verify(lab: Lab) -> None:
    for i in range(4):
        lab.issue_certificate([f"n{i}.example"])
    _, sth = await get(lab, "get-sth")
    entries = await all_entries(lab, sth["tree_size"])
    root = base64.b64decode(sth["sha256_root_hash"])
    for entry in entries:
        leaf_hash = merkle.hash_leaf(base64.b64decode(entry["leaf_input"]))
        encoded = base64.b64encode(leaf_hash).decode()
        status, proof = await get(lab, "get-proof-by-hash", hash=encoded, tree_size=sth["tree_size"])
        assert status == 200
        path = [base64.b64decode(node) for node in proof["audit_path"]]
        assert merkle.verify_audit_path(
            index=proof["leaf_index"], tree_size=sth["tree_size"], leaf_hash=leaf_hash, path=path, root=root
        )


async def test_get_entries_is_capped(lab: Lab) -> None:
    for i in range(260):
        lab.issue_certificate([f"bulk{i}.example"])
    status, body = await get(lab, "get-entries", start=0, end=1000)
    assert status == 200 and len(body["entries"]) == 256


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("get-entries", {"start": 5, "end": 1}),
        ("get-entries", {"start": "x", "end": 1}),
        ("get-entries", {"start": 99, "end": 100}),
        ("get-entries", {}),
        ("get-proof-by-hash", {"hash": "not base64!", "tree_size": 1}),
        ("get-proof-by-hash", {"hash": base64.b64encode(b"short").decode(), "tree_size": 1}),
        ("get-proof-by-hash", {"hash": base64.b64encode(b"x" * 32).decode(), "tree_size": 99}),
    ],
)
async def test_bad_parameters_get_400_with_json(lab: Lab, path: str, params: dict[str, str | int]) -> None:
    status, body = await get(lab, path, **params)
    assert status == 400 and body["error_message"]


async def test_unknown_hash_gets_404(lab: Lab) -> None:
    status, body = await get(lab, "get-proof-by-hash", hash=base64.b64encode(b"x" * 32).decode(), tree_size=1)
    assert status == 404 and body["error_message"]


@given(st.integers(0, 2**63), st.binary(min_size=1, max_size=300))
def test_leaf_round_trip(timestamp: int, certificate: bytes) -> None:
    assert parse_merkle_tree_leaf(
        encode_merkle_tree_leaf(timestamp_ms=timestamp, certificate=certificate)
    ) == (
        timestamp,
        certificate,
    )


@given(st.binary(max_size=60))
def test_garbage_leaves_raise_source_error(garbage: bytes) -> None:
    with contextlib.suppress(SourceError):
        parse_merkle_tree_leaf(garbage)


def test_truncated_and_precert_leaves_are_refused() -> None:
    leaf = encode_merkle_tree_leaf(timestamp_ms=1, certificate=b"\x30\x03abc")
    for cut in (len(leaf) - 1, 12, 3):
        with pytest.raises(SourceError):
            parse_merkle_tree_leaf(leaf[:cut])
    with pytest.raises(SourceError, match="precertificate"):
        parse_merkle_tree_leaf(leaf[:10] + b"\x00\x01" + leaf[12:])
