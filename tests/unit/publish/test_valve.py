"""The safety valve's pure rules: which names are never published, which changes are held."""

from __future__ import annotations

import pytest

from mirrorhunt.errors import ConfigError
from mirrorhunt.publish.valve import Limits, assess, exclusions_of, parse_allowlist

LIMITS = Limits(max_added=3, max_removed_share=0.2, removed_floor=1)


def names(count: int, *, prefix: str = "m") -> set[str]:
    return {f"{prefix}{index}.example" for index in range(count)}


def test_a_small_change_passes() -> None:
    found = assess(baseline=names(20), target=names(20) | names(3, prefix="n"), limits=LIMITS)
    assert (found.added, found.removed, found.baseline, found.held) == (3, 0, 20, False)


def test_too_many_additions_are_held() -> None:
    found = assess(baseline=names(20), target=names(20) | names(4, prefix="n"), limits=LIMITS)
    assert found.held
    assert found.reasons == ("adds 4 names (at most 3 a minute without confirmation)",)


def test_dropping_more_than_the_share_is_held_but_the_floor_always_passes() -> None:
    assert not assess(baseline=names(20), target=names(16), limits=LIMITS).held  # 4 of 20 = 20 %
    dropped = assess(baseline=names(20), target=names(15), limits=LIMITS)
    assert dropped.held and "drops 5 of 20 names" in dropped.reasons[0]
    assert not assess(baseline=names(1), target=set(), limits=LIMITS).held  # the floor: 1 name
    assert assess(baseline=names(2), target=set(), limits=LIMITS).held


def test_zero_additions_allowed_means_every_addition_waits_for_a_person() -> None:
    assert assess(baseline=set(), target=names(1), limits=Limits(max_added=0)).held


def test_public_suffixes_allowlisted_names_and_the_stop_page_are_never_published() -> None:
    rules = exclusions_of(allowlist=["Example.ORG.", "wiki.example.net"], stop_page="stop.blocage.gouv.fr")
    assert rules.refusal("salon-lumiere.gg") is None
    assert rules.refusal("co.uk") == "a public suffix"
    assert rules.refusal("gg") is not None
    assert rules.refusal("github.io") == "a public suffix"
    assert rules.refusal("example.org") == "allowlisted (example.org)"
    assert rules.refusal("www.example.org") == "allowlisted (example.org)"
    assert rules.refusal("example.net") == "above the allowlisted wiki.example.net"
    assert rules.refusal("other.example.net") is None
    assert rules.refusal("stop.blocage.gouv.fr") == "the stop page's own name"
    assert rules.refusal("blocage.gouv.fr") == "above the stop page stop.blocage.gouv.fr"
    assert rules.refusal("not a name!") == "not a domain name"


def test_an_allowlist_that_is_not_names_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"publish\.allowlist"):
        exclusions_of(allowlist=["bad name!"], stop_page=None)
    with pytest.raises(ConfigError, match=r"publish\.stop_page"):
        exclusions_of(allowlist=[], stop_page="")


def test_allowlist_file_lines_and_comments() -> None:
    assert parse_allowlist("# partners\nexample.org\n\n  wiki.example.net  # the wiki\n") == [
        "example.org",
        "wiki.example.net",
    ]
