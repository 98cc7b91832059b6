"""Which addresses the prober may connect to: only global unicast ones, unless the operator allows more.

A hostile name can resolve to 127.0.0.1, 10.0.0.1 or 169.254.169.254; connecting there would turn the
prober against its own network. ``check_address`` is called for every address, at connect time.
"""

from __future__ import annotations

import ipaddress
import zlib
from collections.abc import Sequence
from typing import Any

import brotli

from mirrorhunt.errors import InvalidInput, ProbeError, SafetyRefusal

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_DOCUMENTATION = tuple(
    ipaddress.ip_network(net)
    for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")
)
_HINT = "private address space is refused; set allow_private_addresses = true only for a lab or a test"


def check_address(address: str, *, allow_private: bool, exempt: Sequence[str] = ()) -> None:
    """Return if ``address`` may be probed; raise ``SafetyRefusal`` naming the reason otherwise.

    ``exempt`` networks (CIDR) are allowed even when private space is refused: one known proxy, or
    the loopback server of a test that checks everything else is refused.
    """
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError as exc:
        raise InvalidInput(f"{address!r} is not an IP address") from exc
    if allow_private or any(ip in ipaddress.ip_network(net, strict=False) for net in exempt):
        return
    if isinstance(ip, ipaddress.IPv6Address) and (embedded := ip.ipv4_mapped or ip.sixtofour) is not None:
        if (inner := _forbidden_kind(embedded)) is not None:
            raise SafetyRefusal(
                f"refused: {address} embeds {embedded}, {_article(inner)} {inner} address", hint=_HINT
            )
        if ip.ipv4_mapped is not None:
            return
    if (kind := _forbidden_kind(ip)) is not None:
        raise SafetyRefusal(f"refused: {address} is {_article(kind)} {kind} address", hint=_HINT)


def _forbidden_kind(ip: _Address) -> str | None:
    checks: tuple[tuple[str, bool], ...] = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("carrier-grade NAT", ip in _CGNAT),
        ("documentation", any(ip in net for net in _DOCUMENTATION)),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-global", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiouIAEOU" else "a"


MAX_HEADER_LINE = 8190
"""Bytes in the status line or in one header field (the client refuses longer ones while parsing)."""
MAX_HEADER_COUNT = 100
MAX_HEADER_BYTES = 64 * 1024
"""Bytes of all header fields of one response together."""
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
"""The only bodies read for a landing page."""
ICON_TYPES = frozenset({"image/*", "application/octet-stream"})
"""The only bodies read for a favicon."""


def accepts(content_type: str, allowed: frozenset[str]) -> bool:
    """True when ``content_type`` is in ``allowed``, where ``image/*`` stands for every image type."""
    kind = content_type.lower()
    return kind in allowed or f"{kind.partition('/')[0]}/*" in allowed


def check_headers(fields: Sequence[tuple[bytes, bytes]]) -> None:
    """Raise ``SafetyRefusal`` when a response has too many header fields or too many header bytes."""
    if len(fields) > MAX_HEADER_COUNT:
        raise SafetyRefusal(f"refused: {len(fields)} header fields, more than {MAX_HEADER_COUNT}")
    size = sum(len(name) + len(value) + 4 for name, value in fields)
    if size > MAX_HEADER_BYTES:
        raise SafetyRefusal(f"refused: {size} bytes of headers, more than {MAX_HEADER_BYTES}")


class ContentDecoder:
    """Undoes one content coding (gzip, deflate, br) while never producing more than ``limit`` bytes.

    ``full`` turns true once the output reached the limit: the rest of the body is not decoded.
    """

    def __init__(self, coding: str, *, limit: int) -> None:
        self.coding = coding.strip().lower()
        if self.coding not in ("", "identity", "gzip", "x-gzip", "deflate", "br"):
            raise ProbeError(f"unsupported content coding {coding!r}")
        self.room = limit
        self.full = False
        self._zlib: Any = zlib.decompressobj(16 + zlib.MAX_WBITS) if "gzip" in self.coding else None
        self._brotli: Any = brotli.Decompressor() if self.coding == "br" else None

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes of the next piece of body, at most the room left."""
        if self.full or not data:
            return b""
        if self.room <= 0:
            self.full = True
            return b""
        try:
            out, cut = self._decode(data)
        except (zlib.error, brotli.error) as exc:
            raise ProbeError(f"broken {self.coding} body: {exc}") from exc
        self.room -= len(out)
        self.full = cut
        return out

    def _decode(self, data: bytes) -> tuple[bytes, bool]:
        """(output, whether output was cut at the room left)."""
        if self.coding in ("", "identity"):
            return data[: self.room], len(data) > self.room
        if self._brotli is not None:
            out = self._brotli.process(data, output_buffer_limit=self.room)
            return out[: self.room], len(out) >= self.room and not self._brotli.is_finished()
        if self._zlib is None:  # deflate: a zlib stream, or raw deflate as some servers send it
            wrapped = len(data) > 1 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        out = self._zlib.decompress(data, self.room)
        return out, len(out) >= self.room and not self._zlib.eof
