"""Signing key files: a new pair written to disk, and keys read back, with errors that say what to do."""

from __future__ import annotations

from pathlib import Path

from mirrorhunt.errors import AlreadyExists, InvalidInput, NotFound
from mirrorhunt.files import write_atomically
from mirrorhunt.publish.minisign import PublicKey, SecretKey


def generate_key_files(secret_path: Path, *, public_path: Path, force: bool = False) -> PublicKey:
    """Write a new secret key (mode 0600) and its public key (0644); refuses to overwrite unless ``force``."""
    key = SecretKey.generate()
    write_key_pair(
        secret_path, key.encode(), public_path=public_path, public=key.public_key().encode(), force=force
    )
    return key.public_key()


def write_key_pair(secret_path: Path, secret: str, *, public_path: Path, public: str, force: bool) -> None:
    """Write a secret key file (mode 0600) and its public key file (0644), each atomically; refuses to
    overwrite either unless ``force`` (the transparency log's key pair is written by it too)."""
    for path in (secret_path, public_path):
        if path.exists() and not force:
            raise AlreadyExists(f"{path} exists", hint="pass --force to replace the key pair")
    write_atomically(secret_path, secret, mode=0o600)
    write_atomically(public_path, public)


def read_secret_key(path: Path) -> SecretKey:
    """The secret key in a minisign secret key file (unencrypted)."""
    return SecretKey.decode(read_key_text(path, what="secret key"))


def read_public_key(path: Path) -> PublicKey:
    """The public key in a minisign ``.pub`` file."""
    return PublicKey.decode(read_key_text(path, what="public key"))


def read_key_text(path: Path, *, what: str, command: str = "mirrorhunt keys generate") -> str:
    """The text of a key file, or an error naming the file and the ``command`` that makes one."""
    try:
        return path.read_text(encoding="ascii")
    except FileNotFoundError as exc:
        raise NotFound(f"no {what} file at {path}", hint=f"create a key pair: {command}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the {what} file {path}: {exc}") from exc
