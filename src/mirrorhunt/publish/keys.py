"""Signing key files: a new pair written to disk, and keys read back, with errors that say what to do."""

from __future__ import annotations

from pathlib import Path

from mirrorhunt.errors import AlreadyExists, InvalidInput, NotFound
from mirrorhunt.files import write_atomically
from mirrorhunt.publish.minisign import PublicKey, SecretKey


def generate_key_files(secret_path: Path, *, public_path: Path, force: bool = False) -> PublicKey:
    """Write a new secret key (mode 0600) and its public key (0644); refuses to overwrite unless ``force``."""
    for path in (secret_path, public_path):
        if path.exists() and not force:
            raise AlreadyExists(f"{path} exists", hint="pass --force to replace the key pair")
    key = SecretKey.generate()
    write_atomically(secret_path, key.encode(), mode=0o600)
    write_atomically(public_path, key.public_key().encode())
    return key.public_key()


def read_secret_key(path: Path) -> SecretKey:
    """The secret key in a minisign secret key file (unencrypted)."""
    return SecretKey.decode(_read(path, what="secret key"))


def read_public_key(path: Path) -> PublicKey:
    """The public key in a minisign ``.pub`` file."""
    return PublicKey.decode(_read(path, what="public key"))


def _read(path: Path, *, what: str) -> str:
    try:
        return path.read_text(encoding="ascii")
    except FileNotFoundError as exc:
        raise NotFound(
            f"no {what} file at {path}", hint="create a key pair: mirrorhunt keys generate"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the {what} file {path}: {exc}") from exc
