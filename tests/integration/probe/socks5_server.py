"""A tiny SOCKS5 server on loopback for tests (RFC 1928 CONNECT; no-auth or RFC 1929 user/password).

It resolves names itself through ``resolve`` (as Tor or a remote vantage point would), records every
CONNECT target as the client sent it, and relays bytes both ways.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class Socks5Server:
    resolve: Callable[[str], str]
    """Name -> IPv4 address, the proxy's own name resolution."""
    credentials: tuple[str, str] | None = None
    targets: list[tuple[str, int]] = field(default_factory=list)
    """(host as sent: a name or an address, port) of every CONNECT."""
    port: int = 0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if await self._greet(reader, writer):
                await self._connect(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _greet(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        version, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        wanted = 0x02 if self.credentials else 0x00
        if version != 5 or wanted not in methods:
            writer.write(b"\x05\xff")
            return False
        writer.write(bytes([5, wanted]))
        if self.credentials is None:
            return True
        _, size = await reader.readexactly(2)
        user = (await reader.readexactly(size)).decode()
        (size,) = await reader.readexactly(1)
        password = (await reader.readexactly(size)).decode()
        accepted = (user, password) == self.credentials
        writer.write(b"\x01\x00" if accepted else b"\x01\x01")
        return accepted

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, command, _, kind = await reader.readexactly(4)
        if kind == 3:
            (size,) = await reader.readexactly(1)
            host = (await reader.readexactly(size)).decode()
        elif kind == 1:
            host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
        else:
            host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        self.targets.append((host, port))
        reply = b"\x05%c\x00\x01\x00\x00\x00\x00\x00\x00"
        try:
            if command != 1:
                raise ConnectionRefusedError
            up_reader, up_writer = await asyncio.open_connection(self.resolve(host), port)
        except (OSError, StopIteration):
            writer.write(reply % 5)  # connection refused
            return
        writer.write(reply % 0)
        await asyncio.gather(_relay(reader, up_writer), _relay(up_reader, writer))


async def _relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        with contextlib.suppress(OSError):
            writer.close()


@asynccontextmanager
async def socks5_server(
    resolve: Callable[[str], str], *, credentials: tuple[str, str] | None = None
) -> AsyncIterator[Socks5Server]:
    """A running ``Socks5Server`` on 127.0.0.1 (its ``port`` set)."""
    server = Socks5Server(resolve=resolve, credentials=credentials)
    listener = await asyncio.start_server(server._handle, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    try:
        yield server
    finally:
        listener.close()
        await listener.wait_closed()
