"""`mirrorhunt zonediff OLD NEW [--case CASE]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mirrorhunt.cli.context import CliContext
from mirrorhunt.engine.zone_source import propose_zone_diff


def register(app: typer.Typer) -> None:
    app.command("zonediff")(zonediff)


def zonediff(
    ctx: typer.Context,
    old: Annotated[Path, typer.Argument(help="Yesterday's zone file (or list of names), gzip or not.")],
    new: Annotated[Path, typer.Argument(help="Today's.")],
    case: Annotated[str | None, typer.Option("--case", help="Match only this case's watch rules.")] = None,
) -> None:
    """Propose the names NEW adds to OLD that meet a case's watch rules as candidates."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        report = propose_zone_diff(store=store, old=old, new=new, case=case)
    console = Console(highlight=False, soft_wrap=True)
    for candidate in report.matches.found:
        console.print(f"{candidate.name} ({candidate.case}): {candidate.detail}")
    console.print(
        f"{report.matches.added} names added, {len(report.matches.found)} match a case, "
        f"{report.proposed} new candidates"
    )
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    for path, stats in ((old, report.matches.old), (new, report.matches.new)):
        if stats is not None and stats.skipped:
            skipped = f"{stats.skipped} of {stats.lines} lines skipped (malformed or too long)"
            errors.print(f"[yellow]warning:[/] {path}: {skipped}")
