"""`mirrorhunt run [--for SECONDS]`: the continuous monitor, and the alerts it causes, stopped by SIGINT,
SIGTERM or the clock."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer
from rich.console import Console

from mirrorhunt.alerts.dispatcher import Dispatcher
from mirrorhunt.cli.context import CliContext
from mirrorhunt.config import Settings
from mirrorhunt.engine.monitor import MonitorReport, monitor
from mirrorhunt.errors import InvalidInput
from mirrorhunt.store import Store


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def run(
    ctx: typer.Context,
    duration: Annotated[
        float | None,
        typer.Option("--for", help="Stop after this many seconds (default: until SIGINT/SIGTERM)."),
    ] = None,
    primary: Annotated[
        bool,
        typer.Option(
            "--primary",
            help="Also serve the RPZ primary (publish.listen) while this process leads those sharing "
            "the database: one of them serves it, another takes over if it dies.",
        ),
    ] = False,
) -> None:
    """Watch every case continuously: CT logs, permutation sweeps, tips, redirects, pivots; one queue."""
    if duration is not None and duration <= 0:
        raise InvalidInput(f"--for {duration} is not a duration", hint="give a number of seconds above 0")
    cli: CliContext = ctx.obj
    settings = cli.settings()
    errors = Console(stderr=True)
    with cli.store() as store:
        report = asyncio.run(_run(store, settings, duration=duration, primary=primary, errors=errors))
    for warning in report.warnings:
        errors.print(f"[yellow]warning:[/] {warning}", highlight=False)
    Console().print(
        f"stopped: {report.probed} probes, {report.found} candidates found, "
        f"{report.ct_entries} CT entries read, {report.permutations} permutations resolved",
        highlight=False,
    )


async def _run(
    store: Store, settings: Settings, *, duration: float | None, primary: bool, errors: Console
) -> MonitorReport:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    if duration is not None:
        loop.call_later(duration, stop.set)
    alerts = Dispatcher(store=store, settings=settings, watch_sources=True)
    dispatching = asyncio.create_task(alerts.run(stop=stop))
    try:
        return await monitor(
            store=store,
            settings=settings,
            stop=stop,
            notify=lambda line: errors.print(line, highlight=False),
            primary=primary,
        )
    finally:
        stop.set()
        await dispatching
