"""Signed notes and checkpoints: byte for byte what golang.org/x/mod/sumdb/note writes and reads."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt.audit.note import (
    Checkpoint,
    SignerKey,
    VerifierKey,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    sign_checkpoint,
)
from mirrorhunt.errors import InvalidInput

# The example key pair and note of the Go reference implementation's documentation and tests.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)
GO_SIGNATURE = (
    "\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
# A tree head the Go checksum database signed, with its published key.
SUMDB_VKEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
SUMDB_NOTE = (
    "go.sum database tree\n65209736\n5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo=\n\n"
    "\u2014 sum.golang.org "
    "Az3grnbssgK7ubgFX36gVETtNv0U23qxyAhAMai2QUfeGa3nB/akvkMdlUErfcZz7l/R3cVtYspg3dxXABkGZZKdsQ8=\n"
)


def test_signing_reproduces_the_go_reference_note() -> None:
    signer = SignerKey.parse(GO_SKEY)
    assert signer.text() == GO_SKEY
    assert signer.verifier().text() == GO_VKEY
    assert signer.sign(GO_TEXT) == GO_TEXT + "\n" + GO_SIGNATURE
    assert open_note(GO_TEXT + "\n" + GO_SIGNATURE, key=VerifierKey.parse(GO_VKEY)) == GO_TEXT


def test_a_real_checksum_database_checkpoint_opens() -> None:
    checkpoint = parse_checkpoint(open_note(SUMDB_NOTE, key=VerifierKey.parse(SUMDB_VKEY)))
    assert checkpoint.origin == "go.sum database tree"
    assert checkpoint.size == 65209736
    assert base64.b64encode(checkpoint.root).decode() == "5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo="


def test_key_id_is_the_start_of_the_sha256_of_name_newline_algorithm_and_key() -> None:
    key = VerifierKey.parse(GO_VKEY)
    by_hand = hashlib.sha256(b"PeterNeumann\n\x01" + key.key).digest()[:4]
    assert key.key_id == by_hand == bytes.fromhex("c74f20a3")


@pytest.mark.parametrize(
    "text",
    [
        GO_VKEY.replace("c74f20a3", "c74f20a4"),  # key ID of another key
        GO_VKEY.replace("PeterNeumann", "Peter Neumann"),
        "PeterNeumann+c74f20a3",
        GO_VKEY.replace("+ARpc", "+AhRpc"),  # not base64 of 33 bytes
        GO_VKEY.replace("+ARpc", "+AJpc"),  # another algorithm byte
    ],
)
def test_damaged_verifier_keys_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        VerifierKey.parse(text)


def test_an_altered_note_or_another_key_does_not_open() -> None:
    note = GO_TEXT + "\n" + GO_SIGNATURE
    key = VerifierKey.parse(GO_VKEY)
    with pytest.raises(InvalidInput, match="no signature by PeterNeumann"):
        open_note(note.replace("cryptography", "cryptographY"), key=key)
    with pytest.raises(InvalidInput, match="no signature"):
        open_note(note, key=VerifierKey.parse(SUMDB_VKEY))
    with pytest.raises(InvalidInput, match="not a signed note"):
        open_note(GO_TEXT, key=key)


def test_checkpoint_text_and_its_signed_note() -> None:
    signer = SignerKey("rpz.test/audit", bytes(range(32)))
    checkpoint = Checkpoint(origin="rpz.test/audit", size=7, root=bytes(32))
    note = sign_checkpoint(checkpoint, key=signer)
    assert note.startswith(
        "rpz.test/audit\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 rpz.test/audit "
    )
    assert open_checkpoint(note, key=signer.verifier()) == checkpoint
    other = SignerKey("other.test/audit", bytes(range(32)))
    with pytest.raises(InvalidInput, match=r"no signature by other\.test/audit"):
        open_checkpoint(note, key=other.verifier())


@given(
    origin=st.from_regex(r"[a-z0-9.]{1,20}/[a-z]{1,8}", fullmatch=True),
    size=st.integers(min_value=0, max_value=2**63),
    root=st.binary(min_size=32, max_size=32),
)
def test_checkpoints_round_trip(origin: str, size: int, root: bytes) -> None:
    signer = SignerKey(origin, hashlib.sha256(origin.encode()).digest())
    checkpoint = Checkpoint(origin=origin, size=size, root=root)
    assert open_checkpoint(sign_checkpoint(checkpoint, key=signer), key=signer.verifier()) == checkpoint


@pytest.mark.parametrize(
    "text",
    ["log\n", "log\n01\nAAAA\n", "log\n-1\n" + "A" * 43 + "=\n", "log\n1\nAAAA\n", "log\n1\n" + "A" * 44],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_checkpoint(text)
