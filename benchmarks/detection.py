"""Mirror detection: dev pairs, a holdout set of our own edits, the dnstwist-style baseline, and speed.

    .venv/bin/python benchmarks/detection.py [--all-unrelated] [--max-unrelated N] [--no-baseline] [--quick]

Builds the dev pairs with ../shared/eval/make_devset.py (and their pages cut short, which that set
lacks) and the holdout pairs with holdout_edits.py (never tuned on) in a temporary directory, scores
them as `mirrorhunt eval` does, and prints:
the matcher's figures; TLSH and ssdeep (ppdeep) on HTML with links blanked, per pair, as dnstwist
compares pages; pages fingerprinted per second at the corpus median size on one core; and the time
to match one candidate against 10,000 indexed references. ``--quick`` measures the speeds only.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import holdout_edits
import ppdeep
import tlsh

from mirrorhunt.cli.evaluate import metrics_text
from mirrorhunt.evaluate import (
    Pair,
    PairPage,
    measure,
    read_pairs,
    recall_at_precision,
    roc_auc,
    score_pairs,
)
from mirrorhunt.fingerprint import fingerprint
from mirrorhunt.match import ReferenceIndex, best_verdict

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
_LINK = re.compile(r"""\b(href|src|action)\s*=\s*(["'])[^"']*\2""", re.I)
_URL = re.compile(r"https?://[^\s\"'<>)]+")


def _dev_pairs(out: Path, *, all_unrelated: bool, max_unrelated: int, seed: int) -> list[Pair]:
    command = [sys.executable, str(SHARED / "eval" / "make_devset.py"), str(out)]
    subprocess.run(
        [*command, "--all-unrelated"] if all_unrelated else command, check=True, capture_output=True
    )
    pairs = read_pairs(out / "pairs.jsonl")
    web = [p for p in pairs if p.kind == "unrelated_web"]
    if len(web) > max_unrelated:
        keep = set(id(p) for p in random.Random(seed).sample(web, max_unrelated))
        pairs = [p for p in pairs if p.kind != "unrelated_web" or id(p) in keep]
    return pairs


def _dev_truncated(out: Path, pairs: list[Pair], *, seed: int) -> list[Pair]:
    """The dev set's cut-short pages, made with the holdout's own ``truncate`` edit (the dev set has none):
    each mirror pair's reference cut short as a mirror, and each stranger of the pairs (the unrelated web
    aside) cut short as a stranger. Tuned on like the rest of dev; the holdout pages are never used."""
    rng = random.Random(seed)
    (out / "truncated").mkdir()
    references = {p.reference.html: p.reference for p in pairs if p.label}
    mirrors = [(reference, holdout_edits.mirror_url(reference.url, rng)) for reference in references.values()]
    strangers = [p for p in pairs if p.label == 0 and p.kind != "unrelated_web"]
    jobs = [(1, "truncated", reference, reference, new) for reference, new in mirrors] + [
        (0, "truncated_stranger", p.reference, p.candidate, p.candidate.url) for p in strangers
    ]
    made = []
    for n, (label, kind, reference, page, url) in enumerate(jobs):
        html = page.html.read_bytes().decode("utf-8", "replace")
        for step in holdout_edits.POSITIVE["truncated"]:
            html = step(html, page.url, url, rng)
        path = out / "truncated" / f"{n:05d}.html"
        path.write_text(html, encoding="utf-8")
        made.append(
            Pair(
                id=f"dev-{kind}-{n:05d}",
                reference=reference,
                candidate=PairPage(url=url, html=path),
                label=label,
                kind=kind,
            )
        )
    return made


def _report(title: str, pairs: list[Pair]) -> None:
    started = time.perf_counter()
    scored = list(score_pairs(pairs))
    elapsed = time.perf_counter() - started
    labels = [s.pair.label or 0 for s in scored]
    print(f"\n== {title}: scored in {elapsed:.1f} s")
    print(metrics_text(measure([(s.verdict.score, s.verdict.label, s.pair.label or 0) for s in scored])))
    given = Counter((s.pair.kind, s.verdict.label) for s in scored)
    for kind in sorted({s.pair.kind or "-" for s in scored}):
        total = sum(n for (k, _), n in given.items() if k == kind)
        parts = ", ".join(f"{label} {given[(kind, label)]}" for label in ("mirror", "review", "unrelated"))
        print(f"    {kind:<18} {total:>7}: {parts}")
    worst = sorted((s for s in scored if s.pair.label), key=lambda s: s.verdict.score)[:3]
    for s in worst:
        if s.verdict.label != "mirror":
            print(f"    missed {s.pair.id} ({s.pair.kind}): {s.verdict.label} — {s.verdict.summary(3)}")
    assert len(labels) == len(scored)


def _normalised(html: bytes) -> str:
    """The page as dnstwist compares it: link and URL values blanked."""
    text = html.decode("utf-8", "replace")
    return _URL.sub("", _LINK.sub(r"\1=\2\2", text))


def _baseline(title: str, pairs: list[Pair]) -> None:
    started = time.perf_counter()
    hashes: dict[Path, tuple[str, str]] = {}

    def hashed(path: Path) -> tuple[str, str]:
        if path not in hashes:
            text = _normalised(path.read_bytes())
            hashes[path] = (tlsh.hash(text.encode("utf-8")), ppdeep.hash(text))
        return hashes[path]

    tlsh_scores, ssdeep_scores, labels = [], [], []
    for pair in pairs:
        (t1, s1), (t2, s2) = hashed(pair.reference.html), hashed(pair.candidate.html)
        usable = t1 != "TNULL" and t2 != "TNULL"
        tlsh_scores.append(-float(tlsh.diff(t1, t2)) if usable else -1e9)
        ssdeep_scores.append(float(ppdeep.compare(s1, s2)))
        labels.append(pair.label or 0)
    print(f"\n== dnstwist-style baseline, {title} ({time.perf_counter() - started:.0f} s)")
    for name, scores in (("TLSH", tlsh_scores), ("ssdeep", ssdeep_scores)):
        print(
            f"  {name:<6}: recall at precision 0.999"
            f" {recall_at_precision(scores, labels, precision=0.999):.4f},"
            f" ROC AUC {roc_auc(scores, labels):.4f}"
        )


def _speed() -> None:
    pages = sorted((SHARED / "corpus" / "dev" / "trafilatura").rglob("*.html"))
    near_median = [p.read_bytes() for p in pages if 75_000 <= p.stat().st_size <= 95_000][:60]
    started, done = time.perf_counter(), 0
    while time.perf_counter() - started < 5:
        for html in near_median:
            fingerprint(html, url="https://site.example/")
        done += len(near_median)
    rate = done / (time.perf_counter() - started)
    size = statistics.median(len(h) for h in near_median) / 1000
    print(
        f"\n== speed (one core)\n  fingerprint: {rate:.0f} pages/s"
        f" ({len(near_median)} pages of median {size:.0f} KB)"
    )

    prints = [fingerprint(p.read_bytes(), url=f"https://ref{n}.example/") for n, p in enumerate(pages[:900])]
    rng = random.Random(1)
    references = [replace(rng.choice(prints), url=f"https://ref{n}.example/") for n in range(10_000)]
    started = time.perf_counter()
    index = ReferenceIndex(references)
    built = time.perf_counter() - started
    candidates = [fingerprint(holdout_edits.read(r), url=r["url"]) for r in holdout_edits.load_pages()[:200]]
    mirrors = [replace(p, url="https://mirror.example/") for p in prints[:100]]
    for label, group in (("unrelated candidate", candidates), ("mirror candidate", mirrors)):
        times, shortlisted = [], []
        for candidate in group:
            t0 = time.perf_counter()
            index.best_verdict(candidate)
            times.append((time.perf_counter() - t0) * 1000)
            shortlisted.append(len(index.shortlist(candidate)))
        print(
            f"  {label} vs 10,000 indexed references: median {statistics.median(times):.2f} ms,"
            f" p95 {sorted(times)[int(len(times) * 0.95)]:.2f} ms,"
            f" shortlist median {statistics.median(shortlisted):.0f}"
        )
    print(f"  index of 10,000 references built in {built:.1f} s")
    agree = sum(
        (
            (index_verdict := ReferenceIndex(prints[:300]).best_verdict(c)) is not None
            and index_verdict.label == best_verdict(prints[:300], c).label
        )
        or (index_verdict is None and best_verdict(prints[:300], c).label == "unrelated")
        for c in candidates[:40] + mirrors[:40]
    )
    print(f"  index verdict equals the exhaustive one for {agree} of 80 candidates (300 references)")


def _accuracy(args: argparse.Namespace) -> None:
    """The matcher's figures on the dev and holdout pairs, and the baseline beside them."""
    with tempfile.TemporaryDirectory() as tmp:
        dev = _dev_pairs(
            Path(tmp) / "dev",
            all_unrelated=args.all_unrelated,
            max_unrelated=args.max_unrelated,
            seed=args.seed,
        )
        _report("dev pairs" + (" with every unrelated page" if args.all_unrelated else ""), dev)
        _report(
            "dev pages cut short (the holdout's truncate edit)",
            _dev_truncated(Path(tmp) / "dev", dev, seed=args.seed),
        )
        holdout_edits.build(Path(tmp) / "holdout")
        holdout = read_pairs(Path(tmp) / "holdout" / "pairs.jsonl")
        _report("holdout pairs (our own edits; measured, never tuned on)", holdout)
        if not args.no_baseline:
            _baseline("dev pairs", [p for p in dev if p.kind != "unrelated_web"])
            _baseline("holdout pairs", holdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--all-unrelated", action="store_true", help="every reference against every dev page")
    parser.add_argument("--max-unrelated", type=int, default=300_000, help="bound on those pairs")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="the speeds only: no pairs, no baseline")
    args = parser.parse_args()
    if not args.quick:
        _accuracy(args)
    _speed()


if __name__ == "__main__":
    main()
