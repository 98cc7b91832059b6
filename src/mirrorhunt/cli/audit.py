"""`mirrorhunt audit [sync | export | verify]`: the transparency log of every listing change."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Annotated

import typer

from mirrorhunt.audit.keys import configured_signer, read_verifier
from mirrorhunt.audit.log import AuditLog
from mirrorhunt.audit.note import VerifierKey
from mirrorhunt.audit.published import export_log, read_checkpoint, reader_of
from mirrorhunt.audit.verify import Verified, verify_published
from mirrorhunt.cli.context import CliContext

app = typer.Typer(
    help="The transparency log: what was listed or delisted, when and why.", no_args_is_help=True
)


@app.command("sync")
def sync(ctx: typer.Context) -> None:
    """Append the listing changes the log lacks and sign its checkpoint (`serve` does it on its own)."""
    cli: CliContext = ctx.obj
    key = configured_signer(cli.settings())
    with cli.store() as store:
        checkpoint = AuditLog(store, key=key).sync()
    typer.echo(f"checkpoint: size {checkpoint.size}, root {_root_text(checkpoint.root)}")


@app.command("export")
def export(
    ctx: typer.Context, directory: Annotated[Path, typer.Argument(help="Where the log is written.")]
) -> None:
    """Write the log as published (c2sp.org/tlog-tiles: checkpoint, tiles, entry bundles) and its key."""
    cli: CliContext = ctx.obj
    key = configured_signer(cli.settings())
    with cli.store() as store:
        log = AuditLog(store, key=key)
        log.sync()
        checkpoint = export_log(log, directory, verifier=key.verifier())
    typer.echo(f"exported {checkpoint.size} entries, root {_root_text(checkpoint.root)}, to {directory}")
    typer.echo(f"verify with: mirrorhunt audit verify --log {directory} --pubkey '{key.verifier().text()}'")


@app.command("verify")
def verify(
    ctx: typer.Context,
    log: Annotated[
        str | None, typer.Option("--log", help="A published copy: its directory or http(s) URL.")
    ] = None,
    pubkey: Annotated[
        str | None,
        typer.Option("--pubkey", help="The log's verifier key (name+id+key), or a file holding it."),
    ] = None,
    since: Annotated[
        Path | None,
        typer.Option("--since", help="A checkpoint you kept from before: the log must extend it."),
    ] = None,
) -> None:
    """Recompute everything and check every signature; exit 1 naming the first mismatch.

    Without --log, the log in the database: every entry from its event, every root, every checkpoint.
    """
    cli: CliContext = ctx.obj
    key = _verifier(cli, pubkey)
    earlier = None if since is None else read_checkpoint(since)
    if log is None:
        with cli.store() as store:
            verified = AuditLog(store).verify(key=key, earlier=earlier)
    else:
        verified = verify_published(reader_of(log), key=key, earlier=earlier)
    typer.echo(_verified_text(verified, key=key))


def _verifier(cli: CliContext, pubkey: str | None) -> VerifierKey:
    return configured_signer(cli.settings()).verifier() if pubkey is None else read_verifier(pubkey)


def _verified_text(verified: Verified, *, key: VerifierKey) -> str:
    heads = f"{verified.checkpoints} signed checkpoint" + ("" if verified.checkpoints == 1 else "s")
    return f"ok: {key.name}: size {verified.size}, root {_root_text(verified.root)} ({heads} checked)"


def _root_text(root: bytes) -> str:
    return f"{base64.b64encode(root).decode()} (hex {root.hex()})"
