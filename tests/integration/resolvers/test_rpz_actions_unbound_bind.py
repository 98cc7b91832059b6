"""Unbound and BIND 9 fed by the mirrorhunt primary apply every listing action: NODATA, a redirect to the
stop page, PASSTHRU below a listed name, a new action sent by NOTIFY and IXFR, and the log head's TXT.

The lab here serves, besides the listed site, a name below it and the stop page (the case and store
come from conftest.py)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from resolver_processes import SITE, Resolver, binary, bind, free_port, unbound
from test_rpz_unbound_bind import each

from mirrorhunt.config import PublishSettings
from mirrorhunt.lab import Lab, SiteSpec
from mirrorhunt.model import Listing, ListingAction
from mirrorhunt.publish.loghead import LogHead
from mirrorhunt.publish.primary import Primary
from mirrorhunt.store import Store

ZONE = "rpz.test"
SALON, SALON_ADDRESS = SITE, "127.0.10.41"  # the case of conftest.py is a mirror of it
WWW, WWW_ADDRESS = f"www.{SITE}", "127.0.10.42"
CLUB, CLUB_ADDRESS = "club.gg", "127.0.10.43"
STOP_PAGE, STOP_ADDRESS = "stop.arcom.fr", "127.0.10.49"


@pytest.fixture
async def lab(tmp_path: Path) -> AsyncIterator[Lab]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><title>Salon</title></html>")
    names = {SALON: SALON_ADDRESS, WWW: WWW_ADDRESS, CLUB: CLUB_ADDRESS, STOP_PAGE: STOP_ADDRESS}
    sites = [SiteSpec(name=name, files=site, address=address) for name, address in names.items()]
    async with Lab(sites=sites, workdir=tmp_path / "lab") as running:
        yield running


def listing(name: str, action: ListingAction) -> Listing:
    return Listing(
        name=name, case="salon", action=action, reason="mirror", decided_by="test", since=datetime.now(UTC)
    )


@pytest.mark.usefixtures("binaries")
async def test_every_action_reaches_unbound_and_bind(lab: Lab, store: Store, tmp_path: Path) -> None:
    ports = {"unbound": free_port(), "named": free_port()}
    settings = PublishSettings(
        zone=ZONE,
        ttl=5,
        listen="127.0.0.1:0",
        notify=[f"127.0.0.1:{port}" for port in ports.values()],
        stop_page=STOP_PAGE,
    )
    heads = [LogHead(size=3, root=b"\x01" * 32)]
    async with (
        Primary(store, settings=settings, log_head=lambda: heads[-1]) as primary,
        contextlib.AsyncExitStack() as stack,
    ):
        common: dict[str, Any] = {"lab_dns": lab.dns_address, "zone": ZONE, "primary": primary.port}
        consumers: list[Resolver] = [
            await stack.enter_async_context(bind(folder=tmp_path / "named", port=ports["named"], **common)),
            await stack.enter_async_context(
                unbound(folder=tmp_path / "unbound", port=ports["unbound"], **common)
            ),
        ]
        for name, address in ((SALON, SALON_ADDRESS), (WWW, WWW_ADDRESS), (CLUB, CLUB_ADDRESS)):
            resolves = partial(Resolver.resolves_to, name=name, address=address)
            await each(consumers, resolves, what=f"{name} resolves")

        store.add_listings([listing(SALON, "nxdomain"), listing(WWW, "passthru"), listing(CLUB, "nodata")])
        primary.changed()
        await each(consumers, lambda c: c.answers_no_data(CLUB), what="NODATA for the listed name")
        await each(consumers, lambda c: c.answers_no_data(f"www.{CLUB}"), what="NODATA below it")
        await each(consumers, lambda c: c.refuses(SALON), what="NXDOMAIN for the listed name")
        await each(consumers, lambda c: c.refuses(f"shop.{SALON}"), what="NXDOMAIN below it")
        await each(consumers, lambda c: c.resolves_to(WWW, WWW_ADDRESS), what="PASSTHRU answers as usual")
        await each(consumers, lambda c: has_text(c, heads[-1]), what="the log head is loaded as a TXT")
        await each(
            consumers, lambda c: c.resolves_to(STOP_PAGE, STOP_ADDRESS), what="real names still resolve"
        )

        heads.append(LogHead(size=4, root=b"\x02" * 32))
        assert store.set_listing_action(SALON, action="redirect", reason="stop page", decided_by="test")
        primary.changed()
        await each(
            consumers, lambda c: c.resolves_to(SALON, STOP_ADDRESS), what="redirected to the stop page"
        )
        await each(consumers, lambda c: c.resolves_to(f"shop.{SALON}", STOP_ADDRESS), what="redirected below")
        await each(consumers, lambda c: c.resolves_to(WWW, WWW_ADDRESS), what="PASSTHRU still answers")
        await each(consumers, lambda c: has_text(c, heads[-1]), what="the new log head replaced the old")
    diffs = journal_lines(tmp_path / "named" / f"{ZONE}.sec.jnl")
    assert [line for line in diffs if SALON in line][-4:] == [
        f"del {SALON}.{ZONE}. CNAME .",
        f"del *.{SALON}.{ZONE}. CNAME .",
        f"add {SALON}.{ZONE}. CNAME {STOP_PAGE}.",
        f"add *.{SALON}.{ZONE}. CNAME {STOP_PAGE}.",
    ], "BIND received the new action as an incremental transfer (RFC 1995), not a whole zone"
    assert [line for line in diffs if line.startswith(("del _log", "add _log"))] == [
        f'del _log.{ZONE}. TXT "{heads[0].text}"',
        f'add _log.{ZONE}. TXT "{heads[1].text}"',
    ]


def journal_lines(path: Path) -> list[str]:
    """BIND's journal of the incremental transfers it applied: "del|add owner type data" per record."""
    printed = subprocess.run(
        [binary("named-journalprint"), str(path)], capture_output=True, text=True, timeout=30, check=True
    )
    lines = []
    for line in printed.stdout.splitlines():
        what, owner, _ttl, _class, kind, *data = line.split()
        lines.append(" ".join([what, owner, kind, *data]))
    return lines


async def has_text(consumer: Resolver, head: LogHead) -> bool:
    """``_log.`` (the record's trigger, a name no real query can ask) answers the head and nothing else."""
    return await consumer.texts("_log.") == [head.text]
