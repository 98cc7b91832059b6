"""`mirrorhunt eval` as users run it: a pairs file of real dev-corpus pages, scores out, figures printed."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EVAL = Path(__file__).resolve().parents[3] / ".." / "shared" / "eval"
sys.path.insert(0, str(EVAL))
import make_devset as dev  # noqa: E402


def mirrorhunt(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mirrorhunt", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _url(row: dict[str, str]) -> str:
    return (
        row["url"] if row["url"].startswith("http") and "&#" not in row["url"] else f"https://{row['host']}/"
    )


@pytest.fixture(scope="module")
def pairs_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three references, each with two mirrors, one other site and one skeleton clone; a shared page."""
    root = tmp_path_factory.mktemp("pairs")
    (root / "pages").mkdir()
    rng = random.Random(5)
    pages = dev.load_pages()
    refs = rng.sample(pages, 4)
    lines: list[dict[str, Any]] = []

    def write(name: str, html: str) -> str:
        (root / "pages" / name).write_text(html, encoding="utf-8")
        return f"pages/{name}"

    stranger = refs.pop()
    other = {"url": _url(stranger), "html": write("other.html", dev.read(dev.CORPUS / stranger["path"]))}
    for n, row in enumerate(refs):
        html, url = dev.read(dev.CORPUS / row["path"]), _url(row)
        ref = {"url": url, "html": write(f"ref{n}.html", html)}
        for kind in ("host", "banner"):
            new = dev.mirror_url(url, rng)
            mirrored = html
            for step in dev.POSITIVE[kind]:
                mirrored = step(mirrored, url, new, rng)
            cand = {"url": new, "html": write(f"ref{n}-{kind}.html", mirrored)}
            lines.append({"id": f"{n}-{kind}", "label": 1, "reference": ref, "candidate": cand})
        lines.append({"id": f"{n}-other", "label": 0, "reference": ref, "candidate": other})
        clone = dev.skeleton_clone(html, dev.read(dev.CORPUS / stranger["path"]), rng)
        cand = {"url": dev.mirror_url(_url(stranger), rng), "html": write(f"ref{n}-clone.html", clone)}
        lines.append({"id": f"{n}-clone", "label": 0, "reference": ref, "candidate": cand})
    path = root / "pairs.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_labelled_pairs_get_scores_and_figures(pairs_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.jsonl"
    done = mirrorhunt("eval", "--pairs", str(pairs_file), "--out", str(out), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    scores = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    truth = {p["id"]: p["label"] for p in map(json.loads, pairs_file.read_text().splitlines())}
    assert [s["id"] for s in scores] == list(truth)
    for line in scores:
        assert set(line) >= {"id", "score", "verdict", "signals"}
        assert 0.0 <= line["score"] <= 1.0
        assert (line["verdict"] == "mirror") == bool(truth[line["id"]]), line
        assert line["reasons"]
    assert figures["pairs"] == 12 and figures["mirrors"] == 6
    assert figures["verdicts"]["mirror"] == {"mirrors": 6, "strangers": 0, "precision": 1.0, "recall": 1.0}
    assert figures["strangers_called_mirror"] == 0
    assert figures["verdicts"]["unrelated"]["mirrors"] == 0
    assert figures["recall_at_precision_0.999"] == 1.0
    assert figures["roc_auc"] == 1.0


def test_text_report_names_every_figure(pairs_file: Path, tmp_path: Path) -> None:
    done = mirrorhunt("eval", "--pairs", str(pairs_file), "--out", str(tmp_path / "s.jsonl"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for words in ("precision", "recall at precision 0.999", "false-positive rate 1e-4", "ROC AUC"):
        assert words in done.stdout


def test_unlabelled_pairs_are_scored_without_figures(pairs_file: Path, tmp_path: Path) -> None:
    unlabelled = pairs_file.parent / "unlabelled.jsonl"
    lines = [json.loads(line) for line in pairs_file.read_text().splitlines()]
    unlabelled.write_text(
        "".join(json.dumps({k: v for k, v in p.items() if k != "label"}) + "\n" for p in lines)
    )
    out = tmp_path / "s.jsonl"
    done = mirrorhunt("eval", "--pairs", str(unlabelled), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(out.read_text().splitlines()) == len(lines)
    assert "12 pairs scored" in done.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json\n", "not JSON"),
        ('{"id": "a", "reference": {"url": "https://a.example/", "html": "missing.html"},'
         ' "candidate": {"url": "https://b.example/", "html": "missing.html"}}\n', "cannot read"),
        ('{"id": "a", "reference": {"url": "https://a.example/"}, "candidate": {}}\n', "'html'"),
        ('{"id": "a", "label": 7, "reference": {}, "candidate": {}}\n', "'label' must be 0 or 1"),
        ("\n", "holds no pairs"),
    ],
)  # fmt: skip
def test_bad_pairs_files_get_one_line_errors(tmp_path: Path, content: str, expected: str) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(content, encoding="utf-8")
    done = mirrorhunt("eval", "--pairs", str(pairs), "--out", str(tmp_path / "s.jsonl"), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("error:") and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
