"""Mirror edits of our own, for the holdout pairs only: never tuned on (benchmarks/detection.py).

Each edit takes (html, reference_url, mirror_url, rng) and returns the edited page, as a mirror
operator might serve it. Negatives are other holdout sites and the reference's markup with their words.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HOLDOUT = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "holdout"
TLDS = ("bz", "pw", "re", "lol", "vip", "top", "one", "fun", "ink", "run")
_WORD = re.compile(r"(?<=>)([^<]+)(?=<)")
_LETTERS = re.compile(r"[^\W\d_]{4,}")
Edit = Callable[[str, str, str, random.Random], str]


def load_pages() -> list[dict[str, str]]:
    """Holdout pages with a usable URL, both folders."""
    rows = []
    for manifest in sorted(HOLDOUT.glob("*/manifest.csv")):
        with manifest.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                path = manifest.parent / row["path"]
                if row["url"].startswith("http") and not row["flags"] and path.exists():
                    rows.append({**row, "file": str(path)})
    return rows


def read(row: dict[str, str]) -> str:
    return Path(row["file"]).read_bytes().decode("utf-8", "replace")


def mirror_url(url: str, rng: random.Random) -> str:
    label = (urlsplit(url).hostname or "site").removeprefix("www.").split(".")[0]
    prefix, suffix = rng.choice(["", "official-", "the"]), rng.choice(["", "-new", "x"])
    return f"https://{prefix}{label}{suffix}.{rng.choice(TLDS)}/"


def _text_nodes(html: str, change: Callable[[str], str]) -> str:
    """Apply ``change`` to text between tags outside script and style."""
    parts = re.split(r"(<script\b.*?</script>|<style\b.*?</style>)", html, flags=re.S | re.I)
    return "".join(p if i % 2 else _WORD.sub(lambda m: change(m.group(1)), p) for i, p in enumerate(parts))


def rehost(html: str, ref: str, new: str, rng: random.Random) -> str:
    old = (urlsplit(ref).hostname or "").removeprefix("www.")
    return html.replace(old, urlsplit(new).hostname or "") if old else html


# A plain comment; conditional ones (``<!--[if IE]>``, ``<!-->``, ``<!--<![endif]-->``) are kept, as
# minifiers keep them: dropping half of such a pair turns the rest of the page into a comment.
_COMMENT = re.compile(r"<!--(?![\[>]|<!)(?:(?!<!--).)*?-->", flags=re.S)
_RAW = re.compile(r"(<(script|style|pre|textarea)\b.*?</\2\s*>)", flags=re.S | re.I)


def minify(html: str, ref: str, new: str, rng: random.Random) -> str:
    """Comments dropped and whitespace collapsed outside script, style, pre and textarea, as HTML
    minifiers do: a ``<!--`` inside a script is code, and removing up to the next ``-->`` breaks the page."""

    def squeeze(part: str) -> str:
        part = _COMMENT.sub("", part)
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", part))

    parts = _RAW.split(html)
    # split yields (outside, whole raw element, its tag name) triples
    return "".join(squeeze(part) if i % 3 == 0 else part for i, part in enumerate(parts) if i % 3 != 2)


def rename_classes(html: str, ref: str, new: str, rng: random.Random) -> str:
    salt = str(rng.random())

    def rename(m: re.Match[str]) -> str:
        names = " ".join("c" + hashlib.md5((salt + n).encode()).hexdigest()[:6] for n in m.group(2).split())
        return f"{m.group(1)}{names}{m.group(3)}"

    return re.sub(r"""(\b(?:class|id)=["'])([^"']*)(["'])""", rename, html)


def truncate(html: str, ref: str, new: str, rng: random.Random) -> str:
    cut = html.find("<", int(len(html) * rng.uniform(0.6, 0.8)))
    return html[:cut] if cut > 0 else html


def scripted(html: str, ref: str, new: str, rng: random.Random) -> str:
    found = re.search(r"(<body[^>]*>)(.*)(</body>)", html, flags=re.S | re.I)
    if not found:
        return html
    hidden = base64.b64encode(found.group(2).encode("utf-8")).decode("ascii")
    loader = f'<script>document.write(decodeURIComponent(escape(atob("{hidden}"))));</script>'
    return html[: found.start(2)] + loader + html[found.end(2) :]


def banner(html: str, ref: str, new: str, rng: random.Random) -> str:
    note = (
        '<div id="cookie-consent" class="consent-bar"><p>We use cookies to improve your experience.'
        ' <a href="/privacy">Learn more</a> <button>Accept</button></p></div>'
        f'<div class="mirror-note">Our official address is now <a href="{new}">'
        f"{urlsplit(new).hostname}</a></div>"
    )
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + note, html, count=1, flags=re.I)


def cdn(html: str, ref: str, new: str, rng: random.Random) -> str:
    base = rng.choice(
        ["https://cdn.jsdelivr.net/gh/sitecdn/build@2.1/", "https://d3a1b2c3.cloudfront.net/static/"]
    )

    def move(m: re.Match[str]) -> str:
        name = urlsplit(m.group(3)).path.rsplit("/", 1)[-1] or "app.js"
        return f"{m.group(1)}={m.group(2)}{base}{name}{m.group(2)}"

    return re.sub(r"""(<(?:script|link|img)[^>]*?\b(?:src|href))=(["'])(.*?)\2""", move, html)


def translated(html: str, ref: str, new: str, rng: random.Random, share: float = 0.4) -> str:
    """About ``share`` of the words replaced by a consistent stand-in, as a machine translation would."""

    def word(w: str) -> str:
        digest = hashlib.sha1(w.lower().encode()).digest()
        return "".join("aeioulnrst"[b % 10] for b in digest[: len(w)]) if digest[0] < 256 * share else w

    return _text_nodes(html, lambda text: _LETTERS.sub(lambda m: word(m.group(0)), text))


def skeleton(html: str, other: str, rng: random.Random) -> str:
    """Negative: the reference's markup carrying another site's words."""
    words = _LETTERS.findall(re.sub(r"<[^>]+>", " ", other)) or ["text"]
    return _text_nodes(html, lambda text: _LETTERS.sub(lambda m: rng.choice(words), text))


POSITIVE: dict[str, tuple[Edit, ...]] = {
    "minified": (rehost, minify),
    "classes_renamed": (rehost, rename_classes),
    "truncated": (rehost, truncate),
    "scripted": (rehost, scripted),
    "banner": (rehost, banner),
    "cdn": (rehost, cdn),
    "translated": (rehost, translated),
    "combo": (rehost, cdn, banner, minify),
}


def build(out: Path, *, references: int = 120, seed: int = 3) -> int:
    """Write ``out/pairs.jsonl`` and ``out/pages/``; returns the number of pairs."""
    rng = random.Random(seed)
    pages = load_pages()
    (out / "pages").mkdir(parents=True, exist_ok=True)
    lines: list[dict[str, Any]] = []
    count = 0

    def write(html: str) -> str:
        nonlocal count
        count += 1
        (out / "pages" / f"{count:05d}.html").write_text(html, encoding="utf-8")
        return f"pages/{count:05d}.html"

    written: dict[str, str] = {}
    for r in rng.sample(pages, min(references, len(pages))):
        html = read(r)
        ref = {"url": r["url"], "html": write(html)}
        for kind, steps in POSITIVE.items():
            new = mirror_url(r["url"], rng)
            edited = html
            for step in steps:
                edited = step(edited, r["url"], new, rng)
            lines.append(
                {"kind": kind, "label": 1, "reference": ref, "candidate": {"url": new, "html": write(edited)}}
            )
        others = [p for p in pages if p["host"] != r["host"]]
        for o in rng.sample(others, 4):
            if o["file"] not in written:
                written[o["file"]] = write(read(o))
            lines.append(
                {
                    "kind": "other_site",
                    "label": 0,
                    "reference": ref,
                    "candidate": {"url": o["url"], "html": written[o["file"]]},
                }
            )
        o = rng.choice(others)
        clone = {"url": mirror_url(o["url"], rng), "html": write(skeleton(html, read(o), rng))}
        lines.append({"kind": "skeleton_clone", "label": 0, "reference": ref, "candidate": clone})
    with (out / "pairs.jsonl").open("w", encoding="utf-8") as f:
        for i, line in enumerate(lines):
            f.write(json.dumps({"id": f"holdout-{i:05d}", **line}) + "\n")
    return len(lines)
