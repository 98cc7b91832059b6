"""`mirrorhunt report case CASE --out DIR [--no-pdf]` and `mirrorhunt report transparency --out FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mirrorhunt.cli.context import CliContext
from mirrorhunt.clock import SystemClock
from mirrorhunt.report import write_case_report, write_transparency_page

app = typer.Typer(help="Reports: the case report for courts (HTML, PDF) and the public transparency page.")


@app.command("case")
def case_report(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="The case, e.g. salon-lumiere.")],
    out: Annotated[Path, typer.Option("--out", help="The folder for report.html and report.pdf.")],
    no_pdf: Annotated[
        bool, typer.Option("--no-pdf", help="Write the HTML alone (no Chromium needed).")
    ] = False,
) -> None:
    """The seized platform, its mirrors and how each was found, the evidence and its hashes, the
    decisions and the infrastructure graph."""
    context: CliContext = ctx.obj
    with context.store() as store:
        paths = write_case_report(store, case=case, out=out, now=SystemClock().now(), pdf=not no_pdf)
    for path in paths:
        typer.echo(str(path))


@app.command("transparency")
def transparency(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
) -> None:
    """Counts listed, delisted, contested and upheld, and the time from discovery to listing."""
    context: CliContext = ctx.obj
    with context.store() as store:
        typer.echo(str(write_transparency_page(store, out=out, now=SystemClock().now())))
