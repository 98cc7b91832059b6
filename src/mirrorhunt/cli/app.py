"""The `mirrorhunt` command: one Typer app, every error reported as one line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from mirrorhunt.cli import (
    alerts,
    audit,
    blocklist,
    cases,
    demo,
    evaluate,
    evidence,
    keys,
    lab,
    pipeline,
    probe,
    report,
    run,
    serve,
    users,
    zones,
)
from mirrorhunt.cli.context import CliContext
from mirrorhunt.errors import MirrorhuntError

app = typer.Typer(
    name="mirrorhunt",
    help="Find the mirrors of court-seized platforms and block them at the DNS level.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", help="Settings file (default ./mirrorhunt.toml).")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Overrides database_url, e.g. sqlite:///cases.db.")
    ] = None,
) -> None:
    """Settings come from mirrorhunt.toml, then MIRRORHUNT_* variables, then these flags."""
    ctx.obj = CliContext(config_file=config, overrides={"database_url": database_url} if database_url else {})


app.add_typer(cases.app, name="case")
app.add_typer(alerts.app, name="alerts")
app.add_typer(lab.app, name="lab")
app.add_typer(blocklist.listings_app, name="listings")
app.add_typer(keys.app, name="keys")
app.add_typer(audit.app, name="audit")
app.add_typer(evidence.app, name="evidence")
app.add_typer(report.app, name="report")
app.add_typer(users.app, name="user")
pipeline.register(app)
evaluate.register(app)
blocklist.register(app)
demo.register(app)
probe.register(app)
serve.register(app)
run.register(app)
zones.register(app)


def main() -> None:
    """Entry point of the console script."""
    errors = Console(stderr=True)
    try:
        app()
    except MirrorhuntError as exc:
        errors.print(f"[bold red]error:[/] {escape(exc.diagnostics())}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        errors.print("interrupted")
        raise SystemExit(130) from None
