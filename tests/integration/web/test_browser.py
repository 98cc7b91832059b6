"""The review desk as people use it: Debian's Chromium, driven by Playwright, against the app on loopback.

The store holds the demo's case, scanned on the lab internet (four eyes, nothing listed without a
person), plus a hostile site whose page tries everything a page can try.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from mirrorhunt.clock import SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.engine.cases import open_case, submit_tip
from mirrorhunt.engine.scan import scan
from mirrorhunt.lab import LabThread, SiteSpec
from mirrorhunt.lab.demo.scenario import build_demo
from mirrorhunt.model import Listing
from mirrorhunt.publish.rpz import render_rpz
from mirrorhunt.store import Store
from mirrorhunt.store.accounts import Accounts
from mirrorhunt.web.server import web_thread
from mirrorhunt.web.site import site_app

CASE = "salon-lumiere"
HOSTILE = "piege-lumiere.net"
PASSWORD = "a long enough password"
SCREENSHOTS = "MIRRORHUNT_SCREENSHOTS"
"""Set to a folder (``docs``) to keep the screenshots there; by default they go to the test's tmp dir."""
CHROMIUM = "/usr/bin/chromium"


class Watch(ThreadingHTTPServer):
    """A loopback server the hostile page points at: any request it receives is a leak."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        super().__init__(("127.0.0.1", 0), _WatchHandler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _WatchHandler(BaseHTTPRequestHandler):
    server: Watch

    def do_GET(self) -> None:
        self.server.seen.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


def _hostile_page(watch: str) -> str:
    """Script, style and frame payloads, each of which would change the title or call the watch."""
    return f"""<!DOCTYPE html><html><head><title>Bienvenue</title>
