"""Where a page's icon is: the ``<link rel="icon">`` it declares on its own host, else ``/favicon.ico``."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser
from yarl import URL


def favicon_url(page_url: URL, html: bytes) -> URL:
    """The icon URL to fetch for a page; an icon on another host is ignored (no third-party fetches)."""
    default = page_url.join(URL("/favicon.ico"))
    if not html:
        return default
    tree = LexborHTMLParser(html.decode("utf-8", errors="replace"))
    for link in tree.css("link[rel][href]"):
        rel = (link.attributes.get("rel") or "").lower().split()
        href = (link.attributes.get("href") or "").strip()
        if "icon" not in rel or not href:
            continue
        try:
            icon = page_url.join(URL(href))
        except ValueError:
            continue
        if icon.scheme in ("http", "https") and icon.raw_host == page_url.raw_host:
            return icon
    return default
