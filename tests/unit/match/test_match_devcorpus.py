"""Verdicts on real pages: mirrors and strangers built from dev-corpus pages by the shared eval generator.

The generator sits beside the repository (``../shared/eval/make_devset.py``), as in CI.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mirrorhunt.fingerprint import Fingerprint, fingerprint
from mirrorhunt.match import score

EVAL = Path(__file__).resolve().parents[3] / ".." / "shared" / "eval"
sys.path.insert(0, str(EVAL))
import make_devset as dev  # noqa: E402

PAGES = 20
rng = random.Random(11)
_pages = dev.load_pages()
REFERENCES = rng.sample(_pages, PAGES)
EXACT_EDITS = ("host", "pretty", "assets", "banner", "combo")


def _url(row: dict[str, str]) -> str:
    return (
        row["url"] if row["url"].startswith("http") and "&#" not in row["url"] else f"https://{row['host']}/"
    )


def _mirror(html: str, url: str, steps: list[Callable[..., str]]) -> tuple[str, str]:
    new = dev.mirror_url(url, rng)
    for step in steps:
        html = step(html, url, new, rng)
    return html, new


def _print(row: dict[str, str]) -> tuple[str, Fingerprint]:
    html = dev.read(dev.CORPUS / row["path"])
    return html, fingerprint(html, url=_url(row))


@pytest.fixture(scope="module", params=REFERENCES, ids=[r["host"] for r in REFERENCES])
def reference(request: Any) -> tuple[dict[str, str], str, Fingerprint]:
    row: dict[str, str] = request.param
    html, fp = _print(row)
    return row, html, fp


@pytest.mark.parametrize("edit", EXACT_EDITS)
def test_mirror_edits_of_real_pages_are_mirrors(
    reference: tuple[dict[str, str], str, Fingerprint], edit: str
) -> None:
    row, html, fp = reference
    mirrored, new = _mirror(html, _url(row), dev.POSITIVE[edit])
    verdict = score(fp, fingerprint(mirrored, url=new))
    assert verdict.label == "mirror", verdict.reasons


def test_drifted_mirrors_of_real_pages_are_caught(reference: tuple[dict[str, str], str, Fingerprint]) -> None:
    row, html, fp = reference
    mirrored, new = _mirror(html, _url(row), dev.POSITIVE["drift"])
    assert score(fp, fingerprint(mirrored, url=new)).label in ("mirror", "review")


def test_other_sites_are_never_mirrors(reference: tuple[dict[str, str], str, Fingerprint]) -> None:
    row, _, fp = reference
    others = [p for p in _pages if p["host"] != row["host"]]
    for other in rng.sample(others, 3):
        verdict = score(fp, _print(other)[1])
        assert verdict.label == "unrelated", (other["host"], verdict.reasons)


def test_template_clones_of_real_pages_are_never_mirrors(
    reference: tuple[dict[str, str], str, Fingerprint],
) -> None:
    row, html, fp = reference
    other = rng.choice([p for p in _pages if p["host"] != row["host"]])
    clone = dev.skeleton_clone(html, dev.read(dev.CORPUS / other["path"]), rng)
    verdict = score(fp, fingerprint(clone, url=dev.mirror_url(other["url"], rng)))
    # The clone keeps the reference's inline scripts, hence its analytics IDs: review at most.
    assert verdict.label != "mirror", verdict.reasons
    assert next(s.value for s in verdict.signals if s.name == "text_shingles") < 0.35
