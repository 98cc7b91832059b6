"""Everything ``mirrorhunt serve`` answers over HTTP on ``[web] listen``, put together: the review desk and
its API, the transparency log's checkpoint, entries, proofs and files, and the public transparency page;
and the link from the stop page to the log entry that proves a block."""

from __future__ import annotations

from fastapi import FastAPI

from mirrorhunt.audit.log import AuditLog
from mirrorhunt.audit.web import audit_router
from mirrorhunt.clock import Clock
from mirrorhunt.config import Settings
from mirrorhunt.errors import NotFound
from mirrorhunt.report.web import transparency_router
from mirrorhunt.stoppage.app import LogEntry
from mirrorhunt.store import Store
from mirrorhunt.web.app import create_app


def site_app(*, store: Store, settings: Settings, clock: Clock | None = None) -> FastAPI:
    """The desk with the transparency log's and the transparency page's routes mounted beside it."""
    routers = (audit_router(store, settings), transparency_router(store, clock=clock))
    return create_app(store=store, settings=settings, clock=clock, routers=routers)


def log_entry_link(store: Store, settings: Settings) -> LogEntry:
    """For the stop page: the index of the latest signed log entry about a name, and its address under
    ``[web] public_url``; None while the log has none."""
    log = AuditLog(store)
    base = settings.web.public_url.rstrip("/")

    def lookup(name: str) -> tuple[int, str] | None:
        try:
            index = log.last_index_of(name)
        except NotFound:
            return None
        return index, f"{base}/audit/entries/{index}"

    return lookup
