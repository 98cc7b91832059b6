"""One HTTP exchange as the prober saw it: the request it sent and the answer's bytes as received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """A request and its response, kept byte for byte for the WARC."""

    url: str
    at: datetime
    request: bytes
    """Request line and header fields as sent."""
    response_head: bytes
    """Status line and header fields as received."""
    response_body: bytes
    """The body as received (content coding kept), possibly cut at the size cap."""
    address: str | None = None
    """The IP address the answer came from."""
    elapsed_ms: float = 0.0
    notes: tuple[str, ...] = ()
    """What the WARC does not show as received: a cut body, an undone transfer coding, a skipped body."""
