"""Permutations of a known name: valid, unique, most likely first."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.names import is_public_suffix, normalize_name, public_suffix, registrable_domain
from mirrorhunt.sources.permute import POPULAR_TLDS, SECOND_LEVEL_SUFFIXES, Permutation, permutations

SUFFIXES = ["fr", "gg", "com", "co.uk", "com.br", "github.io", "xn--p1ai", "de"]
ascii_labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?", fullmatch=True).filter(
    lambda label: label[2:4] != "--"
)
unicode_labels = st.text(alphabet="abcelnoéèàüöçß-", min_size=1, max_size=14)


@st.composite
def names(draw: st.DrawFn) -> str:
    label = draw(st.one_of(ascii_labels, unicode_labels))
    prefix = draw(st.sampled_from(["", "www.", "a.b."]))
    text = f"{prefix}{label}.{draw(st.sampled_from(SUFFIXES))}"
    try:
        normalize_name(text)
    except InvalidName:
        assume(False)
    assume(not is_public_suffix(normalize_name(text)))
    return text


def by_name(found: list[Permutation]) -> dict[str, Permutation]:
    return {p.name: p for p in found}


@settings(max_examples=25, deadline=None)
@given(names())
def test_every_name_is_valid_unique_and_new(text: str) -> None:
    found = permutations(text)
    given_name = normalize_name(text)
    produced = [p.name for p in found]
    assert found
    assert len(produced) == len(set(produced))
    assert given_name not in produced
    assert registrable_domain(given_name) not in produced
    for permutation in found:
        name = permutation.name
        assert normalize_name(name) == name
        assert name.isascii()
        assert not is_public_suffix(name)
        if permutation.fuzzer != "subdomain":  # sal.on-lumiere.fr: a name under on-lumiere.fr
            assert registrable_domain(name) == name


@settings(max_examples=20, deadline=None)
@given(names(), st.booleans(), st.booleans())
def test_output_is_deterministic_and_follows_the_switches(text: str, tld_swap: bool, typos: bool) -> None:
    first = permutations(text, tlds=["gg", "to", "co.uk"], tld_swap=tld_swap, typos=typos)
    assert first == permutations(text, tlds=["gg", "to", "co.uk"], tld_swap=tld_swap, typos=typos)
    fuzzers = {p.fuzzer for p in first}
    assert ("tld-swap" in fuzzers) <= tld_swap
    if not typos:
        assert fuzzers <= {"tld-swap"}
    if not tld_swap:
        suffix = public_suffix(normalize_name(text))
        assert all(public_suffix(p.name) == suffix for p in first)


def test_tld_swap_to_popular_tlds_comes_first() -> None:
    found = permutations("salon-lumiere.fr")
    top = found[: len(POPULAR_TLDS) - 1]
    assert [p.name for p in top[:5]] == [f"salon-lumiere.{tld}" for tld in ("com", "net", "org", "gg", "to")]
    assert all(p.fuzzer == "tld-swap" for p in top)
    assert found[3] == Permutation("salon-lumiere.gg", "tld-swap", "salon-lumiere.fr with .gg")


def test_groups_come_in_order_of_likelihood() -> None:
    found = permutations("salon-lumiere.fr")
    index = {p.name: i for i, p in enumerate(found)}
    first: dict[str, int] = {}
    for i, p in enumerate(found):
        first.setdefault(p.fuzzer, i)
    assert index["salon-lumiere.xyz"] < first["affix"] < first["omission"] < index["salon-lumiere.abbott"]
    assert first["omission"] < first["transposition"] < first["addition"] < index["salon-lumiere.co.uk"]
    assert index["salon-lumiere.co.uk"] < index["salon-lumiere.abbott"] < first["bitsquatting"]
    assert first["bitsquatting"] < first["homoglyph"]
    assert index["salon-lumiere.zw"] < first["bitsquatting"]


def test_the_mirrors_of_the_lab_scenario_are_all_found() -> None:
    found = by_name(permutations("salon-lumiere.fr"))
    assert found["salon-lumiere.to"].fuzzer == "tld-swap"
    assert found["salon-lumiere-fr.net"].fuzzer == "affix"
    assert found["salon-lumiere-fr.net"].detail == "salon-lumiere.fr: affix '-fr', with .net"
    assert found["salno-lumiere.fr"].fuzzer == "transposition"


@pytest.mark.parametrize(
    ("name", "fuzzer"),
    [
        ("salon-lumiere-fr.fr", "affix"),
        ("salon-lumiere2.fr", "affix"),
        ("new-salon-lumiere.fr", "affix"),
        ("salon-lumiere-chat.fr", "affix"),
        ("salon-lumere.fr", "omission"),
        ("salonlumiere.fr", "omission"),
        ("salon-lumierre.fr", "repetition"),
        ("salon-lumeire.fr", "transposition"),
        ("salon-lumierw.fr", "replacement"),  # e → w on QWERTY
        ("salon-luliere.fr", "replacement"),  # m → l on AZERTY only
        ("salon-lu-miere.fr", "hyphenation"),
        ("salon-lumiare.fr", "vowel-swap"),
        ("salon-lumiere7.fr", "addition"),
        ("salon-lumiered.fr", "insertion"),
        ("ralon-lumiere.fr", "bitsquatting"),  # s 0x73 → r 0x72
        ("salon-1umiere.fr", "homoglyph"),
        ("saion-lumiere.fr", "homoglyph"),
        ("salon-lurniere.fr", "homoglyph"),
    ],
)
def test_each_fuzzer_makes_its_kind_of_name(name: str, fuzzer: str) -> None:
    assert by_name(permutations("salon-lumiere.fr"))[name].fuzzer == fuzzer


def test_second_level_suffixes_are_handled_on_the_registrable_name() -> None:
    found = permutations("www.salon.co.uk")
    names_only = [p.name for p in found]
    assert found[0] == Permutation("salon.uk", "tld-swap", "salon.co.uk with .uk")
    assert {"salon.com", "salon.gg", "saln.co.uk", "salon2.co.uk", "salon-uk.co.uk"} <= set(names_only)
    assert not {"salon.co.uk", "www.salon.co.uk", "co.uk", "uk"} & set(names_only)
    assert all(not name.startswith("www.") for name in names_only)
    assert "salon.co.uk" in {p.name for p in permutations("salon.fr")}
    assert set(SECOND_LEVEL_SUFFIXES) <= {p.name.split(".", 1)[1] for p in permutations("salon.fr")}


def test_idn_names_come_out_in_punycode() -> None:
    found = permutations("salon-lumière.fr")
    assert all(p.name.isascii() for p in found)
    named = by_name(found)
    assert named["xn--salon-lumire-6db.gg"].fuzzer == "tld-swap"
    assert named["salon-lumiere.fr"].fuzzer == "ascii-fold"
    assert named["salon-lumiere.gg"].fuzzer == "ascii-fold"
    assert named["salon-lumire.fr"].fuzzer == "omission"
    assert "xn--salon-lumire-6db.fr" not in named


def test_names_that_would_be_public_suffixes_are_left_out() -> None:
    assert "github.io" not in by_name(permutations("github.fr"))
    assert "blogspot.com" not in by_name(permutations("blogspoot.com"))


def test_hyphens_in_third_and_fourth_place_only_in_a_labels() -> None:
    labels = [p.name.split(".")[0] for p in permutations("ab-cd.fr")]
    assert "ab--cd" not in labels
    assert "abc--de" in [p.name.split(".")[0] for p in permutations("abc-de.fr")]
    assert all(label.startswith("xn--") for label in labels if label[2:4] == "--")
    assert all(label.encode().decode("idna") for label in labels if label.startswith("xn--"))


@pytest.mark.parametrize(
    ("name", "fuzzer"),
    [
        ("salosn-lumiere.fr", "plural"),
        ("salon-lumiere-chat.fr", "affix"),
        ("salon-chat.fr", "dictionary"),
        ("forum-lumiere.fr", "dictionary"),
        ("salon-lu.miere.fr", "subdomain"),
        ("salonx-lumiere.fr", "addition"),
        ("xn--salon-lumire-6db.fr", "homoglyph"),  # è
        ("xn--saln-1umiere-phb.fr", "homoglyph"),  # ò and 1
    ],
)
def test_the_fuzzers_beyond_typos(name: str, fuzzer: str) -> None:
    assert by_name(permutations("salon-lumiere.fr"))[name].fuzzer == fuzzer


def test_suffix_glued_to_the_label() -> None:
    found = by_name(permutations("salon.co.uk"))
    assert found["salonco.uk"].fuzzer == "various"
    assert found["salon.uk"].fuzzer == "tld-swap"
    assert by_name(permutations("shop.salon.fr"))["shopsalon.fr"].fuzzer == "various"


def test_cyrillic_twins_and_ascii_only_suffixes() -> None:
    assert by_name(permutations("paypal.com"))["xn--80aa0cbo65f.com"].fuzzer == "cyrillic"
    assert not [p for p in permutations("salon.co.uk") if p.name.endswith(".co.uk") and "xn--" in p.name]


def test_look_alike_names_come_last() -> None:
    found = permutations("salon-lumiere.fr")
    kinds = [p.fuzzer for p in found]
    last_other = max(i for i, kind in enumerate(kinds) if kind != "homoglyph")
    assert kinds.count("homoglyph") > 5_000
    assert last_other < len(kinds) - 5_000


def test_given_tlds_replace_the_default_list() -> None:
    found = permutations("salon.fr", tlds=["GG", ".to", "co.uk", "рф"], typos=False)
    assert [p.name for p in found] == ["salon.gg", "salon.to", "salon.co.uk", "salon.xn--p1ai"]


def test_nothing_when_both_switches_are_off() -> None:
    assert permutations("salon.fr", tld_swap=False, typos=False) == []


@pytest.mark.parametrize("tld", ["not a tld", "salon.fr", ""])
def test_bad_tlds_are_refused(tld: str) -> None:
    with pytest.raises(InvalidInput):
        permutations("salon.fr", tlds=[tld])


@pytest.mark.parametrize("name", ["co.uk", "gg", "not a name", "-bad.fr"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidName):
        permutations(name)


def test_a_dot_that_makes_another_public_suffix_is_not_a_typo() -> None:
    # aco.gg → a.co.gg would be a name under co.gg, a suffix of its own: not the same suffix any more.
    names = {p.name for p in permutations("aco.gg", tlds=["gg"], tld_swap=False)}
    assert "a.co.gg" not in names
    assert all(public_suffix(name) == "gg" for name in names)
