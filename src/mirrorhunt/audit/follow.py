"""Keeping the log up with the listings while a server runs: a sync whenever listing changes wait."""

from __future__ import annotations

import asyncio
import logging

from mirrorhunt.audit.log import AuditLog
from mirrorhunt.errors import MirrorhuntError

log = logging.getLogger(__name__)

EVERY_SECONDS = 1.0


async def follow_listings(audit: AuditLog, *, every: float = EVERY_SECONDS) -> None:
    """Sync ``audit`` once now and then whenever changes are pending, until cancelled.

    A failed sync (the database away a moment) is logged and tried again at the next turn: the log
    misses nothing, as each sync appends whatever it lacks.
    """
    waiting = 1  # the first turn syncs whatever there is, and signs a checkpoint if none was yet
    while True:
        try:
            if waiting:
                checkpoint = await asyncio.to_thread(audit.sync)
                log.info("transparency log signed at size %d", checkpoint.size)
            waiting = await asyncio.to_thread(audit.pending)
        except MirrorhuntError as exc:
            log.warning("transparency log not synced: %s", exc.diagnostics())
        await asyncio.sleep(every)
