"""The RPZ zone file: exact text, loadable by dnspython, never a public suffix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import dns.name
import dns.rdatatype
import dns.zone
import pytest

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Listing
from mirrorhunt.publish import render_rpz

AT = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


def listings(*names: str) -> list[Listing]:
    return [Listing(name=n, case="salon", reason="mirror", decided_by="test", since=AT) for n in names]


GOLDEN = """\
; mirrorhunt response policy zone rpz.test.
; generated 2026-05-01T12:30:00Z, serial 42, 3 names
$ORIGIN rpz.test.
$TTL 60
@ IN SOA localhost. hostmaster.rpz.test. 42 60 30 86400 60
@ IN NS localhost.
salon-lumiere-fr.net IN CNAME .
*.salon-lumiere-fr.net IN CNAME .
salon-lumiere.gg IN CNAME .
*.salon-lumiere.gg IN CNAME .
xn--salon-lumire-6db.to IN CNAME .
*.xn--salon-lumire-6db.to IN CNAME .
"""


def test_golden_zone() -> None:
    given = listings("salon-lumiere.gg", "Salon-Lumière.to", "salon-lumiere-fr.net.", "SALON-LUMIERE.GG")
    assert render_rpz(given, zone="rpz.test.", serial=42, generated_at=AT) == GOLDEN


def test_zone_name_with_or_without_final_dot_and_any_offset() -> None:
    given = listings("salon-lumiere.gg", "salon-lumière.to", "salon-lumiere-fr.net")
    paris = AT.astimezone(timezone(timedelta(hours=2)))
    assert render_rpz(given, zone="RPZ.test", serial=42, generated_at=paris) == GOLDEN


def load(text: str, origin: str = "rpz.test.") -> dns.zone.Zone:
    return dns.zone.from_text(text, origin=origin, relativize=False)


def test_dnspython_loads_the_zone_and_finds_the_policy_records() -> None:
    given = listings("salon-lumiere.gg", "salon-lumière.to")
    zone = load(render_rpz(given, zone="rpz.test", serial=7, ttl=300, generated_at=AT))
    soa = zone.get_rdataset("rpz.test.", "SOA")
    assert soa is not None and soa.ttl == 300
    assert soa[0].serial == 7
    assert (soa[0].refresh, soa[0].retry, soa[0].expire, soa[0].minimum) == (60, 30, 86400, 300)
    assert str(soa[0].rname) == "hostmaster.rpz.test."
    cnames = {
        str(name): str(rdataset[0].target) for name, rdataset in zone.iterate_rdatasets(dns.rdatatype.CNAME)
    }
    assert cnames == {
        "salon-lumiere.gg.rpz.test.": ".",
        "*.salon-lumiere.gg.rpz.test.": ".",
        "xn--salon-lumire-6db.to.rpz.test.": ".",
        "*.xn--salon-lumire-6db.to.rpz.test.": ".",
    }


def test_empty_listings_still_make_a_valid_zone() -> None:
    text = render_rpz([], zone="rpz.test", serial=1, generated_at=AT)
    assert "0 names" in text
    zone = load(text)
    assert {str(name) for name in zone.nodes} == {"rpz.test."}
    assert zone.get_rdataset("rpz.test.", "NS") is not None


def test_serial_is_written_as_given_up_to_the_largest() -> None:
    zone = load(render_rpz(listings("a.gg"), zone="rpz.test", serial=2**32 - 1, generated_at=AT))
    soa = zone.get_rdataset("rpz.test.", "SOA")
    assert soa is not None and soa[0].serial == 2**32 - 1


@pytest.mark.parametrize("suffix", ["gg", "co.uk", "github.io"])
def test_a_public_suffix_is_refused_by_name(suffix: str) -> None:
    with pytest.raises(InvalidInput, match=suffix.replace(".", r"\.")) as raised:
        render_rpz(listings("salon-lumiere.gg", suffix), zone="rpz.test", serial=1, generated_at=AT)
    assert raised.value.hint


@pytest.mark.parametrize(
    ("zone", "serial", "ttl", "generated_at"),
    [
        ("not a zone", 1, 60, AT),
        ("", 1, 60, AT),
        ("rpz.test", -1, 60, AT),
        ("rpz.test", 2**32, 60, AT),
        ("rpz.test", 1, -5, AT),
        ("rpz.test", 1, 2**31, AT),
        ("rpz.test", 1, 60, datetime(2026, 5, 1)),  # naive
    ],
)
def test_bad_settings_are_refused(zone: str, serial: int, ttl: int, generated_at: datetime) -> None:
    with pytest.raises(InvalidInput):
        render_rpz(listings("a.gg"), zone=zone, serial=serial, ttl=ttl, generated_at=generated_at)


def test_a_bad_listed_name_is_refused() -> None:
    with pytest.raises(InvalidInput):
        render_rpz(listings("not a name"), zone="rpz.test", serial=1, generated_at=AT)


def test_a_name_too_long_for_the_zone_is_refused() -> None:
    name = ".".join(["a" * 60] * 3) + ".gg"  # 185 characters: fits alone, not with *. and a long zone
    zone = "b" * 63 + ".test"
    with pytest.raises(InvalidInput, match="too long"):
        render_rpz(listings(name), zone=zone, serial=1, generated_at=AT)
    assert name in render_rpz(listings(name), zone="rpz.test", serial=1, generated_at=AT)
