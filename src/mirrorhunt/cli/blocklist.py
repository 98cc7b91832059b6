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
from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.model import Listing
from mirrorhunt.names import is_public_suffix, normalize_name
from mirrorhunt.publish import FORMATS
from mirrorhunt.publish.output import write_atomically
from mirrorhunt.publish.signed import signature_of, signing_key, take_snapshot

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
    sign: Annotated[
        bool, typer.Option("--sign", help="Also write OUT.minisig, signed with [publish] signing_key.")
    ] = False,
) -> None:
    """Render the blocklist: an RPZ zone, resolver rules, a list, CSV, JSON, STIX or MISP."""
    cli: CliContext = ctx.obj
    settings = cli.settings()
    if sign and out is None:
        raise InvalidInput("--sign needs --out", hint="the signature is written beside OUT as OUT.minisig")
    key = signing_key(settings) if sign else None
    with cli.store() as store:
        snapshot = take_snapshot(store, settings=settings, format=format, clock=SystemClock())
    if out is None:
        typer.echo(snapshot.text, nl=False)
        return
    write_atomically(out, snapshot.text)
    if key is not None:
        write_atomically(
            out.with_name(f"{out.name}.minisig"), signature_of(snapshot, key=key, file_name=out.name)
        )
    Console(stderr=True).print(f"wrote {out}{' and its .minisig' if key else ''}", highlight=False)
