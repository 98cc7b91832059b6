"""One entry point for every blocklist format, chosen by name (``mirrorhunt publish --format``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Listing
from mirrorhunt.publish.lists import render_domains, render_hosts
from mirrorhunt.publish.resolver_lists import render_adblock, render_dnsmasq, render_unbound
from mirrorhunt.publish.rpz import render_rpz
from mirrorhunt.publish.structured import render_csv, render_json

FORMATS = ("rpz", "hosts", "domains", "dnsmasq", "unbound", "adblock", "csv", "json", "stix", "misp")


class _Renderer(Protocol):
    def __call__(self, listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str: ...


_LISTS: dict[str, _Renderer] = {
    "hosts": render_hosts,
    "domains": render_domains,
    "dnsmasq": render_dnsmasq,
    "unbound": render_unbound,
    "adblock": render_adblock,
    "csv": render_csv,
    "json": render_json,
}


def render(
    format: str,
    listings: Sequence[Listing],
    *,
    zone: str,
    serial: int,
    ttl: int = 60,
    generated_at: datetime,
    stop_page: str | None = None,
) -> str:
    """The listings in ``format``; ``zone``, ``ttl`` and ``stop_page`` (the redirect target) matter only
    to ``rpz``; raises ``InvalidInput``."""
    if format == "rpz":
        return render_rpz(
            listings, zone=zone, serial=serial, ttl=ttl, generated_at=generated_at, stop_page=stop_page
        )
    if format in _LISTS:
        return _LISTS[format](listings, generated_at=generated_at, serial=serial)
    if format == "stix":
        from mirrorhunt.publish.stix import render_stix  # stix2 takes 0.15 s to import: only when asked

        return render_stix(listings, generated_at=generated_at, serial=serial)
    if format == "misp":
        from mirrorhunt.publish.misp import render_misp  # pymisp takes 0.15 s to import: only when asked

        return render_misp(listings, generated_at=generated_at, serial=serial)
    raise InvalidInput(f"unknown format {format!r}", hint=f"choose one of: {', '.join(FORMATS)}")
