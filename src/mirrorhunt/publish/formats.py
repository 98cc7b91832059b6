"""One entry point for every blocklist format, chosen by name (``mirrorhunt publish --format``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Listing
from mirrorhunt.publish.lists import render_domains, render_hosts
from mirrorhunt.publish.rpz import render_rpz

FORMATS = ("rpz", "hosts", "domains")


def render(
    format: str,
    listings: Sequence[Listing],
    *,
    zone: str,
    serial: int,
    ttl: int = 60,
    generated_at: datetime,
) -> str:
    """The listings in ``format``; ``zone`` and ``ttl`` matter only to ``rpz``; raises ``InvalidInput``."""
    if format == "rpz":
        return render_rpz(listings, zone=zone, serial=serial, ttl=ttl, generated_at=generated_at)
    if format == "hosts":
        return render_hosts(listings, generated_at=generated_at, serial=serial)
    if format == "domains":
        return render_domains(listings, generated_at=generated_at, serial=serial)
    raise InvalidInput(f"unknown format {format!r}", hint=f"choose one of: {', '.join(FORMATS)}")
