"""Printing with Chromium: a PDF from a page; a clear error, and nothing left behind, when Chromium is
missing, fails or hangs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mirrorhunt.report import ReportError, print_pdf


@pytest.fixture
def page(tmp_path: Path) -> Path:
    html = tmp_path / "page.html"
    html.write_text("<!DOCTYPE html><title>t</title><h1>Hello, court</h1>", encoding="utf-8")
    return html


def _script(path: Path, body: str) -> str:
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_chromium_prints_a_pdf(page: Path, tmp_path: Path) -> None:
    pdf = print_pdf(html=page, pdf=tmp_path / "out" / "page.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in pdf.parent.iterdir()) == ["page.pdf"], "no scratch folder left behind"


def test_missing_chromium_says_how_to_install_it(page: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError) as caught:
        print_pdf(html=page, pdf=tmp_path / "page.pdf", chromium=str(tmp_path / "no-chromium"))
    assert "apt-get install chromium" in caught.value.diagnostics()
    assert "--no-pdf" in caught.value.diagnostics()


def test_a_failing_chromium_is_reported_with_its_last_words(page: Path, tmp_path: Path) -> None:
    broken = _script(tmp_path / "broken", "echo 'cannot open display' >&2; exit 3")
    with pytest.raises(ReportError, match=r"exit 3\): cannot open display"):
        print_pdf(html=page, pdf=tmp_path / "out" / "page.pdf", chromium=broken)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_hanging_chromium_is_killed_with_its_children_at_the_time_limit(page: Path, tmp_path: Path) -> None:
    hanging = _script(tmp_path / "hanging", "sleep 60 & sleep 60")  # a child holding the pipes open too
    started = time.monotonic()
    with pytest.raises(ReportError, match="took more than 1 s"):
        print_pdf(html=page, pdf=tmp_path / "out" / "page.pdf", chromium=hanging, timeout=1)
    assert time.monotonic() - started < 15
    assert list((tmp_path / "out").iterdir()) == []
