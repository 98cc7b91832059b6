"""`mirrorhunt scan | submit | candidates`."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer
from rich.console import Console

from mirrorhunt.cli.context import CliContext
from mirrorhunt.cli.progress import progress_bar
from mirrorhunt.cli.render import candidate_json, candidates_table, scan_json, scan_table
from mirrorhunt.engine.history import candidate_views
from mirrorhunt.engine.scan import scan as run_scan
from mirrorhunt.engine.tips import accept_tip

JsonFlag = Annotated[bool, typer.Option("--json", help="One JSON document on standard output, nothing else.")]


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
    app.command("submit")(submit)
    app.command("candidates")(candidates)


def scan(ctx: typer.Context, case: str, as_json: JsonFlag = False) -> None:
    """One pass for a case: sources, probe, match, listings."""
    cli: CliContext = ctx.obj
    settings = cli.settings()
    with cli.store() as store, progress_bar() as progress:
        report = asyncio.run(run_scan(case, store=store, settings=settings, progress=progress))
    if as_json:
        typer.echo(json.dumps(scan_json(report), indent=1))
        return
    console = Console()
    console.print(scan_table(report))
    for warning in report.warnings:
        Console(stderr=True).print(f"[yellow]warning:[/] {warning}", highlight=False)
    listed = sum(r.listed for r in report.results)
    console.print(
        f"{report.permutations_checked} permutations looked up in DNS, "
        f"{report.ct_entries_read} CT entries read; {listed} names listed; zone serial {report.serial}",
        highlight=False,
    )


def submit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The name (or URL) to check.")],
    case: Annotated[str, typer.Option("--case", help="The case it may be a mirror of.")],
    detail: Annotated[str, typer.Option("--detail", help="Where the tip came from.")] = "",
) -> None:
    """Submit a tip: a name to probe at the next scan."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        new = accept_tip(store=store, case=case, name=name, detail=detail, source="the command line")
    typer.echo(f"{'submitted' if new else 'already a candidate'}: {name} for case {case}")


def candidates(
    ctx: typer.Context,
    case: Annotated[str | None, typer.Option("--case", help="Only this case.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """What the sources found, with state, verdict, score, signals, how it was found and its history."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        if case is not None:
            store.get_case(case)
        views = candidate_views(store, case=case)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        **candidate_json(v.candidate, v.verdict),
                        "history": [
                            {"at": c.at.isoformat(), "from": c.before, "to": c.state} for c in v.changes
                        ],
                    }
                    for v in views
                ],
                indent=1,
            )
        )
    else:
        rows = [(v.candidate, v.verdict) for v in views]
        histories = {
            (v.candidate.case, v.candidate.name): " → ".join(c.state for c in v.changes) for v in views
        }
        Console().print(candidates_table(rows, histories=histories))
