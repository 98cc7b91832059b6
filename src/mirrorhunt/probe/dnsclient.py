"""Sending DNS queries to one server: one UDP socket with many queries in flight, TCP when truncated.

A reply is matched to its query by id and by its question section; replies from other sources never
reach the socket (it is connected). The socket closes itself after a second without queries, so an
idle resolver holds no file descriptor; ``close`` ends it at once.

``ask`` awaits one reply; ``submit`` sends and hands the reply to a callback, with no task, future or
timer per query (expiry is one sweep for all): the fast path of a sweep of mostly non-existent names.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections.abc import Callable

from mirrorhunt.probe import dnswire

IDLE_SECONDS = 1.0
MAX_IN_FLIGHT = 200
"""Queries in flight per server; more wait their turn. A burst beyond what the server's receive buffer
holds (~200 queries with Linux defaults) is dropped by its kernel and costs a timeout each."""
_ids = random.SystemRandom()
OnReply = Callable[[bytes | None], None]
"""Gets the raw reply, or None when there was none in time or the socket failed."""


class ExchangeError(Exception):
    """The server did not answer usefully; the message says how, naming the server."""


class UdpChannel:
    """Queries to one ``(address, port)`` over one connected, non-blocking UDP socket."""

    def __init__(self, server: tuple[str, int], *, loop: asyncio.AbstractEventLoop) -> None:
        self.server = server
        self.where = describe(server)
        self._loop = loop
        self._pending: dict[int, tuple[bytes, asyncio.Future[bytes]]] = {}
        self._submitted: dict[int, tuple[float, OnReply]] = {}
        """Query id -> (deadline, callback), oldest first."""
        self._expiry: asyncio.TimerHandle | None = None
        self._sock: socket.socket | None = None
        self._idle: asyncio.TimerHandle | None = None
        self._used = 0.0
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def ask(self, wire_question: bytes, *, within: float) -> bytes:
        """The raw reply to a query with this question; raises ``ExchangeError``."""
        async with self._slots:
            return await self._ask(wire_question, within=within)

    def submit(self, wire_question: bytes, *, within: float, on_reply: OnReply) -> None:
        """Send a query now; ``on_reply`` is called once, from the event loop, with the reply or None.

        The caller bounds how many are in flight (at most ``MAX_IN_FLIGHT`` with ``ask``'s).
        """
        sock = self._open()
        query_id = self._free_id()
        self._submitted[query_id] = (self._loop.time() + within, on_reply)
        self._used = self._loop.time()
        if self._expiry is None:
            self._expiry = self._loop.call_later(min(within, 0.1), self._expire_submitted)
        try:
            sock.send(dnswire.query(query_id, wire_question))
        except OSError:  # a full buffer or a failing socket: treated as no reply
            del self._submitted[query_id]
            self._loop.call_soon(on_reply, None)

    def _expire_submitted(self) -> None:
        now = self._loop.time()
        expired = []
        for query_id, (deadline, _) in self._submitted.items():
            if deadline > now:
                break
            expired.append(query_id)
        for query_id in expired:
            self._submitted.pop(query_id)[1](None)
        self._expiry = self._loop.call_later(0.1, self._expire_submitted) if self._submitted else None

    def _free_id(self) -> int:
        query_id = _ids.getrandbits(16)
        while query_id in self._pending or query_id in self._submitted:
            query_id = _ids.getrandbits(16)
        return query_id

    async def _ask(self, wire_question: bytes, *, within: float) -> bytes:
        sock = self._open()
        query_id = self._free_id()
        future: asyncio.Future[bytes] = self._loop.create_future()
        self._pending[query_id] = (wire_question, future)
        timer = self._loop.call_later(within, _expire, future)
        self._used = self._loop.time()
        try:
            wire = dnswire.query(query_id, wire_question)
            try:
                sock.send(wire)
            except BlockingIOError:
                await self._loop.sock_sendall(sock, wire)
            return await future
        except TimeoutError:
            raise ExchangeError(f"resolver {self.where} did not answer within {within:g} s") from None
        except OSError as exc:
            raise ExchangeError(f"resolver {self.where} failed: {exc.strerror or exc}") from exc
        finally:
            timer.cancel()
            self._pending.pop(query_id, None)

    def close(self) -> None:
        """Close the socket now; queries in flight fail."""
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        sock, self._sock = self._sock, None
        if sock is None:
            return
        if not self._loop.is_closed():
            self._loop.remove_reader(sock.fileno())
        sock.close()
        self._fail_all(ConnectionAbortedError(0, "resolver closed"))

    def _open(self) -> socket.socket:
        if self._sock is not None:
            return self._sock
        family = socket.AF_INET6 if ":" in self.server[0] else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
            sock.connect(self.server)
            self._loop.add_reader(sock.fileno(), self._readable)
        except BaseException:
            sock.close()
            raise
        self._sock = sock
        self._idle = self._loop.call_later(IDLE_SECONDS, self._close_if_idle)
        return sock

    def _readable(self) -> None:
        sock = self._sock
        while sock is not None:
            try:
                data = sock.recv(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # ICMP port unreachable and the like: the server is not there
                self._fail_all(exc)
                return
            if len(data) < 2:
                continue
            query_id = int.from_bytes(data[:2], "big")
            submitted = self._submitted.pop(query_id, None)
            if submitted is not None:
                submitted[1](data)
                continue
            entry = self._pending.get(query_id)
            if entry is not None and not entry[1].done():
                entry[1].set_result(data)

    def _fail_all(self, exc: OSError) -> None:
        for _, future in self._pending.values():
            if not future.done():
                future.set_exception(exc)
        submitted, self._submitted = self._submitted, {}
        for _, on_reply in submitted.values():
            self._loop.call_soon(on_reply, None)

    def _close_if_idle(self) -> None:
        idle_for = self._loop.time() - self._used
        if self._pending or self._submitted or idle_for < IDLE_SECONDS:
            self._idle = self._loop.call_later(max(IDLE_SECONDS - idle_for, 0.05), self._close_if_idle)
            return
        self._idle = None
        self.close()


def describe(server: tuple[str, int]) -> str:
    """``host:port``, with brackets around an IPv6 address."""
    return f"[{server[0]}]:{server[1]}" if ":" in server[0] else f"{server[0]}:{server[1]}"


def _expire(future: asyncio.Future[bytes]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


async def ask_tcp(server: tuple[str, int], wire_question: bytes, *, within: float) -> bytes:
    """The reply over a fresh TCP connection (after a truncated UDP reply); raises ``ExchangeError``."""
    where = describe(server)
    query_id = _ids.getrandbits(16)
    wire = dnswire.query(query_id, wire_question)
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(within):
            reader, writer = await asyncio.open_connection(server[0], server[1])
            writer.write(struct.pack(">H", len(wire)) + wire)
            length = struct.unpack(">H", await reader.readexactly(2))[0]
            data = await reader.readexactly(length)
    except TimeoutError:
        raise ExchangeError(f"resolver {where} did not answer over TCP within {within:g} s") from None
    except asyncio.IncompleteReadError:
        raise ExchangeError(f"resolver {where} closed the TCP connection mid-answer") from None
    except OSError as exc:
        raise ExchangeError(f"resolver {where} failed over TCP: {exc.strerror or exc}") from exc
    finally:
        if writer is not None:
            writer.close()
    if int.from_bytes(data[:2], "big") != query_id:
        raise ExchangeError(f"resolver {where} answered another query over TCP")
    return data
