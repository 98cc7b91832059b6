"""Done-when for reports: the demo's case report, printed by Chromium, has pages that look right as
images (none blank, the graph drawn in colour) and text that names every mirror and evidence hash."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from report_png import Image, read_png

from mirrorhunt.lab.demo.run import CASE, DemoOutcome, demo_lab, run_demo
from mirrorhunt.model import Capture
from mirrorhunt.report.facts import capture_facts
from mirrorhunt.store import Store

A4 = 297 / 210
HEADINGS = (
    "1. The seized platform",
    "2. The mirrors found, and how",
    "3. Decisions",
    "4. Infrastructure graph",
    "5. Evidence and its hashes",
    "6. Record of events",
)


@dataclass(frozen=True)
class Demo:
    outcome: DemoOutcome
    captures: dict[str, list[Capture]]
    folder: Path


def _quiet(stage: str, done: int, total: int) -> None:
    return None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo")
    with demo_lab(folder) as (scenario, lab, settings):
        outcome = run_demo(scenario=scenario, lab=lab, settings=settings, workdir=folder, progress=_quiet)
    assert outcome.problems == ()
    with Store.open(settings.database_url) as store:
        captures = {name: store.captures(CASE, name) for name in outcome.listed}
    yield Demo(outcome=outcome, captures=captures, folder=folder)


def _pages(pdf: Path, folder: Path) -> list[tuple[Image, str]]:
    """Each page as a 50 dpi image (kept in ``folder``) with its text."""
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(folder / "page")], check=True, timeout=120)
    images = sorted(folder.glob("page-*.png"))
    texts = [
        subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        for i in range(1, len(images) + 1)
    ]
    return [(read_png(path), text) for path, text in zip(images, texts, strict=True)]


def test_the_demo_case_report_prints_to_pages_that_look_right(demo: Demo, tmp_path: Path) -> None:
    html, pdf = demo.outcome.case_report
    assert (html.name, pdf.name) == ("report.html", "report.pdf") and html.parent == demo.folder / "report"
    pages = _pages(pdf, tmp_path / "pages")

    assert 6 <= len(pages) <= 20, f"{len(pages)} pages: one per section at least, not one per table row"
    for number, (image, text) in enumerate(pages, 1):
        assert abs(image.height / image.width - A4) < 0.01, f"page {number} is not A4"
        assert image.ink() > 0.02, f"page {number} is (nearly) blank"
        assert len(text.split()) > 20, f"page {number} has hardly any text"
    starts = [next(n for n, (_, text) in enumerate(pages) if heading in text) for heading in HEADINGS]
    assert starts[:2] == [0, 0], "the seized platform and the list of mirrors open the report"
    assert starts[1] < starts[2] < starts[3] < starts[4] < starts[5], "sections 3 to 6 each start a page"
    for heading, start in zip(HEADINGS[2:], starts[2:], strict=True):
        assert pages[start][1].lstrip().startswith(heading), f"{heading!r} is not at the top of its page"

    graph = [image for image, text in pages if "Infrastructure graph" in text]
    assert len(graph) == 1, "the graph has a page of its own"
    others = [image.coloured() for image, text in pages if "Infrastructure graph" not in text]
    assert graph[0].coloured() > 300 and graph[0].coloured() > 10 * max(others), (
        "the graph is drawn in colour"
    )
    assert graph[0].variance() > 200


def test_the_report_text_names_every_mirror_and_every_evidence_hash(demo: Demo, tmp_path: Path) -> None:
    _, pdf = demo.outcome.case_report
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    joined = re.sub(r"\s+", "", text)  # hashes wrap inside their cells
    for mirror in demo.outcome.scenario.mirrors:
        assert mirror in text, mirror
    hashes = 0
    for name, captures in demo.captures.items():
        assert captures, f"no capture of {name}"
        for capture in captures:
            facts = capture_facts(capture)
            expected = [facts.body_sha256, capture.warc_sha256, capture.warc_path, *facts.chain_sha256]
            if capture.certificate is not None:  # served over HTTPS
                expected.append(facts.certificate_sha256)
            for value in expected:
                assert value is not None and value in joined, (name, value)
                hashes += 1
    assert hashes >= 3 * len(demo.outcome.scenario.mirrors)


def test_the_report_command_writes_both_files_and_html_alone_on_request(demo: Demo, tmp_path: Path) -> None:
    database = f"sqlite:///{demo.folder / 'mirrorhunt.db'}"
    base = [sys.executable, "-m", "mirrorhunt", "--database-url", database, "report"]

    done = subprocess.run(
        [*base, "case", CASE, "--out", str(tmp_path / "both")], capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        str(tmp_path / "both" / "report.html"),
        str(tmp_path / "both" / "report.pdf"),
    ]
    assert (tmp_path / "both" / "report.pdf").read_bytes().startswith(b"%PDF-")

    done = subprocess.run(
        [*base, "case", CASE, "--out", str(tmp_path / "html"), "--no-pdf"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "html").iterdir()) == ["report.html"]

    page = tmp_path / "transparency.html"
    done = subprocess.run(
        [*base, "transparency", "--out", str(page)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == str(page), done.stderr
    assert "Transparency report" in page.read_text(encoding="utf-8")

    done = subprocess.run(
        [*base, "case", "no-such-case", "--out", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "no-such-case" in done.stderr
    assert not (tmp_path / "none").exists()
