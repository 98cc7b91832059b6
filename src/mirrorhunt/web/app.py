"""The review desk's ASGI app: pages, API and metrics over one store, every response under a strict CSP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from mirrorhunt import __version__
from mirrorhunt.clock import Clock, SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.engine.tips import TipLimiter
from mirrorhunt.errors import (
    AlreadyExists,
    Forbidden,
    InvalidInput,
    MirrorhuntError,
    NotFound,
    RateLimited,
    StoreError,
    Unauthenticated,
)
from mirrorhunt.review.desk import ReviewDesk
from mirrorhunt.store import Store
from mirrorhunt.store.accounts import Accounts
from mirrorhunt.store.alerts import AlertStore
from mirrorhunt.web import api, pages
from mirrorhunt.web.state import WebState

HERE = Path(__file__).parent
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""Every page: no script at all, styles and frames from this app only, forms posted back to it."""

_STATUS: tuple[tuple[type[MirrorhuntError], int], ...] = (
    (Unauthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (AlreadyExists, 409),
    (InvalidInput, 422),
    (RateLimited, 429),
    (StoreError, 503),
)
"""HTTP status of each error; any other ``MirrorhuntError`` is a 409 (it conflicts with the state)."""


def create_app(
    *, store: Store, settings: Settings, clock: Clock | None = None, routers: Sequence[APIRouter] = ()
) -> FastAPI:
    """The app over ``store``; ``routers`` of other packages (audit proofs, transparency, stop page) are
    mounted beside the desk's own and share its error handling and security headers."""
    clock = clock or SystemClock()
    app = FastAPI(
        title="mirrorhunt review desk",
        version=__version__,
        description="Review, list and contest mirrors of seized platforms. Authenticate with "
        "`Authorization: Bearer TOKEN` (`mirrorhunt user add` or `user token` prints one).",
        docs_url=None,
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["when"] = _when
    app.state.web = WebState(
        store=store,
        settings=settings,
        clock=clock,
        accounts=Accounts(store, clock=clock, failures_allowed=settings.web.login_failures_allowed),
        desk=ReviewDesk(store=store, settings=settings, clock=clock),
        templates=templates,
        tips=TipLimiter(),
        alerts=AlertStore(store),
    )
    app.middleware("http")(_security_headers)
    app.add_exception_handler(MirrorhuntError, _error)  # type: ignore[arg-type]
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (pages.router, api.router, *routers):
        app.include_router(router)
    return app


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if not request.url.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _error(request: Request, exc: MirrorhuntError) -> Response:
    """JSON for API clients; for a browser, the login page when not signed in, else an error page."""
    status = next((code for kind, code in _STATUS if isinstance(exc, kind)), 409)
    if request.url.path.startswith(("/api/", "/metrics")) or "authorization" in request.headers:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": exc.message, "hint": exc.hint}, status_code=status, headers=headers)
    if status == 401 and request.method == "GET":
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    templates: Jinja2Templates = request.app.state.web.templates
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "error": exc, "me": None}, status_code=status
    )


def _when(value: datetime | date | None) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat() if value is not None else "—"
