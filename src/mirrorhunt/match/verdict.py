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

from collections.abc import Sequence

from mirrorhunt.errors import InvalidInput
from mirrorhunt.fingerprint import Fingerprint
from mirrorhunt.match import signals as compare
from mirrorhunt.match import thresholds as t
from mirrorhunt.model import Signal, Verdict, VerdictLabel

DECIDED_BY = "matcher/1"


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
    comparisons = (
        compare.text_shingles,
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
    signals = tuple(s for compare_one in comparisons if (s := compare_one(reference, candidate)) is not None)
    found = {s.name: s for s in signals}
    text = found["text_shingles"].value
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
    """The verdict against the reference the candidate resembles most; raises ``InvalidInput`` if none."""
    if not references:
        raise InvalidInput("no reference page to compare with", hint="add a reference capture to the case")
    return max((score(reference, candidate) for reference in references), key=lambda v: v.score)


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
