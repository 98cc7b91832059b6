"""The blocklist as records for programs: CSV and JSON, one record per listed name.

Each record holds the name, its case, the action, since when it is listed and when the order expires.
The CSV starts with ``#`` comment lines (as abuse.ch feeds do) before its header row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from mirrorhunt.model import Listing
from mirrorhunt.names import normalize_name
from mirrorhunt.publish.blocklist import blocked_names, header
from mirrorhunt.publish.resolver_lists import text_with_header

CSV_COLUMNS = ("name", "case", "action", "since", "expires")


def published_listings(listings: Sequence[Listing]) -> list[Listing]:
    """One listing per name, the name in A-label form, sorted by name; a public suffix raises."""
    names = blocked_names(listings)
    by_name: dict[str, Listing] = {}
    for listing in listings:
        by_name.setdefault(normalize_name(listing.name), listing)
    return [replace(by_name[name], name=name) for name in names]


def utc_text(moment: datetime) -> str:
    """``2026-05-01T12:30:00Z``: the form every export writes times in."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stable_uuid(key: str) -> str:
    """A UUID shaped as version 4 but derived from ``key``: the same thing keeps the same identifier."""
    return str(uuid.UUID(bytes=hashlib.sha256(f"mirrorhunt {key}".encode()).digest()[:16], version=4))


def describe(listing: Listing) -> str:
    """What a listing is and what resolvers do with it, in words (STIX and MISP descriptions)."""
    if listing.action == "passthru":
        return f"exception to the blocking of case {listing.case}: answered as usual (DNS action passthru)"
    return f"mirror of the seized platform of case {listing.case}; DNS action {listing.action}"


def render_csv(listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str:
    """``#`` header lines, then a CSV header row and one row per name."""
    records = [_record(listing) for listing in published_listings(listings)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return text_with_header(
        "blocklist, CSV",
        buffer.getvalue().splitlines(),
        generated_at=generated_at,
        serial=serial,
        count=len(records),
    )


def render_json(listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str:
    """``{"about", "generated_at", "serial", "count", "listings": [...]}``."""
    records = [_record(listing) for listing in published_listings(listings)]
    about = header("blocklist, JSON", generated_at=generated_at, serial=serial, count=len(records))
    document = {
        "about": ", ".join(about),
        "generated_at": utc_text(generated_at),
        "serial": serial,
        "count": len(records),
        "listings": records,
    }
    return json.dumps(document, indent=1) + "\n"


def _record(listing: Listing) -> dict[str, Any]:
    return {
        "name": listing.name,
        "case": listing.case,
        "action": listing.action,
        "since": utc_text(listing.since),
        "expires": None if listing.expires is None else listing.expires.isoformat(),
    }
