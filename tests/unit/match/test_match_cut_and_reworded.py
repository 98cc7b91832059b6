"""Mirrors cut short and mirrors with many words changed, built from dev-corpus pages (never holdout)."""

from __future__ import annotations

import hashlib
import random
import re
import sys
from pathlib import Path

import pytest

from mirrorhunt.fingerprint import fingerprint
from mirrorhunt.match import score

EVAL = Path(__file__).resolve().parents[3] / ".." / "shared" / "eval"
sys.path.insert(0, str(EVAL))
import make_devset as dev  # noqa: E402

_rows = [r for r in dev.load_pages() if r["url"].startswith("http") and "&#" not in r["url"]]
ROWS = random.Random(5).sample(_rows, 8)
_TEXT = re.compile(r"(?<=>)([^<]+)(?=<)")
_WORD = re.compile(r"[^\W\d_]{4,}")


def _html(row: dict[str, str]) -> str:
    return dev.read(dev.CORPUS / row["path"])


def _cut(html: str, share: float) -> str:
    return html[: html.find("<", int(len(html) * share))]


def _reworded(html: str) -> str:
    """About 40% of the distinct words replaced, each always by the same stand-in."""

    def word(m: re.Match[str]) -> str:
        digest = hashlib.sha1(m.group(0).lower().encode()).digest()
        return (
            "".join("aeioulnrst"[b % 10] for b in digest[: len(m.group(0))])
            if digest[0] < 102
            else m.group(0)
        )

    outside = re.split(r"(<script\b.*?</script>|<style\b.*?</style>)", html, flags=re.S | re.I)
    return "".join(
        p if i % 2 else _TEXT.sub(lambda t: _WORD.sub(word, t.group(1)), p) for i, p in enumerate(outside)
    )


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["host"])
def test_a_mirror_cut_short_is_measured_on_its_own_text(row: dict[str, str]) -> None:
    html = _html(row)
    reference = fingerprint(html, url=row["url"])
    candidate = fingerprint(_cut(html, 0.8), url="https://copy-of-site.example/")
    assert candidate.truncated
    verdict = score(reference, candidate)
    shared = len(reference.shingles & candidate.shingles)
    if shared >= 0.2 * len(reference.shingles):
        assert verdict.label != "unrelated"
        text = next(s for s in verdict.signals if s.name == "text_shingles")
        assert "cut short" in text.explanation and text.value >= 0.9


def test_a_complete_page_is_not_taken_for_cut_short() -> None:
    for row in ROWS:
        assert not fingerprint(_html(row), url=row["url"]).truncated


def test_a_cut_short_stranger_is_never_a_mirror() -> None:
    for row, other in zip(ROWS, ROWS[1:] + ROWS[:1], strict=True):
        reference = fingerprint(_html(row), url=row["url"])
        stranger = fingerprint(_cut(_html(other), 0.7), url=other["url"])
        assert score(reference, stranger).label == "unrelated"


def test_reworded_mirrors_keep_the_rare_words_and_rank_above_identity_only_matches() -> None:
    for row in ROWS:
        html = _html(row)
        reference = fingerprint(html, url=row["url"])
        verdict = score(reference, fingerprint(_reworded(html), url="https://copy-of-site.example/"))
        rare = next((s for s in verdict.signals if s.name == "rare_words"), None)
        if rare is not None:
            assert rare.value >= 0.4 and "rare words" in rare.explanation
            assert verdict.label in ("mirror", "review") and verdict.score >= 0.6
