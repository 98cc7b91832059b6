"""`mirrorhunt lab serve SPEC.toml`: a simulated internet on loopback until interrupted."""

from __future__ import annotations

import asyncio
import signal
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mirrorhunt.lab import Lab, load_spec, write_env_file

app = typer.Typer(help="The lab: DNS, HTTP(S) sites, a CA and a CT log on loopback.", no_args_is_help=True)

Port = Annotated[int, typer.Option(help="0 picks a free port.")]


@app.command("serve")
def serve(
    spec: Annotated[Path, typer.Argument(help="The lab spec (docs/lab.md).")],
    env_file: Annotated[
        Path | None, typer.Option("--env-file", help="Write the MIRRORHUNT_* settings that use this lab.")
    ] = None,
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Where the CA and keys go.")] = None,
    dns_port: Port = 0,
    http_port: Port = 0,
    https_port: Port = 0,
    ct_port: Port = 0,
) -> None:
    """Serve the sites of SPEC until Ctrl-C."""
    sites = load_spec(spec)
    with tempfile.TemporaryDirectory(prefix="mirrorhunt-lab-") as scratch:
        lab = Lab(
            sites=sites,
            workdir=workdir or Path(scratch),
            dns_port=dns_port,
            http_port=http_port,
            https_port=https_port,
            ct_port=ct_port,
        )
        asyncio.run(_serve(lab, env_file=env_file))


async def _serve(lab: Lab, *, env_file: Path | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with lab:
        if env_file is not None:
            write_env_file(env_file, lab.environment())
        console = Console(highlight=False)
        console.print(
            f"lab DNS {lab.dns_address}, HTTP :{lab.http_port}, HTTPS :{lab.https_port}, CT {lab.ct_url}"
        )
        for site in lab.sites:
            what = f"alias of {site.cname}" if site.cname else site.redirect or "files"
            console.print(f"  {site.name:<32} {site.address or '':<15} {what}")
        console.print(
            f"settings written to {env_file}"
            if env_file
            else "settings:\n" + "\n".join(f"  {k}={v}" for k, v in lab.environment().items())
        )
        console.print("Ctrl-C stops the lab.")
        await stop.wait()
