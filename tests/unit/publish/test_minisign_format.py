"""minisign's key and signature formats: what is signed verifies, and any change is caught."""

from __future__ import annotations

import base64

import pytest

from mirrorhunt.errors import InvalidInput
from mirrorhunt.publish.minisign import PREHASHED, PublicKey, SecretKey, sign, verify

KEY = SecretKey(key_id=bytes(range(8)), seed=bytes(range(32, 64)))
DATA = b"# mirrorhunt blocklist\naddress=/salon-lumiere.gg/\n"


def test_a_signature_verifies_and_returns_its_trusted_comment() -> None:
    text = sign(DATA, key=KEY, trusted_comment="serial:42")
    assert verify(DATA, text, key=KEY.public_key()) == "serial:42"
    lines = text.splitlines()
    assert lines[0].startswith("untrusted comment: ") and lines[2] == "trusted comment: serial:42"
    assert base64.b64decode(lines[1])[:2] == PREHASHED


@pytest.mark.parametrize("change", ["data", "trusted comment", "key"])
def test_any_change_is_caught(change: str) -> None:
    text = sign(DATA, key=KEY, trusted_comment="serial:42")
    data, key = DATA, KEY.public_key()
    if change == "data":
        data = DATA.replace(b"gg", b"gq")
    elif change == "trusted comment":
        text = text.replace("serial:42", "serial:43")
    else:
        key = SecretKey(key_id=KEY.key_id, seed=bytes(32)).public_key()
    with pytest.raises(InvalidInput, match="does not match"):
        verify(data, text, key=key)


def test_keys_survive_their_file_format() -> None:
    assert SecretKey.decode(KEY.encode()) == KEY
    public = KEY.public_key()
    assert PublicKey.decode(public.encode()) == public
    assert public.encode().startswith(f"untrusted comment: minisign public key {public.id_text}\n")
    assert public.id_text == "706050403020100"


def test_a_signature_from_another_key_id_is_named_as_such() -> None:
    other = SecretKey(key_id=b"\xff" * 8, seed=KEY.seed)
    with pytest.raises(InvalidInput, match="another key"):
        verify(DATA, sign(DATA, key=other, trusted_comment="x"), key=KEY.public_key())


def test_a_comment_on_two_lines_is_refused() -> None:
    with pytest.raises(InvalidInput, match="one line"):
        sign(DATA, key=KEY, trusted_comment="a\nb")


def test_an_encrypted_secret_key_is_refused_with_a_hint() -> None:
    raw = bytearray(base64.b64decode(KEY.encode().splitlines()[1]))
    raw[2:4] = b"Sc"
    with pytest.raises(InvalidInput, match="encrypted") as raised:
        SecretKey.decode(base64.b64encode(bytes(raw)).decode())
    assert raised.value.hint is not None and "minisign -C -W" in raised.value.hint


@pytest.mark.parametrize("text", ["", "untrusted comment: x\nnot base64!\n", "untrusted comment: x\nAAAA\n"])
def test_garbage_is_not_a_key(text: str) -> None:
    with pytest.raises(InvalidInput):
        PublicKey.decode(text)
    with pytest.raises(InvalidInput):
        SecretKey.decode(text)
