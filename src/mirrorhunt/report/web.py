"""The public transparency page on the web: ``GET /transparency`` (HTML) and ``/transparency.json``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.report.collect import collect_figures
from mirrorhunt.report.page import POLICY
from mirrorhunt.report.transparency import transparency_html
from mirrorhunt.store import Store


def transparency_router(store: Store, *, clock: Clock | None = None) -> APIRouter:
    """Routes computing the figures from ``store`` on each request, as of ``clock`` (the system's)."""
    router = APIRouter()
    time = clock or SystemClock()

    @router.get("/transparency", response_class=HTMLResponse)
    def transparency_page() -> HTMLResponse:
        page = transparency_html(collect_figures(store, now=time.now()))
        return HTMLResponse(page, headers={"Content-Security-Policy": POLICY})

    @router.get("/transparency.json")
    def transparency_figures() -> dict[str, Any]:
        return collect_figures(store, now=time.now()).as_dict()

    return router
