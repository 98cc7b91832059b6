"""The fast paths publishing leans on at a million names keep every rule: a public suffix or an
excluded name is never published, and names come out exactly as ``normalize_name`` made them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import publicsuffixlist
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.model import Listing
from mirrorhunt.names import is_public_suffix, normalize_name
from mirrorhunt.publish.blocklist import blocked_names, blocked_names_of
from mirrorhunt.publish.rpz import render_rpz, render_rpz_names
from mirrorhunt.publish.valve import Limits, assess, assess_counts, exclusions_of

AT = datetime(2026, 5, 1, tzinfo=UTC)
FULL = publicsuffixlist.PublicSuffixList()


def psl_rules() -> list[str]:
    path = Path(publicsuffixlist.__file__).with_name("public_suffix_list.dat")
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("//")]


def around(rule: str) -> set[str]:
    """The rule's name, the name above and below it, in Unicode and A-label forms."""
    name = rule.lstrip("!").removeprefix("*.")
    forms = {name, name.encode("idna").decode("ascii")}
    return {
        variant for form in forms for variant in (form, form.partition(".")[2], f"x-1.{form}", f"*.{form}")
    }


def test_the_suffix_fast_path_agrees_with_the_full_list_around_every_rule() -> None:
    names = {variant for rule in psl_rules() for variant in around(rule) if variant}
    assert len(names) > 20_000
    wrong = sorted(name for name in names if is_public_suffix(name) != bool(FULL.is_public(name)))
    assert not wrong


@pytest.mark.parametrize("name", ["gg", "co.uk", "github.io", "anything.ck", "xn--p1ai", "CO.UK", "co.uk."])
def test_public_suffixes_are_still_public(name: str) -> None:
    assert is_public_suffix(name) == bool(FULL.is_public(name))
    assert is_public_suffix(name.lower().rstrip("."))


@given(
    st.lists(
        st.sampled_from(
            ["a", "co", "uk", "gg", "ck", "www", "xn--p1ai", "github", "io", "b-1", "", "A", " x", "*"]
        ),
        max_size=4,
    )
)
def test_the_suffix_fast_path_agrees_on_names_made_of_suffix_labels(labels: list[str]) -> None:
    name = ".".join(labels)
    assert is_public_suffix(name) == bool(FULL.is_public(name))


@given(st.text(alphabet="abcXY019-._ é\n", max_size=24))
def test_normalize_name_is_idempotent_and_canonical_names_pass_unchanged(text: str) -> None:
    try:
        name = normalize_name(text)
    except InvalidName:
        return
    assert normalize_name(name) == name


@pytest.mark.parametrize(
    "text", ["example.123", "-a.example", "a-.example", "a..example", "example", f"{'a' * 250}.example"]
)
def test_canonical_looking_names_that_are_not_names_are_still_refused(text: str) -> None:
    with pytest.raises(InvalidName):
        normalize_name(text)


def listing(name: str) -> Listing:
    return Listing(name=name, case="salon", reason="mirror", decided_by="test", since=AT)


def test_the_zone_from_names_equals_the_zone_from_listings() -> None:
    names = ["b.example", "A.Example.", "bücher.example", "a.example"]
    by_listings = render_rpz([listing(n) for n in names], zone="rpz.test", serial=7, generated_at=AT)
    assert render_rpz_names(names, zone="rpz.test", serial=7, generated_at=AT) == by_listings
    assert blocked_names_of(names) == blocked_names([listing(n) for n in names])
    assert "xn--bcher-kva.example IN CNAME ." in by_listings


@pytest.mark.parametrize("name", ["co.uk", "github.io", "anything.ck"])
def test_a_public_suffix_is_never_rendered_from_names(name: str) -> None:
    with pytest.raises(InvalidInput, match="public suffix"):
        render_rpz_names(["a.example", name], zone="rpz.test", serial=1, generated_at=AT)


def test_a_name_too_long_for_the_zone_is_refused() -> None:
    long = ".".join(["a" * 50] * 4) + ".example"  # 211 characters: fits alone, not under the zone
    with pytest.raises(InvalidInput, match="too long"):
        render_rpz_names([long], zone="rpz." + "z" * 40, serial=1, generated_at=AT)


def test_exclusions_still_refuse_suffixes_allowlisted_and_names_above_them() -> None:
    exclusions = exclusions_of(allowlist=["keep.example.org"], stop_page="stop.gouv.fr")
    assert exclusions.refusal("co.uk") == "a public suffix"
    assert exclusions.refusal("a.b.keep.example.org") == "allowlisted (keep.example.org)"
    assert exclusions.refusal("example.org") == "above the allowlisted keep.example.org"
    assert exclusions.refusal("stop.gouv.fr") == "the stop page's own name"
    assert exclusions.refusal("mirror.gg") is None


@given(st.sets(st.integers(0, 30)), st.sets(st.integers(0, 30)), st.integers(0, 5), st.integers(0, 5))
def test_assessing_counts_equals_assessing_sets(
    base: set[int], target: set[int], added: int, floor: int
) -> None:
    limits = Limits(max_added=added, max_removed_share=0.2, removed_floor=floor)
    baseline, after = {str(n) for n in base}, {str(n) for n in target}
    counted = assess_counts(
        added=len(after - baseline), removed=len(baseline - after), baseline=len(baseline), limits=limits
    )
    assert counted == assess(baseline=baseline, target=after, limits=limits)
