"""End to end: a name listed with the redirect action reaches real Unbound through the RPZ primary,
resolves to the stop page's address, and the page found there names the order, in English and in
French, as headless Chromium shows it.

Set ``MIRRORHUNT_SCREENSHOTS=docs`` to write the screenshots docs/stoppage.md shows.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import aiohttp
import dns.rdatatype
from playwright.async_api import async_playwright
from resolver_processes import binary, eventually, free_port
from stoppage_lab import SITE, SITE_ADDRESS, STOP, STOP_ADDRESS, ZONE, unbound_with_ede

from mirrorhunt.config import PublishSettings, Settings, StoppageSettings
from mirrorhunt.lab import Lab
from mirrorhunt.model import Case, Listing
from mirrorhunt.publish.primary import Primary
from mirrorhunt.stoppage import stop_page_app
from mirrorhunt.stoppage.server import stop_page_server
from mirrorhunt.store import Store

ORDER = "TJ Paris, ordonnance de référé du 12/05/2026, RG 26/01234"
AUTHORITY = "Arcom (Autorité de régulation de la communication audiovisuelle et numérique)"
CHROMIUM = "/usr/bin/chromium"


async def test_a_redirected_name_reaches_the_stop_page(lab: Lab, tmp_path: Path) -> None:
    binary("unbound")
    store = Store.open(f"sqlite:///{tmp_path / 'mirrorhunt.db'}")
    store.add_case(
        Case(
            name="salon",
            url="https://salon.gg/",
            order=ORDER,
            expires=date(2027, 6, 30),
            created_at=datetime.now(UTC),
        )
    )
    port = free_port()
    publish = PublishSettings(
        zone=ZONE, ttl=5, listen="127.0.0.1:0", notify=[f"127.0.0.1:{port}"], stop_page=STOP
    )
    settings = Settings(
        publish=publish,
        stoppage=StoppageSettings(
            listen=f"{STOP_ADDRESS}:0", authority=AUTHORITY, contest_url="http://127.0.0.1:8000/contest"
        ),
    )
    app = stop_page_app(
        store=store, settings=settings, log_entry=lambda name: (3, "http://127.0.0.1:8000/audit/entries/3")
    )
    async with (
        Primary(store, settings=publish) as primary,
        unbound_with_ede(
            folder=tmp_path / "unbound", port=port, lab_dns=lab.dns_address, primary=primary.port
        ) as resolver,
        stop_page_server(app, settings=settings.stoppage) as page,
    ):
        await eventually(lambda: resolver.resolves_to(SITE, SITE_ADDRESS), within=10, what="resolves before")
        store.add_listing(
            Listing(
                name=SITE,
                case="salon",
                action="redirect",
                reason="mirror of salon.gg",
                decided_by="ana",
                since=datetime.now(UTC),
            )
        )
        primary.changed()
        await eventually(lambda: resolver.resolves_to(SITE, STOP_ADDRESS), within=10, what="redirected")
        reply = await resolver.query(SITE)
        chain = [(rrset.rdtype, rrset[0].to_text()) for rrset in reply.answer]
        assert chain == [(dns.rdatatype.CNAME, f"{STOP}."), (dns.rdatatype.A, STOP_ADDRESS)]

        port_of_page = page.url.rsplit(":", 1)[1]
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                f"http://{STOP_ADDRESS}:{port_of_page}/", headers={"Host": f"{SITE}:{port_of_page}"}
            ) as response,
        ):
            assert response.status == 451
            assert ORDER in await response.text()

        shots = Path(os.environ.get("MIRRORHUNT_SCREENSHOTS") or tmp_path)
        async with async_playwright() as driver:
            browser = await driver.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", f"--host-resolver-rules=MAP {SITE} {STOP_ADDRESS}"],
            )
            try:
                for locale, heading in (
                    ("en-US", "Access to this site is blocked"),
                    ("fr-FR", "L’accès à ce site est bloqué"),
                ):
                    context = await browser.new_context(locale=locale, viewport={"width": 900, "height": 620})
                    tab = await context.new_page()
                    answer = await tab.goto(f"http://{SITE}:{port_of_page}/")
                    assert answer is not None and answer.status == 451
                    assert await tab.locator("h1").inner_text() == heading
                    body = await tab.locator("main").inner_text()
                    assert ORDER in body and AUTHORITY in body and "mirror of salon.gg" not in body
                    await tab.screenshot(path=str(shots / f"stoppage-{locale[:2]}.png"), full_page=True)
                    await context.close()
            finally:
                await browser.close()
    store.close()
