"""`mirrorhunt listings [add | set-action | remove]` and `mirrorhunt publish [status | confirm]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mirrorhunt.cli.context import CliContext
from mirrorhunt.cli.render import listings_table, record_json
from mirrorhunt.clock import SystemClock
from mirrorhunt.errors import InvalidInput
from mirrorhunt.names import normalize_name
from mirrorhunt.publish import FORMATS
from mirrorhunt.publish.decisions import change_action, list_name, parse_action
from mirrorhunt.publish.output import write_export
from mirrorhunt.publish.publication import Publication, Status
from mirrorhunt.publish.signed import signing_key, take_snapshot
from mirrorhunt.review.safeguards import require_listable

listings_app = typer.Typer(help="The blocklist: what is listed, and an operator's own decisions.")


publish_app = typer.Typer(
    help="Render the published blocklist; see and confirm what the safety valve holds back."
)


def register(app: typer.Typer) -> None:
    app.add_typer(publish_app, name="publish")


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


_ACTION_HELP = "nxdomain, nodata, redirect (to [publish] stop_page) or passthru (an exception)."


@listings_app.command("add")
def add(
    ctx: typer.Context,
    name: str,
    case: Annotated[str, typer.Option("--case", help="The case the name is a mirror of.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, in words a court can read.")],
    action: Annotated[
        str | None, typer.Option("--action", help=f"{_ACTION_HELP} Default: [publish] action.")
    ] = None,
) -> None:
    """List a name by an operator's own decision."""
    cli: CliContext = ctx.obj
    chosen = None if action is None else parse_action(action)
    require_listable(name, settings=cli.settings().publish)
    with cli.store() as store:
        done = list_name(
            store,
            name=name,
            case=case,
            reason=reason,
            action=chosen,
            settings=cli.settings().publish,
            decided_by="operator",
            clock=SystemClock(),
        )
    what = "listed" if done.changed else "already listed"
    typer.echo(f"{what}: {done.name}, {done.action} (store serial {done.serial})")


@listings_app.command("set-action")
def set_action(
    ctx: typer.Context,
    name: str,
    action: Annotated[str, typer.Option("--action", help=_ACTION_HELP)],
    reason: Annotated[str, typer.Option("--reason", help="Why the action changes.")],
) -> None:
    """Change what resolvers answer for a listed name."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        done = change_action(
            store,
            name=name,
            action=parse_action(action),
            reason=reason,
            settings=cli.settings().publish,
            decided_by="operator",
        )
    what = "action changed" if done.changed else "action unchanged"
    typer.echo(f"{what}: {done.name}, {done.action} (store serial {done.serial})")


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
    typer.echo(f"removed: {name} (store serial {serial})")


@publish_app.callback(invoke_without_command=True)
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
    """Render the published blocklist: an RPZ zone, resolver rules, a list, CSV, JSON, STIX or MISP."""
    if ctx.invoked_subcommand is not None:
        return
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
    written = write_export(out, snapshot, key=key)
    Console(stderr=True).print(
        f"wrote {' and '.join(map(str, written))} (zone serial {snapshot.serial})", highlight=False
    )


@publish_app.command("status")
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False,
) -> None:
    """What is published, what waits, and whether the safety valve holds it."""
    cli: CliContext = ctx.obj
    settings = cli.settings()
    with cli.store() as store:
        found = Publication(store, settings=settings.publish, clock=SystemClock()).refresh()
    _show(found, as_json=as_json)


@publish_app.command("confirm")
def confirm(
    ctx: typer.Context,
    serial: Annotated[
        int | None,
        typer.Option("--serial", help="Store serial to publish (default: the latest; see publish status)."),
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Who confirms (recorded in the event log).")] = "operator",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False,
) -> None:
    """Publish a change the safety valve held back."""
    cli: CliContext = ctx.obj
    settings = cli.settings()
    with cli.store() as store:
        found = Publication(store, settings=settings.publish, clock=SystemClock()).confirm(
            serial=serial, by=by
        )
    _show(found, as_json=as_json)


def _show(found: Status, *, as_json: bool) -> None:
    pending = found.pending
    if as_json:
        document = {
            "zone_serial": found.zone_serial,
            "released": found.released,
            "head": found.head,
            "held": found.held,
            "reasons": list(pending.reasons),
            "pending": {"added": pending.added, "removed": pending.removed},
            "published": len(found.names),
            "excluded": [{"name": name, "why": why} for name, why in found.excluded],
        }
        typer.echo(json.dumps(document, indent=1))
        return
    console = Console(highlight=False)
    console.print(
        f"published: zone serial {found.zone_serial} (store serial {found.released}), "
        f"{len(found.names)} names"
    )
    if found.head != found.released:
        console.print(
            f"{'HELD' if found.held else 'pending'}: store serial {found.head} adds {pending.added} "
            f"and drops {pending.removed} names"
        )
    for reason in pending.reasons:
        console.print(f"  held because it {reason}")
    if found.held:
        console.print(f"  publish it: mirrorhunt publish confirm --serial {found.head}")
    for name, why in found.excluded:
        console.print(f"never published: {name} ({why})")
