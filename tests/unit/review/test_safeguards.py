"""Safeguards at decision time: suffixes, shared platforms, popular and operator allowlists, IP triggers."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from mirrorhunt.config import PublishSettings
from mirrorhunt.errors import InvalidName
from mirrorhunt.names import registrable_domain
from mirrorhunt.publish.valve import parse_allowlist
from mirrorhunt.review.safeguards import (
    Safeguards,
    address_refusal,
    platform_below,
    require_listable,
    safeguards_of,
)


def popular_names() -> list[str]:
    text = resources.files("mirrorhunt.review").joinpath("data/popular.txt").read_text(encoding="utf-8")
    return parse_allowlist(text)


def test_the_bundled_list_holds_about_a_thousand_registrable_domains_and_no_platform() -> None:
    names = popular_names()
    assert len(names) >= 1000
    assert len(set(names)) == len(names)
    for name in names:
        assert registrable_domain(name) == name, name
        assert platform_below(name) is None, name


@pytest.mark.parametrize("name", ["co.uk", "com.br", "github.io", "blogspot.com", "s3.amazonaws.com"])
def test_a_public_suffix_is_never_listed(name: str) -> None:
    assert Safeguards().refusal(name) == "a public suffix"


def test_a_top_level_domain_alone_is_no_name_to_list() -> None:
    assert Safeguards().refusal("gg") == "not a domain name"


@pytest.mark.parametrize(
    ("name", "protected"),
    [
        ("google.com", "google.com"),
        ("drive.google.com", "google.com"),
        ("fr.wikipedia.org", "wikipedia.org"),
        ("WWW.BBC.CO.UK.", "bbc.co.uk"),
        ("login.microsoftonline.com", "microsoftonline.com"),
    ],
)
def test_a_popular_domain_and_every_name_below_it_are_refused(name: str, protected: str) -> None:
    assert Safeguards().refusal(name) == f"a popular domain ({protected})"


def test_on_a_shared_platform_only_the_exact_name_is_listed() -> None:
    assert Safeguards().refusal("salon-mirror.github.io") is None
    assert Safeguards().refusal("salon-mirror.blogspot.com") is None
    assert Safeguards().refusal("bucket.s3.amazonaws.com") is None
    assert Safeguards().refusal("amazonaws.com") == (
        "the domain of a shared platform (strangers register names under s3.amazonaws.com): "
        "list the mirror's exact name instead"
    )


def test_the_operator_s_allowlist_file_and_stop_page_add_to_the_bundled_list(tmp_path: Path) -> None:
    listed = tmp_path / "allow.txt"
    listed.write_text("# ours\nministere-culture.example\n", encoding="utf-8")
    settings = PublishSettings(
        allowlist=["partner.example"], allowlist_file=str(listed), stop_page="stop.blocked.example"
    )
    safeguards = safeguards_of(settings)
    assert safeguards.refusal("www.partner.example") == "allowlisted (partner.example)"
    assert safeguards.refusal("ministere-culture.example") == "allowlisted (ministere-culture.example)"
    assert safeguards.refusal("stop.blocked.example") == "the stop page's own name"
    assert safeguards.refusal("blocked.example") == "above the stop page stop.blocked.example"
    assert safeguards.refusal("youtube.com") == "a popular domain (youtube.com)"
    assert safeguards.refusal("salon-lumiere.gg") is None
    with pytest.raises(InvalidName, match=r"partner\.example is never listed: allowlisted"):
        require_listable("partner.example", settings=settings)
    require_listable("salon-lumiere.gg", settings=settings)


def test_an_ip_trigger_needs_a_person_and_an_address_hosting_nothing_else() -> None:
    mirror = ["salon.gg", "www.salon.gg"]
    assert address_refusal(address="192.0.2.7", by_person=True, names=mirror, seen=mirror) is None
    assert address_refusal(address="192.0.2.7", by_person=True, names=mirror, seen=[]) is None
    assert address_refusal(address="192.0.2.7", by_person=False, names=mirror, seen=mirror) == (
        "an IP-address trigger is listed only when a person asks for it"
    )
    shared = address_refusal(address="2001:db8::7", by_person=True, names=mirror, seen=[*mirror, "bakery.fr"])
    assert shared == "2001:db8::7 also hosts bakery.fr"
    many = [f"site{i}.fr" for i in range(8)]
    crowded = address_refusal(address="192.0.2.7", by_person=True, names=mirror, seen=many)
    assert crowded is not None and crowded.endswith("and 3 more")
    assert address_refusal(address="salon.gg", by_person=True, names=mirror, seen=[]) == (
        "'salon.gg' is not an IP address"
    )
