"""What every command needs: the settings (file, environment, flags) and the store they point at."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mirrorhunt.config import Settings, load_settings
from mirrorhunt.errors import InvalidInput
from mirrorhunt.store import Store


@dataclass(slots=True, kw_only=True)
class CliContext:
    config_file: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    def settings(self) -> Settings:
        return load_settings(config_file=self.config_file, environ=os.environ, overrides=self.overrides)

    def store(self) -> Store:
        return Store.open(self.settings().database_url)


def parse_date(text: str | None, *, flag: str) -> date | None:
    """An ISO date given on the command line, or a clear error."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{flag} {text!r} is not a date", hint="use YYYY-MM-DD, e.g. 2027-06-30") from exc
