"""`mirrorhunt listings [add | remove]` and `mirrorhunt publish`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mirrorhunt.cli.context import CliContext
from mirrorhunt.cli.render import listings_table, record_json
from mirrorhunt.clock import SystemClock
from mirrorhunt.errors import InvalidName
from mirrorhunt.model import Listing
from mirrorhunt.names import is_public_suffix, normalize_name
from mirrorhunt.publish import FORMATS
from mirrorhunt.publish.output import export, write_atomically

listings_app = typer.Typer(help="The blocklist: what is listed, and an operator's own decisions.")


def register(app: typer.Typer) -> None:
    app.command("publish")(publish)


@listings_app.callback(invoke_without_command=True)
def listings(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False,
) -> None:
    """List what is listed."""
    if ctx.invoked_subcommand is not None:
        return
    cli: CliContext = ctx.obj
    with cli.store() as store:
        found, serial = store.listings(), store.zone_serial()
    if as_json:
        typer.echo(json.dumps({"serial": serial, "listings": [record_json(x) for x in found]}, indent=1))
    else:
        Console().print(listings_table(found, serial=serial))


@listings_app.command("add")
def add(
    ctx: typer.Context,
    name: str,
    case: Annotated[str, typer.Option("--case", help="The case the name is a mirror of.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, in words a court can read.")],
) -> None:
    """List a name by an operator's own decision."""
    cli: CliContext = ctx.obj
    normal = normalize_name(name)
    if is_public_suffix(normal):
        raise InvalidName(f"{normal} is a public suffix and is never listed")
    with cli.store() as store:
        found = store.get_case(case)
        new = store.add_listing(
            Listing(
                name=normal,
                case=case,
                reason=reason,
                decided_by="operator",
                since=SystemClock().now(),
                expires=found.expires,
            )
        )
        serial = store.zone_serial()
    typer.echo(f"{'listed' if new else 'already listed'}: {normal} (zone serial {serial})")


@listings_app.command("remove")
def remove(
    ctx: typer.Context,
    name: str,
    reason: Annotated[str, typer.Option("--reason", help="Why it is taken off the list.")],
) -> None:
    """Take a name off the list."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        store.remove_listing(normalize_name(name), reason=reason, decided_by="operator")
        serial = store.zone_serial()
    typer.echo(f"removed: {name} (zone serial {serial})")


def publish(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.")] = "rpz",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here (atomically) instead of stdout.")
    ] = None,
) -> None:
    """Render the blocklist: an RPZ zone, a hosts file, or a plain list of names."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        text = export(store, settings=cli.settings(), format=format)
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomically(out, text)
        Console(stderr=True).print(f"wrote {out}", highlight=False)
