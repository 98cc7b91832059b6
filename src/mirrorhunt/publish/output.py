"""Writing what the renderers make: the current listings, whole, replaced atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.errors import InvalidInput
from mirrorhunt.publish import render
from mirrorhunt.store import Store


def export(store: Store, *, settings: Settings, format: str, clock: Clock | None = None) -> str:
    """The current listings in one format, with the current zone serial."""
    return render(
        format,
        store.listings(),
        zone=settings.publish.zone,
        serial=store.zone_serial(),
        ttl=settings.publish.ttl,
        generated_at=(clock or SystemClock()).now(),
    )


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
