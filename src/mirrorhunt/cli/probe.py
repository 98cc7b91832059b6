"""`mirrorhunt probe NAMES_FILE [--dns-only] [--out F.jsonl]`: JSON lines, one per name, as they finish."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from mirrorhunt.cli.context import CliContext
from mirrorhunt.config import Settings
from mirrorhunt.engine.probe_list import probe_names
from mirrorhunt.errors import InvalidInput

_PROGRESS_EVERY = 64


def register(app: typer.Typer) -> None:
    app.command("probe")(probe)


def probe(
    ctx: typer.Context,
    names_file: Annotated[str, typer.Argument(help="Names, one a line; - for standard input.")],
    dns_only: Annotated[bool, typer.Option("--dns-only", help="Resolve only; fetch nothing.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the JSON lines here, not to stdout.")
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", help="Names in flight (default: 160 for DNS, probe.concurrency)"),
    ] = None,
) -> None:
    """Probe a list of names: one JSON line each, DNS outcome and what was fetched."""
    cli: CliContext = ctx.obj
    settings = cli.settings()
    with ExitStack() as stack:
        source: IO[str] = (
            sys.stdin if names_file == "-" else stack.enter_context(_open(Path(names_file), "r"))
        )
        sink: IO[str] = sys.stdout if out is None else stack.enter_context(_open(out, "w"))
        total = None if names_file == "-" else _count_lines(Path(names_file))
        asyncio.run(
            _run(source, sink, settings=settings, dns_only=dns_only, concurrency=concurrency, total=total)
        )


async def _run(
    source: Iterable[str],
    sink: IO[str],
    *,
    settings: Settings,
    dns_only: bool,
    concurrency: int | None,
    total: int | None,
) -> None:
    bar = Progress(
        TextColumn("probing" if not dns_only else "resolving"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task("names", total=total)
        done = 0
        async for record in probe_names(
            source, settings=settings, dns_only=dns_only, concurrency=concurrency
        ):
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            done += 1
            if done % _PROGRESS_EVERY == 0:
                bar.update(task, completed=done)
        bar.update(task, completed=done)
    sink.flush()


def _open(path: Path, mode: str) -> IO[str]:
    try:
        return path.open(mode, encoding="utf-8", errors="replace")
    except OSError as exc:
        action = "read" if mode == "r" else "write"
        raise InvalidInput(f"cannot {action} {path}: {exc.strerror}") from exc


def _count_lines(path: Path) -> int | None:
    """The number of lines, for the progress bar (None if the file is not a regular file)."""
    if not path.is_file():
        return None
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count