<meta http-equiv="refresh" content="0;url={watch}/refresh">
<base href="{watch}/base/">
<link rel="stylesheet" href="{watch}/link.css"><link rel="prefetch" href="{watch}/prefetch">
<style>@import url("{watch}/import.css"); body {{ background: url({watch}/bg.png) }}</style>
<script>document.title = "pwned"; fetch("{watch}/fetch");</script>
<script src="{watch}/script.js"></script>
</head><body onload="document.title='pwned-onload'">
<h1>Bienvenue sur le salon</h1><p id="sentinel">Texte inoffensif du piège.</p>
<img src="{watch}/img.png" onerror="document.title='pwned-onerror'">
<img srcset="{watch}/srcset.png 2x"><video poster="{watch}/poster.png"></video>
<div style="background-image: url('{watch}/style-attr.png')">fond</div>
<iframe src="{watch}/iframe"></iframe>
<iframe srcdoc="<script>parent.document.title='pwned-srcdoc'</script>"></iframe>
<object data="{watch}/object"></object><embed src="{watch}/embed">
<form action="{watch}/form" method="post"><input name="q" value="x" autofocus onfocus="this.form.submit()">
<button formaction="{watch}/button">Go</button></form>
<a href="javascript:document.title='pwned-link'">lien</a>
<svg><image href="{watch}/svg.png"/><script>document.title='pwned-svg'</script></svg>
</body></html>"""


class StoppableClock:
    """The app's clock: the time of day, unless a test stops it."""

    def __init__(self) -> None:
        self.frozen: datetime | None = None

    def now(self) -> datetime:
        return self.frozen or datetime.now(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scene:
    url: str
    store: Store
    settings: Settings
    mirrors: tuple[str, ...]
    watch: Watch
    clock: StoppableClock


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    workdir = tmp_path_factory.mktemp("browser")
    watch = Watch()
    threading.Thread(target=watch.serve_forever, daemon=True).start()
    scenario = build_demo(workdir)
    hostile = workdir / "sites" / HOSTILE
    hostile.mkdir(parents=True)
    (hostile / "index.html").write_text(_hostile_page(watch.base), encoding="utf-8")
    sites = (*scenario.sites, SiteSpec(name=HOSTILE, files=hostile))
    try:
        with LabThread(sites=sites, workdir=workdir / "lab") as lab:
            settings = Settings.model_validate(
                {
                    **lab.settings_overrides(),
                    "database_url": f"sqlite:///{workdir / 'desk.db'}",
                    "evidence_dir": str(workdir / "evidence"),
                    "web": {"login_failures_allowed": 3},
                }
            )
            with Store.open(settings.database_url) as store:
                asyncio.run(
                    open_case(store=store, settings=settings, name=CASE, url=scenario.seized_url,
                              reference=scenario.reference, favicon=scenario.favicon,
                              keywords=scenario.keywords, four_eyes=True)
                )  # fmt: skip
                for tip in (*scenario.tips, HOSTILE):
                    submit_tip(store=store, case=CASE, name=tip)
                asyncio.run(scan(CASE, store=store, settings=settings))
                accounts = Accounts(store, clock=SystemClock())
                for name, role in [("ana", "approver"), ("bruno", "approver"), ("vera", "viewer"),
                                   ("tom", "analyst")]:  # fmt: skip
                    accounts.add_user(name=name, role=role, password=PASSWORD, by="test")
                clock = StoppableClock()
                with web_thread(site_app(store=store, settings=settings, clock=clock)) as url:
                    yield Scene(url=url, store=store, settings=settings, clock=clock,
                                mirrors=tuple(sorted(scenario.mirrors)), watch=watch)  # fmt: skip
    finally:
        watch.shutdown()
        watch.server_close()


@pytest.fixture(scope="module")
def browser(scene: Scene) -> Iterator[Browser]:
    """Chromium, started after the scene: Playwright's own event loop would stop ``asyncio.run`` there."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    yield context.new_page()
    context.close()


def _log_in(page: Page, scene: Scene, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{scene.url}/queue")
    expect(page).to_have_url(re.compile(r"/login\?next=/queue$"))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _screenshot(page: Page, path: Path) -> None:
    """The whole page: the window made as tall as the page, since a full-page capture leaves the
    sandboxed preview frame (drawn by another process) blank."""
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1360, "height": max(900, int(height))})
    page.screenshot(path=path)
    page.set_viewport_size({"width": 1360, "height": 900})


def _candidate(scene: Scene, name: str) -> str:
    return f"{scene.url}/cases/{CASE}/candidates/{name}"


def _zone(store: Store) -> str:
    return render_rpz(store.listings(), zone="rpz.test.", serial=store.zone_serial(),
                      generated_at=datetime.now(UTC))  # fmt: skip


def test_two_approvers_list_a_mirror_of_a_four_eyes_case(page: Page, scene: Scene, tmp_path: Path) -> None:
    shots = Path(os.environ.get(SCREENSHOTS) or tmp_path)
    mirror = scene.mirrors[0]
    _log_in(page, scene, "ana")
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    for name in scene.mirrors:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    _screenshot(page, shots / "web-queue.png")

    page.get_by_role("link", name=mirror, exact=True).click()
    expect(page.get_by_role("heading", name="Signals")).to_be_visible()
    expect(page.get_by_text("needs 2 approvals from different approvers")).to_be_visible()
    expect(page.frame_locator("iframe.preview").locator("h1")).to_contain_text("Salon Lumière")
    _screenshot(page, shots / "web-candidate.png")

    page.get_by_placeholder("e.g. same operator").fill("same text, layout and favicon as the seized site")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_have_text("Recorded: pending second approval.")
    assert mirror not in {x.name for x in scene.store.listings()}, "one approval lists nothing"
    page.get_by_role("button", name="Sign out").click()

    _log_in(page, scene, "bruno")
    page.goto(_candidate(scene, mirror))
    expect(page.get_by_text("Approved by ana")).to_be_visible()
    page.get_by_placeholder("e.g. same operator").fill("agreed: a copy of the seized platform")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_have_text("Recorded: listed.")
    assert f"\n{mirror}.rpz.test." in _zone(scene.store) or f"{mirror} " in _zone(scene.store)
    page.goto(f"{scene.url}/listings?q={mirror}")
    expect(page.get_by_role("cell", name=mirror)).to_be_visible()


def test_the_preview_of_a_hostile_page_shows_nothing_active(page: Page, scene: Scene) -> None:
    with urllib.request.urlopen(f"{scene.watch.base}/control", timeout=5) as answer:  # the watch works
        assert answer.status == 204
    scene.watch.seen.clear()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    _log_in(page, scene, "vera")
    page.goto(_candidate(scene, HOSTILE))
    frame = page.frame_locator("iframe.preview")
    expect(frame.locator("#sentinel")).to_have_text("Texte inoffensif du piège.")
    expect(frame.locator("h1")).to_have_text("Bienvenue sur le salon")
    page.wait_for_timeout(1500)  # time for a refresh, a timer or a late load to happen, if any could

    preview = next(f for f in page.frames if f.url.endswith("/preview"))
    assert preview.title() == "Bienvenue" and "pwned" not in page.title()
    assert preview.locator("script, iframe, object, embed, form, input, svg, link, meta").count() == 0
    assert scene.watch.seen == [], "the preview made the browser call out"
    assert all(url.startswith(scene.url) for url in requests), requests


def test_a_viewer_sees_no_decision_and_cannot_post_one(page: Page, scene: Scene) -> None:
    mirror = scene.mirrors[1]
    _log_in(page, scene, "vera")
    page.goto(_candidate(scene, mirror))
    expect(page.get_by_text("may look but not decide")).to_be_visible()
    assert page.get_by_role("button", name="Approve").count() == 0
    assert page.get_by_role("button", name="Reject").count() == 0
    token = page.locator('input[name="csrf"]').first.get_attribute("value")
    refused = page.request.post(
        f"{_candidate(scene, mirror)}/approve", form={"reason": "x", "csrf": token or ""}
    )
    assert refused.status == 403
    assert mirror not in {x.name for x in scene.store.listings()}


def test_a_post_without_the_csrf_token_is_refused(page: Page, scene: Scene) -> None:
    mirror = scene.mirrors[1]
    _log_in(page, scene, "bruno")
    page.goto(_candidate(scene, mirror))
    refused = page.request.post(f"{_candidate(scene, mirror)}/approve", form={"reason": "no token"})
    assert refused.status == 403 and "CSRF" in refused.text()
    page.locator('form[action$="/approve"] input[name="csrf"]').evaluate("e => e.value = 'forged'")
    page.get_by_placeholder("e.g. same operator").fill("forged")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("CSRF token is missing or wrong")).to_be_visible()
    assert not any(e.kind.startswith("review.") for e in scene.store.events(subject=mirror))


def test_failed_logins_make_the_next_ones_wait(page: Page, scene: Scene) -> None:
    scene.clock.frozen = datetime.now(UTC)  # no attempt below waits long enough on its own
    try:
        for _ in range(scene.settings.web.login_failures_allowed):
            _log_in(page, scene, "tom", "not the password")
            expect(page.get_by_role("alert")).to_have_text("wrong name or password")
        _log_in(page, scene, "tom")  # the right password, too soon
        expect(page.get_by_role("alert")).to_contain_text(
            "too many failed logins for 'tom': try again in 1 s"
        )
        expect(page).to_have_url(re.compile(r"/login$"))
        scene.clock.frozen += timedelta(seconds=1)
        _log_in(page, scene, "tom")
        expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    finally:
        scene.clock.frozen = None


def test_a_contest_reaches_the_queue(page: Page, scene: Scene) -> None:
    listed = scene.mirrors[2]
    scene.store.add_listing(
        Listing(name=listed, case=CASE, reason="court order", decided_by="ana", since=datetime.now(UTC))
    )
    page.goto(f"{scene.url}/contest")
    page.get_by_label("Blocked name").fill(listed)
    page.get_by_label("How to reach you").fill("owner@example.org")
    page.get_by_label("Why it is not that platform").fill("This is my family's photo blog.")
    page.get_by_role("button", name="Send the contest").click()
    expect(page.get_by_text("A person will decide it by")).to_be_visible()

    _log_in(page, scene, "bruno")
    row = page.get_by_role("row").filter(has_text=listed).filter(has_text="contest")
    expect(row).to_be_visible()
    page.goto(f"{scene.url}/contests")
    expect(page.get_by_text("This is my family's photo blog.")).to_be_visible()
