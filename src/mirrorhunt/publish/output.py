"""Writing exports to files: whole, replaced atomically, each with its signature when a key is given."""

from __future__ import annotations

from pathlib import Path

from mirrorhunt.files import write_atomically
from mirrorhunt.publish.minisign import SecretKey
from mirrorhunt.publish.signed import SIGNATURE_SUFFIX, Snapshot, signature_of


def write_export(path: Path, snapshot: Snapshot, *, key: SecretKey | None = None) -> list[Path]:
    """Write ``snapshot`` at ``path`` and, with a key, its signature at ``path.minisig``; the paths."""
    write_atomically(path, snapshot.text)
    if key is None:
        return [path]
    signature = path.with_name(f"{path.name}{SIGNATURE_SUFFIX}")
    write_atomically(signature, signature_of(snapshot, key=key, file_name=path.name))
    return [path, signature]
