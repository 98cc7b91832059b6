"""The blocklist as a STIX 2.1 bundle: one Indicator per listed name, and a Report that dates the list.

Each Indicator has the pattern ``[domain-name:value = 'name']``, ``valid_from`` = since when the name is
listed and, when the order has an expiry date, ``valid_until`` = the start of the day after it (an order
that expires on 31 December is in force all that day). The Report carries when the bundle was made
(``published``), the zone serial and the count. Identifiers are derived from what they identify (the
same listing keeps the same Indicator id in every version of the feed), shaped as UUIDv4 as STIX asks.
The description states the DNS action; a PASSTHRU exception is a ``benign`` Indicator, not a malicious one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Listing
from mirrorhunt.publish.blocklist import header
from mirrorhunt.publish.structured import describe, published_listings, stable_uuid, utc_text

_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
"""When the mirrorhunt Identity object was first made: fixed, so that its id and content never change."""
_IDENTITY = f"identity--{stable_uuid('identity mirrorhunt')}"


def render_stix(listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str:
    """A bundle: the mirrorhunt Identity, one Indicator per name, then the Report listing them.

    Built as plain JSON objects, one at a time (a million names make a bundle of about 700 MB);
    the tests check the output with the official stix2-validator.
    """
    chosen = published_listings(listings)
    about = header("blocklist, STIX 2.1", generated_at=generated_at, serial=serial, count=len(chosen))
    identity = {
        **_common("identity", _IDENTITY, _EPOCH),
        "name": "mirrorhunt",
        "identity_class": "system",
    }
    identifiers = [_indicator_id(listing) for listing in chosen]
    indicators = [
        json.dumps(_indicator(listing, identifier))
        for listing, identifier in zip(chosen, identifiers, strict=True)
    ]
    report_id = _identifier("report", f"{serial}|{utc_text(generated_at)}")
    report = {
        **_common("report", report_id, generated_at),
        "name": f"mirrorhunt blocklist, serial {serial}",
        "description": ", ".join(about),
        "report_types": ["indicator"],
        "published": utc_text(generated_at),
        "object_refs": [_IDENTITY, *identifiers],
    }
    bundle_id = _identifier("bundle", f"{serial}|{report_id}")
    objects = ", ".join([json.dumps(identity), *indicators, json.dumps(report)])
    return f'{{"type": "bundle", "id": "{bundle_id}", "objects": [{objects}]}}\n'


def _common(kind: str, identifier: str, created: datetime) -> dict[str, Any]:
    common: dict[str, Any] = {"type": kind, "spec_version": "2.1", "id": identifier}
    if kind != "identity":
        common["created_by_ref"] = _IDENTITY
    stamp = _milliseconds(created)
    return {**common, "created": stamp, "modified": stamp}


def _indicator(listing: Listing, identifier: str) -> dict[str, Any]:
    until = None if listing.expires is None else _end_of(listing.expires)
    if until is not None and until <= listing.since:
        raise InvalidInput(
            f"listing {listing.name!r} of case {listing.case!r} is listed since {utc_text(listing.since)}, "
            f"after its order expired on {listing.expires}",
            hint=f"remove the listing: mirrorhunt listings remove {listing.name} --reason 'order expired'",
        )
    indicator = {
        **_common("indicator", identifier, listing.since),
        "name": listing.name,
        "description": describe(listing),
        "indicator_types": ["benign" if listing.action == "passthru" else "malicious-activity"],
        "pattern": f"[domain-name:value = '{listing.name}']",
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": _seconds(listing.since),
    }
    if until is not None:
        indicator["valid_until"] = utc_text(until)
    return indicator


def _indicator_id(listing: Listing) -> str:
    return _identifier("indicator", f"{listing.name}|{_seconds(listing.since)}")


@lru_cache(maxsize=4096)
def _seconds(moment: datetime) -> str:
    """``utc_text``, remembered: the listings of one batch share their time."""
    return utc_text(moment)


@lru_cache(maxsize=4096)
def _milliseconds(moment: datetime) -> str:
    """STIX ``created`` / ``modified``: to the millisecond (STIX 2.1 §3.2)."""
    utc = moment.astimezone(UTC)
    return f"{utc.strftime('%Y-%m-%dT%H:%M:%S')}.{utc.microsecond // 1000:03d}Z"


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def _identifier(kind: str, key: str) -> str:
    return f"{kind}--{stable_uuid(f'{kind} {key}')}"
