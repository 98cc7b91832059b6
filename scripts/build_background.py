"""Build src/mirrorhunt/fingerprint/background.npz: token document frequencies of the dev corpus only.

    .venv/bin/python scripts/build_background.py [CORPUS_DIR]

CORPUS_DIR defaults to ../shared/corpus/dev. Every page is fingerprinted as a candidate would be
(own host removed from its words) and its tokens counted once. The holdout pages are never read.
"""

from __future__ import annotations

import csv
import html
import sys
from pathlib import Path

import numpy as np

from mirrorhunt.fingerprint import fingerprint
from mirrorhunt.fingerprint.background import DATA_FILE, MIN_KEPT, Background

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "mirrorhunt" / "fingerprint" / DATA_FILE


def pages(corpus: Path) -> list[tuple[str, Path]]:
    """(url, file) of every page in the corpus manifests."""
    found = []
    for manifest in sorted(corpus.glob("*/manifest.csv")):
        with manifest.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                path = manifest.parent / row["path"]
                url = html.unescape(row["url"])
                url = url if url.startswith(("http://", "https://")) else "https://unknown.invalid/"
                if path.exists():
                    found.append((url, path))
    return found


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".." / "shared" / "corpus" / "dev"
    empty = Background.of_pages([])
    prints = (fingerprint(path.read_bytes(), url=url, rare_in=empty) for url, path in pages(corpus))
    built = Background.of_pages(fp.tokens for fp in prints)
    with OUT.open("wb") as f:
        np.savez_compressed(
            f, hashes=built.hashes, counts=built.counts.astype(np.uint16), pages=np.int64(built.pages)
        )
    print(
        f"{OUT}: {built.hashes.size} tokens on {MIN_KEPT} or more of {built.pages} pages,"
        f" {OUT.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main()
