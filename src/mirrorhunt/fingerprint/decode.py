"""Bytes to text: byte-order mark, then UTF-8 if the bytes are valid UTF-8, then the declared encoding.

Browsers trust the declaration (HTTP header, then ``<meta>``) over the bytes, but saved and re-served
pages often keep a stale declaration over UTF-8 bytes; valid UTF-8 with non-ASCII text is almost never
another encoding by accident, so it wins. Wide encodings declared in the header are honoured first.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]{1,40})""", re.IGNORECASE)
_META_WINDOW = 4096
# The WHATWG Encoding Standard reads these labels as windows-1252.
_WINDOWS_1252 = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "ascii", "us-ascii"})


def _header_charset(headers: Sequence[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.strip().lower() == "content-type":
            found = _CHARSET.search(value.encode("latin-1", "replace"))
            if found:
                return found.group(1).decode("ascii").lower()
    return None


def _decode(body: bytes, label: str) -> str | None:
    try:
        return body.decode("cp1252" if label in _WINDOWS_1252 else label, "replace")
    except (LookupError, UnicodeError):  # unknown label, or not a text codec (base64, idna…)
        return None


def decode_html(body: bytes, *, headers: Sequence[tuple[str, str]] = ()) -> str:
    """The text of ``body``; bytes that fit no encoding become U+FFFD, nothing raises."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, "replace")
    header = _header_charset(headers)
    if header and header.startswith(("utf-16", "utf-32")) and (text := _decode(body, header)) is not None:
        return text
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    meta = _CHARSET.search(body[:_META_WINDOW])
    label = header or (meta.group(1).decode("ascii").lower() if meta else None)
    if label and (text := _decode(body, label)) is not None:
        return text
    return body.decode("utf-8", "replace")
