"""Language-neutral words and word shingles of visible text, with the page's own host taken out.

A mirror on another domain rewrites every mention of its host, so the host never counts as content.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from urllib.parse import urlsplit

import mmh3
import numpy as np

from mirrorhunt.errors import InvalidInput
from mirrorhunt.names import public_suffix, registrable_domain

SHINGLE_WORDS = 3
MAX_WORDS = 200_000
# Scripts written without spaces count one character as one word (Thai, Lao, Khmer, Myanmar, kana,
# ideographs); elsewhere a word is a run of letters and combining marks. Digits and punctuation
# separate words and are dropped.
_ONE_CHARACTER_WORDS = (
    (0x0E00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF),
)  # fmt: skip
_SCANNED = 0x10000  # the letters and marks beyond the first plane are rare, but for ideographs
_LATIN_ACCENTS = re.compile("[\u0300-\u036f]+")
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _class(spans: Iterable[tuple[int, int]]) -> str:
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in spans)


@cache
def _word_pattern() -> re.Pattern[str]:
    """Built on first use (about 10 ms) from Python's Unicode database; one plane keeps it fast."""
    single = bytearray(_SCANNED)
    for a, b in _ONE_CHARACTER_WORDS:
        single[a : min(b + 1, _SCANNED)] = b"\1" * (min(b + 1, _SCANNED) - a)
    spans: list[tuple[int, int]] = []
    for c in range(_SCANNED):
        if not single[c] and unicodedata.category(chr(c))[0] in "LM":
            if spans and spans[-1][1] == c - 1:
                spans[-1] = (spans[-1][0], c)
            else:
                spans.append((c, c))
    return re.compile(f"[{_class(_ONE_CHARACTER_WORDS)}]|[{_class(spans)}]+")


def page_host(url: str) -> str:
    """The lower-case host of an http(s) URL; raises ``InvalidInput``."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidInput(f"{url!r} is not an http(s) URL", hint="give the URL the page was fetched from")
    return host


def _is_name(host: str) -> bool:
    return any(c.isalpha() for c in host.rsplit(".", 1)[-1])


def own_hosts(host: str) -> tuple[str, ...]:
    """The spellings of a page's own host to take out of its text, longest first."""
    names = {host, host.removeprefix("www.")}
    if _is_name(host):
        names.add(registrable_domain(host) or host)
        with contextlib.suppress(UnicodeError):
            names.add(host.encode("ascii").decode("idna"))
    return tuple(sorted((n for n in names if "." in n), key=len, reverse=True))


def site_name(host: str) -> tuple[str, ...]:
    """The words of the name a site goes by: ``www.salon-lumiere.co.uk`` → (``salon``, ``lumiere``)."""
    domain = registrable_domain(host) if _is_name(host) else None
    if not domain:
        return ()
    label = domain[: -len(public_suffix(domain)) - 1]
    with contextlib.suppress(UnicodeError):
        label = label.encode("ascii").decode("idna")
    return tuple(words(label))


def _fold(text: str) -> str:
    return _LATIN_ACCENTS.sub("", unicodedata.normalize("NFKD", text.casefold()))


def words(text: str, *, hosts: Sequence[str] = ()) -> list[str]:
    """The words of ``text``: case-folded, compatibility-decomposed (NFKD), without Latin accents,
    own host removed, digits dropped. ``Salon Lumière`` → (``salon``, ``lumiere``)."""
    folded = _fold(text)
    for host in hosts:
        folded = folded.replace(_fold(host), " ")
    return _word_pattern().findall(folded)[:MAX_WORDS]


def shingles(tokens: Sequence[str]) -> frozenset[int]:
    """64-bit hashes of every run of ``SHINGLE_WORDS`` consecutive words (one shingle if fewer)."""
    if not tokens:
        return frozenset()
    if len(tokens) < SHINGLE_WORDS:
        return frozenset({mmh3.hash64(" ".join(tokens), signed=False)[0]})
    # Each word's hash is the first half of its 128-bit MurmurHash3, ``mmh3.hash64(word)[0]``: the digests of
    # all words joined in one pass, read as little-endian 64-bit halves.
    ids = np.frombuffer(b"".join(map(mmh3.hash_bytes, tokens)), dtype="<u8")[::2]
    n = len(tokens) - SHINGLE_WORDS + 1
    combined = np.zeros(n, dtype=np.uint64)
    for offset in range(SHINGLE_WORDS):  # a polynomial hash of the words, wrapping modulo 2**64
        combined = combined * _MIX + ids[offset : offset + n]
    return frozenset(combined.tolist())


def simhash(hashes: frozenset[int]) -> int:
    """64-bit simhash of 64-bit shingle hashes: each bit set when most shingles have it; 0 if none."""
    if not hashes:
        return 0
    values = np.fromiter(hashes, dtype="<u8", count=len(hashes))  # little-endian: bit i is bit i of byte i//8
    bits = np.unpackbits(values.view(np.uint8), bitorder="little").reshape(-1, 64)
    majority = bits.sum(axis=0, dtype=np.int64) * 2 > len(hashes)
    return int.from_bytes(np.packbits(majority, bitorder="little").tobytes(), "little")
