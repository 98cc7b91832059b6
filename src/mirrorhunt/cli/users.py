"""`mirrorhunt user add | list | token | disable`: the accounts of the review desk."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mirrorhunt.cli.context import CliContext
from mirrorhunt.clock import SystemClock
from mirrorhunt.review.rights import ROLES
from mirrorhunt.store.accounts import Accounts

app = typer.Typer(help="Accounts of the review desk: roles, passwords, API tokens.", no_args_is_help=True)
_NOTES = Console(stderr=True, highlight=False)
"""All but the token goes to stderr: ``TOKEN=$(mirrorhunt user add …)`` holds the token alone."""


def _by() -> str:
    return f"cli:{getpass.getuser()}"


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Account name, e.g. ana.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a password for the web login from stdin.")
    ] = False,
) -> None:
    """Create an account and print its API token, once."""
    cli: CliContext = ctx.obj
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with cli.store() as store:
        user, token = Accounts(store, clock=SystemClock()).add_user(
            name=name, role=role, password=password, by=_by()
        )
    typer.echo(token)
    login = "password and token" if password is not None else "API token only (no --password-stdin)"
    _NOTES.print(
        f"user {user.name} ({user.role}) created; signs in with its {login}. The token is not shown again."
    )


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the accounts."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        users = Accounts(store, clock=SystemClock()).users()
    table = Table("name", "role", "created", "state")
    for user in users:
        state = "disabled" if user.disabled else "active"
        table.add_row(user.name, user.role, user.created_at.isoformat(timespec="seconds"), state)
    Console(highlight=False).print(table)


@app.command("token")
def token(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Account name.")]) -> None:
    """Print a new API token for an account; its earlier tokens stop working."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        fresh = Accounts(store, clock=SystemClock()).new_token(name=name, by=_by())
    typer.echo(fresh)
    _NOTES.print(f"new token for {name}; the earlier ones no longer work.")


@app.command("disable")
def disable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Account name.")]) -> None:
    """Stop an account from signing in; its tokens and sessions stop working at once."""
    cli: CliContext = ctx.obj
    with cli.store() as store:
        Accounts(store, clock=SystemClock()).disable(name=name, by=_by())
    _NOTES.print(f"user {name} disabled")
