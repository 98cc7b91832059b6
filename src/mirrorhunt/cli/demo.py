"""`mirrorhunt demo [--keep]`."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mirrorhunt.cli.progress import progress_bar
from mirrorhunt.cli.render import scan_table
from mirrorhunt.clock import SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.lab.demo.run import DemoOutcome, demo_lab, run_demo
from mirrorhunt.store import Store
from mirrorhunt.store.accounts import Accounts
from mirrorhunt.web.server import web_thread
from mirrorhunt.web.site import site_app


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the lab running and the database for exploring.")
    ] = False,
    workdir: Annotated[Path, typer.Option("--workdir", help="Where --keep leaves its files.")] = Path(
        "mirrorhunt-demo"
    ),
    web_listen: Annotated[
        str, typer.Option("--web-listen", help="Where --keep serves the review desk (host:port).")
    ] = "127.0.0.1:8000",
) -> None:
    """The whole system on a lab internet: a seized platform, its mirrors, decoys; scan; RPZ."""
    console = Console(highlight=False)
    folder = workdir if keep else Path(tempfile.mkdtemp(prefix="mirrorhunt-demo-"))
    if keep:
        shutil.rmtree(folder, ignore_errors=True)
    try:
        with demo_lab(folder) as (scenario, lab, settings):
            console.print(
                f"[bold]Lab internet[/] on loopback: DNS {lab.dns_address}, {len(lab.sites)} sites, "
                f"CT log {lab.ct_url}"
            )
            console.print(
                f"Case [bold]salon-lumiere[/]: {scenario.seized_url} was seized; tip received for "
                f"{', '.join(scenario.tips)}."
            )
            with progress_bar() as progress:
                outcome = run_demo(
                    scenario=scenario, lab=lab, settings=settings, workdir=folder, progress=progress
                )
            _show(console, outcome)
            if keep:
                console.print(
                    f"\nKept: database {outcome.database_url}, settings {outcome.env_file}.\n"
                    f"In another shell: set -a; . {outcome.env_file}; set +a; mirrorhunt listings\n"
                    f"Check a signature: minisign -V -p {outcome.public_key} -m {outcome.rpz}\n"
                    f"Case report: {', '.join(str(path) for path in outcome.case_report)}\n"
                    f"Check the transparency log: set -a; . {outcome.env_file}; set +a; "
                    f"mirrorhunt audit verify --pubkey {outcome.audit_key}\n"
                    "The lab keeps running: Ctrl-C stops it."
                )
                with _review_desk(console, settings, listen=web_listen):
                    _wait_for_interrupt()
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    if outcome.problems:
        raise typer.Exit(1)


def _show(console: Console, outcome: DemoOutcome) -> None:
    console.print(scan_table(outcome.report))
    console.print(
        f"\n[bold]RPZ[/] {outcome.rpz} (serial {outcome.serial}) lists "
        f"{len(outcome.listed)} names: {', '.join(outcome.listed)}"
    )
    console.print(outcome.rpz.read_text(encoding="utf-8"), markup=False)
    files = [path.name for path in outcome.exports if path.suffix != ".minisig"]
    console.print(
        f"[bold]Signed exports[/] (Ed25519, minisign format; throwaway key {outcome.public_key.name}): "
        f"{', '.join(files)}, each with a .minisig"
    )
    console.print(
        f"[bold]Transparency log[/]: {outcome.log_size} entries, signed (key {outcome.audit_key.name}); "
        "the RPZ's _log TXT record and every export name its size and root"
    )
    console.print(
        f"[bold]Case report[/] for a court (mirrors, evidence hashes, decisions, infrastructure graph): "
        f"{', '.join(path.name for path in outcome.case_report)}"
    )
    if outcome.problems:
        for problem in outcome.problems:
            console.print(f"[bold red]problem:[/] {problem}")
    else:
        console.print(
            f"[bold green]Every planted mirror found ({len(outcome.scenario.mirrors)}), "
            f"no decoy listed ({len(outcome.scenario.decoys)} decoys).[/]"
        )


@contextlib.contextmanager
def _review_desk(console: Console, settings: Settings, *, listen: str) -> Iterator[None]:
    """The review desk over the demo's database, with an administrator and two approvers to sign in as."""
    with Store.open(settings.database_url) as store:
        accounts = Accounts(store, clock=SystemClock())
        people = [("admin", "admin"), ("ana", "approver"), ("bruno", "approver")]
        passwords = {name: secrets.token_urlsafe(9) for name, _ in people}
        tokens = {
            name: accounts.add_user(name=name, role=role, password=passwords[name], by="demo")[1]
            for name, role in people
        }
        with web_thread(site_app(store=store, settings=settings), listen=listen) as url:
            console.print(f"\n[bold]Review desk[/] on {url}/ : sign in as")
            for name, role in people:
                console.print(f"  {name:6} ({role}) password {passwords[name]}")
            console.print(f"API: curl -H 'Authorization: Bearer {tokens['admin']}' {url}/api/queue")
            yield


def _wait_for_interrupt() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
