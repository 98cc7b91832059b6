"""A long page cut early: little of the reference is left, but all that is left is the reference's text."""

from __future__ import annotations

import random

from lumiere_pages import MIRROR_URL, REFERENCE_URL, chat_page, other_site_page

from mirrorhunt.fingerprint import Fingerprint, fingerprint
from mirrorhunt.match import score
from mirrorhunt.match import thresholds as t
from mirrorhunt.model import Signal, Verdict

_SYLLABLES = ("ka", "lu", "mi", "ro", "sen", "ta", "vo", "ri", "nel", "do", "pa", "zu", "fe", "gor")
PARAGRAPHS = 40
WORDS_EACH = 30


def _paragraphs(count: int, *, seed: int) -> list[str]:
    """``count`` paragraphs of made-up words, none of them repeated across paragraphs by design."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))

    return [" ".join(word() for _ in range(WORDS_EACH)) + "." for _ in range(count)]


_PARAGRAPHS = _paragraphs(PARAGRAPHS, seed=11)


def long_page(*, host: str = "salon-lumiere.fr", paragraphs: list[str] = _PARAGRAPHS) -> str:
    """The reference chat page with a long text: one paragraph after another."""
    return chat_page(host=host, story="<br>".join(paragraphs))


def cut_after(html: str, paragraphs: int) -> str:
    """The page cut at the tag after its ``paragraphs``-th paragraph, as a transfer or a copier leaves it."""
    cut = 0
    for _ in range(paragraphs):
        cut = html.index("<br>", cut + 1)
    return html[:cut]


def text_signal(verdict: Verdict) -> Signal:
    return next(s for s in verdict.signals if s.name == "text_shingles")


def reference() -> Fingerprint:
    return fingerprint(long_page(), url=REFERENCE_URL)


def test_a_long_page_cut_early_is_a_mirror_on_its_own_text() -> None:
    candidate = fingerprint(cut_after(long_page(host="salon-lumiere.gg"), 3), url=MIRROR_URL)
    ref = reference()
    shared = len(ref.shingles & candidate.shingles)
    assert candidate.truncated
    assert t.TRUNCATED_MIN_SHARED <= shared < t.TRUNCATED_MIN_COVER * len(ref.shingles)
    verdict = score(ref, candidate)
    text = text_signal(verdict)
    assert verdict.label == "mirror", verdict.reasons
    assert text.value >= 0.95
    assert text.explanation == (
        f"the candidate is cut short: {round(text.value * 100)}% of its text shingles are the reference's"
        f" ({shared} of {len(ref.shingles)} in the reference, {len(candidate.shingles)} in the candidate)"
    )


def test_too_little_left_is_not_measured_on_its_own_text() -> None:
    paragraphs = [" ".join(_PARAGRAPHS[0].split()[:8]), *_PARAGRAPHS[1:]]
    ref = fingerprint(long_page(paragraphs=paragraphs), url=REFERENCE_URL)
    cut = cut_after(long_page(host="salon-lumiere.gg", paragraphs=paragraphs), 1)
    candidate = fingerprint(cut, url=MIRROR_URL)
    assert candidate.truncated
    assert len(ref.shingles & candidate.shingles) < t.TRUNCATED_MIN_SHARED
    verdict = score(ref, candidate)
    assert "cut short" not in text_signal(verdict).explanation
    assert text_signal(verdict).value < t.CONTENT_REVIEW
    assert verdict.label != "mirror"


def test_the_same_excerpt_in_a_complete_page_is_not_a_cut_short_copy() -> None:
    """Only a page that stops before its end is measured on its own text: a whole page quoting the
    reference's beginning (an excerpt, a press review) is measured against the larger text."""
    excerpt = fingerprint(long_page(host="salon-lumiere.gg", paragraphs=_PARAGRAPHS[:3]), url=MIRROR_URL)
    assert not excerpt.truncated
    verdict = score(reference(), excerpt)
    assert "cut short" not in text_signal(verdict).explanation
    assert verdict.label != "mirror"


def test_a_cut_short_stranger_quoting_a_paragraph_is_not_measured_on_its_own_text() -> None:
    """A stranger cut short whose text is partly the reference's (a quoted paragraph beside its own words)
    shares enough 3-grams, but they are not most of its text: it is measured against the larger text."""
    own = _paragraphs(3, seed=12)
    page = other_site_page().replace("<p>", "<p>" + " ".join([*_PARAGRAPHS[5:7], *own]) + " ", 1)
    stranger = fingerprint(page.removesuffix("</body></html>"), url="https://library.example/")
    ref = reference()
    shared = len(ref.shingles & stranger.shingles)
    assert stranger.truncated
    assert shared >= t.TRUNCATED_MIN_SHARED
    assert shared < t.CONTENT_MIRROR * len(stranger.shingles)
    verdict = score(ref, stranger)
    assert "cut short" not in text_signal(verdict).explanation
    assert verdict.label == "unrelated", verdict.reasons
