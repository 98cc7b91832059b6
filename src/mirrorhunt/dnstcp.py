"""DNS over TCP (RFC 1035 section 4.2.2, RFC 7766): two-byte length framing on one connection.

Shared by the lab's name server and the RPZ primary, which differ only in how they answer a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections.abc import Awaitable, Callable, Sequence

Answer = Callable[[bytes, str], Awaitable[Sequence[bytes]]]
"""(query wire, client address) → reply messages; none closes the connection."""

_LENGTH = struct.Struct(">H")


async def serve_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, answer: Answer, *, idle_seconds: float
) -> None:
    """Answer the queries of one client until it closes, goes quiet for ``idle_seconds``, or gets no reply."""
    source = str(writer.get_extra_info("peername")[0])
    try:
        while True:
            (length,) = _LENGTH.unpack(await asyncio.wait_for(reader.readexactly(2), idle_seconds))
            wire = await asyncio.wait_for(reader.readexactly(length), idle_seconds)
            replies = await answer(wire, source)
            if not replies:
                break
            for reply in replies:
                writer.write(_LENGTH.pack(len(reply)) + reply)
            await writer.drain()
    except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
