"""`mirrorhunt case add | list | show`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mirrorhunt.cli.context import CliContext, parse_date
from mirrorhunt.cli.render import cases_table, record_json
from mirrorhunt.engine.cases import open_case

app = typer.Typer(
    help="Cases: a seized platform, its legal basis, its references and watch rules.", no_args_is_help=True
)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A short name for the case, e.g. salon-lumiere.")],
    url: Annotated[str, typer.Option("--url", help="Where the seized platform was, e.g. https://site.fr/.")],
    reference: Annotated[
        Path | None,
        typer.Option("--reference", help="A saved copy of its landing page (else URL is captured)."),
    ] = None,
    favicon: Annotated[Path | None, typer.Option("--favicon", help="Its favicon file.")] = None,
    order: Annotated[str | None, typer.Option("--order", help="The court order or legal basis.")] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help="When the order expires (YYYY-MM-DD).")
    ] = None,
    keyword: Annotated[list[str] | None, typer.Option("--keyword", help="A watch word (repeatable).")] = None,
    auto_list: Annotated[
        bool, typer.Option("--auto-list", help="List confirmed mirrors without review.")
    ] = False,
    four_eyes: Annotated[
        bool, typer.Option("--four-eyes", help="Two different approvers must approve each listing.")
    ] = False,
) -> None:
    """Open a case for a seized platform."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        case = asyncio.run(
            open_case(
                store=store,
                settings=cli.settings(),
                name=name,
                url=url,
                reference=reference,
                favicon=favicon,
                keywords=keyword or (),
                auto_list=auto_list,
                four_eyes=four_eyes,
                order=order,
                expires=parse_date(expires, flag="--expires"),
            )
        )
    Console().print(f"case [bold]{case.name}[/] opened for {case.url}", highlight=False)


@app.command("list")
def list_(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False
) -> None:
    """List the cases."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        found = store.list_cases()
    if as_json:
        typer.echo(json.dumps([record_json(c) for c in found], indent=1))
    else:
        Console().print(cases_table(found))


@app.command("show")
def show(
    ctx: typer.Context,
    name: str,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False,
) -> None:
    """Show one case, its references and its candidates."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        case = store.get_case(name)
        references = store.references(name)
        candidates = store.candidates(name)
        listed = [listing for listing in store.listings() if listing.case == name]
    document = {
        **record_json(case),
        "references": [
            {
                "url": r.url,
                "source": r.source,
                "captured_at": r.captured_at.isoformat(),
                "bytes": len(r.html.encode()),
            }
            for r in references
        ],
        "candidates": len(candidates),
        "listed": [listing.name for listing in listed],
    }
    if as_json:
        typer.echo(json.dumps(document, indent=1))
        return
    console = Console(highlight=False)
    for key, value in document.items():
        console.print(f"[bold]{key}[/]: {value}")
