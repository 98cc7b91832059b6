"""Write the reports to files: the HTML whole or not at all, then the PDF printed from it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mirrorhunt.files import write_atomically
from mirrorhunt.report.case import case_report_html
from mirrorhunt.report.collect import collect_case, collect_figures
from mirrorhunt.report.pdf import print_pdf
from mirrorhunt.report.transparency import transparency_html
from mirrorhunt.store import Store


def write_case_report(
    store: Store, *, case: str, out: Path, now: datetime, pdf: bool = True
) -> tuple[Path, ...]:
    """``out/report.html`` and, with ``pdf``, ``out/report.pdf``; the paths written."""
    html = out / "report.html"
    write_atomically(html, case_report_html(collect_case(store, case=case, now=now)))
    return (html, print_pdf(html=html, pdf=out / "report.pdf")) if pdf else (html,)


def write_transparency_page(store: Store, *, out: Path, now: datetime) -> Path:
    write_atomically(out, transparency_html(collect_figures(store, now=now)))
    return out
