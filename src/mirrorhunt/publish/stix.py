"""The blocklist as a STIX 2.1 bundle: one Indicator per listed name, and a Report that dates the list.

Each Indicator has the pattern ``[domain-name:value = 'name']``, ``valid_from`` = since when the name is
listed and, when the order has an expiry date, ``valid_until`` = the start of the day after it (an order
that expires on 31 December is in force all that day). The Report carries when the bundle was made
(``published``), the zone serial and the count. Identifiers are derived from what they identify (the
same listing keeps the same Indicator id in every version of the feed), shaped as UUIDv4 as STIX asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import stix2

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Listing
from mirrorhunt.publish.blocklist import header
from mirrorhunt.publish.structured import published_listings, stable_uuid, utc_text

_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
"""When the mirrorhunt Identity object was first made: fixed, so that its id and content never change."""


def render_stix(listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str:
    """A bundle: the mirrorhunt Identity, one Indicator per name, then the Report listing them."""
    chosen = published_listings(listings)
    about = header("blocklist, STIX 2.1", generated_at=generated_at, serial=serial, count=len(chosen))
    identity = stix2.Identity(
        id=_identifier("identity", "mirrorhunt"),
        name="mirrorhunt",
        identity_class="system",
        created=_EPOCH,
        modified=_EPOCH,
    )
    indicators = [_indicator(listing, author=identity.id) for listing in chosen]
    report = stix2.Report(
        id=_identifier("report", f"{serial}|{utc_text(generated_at)}"),
        created_by_ref=identity.id,
        created=generated_at,
        modified=generated_at,
        published=generated_at,
        name=f"mirrorhunt blocklist, serial {serial}",
        description=", ".join(about),
        report_types=["indicator"],
        object_refs=[identity.id, *(indicator.id for indicator in indicators)],
    )
    bundle = stix2.Bundle(identity, *indicators, report, id=_identifier("bundle", f"{serial}|{report.id}"))
    text: str = bundle.serialize()  # stix2 sorts keys in quadratic time: keep its insertion order
    return text + "\n"


def _indicator(listing: Listing, *, author: str) -> stix2.Indicator:
    until = None if listing.expires is None else _end_of(listing.expires)
    if until is not None and until <= listing.since:
        raise InvalidInput(
            f"listing {listing.name!r} of case {listing.case!r} is listed since {utc_text(listing.since)}, "
            f"after its order expired on {listing.expires}",
            hint=f"remove the listing: mirrorhunt listings remove {listing.name} --reason 'order expired'",
        )
    return stix2.Indicator(
        id=_identifier("indicator", f"{listing.name}|{utc_text(listing.since)}"),
        created_by_ref=author,
        created=listing.since,
        modified=listing.since,
        name=listing.name,
        description=f"mirror of the seized platform of case {listing.case}; DNS action {listing.action}",
        indicator_types=["malicious-activity"],
        pattern=f"[domain-name:value = '{listing.name}']",
        pattern_type="stix",
        valid_from=listing.since,
        **({} if until is None else {"valid_until": until}),
    )


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def _identifier(kind: str, key: str) -> str:
    return f"{kind}--{stable_uuid(f'{kind} {key}')}"
