"""Writing exports to files: whole, replaced atomically, each with its signature when a key is given."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mirrorhunt.errors import InvalidInput
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


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` so that a reader sees the old file or the new one, never half of one."""
    directory = path.resolve().parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InvalidInput(
            f"cannot write {path}: {exc.strerror}", hint="check the directory and its rights"
        ) from exc
