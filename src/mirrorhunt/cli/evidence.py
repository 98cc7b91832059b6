"""`mirrorhunt evidence export CANDIDATE [--case CASE] --out DIR [--json]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mirrorhunt.cli.context import CliContext
from mirrorhunt.evidence import EvidenceFolder, export_bundle

app = typer.Typer(help="Evidence kept for candidates: WARC captures, exported as checkable bundles.")


@app.command("export")
def export(
    ctx: typer.Context,
    candidate: Annotated[str, typer.Argument(help="The candidate name, e.g. salon-lumiere.gg.")],
    out: Annotated[Path, typer.Option("--out", help="A new folder for the bundle.")],
    case: Annotated[str | None, typer.Option("--case", help="The case, when several have the name.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the bundle summary as JSON.")] = False,
) -> None:
    """Write the WARC files, summary.json and SHA256SUMS of a candidate's captures."""
    context: CliContext = ctx.obj
    settings = context.settings()
    with context.store() as store:
        bundle = export_bundle(
            store, EvidenceFolder.from_settings(settings), name=candidate, case=case, out=out
        )
    if as_json:
        typer.echo(json.dumps({"folder": str(bundle.folder), **bundle.summary}))
    else:
        typer.echo(
            f"{bundle.name} (case {bundle.case}): {len(bundle.warcs)} WARC file(s), summary.json and "
            f"SHA256SUMS in {bundle.folder}"
        )
