"""`mirrorhunt alerts test | pending | subscribe | unsubscribe | subscriptions`."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mirrorhunt.alerts.dispatcher import send_test_alert
from mirrorhunt.alerts.routing import Subscription
from mirrorhunt.alerts.rules import KINDS
from mirrorhunt.cli.context import CliContext
from mirrorhunt.clock import SystemClock
from mirrorhunt.errors import ConfigError, InvalidInput
from mirrorhunt.store.alerts import AlertStore

app = typer.Typer(
    help="Alerts: test the channels, see what is still owed, subscribe people (docs/alerts.md)."
)


@app.command("test")
def test(ctx: typer.Context) -> None:
    """Send a test alert to every webhook, mail recipient and subscriber now; exit 1 if one failed."""
    cli: CliContext = ctx.obj
    settings = cli.settings()
    with cli.store() as store:
        results = asyncio.run(send_test_alert(store=store, settings=settings))
    if not results:
        raise ConfigError(
            "no channel to test", hint="set [alerts] webhooks or smtp, or `mirrorhunt alerts subscribe`"
        )
    console = Console(highlight=False)
    for target, error in results:
        console.print(
            f"{target.channel} {escape(target.address)}: "
            + ("[green]sent[/]" if error is None else f"[red]{escape(error)}[/]")
        )
    if any(error is not None for _, error in results):
        raise typer.Exit(1)


@app.command("pending")
def pending(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False,
) -> None:
    """Messages not delivered yet: their target, attempts, next try and last error."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        owed = AlertStore(store).deliveries(state="pending")
    if as_json:
        rows = [
            {
                "id": d.id,
                "channel": d.target.channel,
                "target": d.target.address,
                "alerts": len(d.alerts),
                "attempts": d.attempts,
                "next_try": d.next_try.isoformat(),
                "last_error": d.last_error,
            }
            for d in owed
        ]
        typer.echo(json.dumps({"pending": rows}, indent=1))
        return
    table = Table(title=f"{len(owed)} messages not delivered yet", title_justify="left")
    for column in ("id", "channel", "target", "alerts", "attempts", "next try (UTC)", "last error"):
        table.add_column(column)
    for d in owed:
        table.add_row(
            str(d.id),
            d.target.channel,
            escape(d.target.address),
            str(len(d.alerts)),
            str(d.attempts),
            f"{d.next_try:%Y-%m-%d %H:%M:%S}",
            escape(d.last_error or ""),
        )
    Console().print(table)


@app.command("subscribe")
def subscribe(
    ctx: typer.Context,
    user: str,
    case: Annotated[str | None, typer.Option("--case", help="Only this case (default: every case).")] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help=f"Only these kinds: {', '.join(KINDS)}.")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Send by e-mail to this address (default: the desk's list).")
    ] = None,
) -> None:
    """Subscribe a person to alerts, on the desk's list or by e-mail."""
    kinds = tuple(kind or ())
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise InvalidInput(f"unknown alert kind {', '.join(unknown)}", hint=f"one of {', '.join(KINDS)}")
    subscription = Subscription(
        user=user, case=case, kinds=kinds, channel="email" if email else "desk", address=email
    )
    cli: CliContext = ctx.obj
    with cli.store() as store:
        number = AlertStore(store).subscribe(subscription, now=SystemClock().now())
    typer.echo(f"subscription {number}")


@app.command("unsubscribe")
def unsubscribe(ctx: typer.Context, number: int) -> None:
    """Remove a subscription by its number."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        AlertStore(store).unsubscribe(number, now=SystemClock().now())


@app.command("subscriptions")
def subscriptions(ctx: typer.Context) -> None:
    """Who is subscribed to what."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        found = AlertStore(store).subscriptions()
    table = Table(title=f"{len(found)} subscriptions", title_justify="left")
    for column in ("number", "user", "case", "kinds", "channel"):
        table.add_column(column)
    for s in found:
        channel = s.channel if s.address is None else f"{s.channel} {s.address}"
        table.add_row(str(s.id), s.user, s.case or "every case", ", ".join(s.kinds) or "every kind", channel)
    Console().print(table)
