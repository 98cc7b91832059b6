"""Identifiers an operator carries from one domain to the next: analytics and ad IDs, site-verification
tokens, crypto wallets, e-mail, messenger handles.

Found by pattern in the raw page (its UTF-8 bytes), inline scripts included. Every pattern starts
with a literal so that the regular-expression engine can skip ahead, or is tried only where one of its
strings stands: a page is scanned in under a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple


class Indicator(NamedTuple):
    """One identifier found in a page: what it is (``kind``) and its value."""

    kind: str
    value: str


LABELS = {
    "google-analytics": "Google Analytics ID",
    "google-tag-manager": "Google Tag Manager container",
    "google-adsense": "Google AdSense publisher ID",
    "yandex-metrika": "Yandex Metrica counter",
    "facebook-pixel": "Facebook pixel",
    "email": "e-mail address",
    "telegram": "Telegram link",
    "yandex-ads": "Yandex advertising block",
    "a-ads": "A-Ads ad unit",
    "site-verification": "site-verification token",
    "bitcoin": "Bitcoin address",
    "ethereum": "Ethereum address",
    "monero": "Monero address",
    "whatsapp": "WhatsApp number",
    "discord": "Discord invite",
}
# (kind, pattern): group 1 is the value; a match must not continue a word on its left. Written as text,
# compiled for the bytes of the page below.
_TEXT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("google-analytics", re.compile(r"(UA-\d{4,10}-\d{1,4})\b")),
    ("google-analytics", re.compile(r"(G-[A-Z0-9]{10})\b")),
    ("google-tag-manager", re.compile(r"(GTM-[A-Z0-9]{4,9})\b")),
    ("google-adsense", re.compile(r"(ca-pub-\d{10,20})\b")),
    ("yandex-metrika", re.compile(r"mc\.yandex\.ru/watch/(\d{5,12})\b")),
    ("yandex-metrika", re.compile(r"ym\(\s*(\d{5,12})\b")),
    ("facebook-pixel", re.compile(r"""fbq\(\s*['"]init['"]\s*,\s*['"](\d{10,20})['"]""")),
    ("email", re.compile(r"@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24})\b")),
    (
        "telegram",
        re.compile(r"(?:t|telegram)\.(?:me|dog)/(\+[A-Za-z0-9_-]{8,40}|[A-Za-z][A-Za-z0-9_]{4,31})\b"),
    ),
    ("yandex-ads", re.compile(r"(R-A-\d{5,9}-\d{1,5})\b")),
    ("a-ads", re.compile(r"a-ads\.com/(\d{6,12})\b")),
    (
        "site-verification",
        re.compile(
            r"(?:google-site-verification|yandex-verification|msvalidate\.01|facebook-domain-verification"
            r"""|p:domain_verify)["']\s+content=["']\s*([A-Za-z0-9_+/=-]{8,100})"""
        ),
    ),
    ("bitcoin", re.compile(r"(bc1[ac-hj-np-z02-9]{38,58})\b")),
    ("ethereum", re.compile(r"(0x[0-9a-fA-F]{40})\b")),
    ("monero", re.compile(r"(4[0-9AB][1-9A-HJ-NP-Za-km-z]{93})\b")),
    ("whatsapp", re.compile(r"(?:wa\.me/|whatsapp\.com/send\?phone=)\+?(\d{7,15})\b")),
    ("discord", re.compile(r"(?:discord\.gg|discord(?:app)?\.com/invite)/([A-Za-z0-9-]{2,32})\b")),
)
# Patterns that start with one of several words (the regular-expression engine would try them at every
# byte): every match holds one of these strings at one of these offsets from its start. The strings are
# found with bytes.find, and the pattern is tried at those starts only.
_ANCHORS: dict[str, tuple[tuple[bytes, tuple[int, ...]], ...]] = {
    "telegram": ((b".me/", (1, 8)), (b".dog/", (1, 8))),  # t.me/, telegram.me/
    "site-verification": (
        (b"-verification", (6, 11, 15)),  # yandex-, google-site-, facebook-domain-verification
        (b"msvalidate.01", (0,)),
        (b"p:domain_verify", (0,)),
    ),
}
_RULES = tuple((kind, re.compile(pattern.pattern.encode("ascii"))) for kind, pattern in _TEXT_RULES)
_LOCAL_PART_REVERSED = re.compile(rb"[A-Za-z0-9._%+-]{1,64}")
# Not addresses: retina image names (logo@2x.png) and the like.
_FILE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".css", ".js")
# Placeholder addresses that templates and forms carry (you@example.com, email@domain.com).
_PLACEHOLDER_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)*(?:example|domain|yourdomain|yoursite|email)\.[a-z]+$")
# Telegram paths that are features of Telegram, not somebody's handle.
_TELEGRAM_PATHS = frozenset({"share", "joinchat", "addstickers", "addemoji", "proxy", "socks", "setlanguage"})
MAX_PER_KIND = 50
MAX_MATCHES = 2_000


