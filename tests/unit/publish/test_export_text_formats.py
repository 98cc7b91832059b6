"""dnsmasq, Unbound, AdGuard/ABP, CSV and JSON exports: every name once, dated, counted, parseable."""

from __future__ import annotations

import csv
import io
import json

import pytest
from export_samples import AT, LISTINGS, NAMES

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Listing
from mirrorhunt.publish import (
    FORMATS,
    render,
    render_adblock,
    render_csv,
    render_dnsmasq,
    render_json,
    render_unbound,
)

HEADER = "generated 2026-05-01T12:30:00Z, serial 42, 3 names"


def body(text: str, mark: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith(mark)]


def test_dnsmasq_answers_nxdomain_for_each_name_and_below() -> None:
    text = render_dnsmasq(LISTINGS, generated_at=AT, serial=42)
    assert text.splitlines()[1] == f"# {HEADER}"
    assert body(text, "#") == [f"address=/{name}/" for name in NAMES]


def test_unbound_is_one_server_clause_of_always_nxdomain_zones() -> None:
    text = render_unbound(LISTINGS, generated_at=AT, serial=42)
    assert text.splitlines()[1] == f"# {HEADER}"
    assert body(text, "#") == ["server:", *(f'    local-zone: "{name}." always_nxdomain' for name in NAMES)]


def test_adblock_rules_block_the_name_and_its_subdomains() -> None:
    text = render_adblock(LISTINGS, generated_at=AT, serial=42)
    assert text.splitlines()[1] == f"! {HEADER}"
    assert body(text, "!") == [f"||{name}^" for name in NAMES]


def test_csv_reads_back_with_the_csv_module() -> None:
    text = render_csv(LISTINGS, generated_at=AT, serial=42)
    assert text.splitlines()[1] == f"# {HEADER}"
    rows = list(csv.DictReader(io.StringIO("\n".join(body(text, "#")))))
    assert [row["name"] for row in rows] == NAMES
    assert rows[0] == {
        "name": "b.example",
        "case": "case, with comma",
        "action": "nxdomain",
        "since": "2026-05-01T12:30:00Z",
        "expires": "",
    }
    assert rows[1]["expires"] == "2026-12-31"
    assert rows[1]["since"] == "2026-04-30T08:00:00Z"


def test_json_carries_time_serial_count_and_records() -> None:
    document = json.loads(render_json(LISTINGS, generated_at=AT, serial=42))
    assert document["generated_at"] == "2026-05-01T12:30:00Z"
    assert (document["serial"], document["count"]) == (42, 3)
    assert HEADER in document["about"]
    assert [record["name"] for record in document["listings"]] == NAMES
    assert document["listings"][1]["expires"] == "2026-12-31"
    assert document["listings"][0]["expires"] is None


def test_a_name_listed_twice_is_exported_once() -> None:
    twice = [*LISTINGS, LISTINGS[0]]
    assert json.loads(render_json(twice, generated_at=AT, serial=1))["count"] == 3
    assert render_dnsmasq(twice, generated_at=AT, serial=1) == render_dnsmasq(
        LISTINGS, generated_at=AT, serial=1
    )


@pytest.mark.parametrize("format", FORMATS)
def test_every_format_refuses_a_public_suffix(format: str) -> None:
    bad = [*LISTINGS, Listing(name="co.uk", case="x", reason="oops", decided_by="test", since=AT)]
    with pytest.raises(InvalidInput, match="public suffix"):
        render(format, bad, zone="rpz.test", serial=1, generated_at=AT)


@pytest.mark.parametrize("format", FORMATS)
def test_every_format_says_when_which_serial_and_how_many(format: str) -> None:
    text = render(format, LISTINGS, zone="rpz.test", serial=42, generated_at=AT)
    assert "2026-05-01T12:30:00" in text
    assert "42" in text
    assert "3 names" in text or '"count": 3' in text
    assert render(format, [], zone="rpz.test", serial=7, generated_at=AT)  # an empty list is still a file
