"""Which process does which shared work, when several ``mirrorhunt run`` share one PostgreSQL database.

Each process asks for a lease (``store/leases.py``) before it reads a CT log (each log its own lease,
shared out fairly by ``Claims.share``) or sweeps a case, and renews what it holds every third of
``engine.lease_seconds``; a process killed with ``kill -9`` stops renewing, and another takes its
sources over from their stored positions once the leases run out. The RPZ primary runs in the one
process that holds ``leader:primary``; the others wait and one of them starts it when that lease is
released (clean stop) or runs out (the leader died).

SQLite is for one process: there every lease is held without asking.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta

from mirrorhunt.clock import Clock
from mirrorhunt.config import Settings
from mirrorhunt.publish.primary import Primary
from mirrorhunt.store import Store
from mirrorhunt.store.leases import Leases

PRIMARY = "leader:primary"


def holder_id() -> str:
    """This process, as lease holders are named: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def is_shared(store: Store) -> bool:
    """Whether several processes may use the store at once (PostgreSQL), so that work is leased."""
    return not store.url.startswith("sqlite")


class Claims:
    """The leases one process holds, renewed by ``keep`` until it ends, released by ``release_all``."""

    def __init__(self, store: Store, *, settings: Settings, clock: Clock, holder: str | None = None) -> None:
        self._leases = Leases(store) if is_shared(store) else None
        self._clock = clock
        self._ttl = timedelta(seconds=settings.engine.lease_seconds)
        self.holder = holder or holder_id()
        self.held: set[str] = set()

    @property
    def renew_every(self) -> float:
        return self._ttl.total_seconds() / 3

    def hold(self, name: str) -> bool:
        """True when this process holds ``name`` now: it took it, renewed it, or the store is SQLite."""
        if self._leases is None:
            return True
        now = self._clock.now()
        if self._leases.acquire(name, holder=self.holder, now=now, until=now + self._ttl):
            self.held.add(name)
            return True
        self.held.discard(name)
        return False

    def share(self, names: Sequence[str], *, group: str) -> list[str]:
        """Which of ``names`` this process works on now: all of them on SQLite. On a shared database, its
        fair share: it shows it takes part (lease ``member:GROUP:HOLDER``), keeps at most
        ceil(names / members) of those it holds and gives the rest up for a newcomer, then takes free or
        run-out ones (a dead holder's) up to that share."""
        if self._leases is None:
            return list(names)
        self.hold(f"member:{group}:{self.holder}")
        now = self._clock.now()
        live = {lease.name: lease.holder for lease in self._leases.all() if lease.expires_at > now}
        members = sum(1 for name in live if name.startswith(f"member:{group}:"))
        quota = -(-len(names) // max(1, members))
        mine = [name for name in names if live.get(name) == self.holder]
        for name in mine[quota:]:
            self.release(name)
        taken = [name for name in mine[:quota] if self.hold(name)]
        for name in names:
            if len(taken) >= quota:
                break
            if name not in live and self.hold(name):
                taken.append(name)
        return taken

    async def keep(self, *, stop: asyncio.Event) -> None:
        """Renew every held lease until ``stop``, then release them all."""
        try:
            while not stop.is_set():
                for name in sorted(self.held):
                    self.hold(name)
                await wait(self.renew_every, stop=stop)
        finally:
            self.release_all()

    def release(self, name: str) -> None:
        """Give ``name`` up at once, for another process to take."""
        self.held.discard(name)
        if self._leases is not None:
            self._leases.release(name, holder=self.holder, now=self._clock.now())

    def release_all(self) -> None:
        for name in sorted(self.held):
            self.release(name)


async def lead(
    claims: Claims,
    name: str,
    work: Callable[[asyncio.Event], Coroutine[object, object, None]],
    *,
    stop: asyncio.Event,
) -> None:
    """Run ``work(until)`` whenever this process holds ``name``, until ``stop``: ``until`` is set when
    ``stop`` is or the lease is lost, and the lease is then released for the next leader. An error of
    ``work`` is raised once the lease is renewed next."""
    while not stop.is_set():
        if claims.hold(name):
            until = asyncio.Event()
            task = asyncio.create_task(work(until))
            try:
                while not (stop.is_set() or task.done()) and claims.hold(name):
                    await wait(claims.renew_every, stop=stop)
                until.set()
                await task
            finally:
                claims.release(name)
        await wait(claims.renew_every, stop=stop)


async def serve_primary(store: Store, settings: Settings, clock: Clock, *, until: asyncio.Event) -> None:
    """The RPZ primary (``publish.listen``) until ``until`` is set."""
    async with Primary(store, settings=settings.publish, clock=clock):
        await until.wait()


async def wait(seconds: float, *, stop: asyncio.Event) -> None:
    """Wait ``seconds``, or less when ``stop`` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
