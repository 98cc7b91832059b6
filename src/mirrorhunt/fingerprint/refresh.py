"""Where a page sends its visitor without a script: ``<meta http-equiv=refresh>`` and frames.

Neither is followed here (a frame on the same site cannot be fetched by a pure function): both are
recorded, as absolute URLs, for the matcher to explain and the engine to probe.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

_REFRESH_URL = re.compile(r"""^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?["']?([^"']*)""", re.I)
MAX_FRAMES = 20
MAX_URL = 2_000


def _absolute(base: str, target: str) -> str | None:
    target = target.strip()
    if not target or len(target) > MAX_URL or target.lower().startswith(("javascript:", "data:", "about:")):
        return None
    with contextlib.suppress(ValueError):
        url = urljoin(base, target)
        return url if url.startswith(("http://", "https://")) else None
    return None


def meta_refresh(parser: LexborHTMLParser, *, url: str) -> str | None:
    """The absolute URL a ``<meta http-equiv="refresh">`` sends the visitor to, if any."""
    for node in parser.css("meta[http-equiv]"):
        if (node.attrs.get("http-equiv") or "").strip().lower() == "refresh":
            found = _REFRESH_URL.match(node.attrs.get("content") or "")
            if found and found.group(1).strip():
                return _absolute(url, found.group(1))
    return None


def frame_sources(parser: LexborHTMLParser, *, url: str) -> tuple[str, ...]:
    """Absolute URLs of the page's ``<frame>`` and ``<iframe>`` documents, in order, each once."""
    found = (_absolute(url, node.attrs.get("src") or "") for node in parser.css("frame[src], iframe[src]"))
    return tuple(dict.fromkeys(u for u in found if u))[:MAX_FRAMES]
