"""The stop page as an ASGI app: the name comes from the Host header; a blocked name gets the page
(HTTP 451 Unavailable For Legal Reasons, RFC 7725), any other name a page saying it is not blocked (404)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from mirrorhunt.config import Settings
from mirrorhunt.errors import InvalidName
from mirrorhunt.names import normalize_name
from mirrorhunt.stoppage.lookup import blocking_listing
from mirrorhunt.stoppage.page import CONTENT_SECURITY_POLICY, Block, language, render
from mirrorhunt.store import Store

LogEntry = Callable[[str], tuple[int, str] | None]
"""Given a listed name, the transparency-log entry of its listing: (index, URL to read it), or None."""

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Host, Accept-Language",
}


def stop_page_app(*, store: Store, settings: Settings, log_entry: LogEntry | None = None) -> FastAPI:
    """The app ``mirrorhunt serve`` runs on ``[stoppage] listen``; every path shows the same page."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    stoppage = settings.stoppage

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def page(request: Request, path: str) -> HTMLResponse:
        host = host_name(request.headers.get("host", ""))
        lang = language(request.headers.get("accept-language"))
        block = None
        if host is not None:
            found = blocking_listing(store, host)
            if found is not None:
                listing = found.listing
                block = Block(
                    name=host,
                    listed=listing.name,
                    authority=stoppage.authority,
                    order=found.order,
                    expires=listing.expires or found.order_expires,
                    since=listing.since,
                    log_entry=None if log_entry is None else log_entry(listing.name),
                    contest_url=stoppage.contest_url,
                )
        html = render(block, name=host or request.headers.get("host", ""), lang=lang)
        headers = {**HEADERS, "Content-Language": lang}
        return HTMLResponse(html, status_code=404 if block is None else 451, headers=headers)

    return app


def host_name(header: str) -> str | None:
    """The normalised name of a Host header without its port; None when it is no domain name."""
    host = header.strip()
    if host.startswith("["):
        return None
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    try:
        return normalize_name(host)
    except InvalidName:
        return None
