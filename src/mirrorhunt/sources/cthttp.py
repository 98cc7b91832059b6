"""GET for CT logs: capped bodies, and patience when a log says "too many requests".

On HTTP 429 or 503 the request is tried again after the log's ``Retry-After`` (seconds or an HTTP
date; a doubling delay when absent), never waiting longer than ``max_wait`` in all.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

import aiohttp

from mirrorhunt.errors import SourceError

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
RETRY_STATUSES = frozenset((429, 503))
Sleep = Callable[[float], Awaitable[None]]


def retry_after(value: str | None, *, default: float, now: datetime | None = None) -> float:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if value is None:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    *,
    params: Mapping[str, int] | None = None,
    request_timeout: float = 30.0,
    max_wait: float = 120.0,
    sleep: Sleep = asyncio.sleep,
) -> tuple[int, bytes]:
    """(status, body) of a GET, after waiting out rate limits; ``SourceError`` on network failure, a
    body over ``MAX_RESPONSE_BYTES``, or a log still refusing after ``max_wait`` seconds."""
    waited, delay = 0.0, 1.0
    while True:
        try:
            async with session.get(
                url, params=params, timeout=aiohttp.ClientTimeout(total=request_timeout)
            ) as response:
                if response.status not in RETRY_STATUSES:
                    return response.status, await _read_capped(response)
                pause = retry_after(response.headers.get("Retry-After"), default=delay)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SourceError(
                f"CT log {url} cannot be read: {str(exc) or type(exc).__name__}",
                hint="check the log URL and the network",
            ) from exc
        if waited + pause > max_wait:
            raise SourceError(
                f"CT log {url} still answers HTTP {response.status} after {waited:.0f} s of waiting",
                hint="the log is overloaded or rate-limiting: follow again later, or lower ct.batch_size",
            )
        log.info("CT log %s answered HTTP %d: waiting %.1f s", url, response.status, pause)
        await sleep(pause)
        waited, delay = waited + pause, min(delay * 2, 60.0)


async def _read_capped(response: aiohttp.ClientResponse) -> bytes:
    body = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            raise SourceError(f"CT log answer is larger than {MAX_RESPONSE_BYTES} bytes")
    return bytes(body)
