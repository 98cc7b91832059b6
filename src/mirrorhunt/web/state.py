"""What every route reaches through ``request.app.state``: the store and the services built on it."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.templating import Jinja2Templates

from mirrorhunt.clock import Clock
from mirrorhunt.config import Settings
from mirrorhunt.engine.tips import TipLimiter
from mirrorhunt.review.desk import ReviewDesk
from mirrorhunt.store import Store
from mirrorhunt.store.accounts import Accounts
from mirrorhunt.store.alerts import AlertStore


@dataclass(frozen=True, slots=True, kw_only=True)
class WebState:
    store: Store
    settings: Settings
    clock: Clock
    accounts: Accounts
    desk: ReviewDesk
    templates: Jinja2Templates
    tips: TipLimiter
    """How many tips each sender may still send: one limiter for the whole app."""
    alerts: AlertStore


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
