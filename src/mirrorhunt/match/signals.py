"""Each comparison between a reference and a candidate fingerprint, as a ``Signal`` a reviewer can read."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Set
from urllib.parse import urlsplit

from mirrorhunt.fingerprint import Fingerprint
from mirrorhunt.fingerprint.indicators import describe
from mirrorhunt.match.thresholds import (
    CONTENT_MIRROR,
    MIN_SHARED_SHINGLES,
    TRUNCATED_MIN_COVER,
    TRUNCATED_MIN_SHARED,
)
from mirrorhunt.model import Signal

CONTENT, NAME, STRUCTURE, ASSETS, FAVICON, INDICATORS, TITLE, DISTINCTIVE, TRANSPORT = (
    "content", "name", "structure", "assets", "favicon", "indicators", "title", "distinctive", "transport",
)  # fmt: skip
CONTENT_HASH = "content-hash"
"""The simhash: the same text as ``content``, summarised; listed apart so the shingles head a summary."""
_LISTED = 3
_WEIGHT_OF = operator.itemgetter(1)


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _weight(tokens: Iterable[tuple[str, float]]) -> float:
    """The sum of the weights of (token, weight) pairs, in order."""
    return float(sum(map(_WEIGHT_OF, tokens)))


def _jaccard(a: Set[object], b: Set[object]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def text_shingles(reference: Fingerprint, candidate: Fingerprint) -> Signal:
    """Share of word 3-grams in common, over the larger page's count (a short page cannot cover a long one);
    over the candidate's own count when it is cut short (a page cut in transfer or by its copier covers
    only the reference's beginning) and either still holds ``TRUNCATED_MIN_COVER`` of the reference, or
    shares at least ``TRUNCATED_MIN_SHARED`` 3-grams that make up ``CONTENT_MIRROR`` of its own text: a
    long reference cut early leaves little of itself, but what is left is the reference's own text.

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
    counts = (
        f"{shared} of {len(reference.shingles)} in the reference, {len(candidate.shingles)} in the candidate"
    )
    own = shared / len(candidate.shingles)
    if candidate.truncated and (
        shared >= TRUNCATED_MIN_COVER * len(reference.shingles)
        or (shared >= TRUNCATED_MIN_SHARED and own >= CONTENT_MIRROR)
    ):
        value = own
        return Signal(
            name="text_shingles",
            kind=CONTENT,
            value=value,
            explanation=(
                f"the candidate is cut short: {_percent(value)} of its text shingles are the reference's"
                f" ({counts})"
            ),
        )
    value = shared / larger
    return Signal(
        name="text_shingles",
        kind=CONTENT,
        value=value,
        explanation=f"{_percent(value)} of the text shingles shared ({counts})",
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


def rare_tokens(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """Weighted share of the reference's rare tokens (words, class and asset names that few sites carry)
    found in the candidate; None when the reference has none."""
    if not reference.rare:
        return None
    words, names, assets = candidate.words, candidate.names, candidate.assets
    shared = [pair for pair in reference.rare if pair[0] in words or pair[0] in names or pair[0] in assets]
    value = _weight(shared) / _weight(reference.rare)
    listed = ", ".join(token for token, _ in shared[:_LISTED]) + (", …" if len(shared) > _LISTED else "")
    return Signal(
        name="rare_tokens",
        kind=DISTINCTIVE,
        value=value,
        explanation=f"{_percent(value)} of the reference's rare tokens"
        + f" ({len(shared)} of {len(reference.rare)}{f': {listed}' if shared else ''})",
    )


def rare_words(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """Weighted share of the rare words of the reference's text (names of people, places, products)
    found in the candidate's text: they survive a translation or a rewording that breaks the shingles.
    None when the reference's text has none."""
    known, seen = reference.words, candidate.words
    rare = [pair for pair in reference.rare if pair[0] in known]
    if not rare:
        return None
    shared = [pair for pair in rare if pair[0] in seen]
    value = _weight(shared) / _weight(rare)
    listed = ", ".join(token for token, _ in shared[:_LISTED]) + (", …" if len(shared) > _LISTED else "")
    return Signal(
        name="rare_words",
        kind=DISTINCTIVE,
        value=value,
        explanation=f"{_percent(value)} of the rare words of the reference's text"
        + f" ({len(shared)} of {len(rare)}{f': {listed}' if shared else ''})",
    )


def text_simhash(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """Bits in common of the text simhashes, rescaled so that unrelated text (half the bits) is 0."""
    if not reference.simhash or not candidate.simhash:
        return None
    differ = (reference.simhash ^ candidate.simhash).bit_count()
    return Signal(
        name="text_simhash",
        kind=CONTENT_HASH,
        value=max(0.0, 1.0 - differ / 32),
        explanation=f"text simhash: {differ} of 64 bits differ",
    )


def certificate(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """The same TLS public key, or a certificate naming the other site; None unless one of them holds."""
    if reference.certificate_key and reference.certificate_key == candidate.certificate_key:
        return Signal(
            name="certificate",
            kind=TRANSPORT,
            value=1.0,
            explanation=f"same TLS public key (SHA-256 {reference.certificate_key[:16]}…)",
        )
    reference_host, candidate_host = _host(reference.url), _host(candidate.url)
    named = (reference_host in candidate.certificate_names and reference_host) or (
        candidate_host in reference.certificate_names and candidate_host
    )
    if named:
        return Signal(
            name="certificate",
            kind=TRANSPORT,
            value=1.0,
            explanation=f"one TLS certificate names both sites ({named})",
        )
    return None


def redirect_chain(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """The candidate was reached through the reference's host, or sends its visitor there by a meta refresh
    or a frame the reference page does not itself carry; None otherwise."""
    host = _host(reference.url)
    if host and host in candidate.redirect_hosts:
        return Signal(
            name="redirect_chain", kind=TRANSPORT, value=1.0, explanation=f"reached by a redirect from {host}"
        )
    copied = {reference.refresh, *reference.frames}  # markup copied from the reference proves nothing
    sent = [u for u in (candidate.refresh, *candidate.frames) if u and _host(u) == host and u not in copied]
    if host and sent:
        how = "meta refresh" if sent[0] == candidate.refresh else "frame"
        return Signal(
            name="redirect_chain",
            kind=TRANSPORT,
            value=1.0,
            explanation=f"{how} to the reference's site {sent[0]}",
        )
    return None


def headers(reference: Fingerprint, candidate: Fingerprint) -> Signal | None:
    """HTTP header order equal and stable header values shared; None when either side has no headers."""
    if not reference.header_values or not candidate.header_values:
        return None
    value = _jaccard(reference.header_values, candidate.header_values)
    order = (
        "same header order" if reference.header_order == candidate.header_order else "header order differs"
    )
    return Signal(
        name="headers",
        kind=TRANSPORT,
        value=value,
        explanation=f"{_percent(value)} of the stable HTTP header values shared; {order}",
    )


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""
