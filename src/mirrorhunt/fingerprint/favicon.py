"""The favicon hash analysts pivot on in Shodan and httpx (``http.favicon.hash``)."""

from __future__ import annotations

import base64

import mmh3


def favicon_hash(data: bytes) -> int:
    """MurmurHash3 (32-bit, signed) of the base64 of ``data``, a newline every 76 characters and at the end.

    The value Shodan and httpx show as ``http.favicon.hash``.
    """
    return int(mmh3.hash(base64.encodebytes(data)))
