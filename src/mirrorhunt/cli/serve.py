"""`mirrorhunt serve`: the RPZ primary (and, once it exists, the web app) until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Annotated

import typer
from rich.console import Console

from mirrorhunt.cli.context import CliContext
from mirrorhunt.config import PublishSettings
from mirrorhunt.publish.primary import Primary
from mirrorhunt.store import Store


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    listen: Annotated[
        str | None, typer.Option("--listen", help="host:port of the RPZ primary (overrides publish.listen).")
    ] = None,
) -> None:
    """Serve the RPZ over AXFR/IXFR and send NOTIFY on every change ([publish] settings)."""
    context: CliContext = ctx.obj
    settings = context.settings()
    publish = settings.publish if listen is None else settings.publish.model_copy(update={"listen": listen})
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mirrorhunt").setLevel(logging.INFO)
    with Store.open(settings.database_url) as store:
        asyncio.run(_serve(store, publish, Console(highlight=False)))


async def _serve(store: Store, settings: PublishSettings, console: Console) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with Primary(store, settings=settings) as primary:
        zone = primary.zone
        targets = ", ".join(settings.notify) or "nobody (set publish.notify)"
        console.print(
            f"RPZ primary for {zone.text_origin}. on {primary.address} (UDP and TCP): "
            f"serial {zone.serial}, {len(zone.journal.names)} names; NOTIFY to {targets}. Ctrl-C stops."
        )
        await stop.wait()
    console.print("stopped")
