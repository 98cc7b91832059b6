"""The STIX bundle is plain JSON built without the stix2 library, yet the library reads it back unchanged."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import stix2
from stix2validator import ValidationOptions, validate_string

from mirrorhunt.model import Listing
from mirrorhunt.publish.stix import render_stix

SINCE = datetime(2026, 4, 30, 8, 0, 0, 123456, tzinfo=UTC)
AT = datetime(2026, 5, 1, 12, 30, 0, 987654, tzinfo=UTC)
LISTINGS = [
    Listing(
        name=f"m{i}.gg", case="salon", reason="r", decided_by="t", since=SINCE, expires=date(2026, 12, 31)
    )
    for i in range(50)
]


def test_sub_second_times_give_millisecond_created_and_a_valid_bundle() -> None:
    text = render_stix(LISTINGS, generated_at=AT, serial=7)
    result = validate_string(text, ValidationOptions(strict=True, version="2.1"))
    assert result.is_valid, result.as_dict()
    indicator = json.loads(text)["objects"][1]
    assert (indicator["created"], indicator["valid_from"]) == (
        "2026-04-30T08:00:00.123Z",
        "2026-04-30T08:00:00Z",
    )


def test_the_stix2_library_parses_every_object_to_the_same_values() -> None:
    text = render_stix(LISTINGS, generated_at=AT, serial=7)
    bundle = stix2.parse(text, allow_custom=False)
    ours = json.loads(text)["objects"]
    assert [o.id for o in bundle.objects] == [o["id"] for o in ours]
    assert [json.loads(o.serialize()) for o in bundle.objects] == ours