def _email(html: bytes, match: re.Match[bytes]) -> str | None:
    domain = match.group(1).decode("ascii").lower()
    if domain.endswith(_FILE_SUFFIXES) or _PLACEHOLDER_DOMAIN.match(domain):
        return None
    start = match.start()
    local = _LOCAL_PART_REVERSED.match(html[max(0, start - 64) : start][::-1])
    if local is None:
        return None
    name = local.group(0)[::-1].decode("ascii").lstrip("._%+-")
    return f"{name.lower()}@{domain}" if name else None


def _value(kind: str, html: bytes, match: re.Match[bytes]) -> str | None:
    start = match.start()
    before = html[start - 1 : start]
    if kind != "email" and before and (before.isalnum() or before in b"_-"):
        return None
    if kind == "email":
        return _email(html, match)
    value = match.group(1).decode("ascii")
    if kind == "ethereum":
        return value.lower()  # the checksum spelling and the lower-case one are the same wallet
    if kind == "telegram" and not value.startswith("+"):
        value = value.lower()
        return None if value in _TELEGRAM_PATHS else value
    return value


def _starts(html: bytes, anchor: bytes) -> Iterator[int]:
    at = html.find(anchor)
    while at >= 0:
        yield at
        at = html.find(anchor, at + 1)


def _matches(kind: str, pattern: re.Pattern[bytes], html: bytes) -> Iterator[re.Match[bytes]]:
    """``pattern.finditer(html)``: the leftmost match, then the next from where it ends. A pattern with
    anchors is tried only at them, in order: no match can start anywhere else."""
    anchors = _ANCHORS.get(kind)
    if anchors is None:
        yield from pattern.finditer(html)
        return
    starts = {
        at - offset for anchor, offsets in anchors for at in _starts(html, anchor) for offset in offsets
    }
    end = 0
    for start in sorted(starts):
        if start >= end and (match := pattern.match(html, start)):
            yield match
            end = match.end()


def find_indicators(html: str | bytes) -> frozenset[Indicator]:
    """Every indicator in ``html`` (text, or UTF-8 bytes), at most ``MAX_PER_KIND`` per pattern; e-mail and
    handles lower-cased."""
    if isinstance(html, str):
        html = html.encode("utf-8", "replace")
    found: set[Indicator] = set()
    for kind, pattern in _RULES:
        values: set[str] = set()
        for examined, match in enumerate(_matches(kind, pattern, html)):
            if examined >= MAX_MATCHES or len(values) >= MAX_PER_KIND:
                break
            value = _value(kind, html, match)
            if value:
                values.add(value)
        found.update(Indicator(kind, v) for v in values)
    return frozenset(found)


def describe(indicator: Indicator) -> str:
    """``Google Analytics ID UA-123-1``."""
    return f"{LABELS[indicator.kind]} {indicator.value}"
