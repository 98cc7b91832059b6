"""The hosts file and the plain list of names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Listing
from mirrorhunt.publish import render_domains, render_hosts

AT = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


def listings(*names: str) -> list[Listing]:
    return [Listing(name=n, case="salon", reason="mirror", decided_by="test", since=AT) for n in names]


GIVEN = listings("salon-lumiere.gg", "Salon-Lumière.to", "salon-lumiere-fr.net", "salon-lumiere.gg")


def test_golden_hosts() -> None:
    assert render_hosts(GIVEN, generated_at=AT, serial=42) == (
        "# mirrorhunt blocklist, hosts format\n"
        "# generated 2026-05-01T12:30:00Z, serial 42, 3 names\n"
        "0.0.0.0 salon-lumiere-fr.net\n"
        "0.0.0.0 salon-lumiere.gg\n"
        "0.0.0.0 xn--salon-lumire-6db.to\n"
    )


def test_golden_domains() -> None:
    assert render_domains(GIVEN, generated_at=AT, serial=42) == (
        "# mirrorhunt blocklist, one name per line\n"
        "# generated 2026-05-01T12:30:00Z, serial 42, 3 names\n"
        "salon-lumiere-fr.net\n"
        "salon-lumiere.gg\n"
        "xn--salon-lumire-6db.to\n"
    )


def test_empty_and_single_lists() -> None:
    assert render_domains([], generated_at=AT, serial=0).endswith("serial 0, 0 names\n")
    assert render_hosts(listings("a.gg"), generated_at=AT, serial=1).endswith("1 name\n0.0.0.0 a.gg\n")


@pytest.mark.parametrize("render", [render_hosts, render_domains])
def test_a_public_suffix_is_refused(render: Callable[..., str]) -> None:
    with pytest.raises(InvalidInput, match=r"co\.uk"):
        render(listings("a.gg", "co.uk"), generated_at=AT, serial=1)
