"""`mirrorhunt keys generate`: the minisign key pair that signs every export and zone; `mirrorhunt keys
audit`: the key pair that signs the transparency log's checkpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mirrorhunt.audit.keys import generate_audit_key, origin_of
from mirrorhunt.cli.context import CliContext
from mirrorhunt.publish.keys import generate_key_files

app = typer.Typer(help="Signing keys (minisign format, Ed25519).", no_args_is_help=True)


@app.command("generate")
def generate(
    secret: Annotated[Path, typer.Option("--secret", help="Secret key file, written with mode 0600.")] = Path(
        "mirrorhunt.key"
    ),
    public: Annotated[Path, typer.Option("--public", help="Public key file, for `minisign -V -p`.")] = Path(
        "mirrorhunt.pub"
    ),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key pair.")] = False,
) -> None:
    """Create a key pair; set [publish] signing_key to the secret key's path to sign what is published."""
    key = generate_key_files(secret, public_path=public, force=force)
    typer.echo(f"key {key.id_text}: secret {secret}, public {public}")
    typer.echo(f"verify with: minisign -V -p {public} -m FILE")


@app.command("audit")
def audit(
    ctx: typer.Context,
    secret: Annotated[Path, typer.Option("--secret", help="Signer key file, written with mode 0600.")] = Path(
        "audit.key"
    ),
    public: Annotated[Path, typer.Option("--public", help="Verifier key file, for `audit verify`.")] = Path(
        "audit.vkey"
    ),
    name: Annotated[
        str | None,
        typer.Option("--name", help="The log's name (default: [audit] origin, or the zone/audit)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key pair.")] = False,
) -> None:
    """Create the transparency log's Ed25519 key pair (signed-note format); set [audit] key to its path."""
    cli: CliContext = ctx.obj
    key = generate_audit_key(secret, public_path=public, name=name or origin_of(cli.settings()), force=force)
    typer.echo(f"audit key {key.name} ({key.key_id.hex()}): secret {secret}, public {public}")
    typer.echo(f"verifier key: {key.text()}")
