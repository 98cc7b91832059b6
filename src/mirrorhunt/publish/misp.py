"""The blocklist as a MISP event in MISP's feed format: one ``domain`` attribute per listed name.

The event's ``info`` says what it is, when it was made, its serial and its count; its ``timestamp`` and
``publish_timestamp`` are when it was made. Each attribute is for IDS use, in "Network activity", with
``first_seen`` = since when the name is listed and the case and DNS action in its comment; a PASSTHRU
exception is not for IDS use. Identifiers are derived from
what they identify, so the same listing keeps the same attribute in every version of the feed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from pymisp import MISPEvent, MISPOrganisation

from mirrorhunt.model import Listing
from mirrorhunt.publish.blocklist import header
from mirrorhunt.publish.structured import describe, published_listings, stable_uuid, utc_text

_ANALYSIS_COMPLETED = 2
_THREAT_LEVEL_UNDEFINED = 4
_ALL_COMMUNITIES = 3


def render_misp(listings: Sequence[Listing], *, generated_at: datetime, serial: int) -> str:
    """``{"Event": {...}}`` as MISP publishes and reads feeds."""
    chosen = published_listings(listings)
    about = header("blocklist, MISP event", generated_at=generated_at, serial=serial, count=len(chosen))
    organisation = MISPOrganisation()
    organisation.name = "mirrorhunt"
    organisation.uuid = stable_uuid("organisation mirrorhunt")
    event = MISPEvent()
    event.uuid = stable_uuid(f"event {serial} {utc_text(generated_at)}")
    event.info = ", ".join(about)
    event.date = generated_at.date()
    event.timestamp = generated_at
    event.publish_timestamp = generated_at
    event.published = True
    event.analysis = _ANALYSIS_COMPLETED
    event.threat_level_id = _THREAT_LEVEL_UNDEFINED
    event.distribution = _ALL_COMMUNITIES
    event.Orgc = organisation
    event.add_tag("tlp:clear")
    for listing in chosen:
        event.add_attribute(
            "domain",
            listing.name,
            category="Network activity",
            to_ids=listing.action != "passthru",
            comment=describe(listing),
            uuid=stable_uuid(f"attribute {listing.name} {utc_text(listing.since)}"),
            first_seen=listing.since,
            timestamp=listing.since,
        )
    return json.dumps(event.to_feed(with_meta=False), indent=1, sort_keys=True) + "\n"
