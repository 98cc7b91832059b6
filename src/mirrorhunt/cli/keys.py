"""`mirrorhunt keys generate`: the minisign key pair that signs every export and zone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
