"""Signed checkpoints of the log, in the text formats of c2sp.org/tlog-checkpoint and c2sp.org/signed-note.

A checkpoint is three lines: the log's origin, its size in decimal, and the base64 root hash. A
signed note is that text, a blank line, then one line per signature: an em dash, the key's name and
the base64 of the 4-byte key ID followed by the Ed25519 signature of the text. The key ID is the first
four bytes of SHA-256(name, a newline, the algorithm byte 0x01, the public key). Keys are written as
golang.org/x/mod/sumdb/note writes them: ``<name>+<hex key ID>+<base64(0x01 || public key)>`` to
verify and ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`` to sign, so that Go tooling
and the witnesses built on it read our checkpoints as they are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mirrorhunt.errors import InvalidInput

ED25519 = b"\x01"
"""The signature algorithm byte of Ed25519 in signed notes."""

SECRET_PREFIX = "PRIVATE+KEY+"  # noqa: S105 (the marker of a secret key, not a secret)
_DASH = "\u2014"
_MAX_SIGNATURES = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint:
    """A tree head: the log's origin, how many entries, and the root of their Merkle tree."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        """The checkpoint body, each line ending in a newline."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """A public key of a signed-note signer and the name it signs under."""

    name: str
    key: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.key)

    def text(self) -> str:
        """``<name>+<hex key ID>+<base64(0x01 || key)>``."""
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(ED25519 + self.key).decode()}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """Read a verifier key's text; ``InvalidInput`` when it is not one, or its key ID is wrong."""
        name, key = _parse_key(text.strip(), what="verifier key")
        return cls(name, key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class SignerKey:
    """An Ed25519 secret key (its seed) and the name its signatures carry."""

    name: str
    seed: bytes

    def verifier(self) -> VerifierKey:
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return VerifierKey(self.name, public.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def text(self) -> str:
        """``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``."""
        identity = self.verifier().key_id.hex()
        return f"{SECRET_PREFIX}{self.name}+{identity}+{base64.b64encode(ED25519 + self.seed).decode()}"

    @classmethod
    def parse(cls, text: str) -> SignerKey:
        text = text.strip()
        if not text.startswith(SECRET_PREFIX):
            raise InvalidInput("not a signed-note secret key", hint="it starts with PRIVATE+KEY+")
        name, seed = _parse_key(text[len(SECRET_PREFIX) :], what="secret key", secret=True)
        return cls(name, seed)

    def sign(self, text: str) -> str:
        """The signed note of ``text`` (which must end in a newline)."""
        _check_note_text(text)
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(text.encode())
        blob = base64.b64encode(self.verifier().key_id + signature).decode()
        return f"{text}\n{_DASH} {self.name} {blob}\n"


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key ID: the start of SHA-256(name || 0x0A || 0x01 || public key)."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


def check_key_name(name: str) -> str:
    """``name`` if it can name a signed-note key: not empty, no spaces, no ``+``."""
    if not name or "+" in name or any(c.isspace() for c in name) or not name.isprintable():
        raise InvalidInput(
            f"{name!r} cannot name a signed-note key", hint="no spaces and no '+', e.g. rpz.example/audit"
        )
    return name


def open_note(note: str, *, key: VerifierKey) -> str:
    """The text of a signed note whose signature by ``key`` verifies; ``InvalidInput`` otherwise."""
    text, separator, signatures = note.rpartition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise InvalidInput("not a signed note", hint="its text, a blank line, then signature lines")
    text += "\n"
    lines = signatures[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise InvalidInput("the signed note carries too many signatures")
    for line in lines:
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != _DASH:
            raise InvalidInput(f"not a signature line of a signed note: {line[:80]!r}")
        if parts[1] != key.name:
            continue
        blob = _base64(parts[2], what="signature")
        if blob[:4] == key.key_id and key.verify(text.encode(), blob[4:]):
            return text
    raise InvalidInput(
        f"no signature by {key.name} ({key.key_id.hex()}) on the note verifies",
        hint="the note was altered, or it is checked with the wrong key",
    )


def parse_checkpoint(text: str) -> Checkpoint:
    """The checkpoint a note's text states; ``InvalidInput`` when it is not a checkpoint."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[0]:
        raise InvalidInput("not a checkpoint", hint="origin, size and base64 root, one a line")
    size, root = lines[1], _base64(lines[2], what="root hash")
    if not size.isdigit() or (size.startswith("0") and size != "0") or len(root) != 32:
        raise InvalidInput("the checkpoint's size or root hash is malformed")
    return Checkpoint(origin=lines[0], size=int(size), root=root)


def sign_checkpoint(checkpoint: Checkpoint, *, key: SignerKey) -> str:
    """The signed note of ``checkpoint``: what ``/checkpoint`` serves."""
    return key.sign(checkpoint.text())


def open_checkpoint(note: str, *, key: VerifierKey) -> Checkpoint:
    """The checkpoint of a signed note, its signature by ``key`` checked and its origin ``key``'s name."""
    checkpoint = parse_checkpoint(open_note(note, key=key))
    if checkpoint.origin != key.name:
        raise InvalidInput(f"the checkpoint is of the log {checkpoint.origin!r}, not {key.name!r}")
    return checkpoint


def _parse_key(text: str, *, what: str, secret: bool = False) -> tuple[str, bytes]:
    parts = text.split("+", 2)  # the base64 key may hold "+" itself
    if len(parts) != 3:
        raise InvalidInput(f"not a signed-note {what}", hint="<name>+<hex key ID>+<base64 key>")
    name, identity, encoded = parts
    check_key_name(name)
    blob = _base64(encoded, what=what)
    if len(blob) != 33 or blob[:1] != ED25519:
        raise InvalidInput(f"the {what} is not an Ed25519 key")
    key = blob[1:]
    public = SignerKey(name, key).verifier().key if secret else key
    if identity != key_id(name, public).hex():
        raise InvalidInput(f"the {what}'s key ID does not match its name and key", hint="the key is damaged")
    return name, key


def _base64(text: str, *, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(f"the {what} is not valid base64") from exc


def _check_note_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text or "\r" in text:
        raise InvalidInput("a note's text is non-empty lines, each ending in a newline")
