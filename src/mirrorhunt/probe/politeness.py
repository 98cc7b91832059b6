"""Politeness: at most so many requests in flight to one host name, and to one IP address.

A permutation sweep can propose hundreds of names parked on one server; the prober must not hit that
server with all of them at once. ``KeyedLimiter`` holds one semaphore per key while anyone uses it and
forgets it after, so memory follows the requests in flight, not the names ever seen.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mirrorhunt.errors import ConfigError


class _Slot:
    __slots__ = ("holders", "semaphore", "users")

    def __init__(self, limit: int) -> None:
        self.semaphore = asyncio.Semaphore(limit)
        self.users = 0
        """Holders and waiters."""
        self.holders = 0


class KeyedLimiter:
    """At most ``limit`` holders per key at a time."""

    def __init__(self, limit: int, *, what: str) -> None:
        if limit < 1:
            raise ConfigError(f"{what} must be at least 1, not {limit}")
        self.limit = limit
        self._slots: dict[str, _Slot] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Wait for a free slot of ``key`` and keep it for the block."""
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot(self.limit)
        slot.users += 1
        try:
            async with slot.semaphore:
                slot.holders += 1
                try:
                    yield
                finally:
                    slot.holders -= 1
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._slots[key]

    def in_use(self, key: str) -> int:
        """Holders of ``key`` now (waiters not counted)."""
        slot = self._slots.get(key)
        return slot.holders if slot is not None else 0

    @property
    def keys(self) -> int:
        """Keys with a holder or a waiter now."""
        return len(self._slots)
