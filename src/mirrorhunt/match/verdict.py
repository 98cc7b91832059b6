"""mirror / review / unrelated from the signals of one comparison, and the best of several references.

``mirror`` needs all of: text similarity of at least ``CONTENT_MIRROR`` (over at least
``MIN_SHARED_SHINGLES`` shared 3-grams; a cut-short candidate is measured on its own text); at least
one independent kind agreeing (structure, assets or class names, favicon, indicators, TLS key,
redirect); and the candidate showing the reference's name when the reference shows it. ``review``
when the text is notably similar or carries many of the reference's rare words (the upper half of the
review band), or when only a favicon, an identifier, a TLS key or a redirect is shared (the lower
half). Header values and the simhash only explain; rare tokens (mostly words of the text) add to the
score but never corroborate the text. Structure, assets and titles never lift a pair above
``unrelated`` on their own: the same template carrying other words is another site.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mirrorhunt.errors import InvalidInput
from mirrorhunt.fingerprint import Fingerprint
from mirrorhunt.match import signals as compare
from mirrorhunt.match import thresholds as t
from mirrorhunt.model import Signal, Verdict, VerdictLabel

DECIDED_BY = "matcher/1"
_OTHER_THAN_MIRROR_AT_MOST = max(t.REVIEW_BAND[1], t.REVIEW_IDENTITY_BAND[1], t.UNRELATED_BAND[1])
"""A mirror scores above this (``MIRROR_BAND[0]`` plus the strength of its text), any other verdict not."""


def _value(found: dict[str, Signal], name: str) -> float:
    signal = found.get(name)
    return signal.value if signal else 0.0


def _strength(found: dict[str, Signal], text: float) -> float:
    """Noisy-OR of the weighted signals; template signals count in proportion to the text similarity."""
    assets = max(_value(found, "asset_names"), _value(found, "class_names"))
    chances = (
        t.WEIGHT_CONTENT * text,
        t.WEIGHT_STRUCTURE * _value(found, "page_structure") * text,
        t.WEIGHT_ASSETS * assets * text,
        t.WEIGHT_TITLE * _value(found, "title") * text,
        t.WEIGHT_RARE * _value(found, "rare_tokens") * text,
        t.WEIGHT_FAVICON * _value(found, "favicon"),
        t.WEIGHT_INDICATORS * _value(found, "indicators"),
        t.WEIGHT_TRANSPORT * max(_value(found, "certificate"), _value(found, "redirect_chain")),
    )
    missed = 1.0
    for chance in chances:
        missed *= 1.0 - chance
    return 1.0 - missed


def _label(found: dict[str, Signal], text: float) -> VerdictLabel:
    shared_identity = any(
        _value(found, name) == 1.0 for name in ("favicon", "indicators", "certificate", "redirect_chain")
    )
    corroborated = (
        shared_identity
        or _value(found, "page_structure") >= t.STRUCTURE_AGREES
        or _value(found, "asset_names") >= t.ASSET_NAMES_AGREE
        or _value(found, "class_names") >= t.CLASS_NAMES_AGREE
    )
    name_missing = "site_name" in found and found["site_name"].value == 0.0
    if text >= t.CONTENT_MIRROR and corroborated and not name_missing:
        return "mirror"
    if _text_asks_review(found, text) or shared_identity:
        return "review"
    return "unrelated"


def _text_asks_review(found: dict[str, Signal], text: float) -> bool:
    """Notably similar text, or some shared text carrying many of the reference's rare words."""
    rare = _value(found, "rare_words") >= t.RARE_WORDS_REVIEW and text >= t.RARE_WORDS_MIN_TEXT
    return text >= t.CONTENT_REVIEW or rare


def _band(found: dict[str, Signal], text: float, label: VerdictLabel) -> tuple[float, float]:
    if label == "mirror":
        return t.MIRROR_BAND
    if label == "review":
        return t.REVIEW_BAND if _text_asks_review(found, text) else t.REVIEW_IDENTITY_BAND
    return t.UNRELATED_BAND


def score(reference: Fingerprint, candidate: Fingerprint) -> Verdict:
    """Compare a candidate page with one reference page of a case."""
    return _score(reference, candidate, compare.text_shingles(reference, candidate))


def _score(reference: Fingerprint, candidate: Fingerprint, text_signal: Signal) -> Verdict:
    """``score`` given the text signal, which ``best_of`` computes first to pass over references."""
    comparisons = (
        compare.site_name,
        compare.page_structure,
        compare.asset_names,
        compare.class_names,
        compare.favicon,
        compare.indicators,
        compare.title,
        compare.rare_tokens,
        compare.rare_words,
        compare.text_simhash,
        compare.certificate,
        compare.redirect_chain,
        compare.headers,
    )
    found_now = (compare_one(reference, candidate) for compare_one in comparisons)
    signals = (text_signal, *(s for s in found_now if s is not None))
    found = {s.name: s for s in signals}
    text = text_signal.value
    label = _label(found, text)
    low, high = _band(found, text, label)
    return Verdict(
        label=label,
        score=round(low + (high - low) * _strength(found, text), 4),
        signals=signals,
        decided_by=DECIDED_BY,
        reference_url=reference.url,
    )


def best_verdict(references: Sequence[Fingerprint], candidate: Fingerprint) -> Verdict:
    """The verdict against the reference the candidate resembles most (the first of equals); raises
    ``InvalidInput`` if none."""
    verdict = best_of(enumerate(references), candidate)
    if verdict is None:
        raise InvalidInput("no reference page to compare with", hint="add a reference capture to the case")
    return verdict


def best_of(references: Iterable[tuple[int, Fingerprint]], candidate: Fingerprint) -> Verdict | None:
    """The highest-scoring verdict against numbered references, the lowest number among equals; None if none.

    Once a mirror is found, a reference whose text is too far from the candidate's for ``mirror`` is not
    compared in full: no other verdict scores as high. Most similar references first make that early.
    """
    best: Verdict | None = None
    best_number = 0
    for number, reference in references:
        text_signal = compare.text_shingles(reference, candidate)
        if (
            best is not None
            and best.score > _OTHER_THAN_MIRROR_AT_MOST
            and text_signal.value < t.CONTENT_MIRROR
        ):
            continue
        verdict = _score(reference, candidate, text_signal)
        if best is None or (verdict.score, -number) > (best.score, -best_number):
            best, best_number = verdict, number
    return best


def unrelated_verdict(candidate: Fingerprint) -> Verdict:
    """The verdict for a candidate the reference index shortlisted against nothing."""
    del candidate  # the verdict is the same for every such page; the parameter keeps call sites readable
    return Verdict(
        label="unrelated",
        score=0.0,
        signals=(
            Signal(
                name="reference_index",
                kind=compare.CONTENT,
                value=0.0,
                explanation="shares no text, favicon, identifier, TLS key or redirect with any reference",
            ),
        ),
        decided_by=DECIDED_BY,
    )
