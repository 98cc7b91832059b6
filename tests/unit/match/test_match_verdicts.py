"""Verdicts on small inline pages: each mirror edit stays `mirror`, each stranger stays `unrelated`."""

from __future__ import annotations

import re

import pytest
from lumiere_pages import (
    MIRROR_URL,
    REFERENCE_URL,
    STORY,
    chat_page,
    drift,
    mirror_banner,
    other_site_page,
    parked_page,
    pretty,
    template_clone_page,
)

from mirrorhunt.errors import InvalidInput
from mirrorhunt.fingerprint import Fingerprint, fingerprint
from mirrorhunt.match import best_verdict, score
from mirrorhunt.match import thresholds as t
from mirrorhunt.model import Verdict

FAVICON = b"\x00\x00\x01\x00" + bytes(range(256)) * 4
OTHER_FAVICON = b"\x89PNG" + bytes(200)


def reference() -> Fingerprint:
    return fingerprint(chat_page(), url=REFERENCE_URL, favicon=FAVICON)


def candidate(html: str, *, favicon: bytes | None = None) -> Fingerprint:
    return fingerprint(html, url=MIRROR_URL, favicon=favicon)


def signal(verdict: Verdict, name: str) -> float:
    return next(s.value for s in verdict.signals if s.name == name)


MIRRORS = {
    "links rewritten to the new host": chat_page(host="salon-lumiere.gg"),
    "pretty-printed": pretty(chat_page(host="salon-lumiere.gg")),
    "assets moved": chat_page(host="salon-lumiere.gg", asset_prefix="/static/v2-123/"),
    "banner and tracking script": chat_page(host="salon-lumiere.gg", banner=mirror_banner()),
    "10% of words changed": chat_page(host="salon-lumiere.gg", story=drift(STORY)),
}


@pytest.mark.parametrize("html", MIRRORS.values(), ids=MIRRORS.keys())
def test_mirror_edits_are_mirrors(html: str) -> None:
    verdict = score(reference(), candidate(html))
    assert verdict.label == "mirror", verdict.reasons
    assert t.MIRROR_BAND[0] <= verdict.score <= t.MIRROR_BAND[1]
    assert verdict.decided_by == "matcher/1"
    assert verdict.reference_url == REFERENCE_URL


STRANGERS = {
    "different site": other_site_page(),
    "same template, other words": template_clone_page(),
    "parked page": parked_page(),
    "empty page": "",
}


@pytest.mark.parametrize("html", STRANGERS.values(), ids=STRANGERS.keys())
def test_strangers_are_unrelated(html: str) -> None:
    verdict = score(reference(), candidate(html, favicon=OTHER_FAVICON))
    assert verdict.label == "unrelated", verdict.reasons
    assert verdict.score < t.UNRELATED_BAND[1]


def test_template_clone_shares_structure_and_assets_but_not_text() -> None:
    verdict = score(reference(), candidate(template_clone_page()))
    assert signal(verdict, "page_structure") > 0.9
    assert signal(verdict, "asset_names") == 1.0
    assert signal(verdict, "text_shingles") == 0.0
    assert verdict.label == "unrelated"


def test_same_text_in_another_template_needs_review() -> None:
    copied = f"<html><head><title>Copie</title></head><body><div><span>{STORY}</span></div></body></html>"
    verdict = score(reference(), candidate(copied))
    assert signal(verdict, "text_shingles") > t.CONTENT_MIRROR
    assert verdict.label == "review"


def test_shared_analytics_id_with_other_text_needs_review() -> None:
    clone = template_clone_page().replace("UA-999-9", "UA-4242424-1")
    verdict = score(reference(), candidate(clone))
    assert verdict.label == "review"
    assert "same Google Analytics ID UA-4242424-1" in verdict.reasons


def test_shared_favicon_with_other_text_needs_review() -> None:
    verdict = score(reference(), candidate(other_site_page(), favicon=FAVICON))
    assert verdict.label == "review"
    explanation = next(s.explanation for s in verdict.signals if s.name == "favicon")
    assert explanation == f"favicon hash {reference().favicon} equal"


def test_mirror_that_drops_the_platform_name_is_only_review() -> None:
    renamed = chat_page(
        host="salon-lumiere.gg",
        name="Salon Nuit",
        title="Salon Nuit — chat",
        story=STORY.replace("Salon Lumière", "Salon Nuit"),
    )
    verdict = score(reference(), candidate(renamed))
    assert signal(verdict, "site_name") == 0.0
    assert verdict.label == "review"


def test_explanations_read_as_sentences() -> None:
    verdict = score(reference(), candidate(MIRRORS["banner and tracking script"]))
    explanations = {s.name: s.explanation for s in verdict.signals}
    assert explanations["title"] == "title equal: 'Salon Lumière — chat'"
    assert re.fullmatch(
        r"9\d% of the text shingles shared \(\d+ of \d+ in the reference, \d+ in the candidate\)",
        explanations["text_shingles"],
    )
    assert explanations["indicators"] == "same Google Analytics ID UA-4242424-1"
    assert explanations["site_name"] == "shows the reference's name 'salon lumiere'"
    assert re.fullmatch(
        r"\d+% of the reference's rare tokens \(\d+ of \d+: .+\)", explanations["rare_tokens"]
    )
    assert {s.kind for s in verdict.signals} == {
        "distinctive",
        "content-hash",
        "content",
        "name",
        "structure",
        "assets",
        "indicators",
        "title",
    }
    assert all(0.0 <= s.value <= 1.0 for s in verdict.signals)


def test_scores_order_mirror_above_review_above_unrelated() -> None:
    ref = reference()
    mirror = score(ref, candidate(MIRRORS["assets moved"]))
    review = score(ref, candidate(other_site_page(), favicon=FAVICON))
    unrelated = score(ref, candidate(parked_page()))
    assert mirror.score > review.score > unrelated.score


def test_best_verdict_picks_the_closest_reference() -> None:
    other = fingerprint(other_site_page(), url="https://library.example/")
    verdict = best_verdict([other, reference()], candidate(MIRRORS["links rewritten to the new host"]))
    assert verdict.label == "mirror"
    assert verdict.reference_url == REFERENCE_URL


def test_best_verdict_without_references_is_refused() -> None:
    with pytest.raises(InvalidInput):
        best_verdict([], candidate(parked_page()))
