"""Ed25519 signatures in minisign's format: key files, ``.minisig`` files, signing and checking.

A signature file holds four lines: an untrusted comment; base64 of the algorithm (2 bytes), the key id
(8 bytes) and the signature (64 bytes); a trusted comment; base64 of the global signature, made over the
signature followed by the trusted comment, so that the trusted comment cannot be altered either.
Signatures are written in the prehashed form ``ED`` (Ed25519 over the BLAKE2b-512 of the file), the
form minisign 0.11 writes by default and the only one ``minisign -V -H`` accepts; ``verify`` also reads
the legacy ``Ed`` form. Secret keys are written unencrypted (as ``minisign -G -W`` does): protect the
file by its permissions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mirrorhunt.errors import InvalidInput

KEY_ALGORITHM = b"Ed"
PREHASHED = b"ED"
LEGACY = b"Ed"
MAX_COMMENT_BYTES = 1024
_KDF_NONE = b"\0\0"
_KDF_SCRYPT = b"Sc"
_CHECKSUM_ALGORITHM = b"B2"
_SECRET_SIZE = 158
_UNTRUSTED = "untrusted comment: "
_TRUSTED = "trusted comment: "


@dataclass(frozen=True, slots=True)
class PublicKey:
    """An Ed25519 public key and minisign's 8-byte key id."""

    key_id: bytes
    key: bytes

    @property
    def id_text(self) -> str:
        """The key id as minisign prints it (hexadecimal of the little-endian number)."""
        return f"{int.from_bytes(self.key_id, 'little'):X}"

    def encode(self) -> str:
        """The text of a ``.pub`` file, readable by ``minisign -V -p``."""
        payload = base64.b64encode(KEY_ALGORITHM + self.key_id + self.key).decode()
        return f"{_UNTRUSTED}minisign public key {self.id_text}\n{payload}\n"

    @classmethod
    def decode(cls, text: str) -> PublicKey:
        """Read a ``.pub`` file's text (or the bare base64 line); raises ``InvalidInput``."""
        payload = _decode(_payload_line(text, what="public key"), what="public key")
        if len(payload) != 42 or payload[:2] != KEY_ALGORITHM:
            raise InvalidInput("not a minisign Ed25519 public key", hint="pass the .pub file minisign reads")
        return cls(key_id=payload[2:10], key=payload[10:])


@dataclass(frozen=True, slots=True)
class SecretKey:
    """An Ed25519 secret key (its 32-byte seed) and minisign's 8-byte key id."""

    key_id: bytes
    seed: bytes

    @classmethod
    def generate(cls) -> SecretKey:
        """A new key pair from the operating system's randomness."""
        return cls(key_id=os.urandom(8), seed=os.urandom(32))

    def public_key(self) -> PublicKey:
        return PublicKey(key_id=self.key_id, key=_public_bytes(self.seed))

    def encode(self) -> str:
        """The text of an unencrypted minisign secret key file (what ``minisign -G -W`` writes)."""
        keypair = self.seed + _public_bytes(self.seed)
        checksum = hashlib.blake2b(KEY_ALGORITHM + self.key_id + keypair, digest_size=32).digest()
        payload = (
            KEY_ALGORITHM + _KDF_NONE + _CHECKSUM_ALGORITHM + bytes(48) + self.key_id + keypair + checksum
        )
        return f"{_UNTRUSTED}minisign secret key {self.public_key().id_text} (not encrypted)\n" + (
            base64.b64encode(payload).decode() + "\n"
        )

    @classmethod
    def decode(cls, text: str) -> SecretKey:
        """Read an unencrypted minisign secret key file's text; raises ``InvalidInput``."""
        payload = _decode(_payload_line(text, what="secret key"), what="secret key")
        if (
            len(payload) != _SECRET_SIZE
            or payload[:2] != KEY_ALGORITHM
            or payload[4:6] != _CHECKSUM_ALGORITHM
        ):
            raise InvalidInput(
                "not a minisign Ed25519 secret key", hint="generate one: mirrorhunt keys generate"
            )
        if payload[2:4] == _KDF_SCRYPT:
            raise InvalidInput(
                "the minisign secret key is encrypted with a password",
                hint="remove the password with `minisign -C -W -s FILE`, or use mirrorhunt keys generate",
            )
        if payload[2:4] != _KDF_NONE:
            raise InvalidInput("unknown key derivation in the minisign secret key")
        key_id, keypair, checksum = payload[54:62], payload[62:126], payload[126:]
        expected = hashlib.blake2b(KEY_ALGORITHM + key_id + keypair, digest_size=32).digest()
        # `minisign -G -W` (0.11) leaves the checksum of an unencrypted key zero.
        if checksum not in (expected, bytes(32)) or _public_bytes(keypair[:32]) != keypair[32:]:
            raise InvalidInput("the minisign secret key is damaged (checksum mismatch)")
        return cls(key_id=key_id, seed=keypair[:32])


