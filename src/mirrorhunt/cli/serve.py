"""`mirrorhunt serve`: the RPZ primary, the signed feeds, the stop page and the review desk until Ctrl-C
or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Annotated

import typer
from aiohttp import web
from rich.console import Console

from mirrorhunt.alerts.dispatcher import Dispatcher
from mirrorhunt.audit.follow import follow_listings
from mirrorhunt.audit.keys import configured_signer
from mirrorhunt.audit.log import AuditLog
from mirrorhunt.cli.context import CliContext
from mirrorhunt.config import Settings
from mirrorhunt.errors import ConfigError
from mirrorhunt.publish.feeds import feeds_app
from mirrorhunt.publish.primary import Primary, host_port
from mirrorhunt.stoppage import stop_page_app
from mirrorhunt.stoppage.server import stop_page_server
from mirrorhunt.store import Store
from mirrorhunt.web.server import WebServer
from mirrorhunt.web.site import log_entry_link, site_app


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
    stoppage_listen: Annotated[
        str | None,
        typer.Option(
            "--stoppage-listen",
            help='host:port of the stop page (overrides stoppage.listen; "" for none).',
        ),
    ] = None,
    web_listen: Annotated[
        str | None,
        typer.Option(
            "--web-listen", help='host:port of the review desk (overrides web.listen; "" for none).'
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
    if stoppage_listen is not None:
        stoppage = settings.stoppage.model_copy(update={"listen": stoppage_listen})
        settings = settings.model_copy(update={"stoppage": stoppage})
    if web_listen is not None:
        settings = settings.model_copy(update={"web": settings.web.model_copy(update={"listen": web_listen})})
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
    async with Primary(store, settings=publish, log_head=_audit_log(store, settings).head) as primary:
        zone = primary.zone
        targets = ", ".join(publish.notify) or "nobody (set publish.notify)"
        console.print(
            f"RPZ primary for {zone.text_origin}. on {primary.address} (UDP and TCP): "
            f"serial {zone.serial}, {len(zone.journal.names)} names; NOTIFY to {targets}."
        )
        runner = None
        if publish.feeds_listen:
            feeds = feeds_app(store=store, settings=settings, log_head=_audit_log(store, settings).head)
            runner = web.AppRunner(feeds, access_log=None)
            await runner.setup()
            address = await _start_feeds(runner, publish.feeds_listen)
            signed = "signed" if publish.signing_key else "unsigned (no publish.signing_key)"
            console.print(
                f"Feeds on http://{address}/feeds/<format> and /rpz/{zone.text_origin}.zone, {signed}."
            )
        audit = _follow_listings(store, settings, console)
        pages = contextlib.AsyncExitStack()
        await _start_stop_page(pages, store, settings, console)
        await _start_web(pages, store, settings, console)
        alerts = asyncio.create_task(Dispatcher(store=store, settings=settings).run(stop=stop))
        console.print("Ctrl-C stops.")
        try:
            await stop.wait()
        finally:
            if audit is not None:
                audit.cancel()
            if runner is not None:
                await runner.cleanup()
            await pages.aclose()
            stop.set()
            await alerts
    console.print("stopped")


def _audit_log(store: Store, settings: Settings) -> AuditLog:
    """The transparency log, signing when its key is set (docs/audit.md)."""
    return AuditLog(store, key=None if settings.audit.key is None else configured_signer(settings))


def _follow_listings(store: Store, settings: Settings, console: Console) -> asyncio.Task[None] | None:
    """The transparency log signed after every listing change, when its key is set."""
    if settings.audit.key is None:
        console.print("Transparency log not signed (no [audit] key).")
        return None
    console.print("Transparency log signed after every listing change.")
    return asyncio.create_task(follow_listings(_audit_log(store, settings)))


async def _start_stop_page(
    pages: contextlib.AsyncExitStack, store: Store, settings: Settings, console: Console
) -> None:
    """The stop page on ``stoppage.listen`` (docs/stoppage.md), unless that is ""."""
    stoppage = settings.stoppage
    if not stoppage.listen:
        return
    app = stop_page_app(store=store, settings=settings, log_entry=log_entry_link(store, settings))
    server = await pages.enter_async_context(stop_page_server(app, settings=stoppage))
    authority = stoppage.authority or "no authority named: set stoppage.authority"
    console.print(f"Stop page on {server.url} ({authority}).")


async def _start_web(
    pages: contextlib.AsyncExitStack, store: Store, settings: Settings, console: Console
) -> None:
    """The review desk, its API and /metrics on ``web.listen`` (docs/web.md), unless that is ""."""
    if not settings.web.listen:
        return
    server = await pages.enter_async_context(
        WebServer(site_app(store=store, settings=settings), listen=settings.web.listen)
    )
    console.print(f"Review desk on {server.url}/ (API under /api/, /openapi.json, /metrics).")


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
