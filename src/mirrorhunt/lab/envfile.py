"""Shell-sourceable environment files (``KEY='value'`` lines), written atomically."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from mirrorhunt.errors import LabError

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def write_env_file(path: Path, environment: Mapping[str, str]) -> None:
    """Write ``KEY='value'`` lines for ``set -a; . FILE``; replaces the file atomically."""
    for key in environment:
        if not _KEY.match(key):
            raise LabError(f"{key!r} is not a valid environment variable name")
    text = "".join(f"{key}={_quote(value)}\n" for key, value in environment.items())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise LabError(f"cannot write {path}: {exc.strerror}", hint="check that its folder exists") from exc
