"""The STIX 2.1 bundle passes the official validator (strict) and says what each indicator blocks."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from export_samples import AT, LISTINGS, NAMES, SINCE
from stix2validator import ValidationOptions, validate_string

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Listing
from mirrorhunt.publish.stix import render_stix


def assert_valid(text: str) -> None:
    result = validate_string(text, ValidationOptions(strict=True, version="2.1"))
    assert result.is_valid, result.as_dict()


def objects(text: str, kind: str) -> list[dict[str, object]]:
    return [o for o in json.loads(text)["objects"] if o["type"] == kind]


def test_bundle_is_valid_stix_with_one_indicator_per_name() -> None:
    text = render_stix(LISTINGS, generated_at=AT, serial=42)
    assert_valid(text)
    indicators = objects(text, "indicator")
    assert sorted(i["pattern"] for i in indicators) == [f"[domain-name:value = '{n}']" for n in NAMES]
    salon = next(i for i in indicators if i["name"] == "salon-lumiere.gg")
    assert salon["valid_from"] == "2026-04-30T08:00:00Z"
    assert salon["valid_until"] == "2027-01-01T00:00:00Z"  # the order is in force through 31 December
    assert all("valid_until" not in i for i in indicators if i["name"] != "salon-lumiere.gg")


def test_report_dates_the_bundle_with_serial_and_count() -> None:
    text = render_stix(LISTINGS, generated_at=AT, serial=42)
    (report,) = objects(text, "report")
    assert report["published"] == "2026-05-01T12:30:00Z"
    assert "serial 42" in report["name"]
    assert "3 names" in report["description"]
    assert set(report["object_refs"]) >= {i["id"] for i in objects(text, "indicator")}


def test_identifiers_are_stable_across_versions() -> None:
    first = objects(render_stix(LISTINGS, generated_at=AT, serial=42), "indicator")
    later = objects(
        render_stix(LISTINGS[:2], generated_at=datetime(2026, 6, 1, tzinfo=UTC), serial=43), "indicator"
    )
    by_name = {i["name"]: i["id"] for i in first}
    assert all(by_name[i["name"]] == i["id"] for i in later)
    assert render_stix(LISTINGS, generated_at=AT, serial=42) == render_stix(
        LISTINGS, generated_at=AT, serial=42
    )


def test_an_empty_list_is_a_valid_bundle() -> None:
    text = render_stix([], generated_at=AT, serial=1)
    assert_valid(text)
    assert objects(text, "indicator") == []


def test_a_listing_newer_than_its_expired_order_is_refused() -> None:
    stale = Listing(
        name="old.example", case="c", reason="r", decided_by="t", since=SINCE, expires=date(2026, 1, 1)
    )
    with pytest.raises(InvalidInput, match="expired") as raised:
        render_stix([stale], generated_at=AT, serial=1)
    assert raised.value.hint is not None
