"""Domain names as people type them, and the public-suffix rules every stage relies on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.names import (
    host_of,
    is_public_suffix,
    normalize_name,
    registrable_domain,
    split_registrable,
    top_level_domains,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Salon-Lumiere.GG.", "salon-lumiere.gg"),
        ("  www.example.co.uk ", "www.example.co.uk"),
        ("salon-lumière.fr", "xn--salon-lumire-6db.fr"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


@pytest.mark.parametrize(
    "text", ["", "localhost", "-bad.gg", "bad-.gg", "a b.gg", "127.0.0.1", "x" * 64 + ".gg"]
)
def test_not_names(text: str) -> None:
    with pytest.raises(InvalidName):
        normalize_name(text)


@pytest.mark.parametrize("text", ["a\n.com", "salon\n.gg", "salon.gg\n.fr"])
def test_a_line_break_inside_a_name_is_refused(text: str) -> None:
    with pytest.raises(InvalidName):
        normalize_name(text)


def test_host_of_urls() -> None:
    assert host_of("https://Salon-Lumiere.fr:8443/path?q") == "salon-lumiere.fr"
    with pytest.raises(InvalidInput):
        host_of("ftp://salon-lumiere.fr/")
    with pytest.raises(InvalidInput):
        host_of("salon-lumiere.fr")


def test_public_suffix_rules() -> None:
    assert is_public_suffix("gg") and is_public_suffix("co.uk") and is_public_suffix("github.io")
    assert not is_public_suffix("salon.gg")
    assert registrable_domain("a.b.salon.co.uk") == "salon.co.uk"
    assert registrable_domain("co.uk") is None
    assert split_registrable("www.salon.co.uk") == ("salon", "co.uk")
    with pytest.raises(InvalidName):
        split_registrable("co.uk")


def test_top_level_domains_are_the_icann_ones() -> None:
    tlds = top_level_domains()
    assert {"fr", "gg", "com", "xyz", "xn--p1ai"} <= set(tlds)
    assert len(tlds) > 1000 and all(t.isascii() and "." not in t for t in tlds)


@given(st.text(max_size=80))
def test_normalize_either_answers_a_name_or_refuses(text: str) -> None:
    try:
        name = normalize_name(text)
    except InvalidName:
        return
    assert name == normalize_name(name) and name.isascii() and "." in name
