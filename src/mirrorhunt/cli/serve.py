"""`mirrorhunt serve`: the RPZ primary and the signed feeds (and, once it exists, the web app) until Ctrl-C
or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Annotated

import typer
from aiohttp import web
from rich.console import Console

from mirrorhunt.cli.context import CliContext
from mirrorhunt.config import Settings
from mirrorhunt.errors import ConfigError
from mirrorhunt.publish.feeds import feeds_app
from mirrorhunt.publish.primary import Primary, host_port
from mirrorhunt.store import Store


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    listen: Annotated[
        str | None, typer.Option("--listen", help="host:port of the RPZ primary (overrides publish.listen).")
    ] = None,
    feeds_listen: Annotated[
        str | None,
        typer.Option(
            "--feeds-listen", help='host:port of the feeds (overrides publish.feeds_listen; "" for none).'
        ),
    ] = None,
) -> None:
    """Serve the RPZ over AXFR/IXFR with NOTIFY on every change, and the signed feeds over HTTP."""
    context: CliContext = ctx.obj
    settings = context.settings()
    update = {
        key: value for key, value in (("listen", listen), ("feeds_listen", feeds_listen)) if value is not None
    }
    settings = settings.model_copy(update={"publish": settings.publish.model_copy(update=update)})
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mirrorhunt").setLevel(logging.INFO)
    with Store.open(settings.database_url) as store:
        asyncio.run(_serve(store, settings, Console(highlight=False)))


async def _serve(store: Store, settings: Settings, console: Console) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    publish = settings.publish
    async with Primary(store, settings=publish) as primary:
        zone = primary.zone
        targets = ", ".join(publish.notify) or "nobody (set publish.notify)"
        console.print(
            f"RPZ primary for {zone.text_origin}. on {primary.address} (UDP and TCP): "
            f"serial {zone.serial}, {len(zone.journal.names)} names; NOTIFY to {targets}."
        )
        runner = None
        if publish.feeds_listen:
            runner = web.AppRunner(feeds_app(store=store, settings=settings), access_log=None)
            await runner.setup()
            address = await _start_feeds(runner, publish.feeds_listen)
            signed = "signed" if publish.signing_key else "unsigned (no publish.signing_key)"
            console.print(
                f"Feeds on http://{address}/feeds/<format> and /rpz/{zone.text_origin}.zone, {signed}."
            )
        console.print("Ctrl-C stops.")
        try:
            await stop.wait()
        finally:
            if runner is not None:
                await runner.cleanup()
    console.print("stopped")


async def _start_feeds(runner: web.AppRunner, listen: str) -> str:
    host, port = host_port(listen, default_port=80, setting="publish.feeds_listen")
    site = web.TCPSite(runner, host.strip("[]"), port)
    try:
        await site.start()
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {host} port {port} for the feeds: {exc.strerror or exc}",
            hint="choose another publish.feeds_listen",
        ) from exc
    bound = runner.addresses[0][1]
    return f"[{host}]:{bound}" if ":" in host else f"{host}:{bound}"
