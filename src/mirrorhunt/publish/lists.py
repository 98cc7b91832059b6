"""The blocklist as plain text for tools that do not speak RPZ: a hosts file and a list of names.

They carry the names that are blocked, whatever the action; PASSTHRU exceptions are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mirrorhunt.model import Listing
from mirrorhunt.publish.blocklist import blocked_names, blocking, header


def render_hosts(listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str:
    """``0.0.0.0 name`` lines under a ``#`` header, sorted."""
    lines = [f"0.0.0.0 {name}" for name in blocked_names(blocking(listings))]
    return _render("blocklist, hosts format", lines, generated_at=generated_at, serial=serial)


def render_domains(listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str:
    """One name per line under a ``#`` header, sorted."""
    lines = blocked_names(blocking(listings))
    return _render("blocklist, one name per line", lines, generated_at=generated_at, serial=serial)


def _render(title: str, lines: list[str], *, generated_at: datetime, serial: int) -> str:
    comments = header(title, generated_at=generated_at, serial=serial, count=len(lines))
    return "".join(f"{line}\n" for line in [*(f"# {c}" for c in comments), *lines])
