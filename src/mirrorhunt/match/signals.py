"""Each comparison between a reference and a candidate fingerprint, as a ``Signal`` a reviewer can read."""

from __future__ import annotations

from collections.abc import Set

from mirrorhunt.fingerprint import Fingerprint
from mirrorhunt.fingerprint.indicators import describe
from mirrorhunt.match.thresholds import MIN_SHARED_SHINGLES
from mirrorhunt.model import Signal

CONTENT, NAME, STRUCTURE, ASSETS, FAVICON, INDICATORS, TITLE = (
    "content", "name", "structure", "assets", "favicon", "indicators", "title",
)  # fmt: skip
_LISTED = 3


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _jaccard(a: Set[object], b: Set[object]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def text_shingles(reference: Fingerprint, candidate: Fingerprint) -> Signal:
    """Share of word 3-grams in common, over the larger page's count (a short page cannot cover a long one).

    0 when fewer than ``MIN_SHARED_SHINGLES`` are shared: empty and parked pages carry no text evidence.
    """
    shared = len(reference.shingles & candidate.shingles)
    larger = max(len(reference.shingles), len(candidate.shingles))
    if shared < MIN_SHARED_SHINGLES:
        return Signal(
            name="text_shingles",
            kind=CONTENT,
            value=0.0,
            explanation=f"{shared} text shingles shared: too little text in common to compare",
        )
    value = shared / larger
    return Signal(
        name="text_shingles",
        kind=CONTENT,
        value=value,
        explanation=(
            f"{_percent(value)} of the text shingles shared ({shared} of {len(reference.shingles)} "
            f"in the reference, {len(candidate.shingles)} in the candidate)"
        ),
    )


def page_structure(reference: Fingerprint, candidate: Fingerprint) -> Signal:
    """Estimated Jaccard similarity of the tag-path shingles."""
    value = reference.structure.similarity(candidate.structure)
    return Signal(
        name="page_structure",
        kind=STRUCTURE,
        value=value,
        explanation=f"page structure {_percent(value)} similar",
    )


def asset_names(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """Script and stylesheet file names in common; None when either page has none."""
    if not reference.assets or not candidate.assets:
        return None
    shared = sorted(reference.assets & candidate.assets)
    listed = ", ".join(shared[:_LISTED]) + (", …" if len(shared) > _LISTED else "")
    return Signal(
        name="asset_names",
        kind=ASSETS,
        value=_jaccard(reference.assets, candidate.assets),
        explanation=(
            f"{len(shared)} of {len(reference.assets | candidate.assets)} script and stylesheet names shared"
            + (f" ({listed})" if shared else "")
        ),
    )


def class_names(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """Class and id names in common; None when either page has none."""
    if not reference.names or not candidate.names:
        return None
    value = _jaccard(reference.names, candidate.names)
    return Signal(
        name="class_names",
        kind=ASSETS,
        value=value,
        explanation=f"{_percent(value)} of class and id names shared",
    )


def favicon(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """Equal favicon hashes; None unless both pages have a favicon."""
    if reference.favicon is None or candidate.favicon is None:
        return None
    if reference.favicon == candidate.favicon:
        return Signal(
            name="favicon", kind=FAVICON, value=1.0, explanation=f"favicon hash {reference.favicon} equal"
        )
    return Signal(
        name="favicon",
        kind=FAVICON,
        value=0.0,
        explanation=f"favicon hash differs ({reference.favicon} and {candidate.favicon})",
    )


def indicators(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """Identifiers found in both pages; None when the reference has none."""
    if not reference.indicators:
        return None
    shared = sorted(reference.indicators & candidate.indicators)
    if not shared:
        return Signal(
            name="indicators",
            kind=INDICATORS,
            value=0.0,
            explanation=f"none of the reference's {len(reference.indicators)} identifiers found",
        )
    listed = "; ".join(f"same {describe(i)}" for i in shared[:_LISTED])
    more = f" and {len(shared) - _LISTED} more" if len(shared) > _LISTED else ""
    return Signal(name="indicators", kind=INDICATORS, value=1.0, explanation=listed + more)


def title(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """Title words in common; None when either page has no title."""
    if not reference.title_words or not candidate.title_words:
        return None
    if reference.title_words == candidate.title_words:
        return Signal(name="title", kind=TITLE, value=1.0, explanation=f"title equal: {reference.title!r}")
    value = _jaccard(set(reference.title_words), set(candidate.title_words))
    return Signal(
        name="title",
        kind=TITLE,
        value=value,
        explanation=f"title {_percent(value)} similar: {reference.title!r} and {candidate.title!r}",
    )


def site_name(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """Whether the candidate shows the reference's name (its domain label); None if the reference does not."""
    name = reference.name_words
    if not name or not all(w in reference.words or w in reference.title_words for w in name):
        return None
    label = " ".join(name)
    if all(w in candidate.words or w in candidate.title_words for w in name):
        return Signal(
            name="site_name", kind=NAME, value=1.0, explanation=f"shows the reference's name {label!r}"
        )
    return Signal(
        name="site_name", kind=NAME, value=0.0, explanation=f"does not show the reference's name {label!r}"
    )
