"""The blocklist in the rule syntax of resolvers and DNS filters that do not read RPZ.

Every rule blocks the name and every name below it:

- dnsmasq: ``address=/name/`` — an ``address`` with no address answers NXDOMAIN for the domain and
  its subdomains, whatever /etc/hosts says (``local=/name/`` would still answer from /etc/hosts);
- Unbound: ``local-zone: "name." always_nxdomain`` under a ``server:`` clause, so the file can be
  ``include:``d at the top level of unbound.conf;
- AdGuard Home / AdGuard DNS / Adblock Plus: ``||name^``.

These syntaxes have no exceptions below a blocked name and no redirect to a stop page: every blocking
action (NXDOMAIN, NODATA, redirect) becomes the rule above, and PASSTHRU names are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mirrorhunt.model import Listing
from mirrorhunt.publish.blocklist import blocked_names, blocking, header


def render_dnsmasq(listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str:
    """``address=/name/`` lines (NXDOMAIN for the name and below) under a ``#`` header."""
    lines = [f"address=/{name}/" for name in blocked_names(blocking(listings))]
    return text_with_header("blocklist, dnsmasq format", lines, generated_at=generated_at, serial=serial)


def render_unbound(listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str:
    """A ``server:`` clause of ``local-zone: "name." always_nxdomain`` lines under a ``#`` header."""
    zones = [f'    local-zone: "{name}." always_nxdomain' for name in blocked_names(blocking(listings))]
    return text_with_header(
        "blocklist, Unbound local-zone format",
        ["server:", *zones],
        generated_at=generated_at,
        serial=serial,
        count=len(zones),
    )


def render_adblock(listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str:
    """``||name^`` rules (AdGuard, Adblock Plus syntax) under a ``!`` header."""
    lines = [f"||{name}^" for name in blocked_names(blocking(listings))]
    return text_with_header(
        "blocklist, AdGuard / Adblock Plus format", lines, generated_at=generated_at, serial=serial, mark="!"
    )


def text_with_header(
    title: str,
    lines: Sequence[str],
    *,
    generated_at: datetime,
    serial: int,
    count: int | None = None,
    mark: str = "#",
) -> str:
    """``lines`` under the two header lines commented with ``mark``; ``count`` defaults to the lines."""
    size = len(lines) if count is None else count
    comments = header(title, generated_at=generated_at, serial=serial, count=size)
    return "".join(f"{line}\n" for line in [*(f"{mark} {c}" for c in comments), *lines])