def sign(data: bytes, *, key: SecretKey, trusted_comment: str, untrusted_comment: str | None = None) -> str:
    """The text of a ``.minisig`` file for ``data`` (prehashed form ``ED``)."""
    untrusted = untrusted_comment or f"signature from minisign secret key {key.public_key().id_text}"
    for comment in (trusted_comment, untrusted):
        _check_comment(comment)
    private = Ed25519PrivateKey.from_private_bytes(key.seed)
    signature = private.sign(hashlib.blake2b(data, digest_size=64).digest())
    global_signature = private.sign(signature + trusted_comment.encode())
    return (
        f"{_UNTRUSTED}{untrusted}\n{base64.b64encode(PREHASHED + key.key_id + signature).decode()}\n"
        f"{_TRUSTED}{trusted_comment}\n{base64.b64encode(global_signature).decode()}\n"
    )


def verify(data: bytes, signature: str, *, key: PublicKey) -> str:
    """Check a ``.minisig`` text for ``data``; the trusted comment, or ``InvalidInput``."""
    lines = signature.splitlines()
    if len(lines) < 4 or not lines[0].startswith(_UNTRUSTED) or not lines[2].startswith(_TRUSTED):
        raise InvalidInput("not a minisign signature", hint="a .minisig file has four lines")
    blob, global_signature = _decode(lines[1], what="signature"), _decode(lines[3], what="signature")
    if len(blob) != 74 or blob[:2] not in (PREHASHED, LEGACY) or len(global_signature) != 64:
        raise InvalidInput("not a minisign Ed25519 signature")
    if blob[2:10] != key.key_id:
        raise InvalidInput(
            f"the signature was made with another key than {key.id_text}",
            hint="check the public key you verify with",
        )
    trusted = lines[2][len(_TRUSTED) :]
    message = hashlib.blake2b(data, digest_size=64).digest() if blob[:2] == PREHASHED else data
    public = Ed25519PublicKey.from_public_bytes(key.key)
    try:
        public.verify(blob[10:], message)
        public.verify(global_signature, blob[10:] + trusted.encode())
    except InvalidSignature as exc:
        raise InvalidInput("the signature does not match the data or its trusted comment") from exc
    return trusted


def _public_bytes(seed: bytes) -> bytes:
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _check_comment(comment: str) -> None:
    if "\n" in comment or "\r" in comment or len(comment.encode()) > MAX_COMMENT_BYTES:
        raise InvalidInput(
            "a minisign comment must be one line", hint=f"at most {MAX_COMMENT_BYTES} bytes, no line break"
        )


def _payload_line(text: str, *, what: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and lines[0].startswith(_UNTRUSTED):
        lines = lines[1:]
    if len(lines) != 1:
        raise InvalidInput(f"not a minisign {what} file", hint="two lines: a comment, then base64")
    return lines[0].strip()


def _decode(line: str, *, what: str) -> bytes:
    try:
        return base64.b64decode(line, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(f"the minisign {what} is not valid base64") from exc
