"""Choosing a format by name, and the public surface of the publish package."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import mirrorhunt.publish
from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Listing
from mirrorhunt.publish import FORMATS, render, render_domains, render_hosts, render_rpz

AT = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
GIVEN = [Listing(name="salon-lumiere.gg", case="salon", reason="mirror", decided_by="test", since=AT)]


def test_public_api() -> None:
    exported = {"FORMATS", "render", "render_domains", "render_hosts", "render_rpz"}
    exported |= {"render_adblock", "render_csv", "render_dnsmasq", "render_json", "render_unbound"}
    assert set(mirrorhunt.publish.__all__) == exported
    assert FORMATS[:3] == ("rpz", "hosts", "domains")


def test_each_format_goes_to_its_renderer() -> None:
    rpz = render("rpz", GIVEN, zone="rpz.test", serial=9, ttl=30, generated_at=AT)
    assert rpz == render_rpz(GIVEN, zone="rpz.test", serial=9, ttl=30, generated_at=AT)
    hosts = render("hosts", GIVEN, zone="rpz.test", serial=9, generated_at=AT)
    assert hosts == render_hosts(GIVEN, serial=9, generated_at=AT)
    domains = render("domains", GIVEN, zone="rpz.test", serial=9, generated_at=AT)
    assert domains == render_domains(GIVEN, serial=9, generated_at=AT)
    assert len({rpz, hosts, domains}) == 3


def test_an_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="'gopher'") as raised:
        render("gopher", GIVEN, zone="rpz.test", serial=1, generated_at=AT)
    assert raised.value.hint is not None
    assert all(name in raised.value.hint for name in FORMATS)
