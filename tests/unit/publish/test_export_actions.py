"""Exports and actions: records state each name's action; rule formats carry only names that are blocked."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_string

from mirrorhunt.model import Listing, ListingAction
from mirrorhunt.publish import render
from mirrorhunt.publish.formats import FORMATS

AT = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
ACTIONS: dict[str, ListingAction] = {
    "a.gg": "nxdomain",
    "b.gg": "nodata",
    "c.gg": "redirect",
    "ok.c.gg": "passthru",
}
GIVEN = [
    Listing(name=name, case="salon", action=action, reason="r", decided_by="t", since=AT)
    for name, action in ACTIONS.items()
]
RULE_FORMATS = ("hosts", "domains", "dnsmasq", "unbound", "adblock")


def export(format: str) -> str:
    return render(format, GIVEN, zone="rpz.test", serial=5, generated_at=AT, stop_page="stop.gouv.test")


@pytest.mark.parametrize("format", RULE_FORMATS)
def test_rule_formats_block_every_blocking_action_and_leave_passthru_out(format: str) -> None:
    text = export(format)
    body = [line for line in text.splitlines() if line and line[0] not in "#!"]
    for name in ("a.gg", "b.gg", "c.gg"):
        assert any(name in line for line in body), (format, name)
    assert "ok.c.gg" not in text
    assert "3 names" in text


def test_csv_and_json_state_each_action() -> None:
    rows = csv.DictReader(
        io.StringIO("".join(line for line in export("csv").splitlines(True) if line[0] != "#"))
    )
    assert {row["name"]: row["action"] for row in rows} == ACTIONS
    document = json.loads(export("json"))
    assert {x["name"]: x["action"] for x in document["listings"]} == ACTIONS


def test_stix_says_the_action_and_a_passthru_is_benign() -> None:
    text = export("stix")
    result = validate_string(text, ValidationOptions(strict=True, version="2.1"))
    assert result.is_valid, result.as_dict()
    indicators = {o["name"]: o for o in json.loads(text)["objects"] if o["type"] == "indicator"}
    assert indicators["c.gg"]["description"].endswith("DNS action redirect")
    assert indicators["c.gg"]["indicator_types"] == ["malicious-activity"]
    assert indicators["ok.c.gg"]["indicator_types"] == ["benign"]
    assert "passthru" in indicators["ok.c.gg"]["description"]


def test_misp_says_the_action_and_a_passthru_is_not_for_ids() -> None:
    event = MISPEvent()
    event.load(export("misp"))
    attributes = {a.value: a for a in event.attributes}
    assert attributes["b.gg"].comment.endswith("DNS action nodata") and attributes["b.gg"].to_ids
    assert "passthru" in attributes["ok.c.gg"].comment and not attributes["ok.c.gg"].to_ids


def test_every_format_renders_every_action() -> None:
    assert all(export(format) for format in FORMATS)
