"""Label fuzzers: each turns a label (Unicode form) into changed labels and says how, in words.

A fuzzer may yield labels that are not valid in DNS; ``permute`` keeps only valid names.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable, Iterator, Sequence

from mirrorhunt.sources.glyphs import (
    ASCII_LOOK_ALIKES,
    CYRILLIC_TWINS,
    NEIGHBOURS,
    UNICODE_LOOK_ALIKES,
    VOWELS,
)

Variant = tuple[str, str]
"""A changed label and how it was changed, in words."""

Fuzzer = Callable[[str], Iterator[Variant]]

_LDH = frozenset(string.ascii_lowercase + string.digits + "-")
_ALPHANUMERIC = string.ascii_lowercase + string.digits


def fold(char: str) -> str:
    """The ASCII letter under an accented one (``é`` → ``e``); other characters unchanged."""
    base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii").lower()
    return base if base and all(c in _LDH for c in base) else char


def ascii_fold(text: str) -> Iterator[Variant]:
    folded = "".join(fold(char) for char in text)
    if folded != text:
        yield folded, "accents removed"


def omission(text: str) -> Iterator[Variant]:
    for i, char in enumerate(text):
        yield text[:i] + text[i + 1 :], f"left out {char!r} at {i + 1}"


def transposition(text: str) -> Iterator[Variant]:
    for i in range(len(text) - 1):
        first, second = text[i], text[i + 1]
        if first != second:
            yield text[:i] + second + first + text[i + 2 :], f"swapped {first!r} and {second!r} at {i + 1}"


def repetition(text: str) -> Iterator[Variant]:
    for i, char in enumerate(text):
        yield text[:i] + char + text[i:], f"doubled {char!r} at {i + 1}"


def replacement(text: str) -> Iterator[Variant]:
    for i, char in enumerate(text):
        for near in NEIGHBOURS.get(char, ""):
            yield text[:i] + near + text[i + 1 :], f"{char!r} at {i + 1} typed as its neighbour {near!r}"


def hyphenation(text: str) -> Iterator[Variant]:
    for i in range(1, len(text)):
        yield text[:i] + "-" + text[i:], f"hyphen after {text[:i]!r}"


def vowel_swap(text: str) -> Iterator[Variant]:
    for i, char in enumerate(text):
        if char in VOWELS:
            for vowel in VOWELS.replace(char, ""):
                yield text[:i] + vowel + text[i + 1 :], f"{char!r} at {i + 1} as {vowel!r}"


def insertion(text: str) -> Iterator[Variant]:
    for i, char in enumerate(text):
        for near in NEIGHBOURS.get(char, ""):
            yield text[:i] + near + text[i:], f"{near!r} typed before {char!r} at {i + 1}"
            yield text[: i + 1] + near + text[i + 1 :], f"{near!r} typed after {char!r} at {i + 1}"


def addition(text: str) -> Iterator[Variant]:
    for char in _ALPHANUMERIC:
        yield text + char, f"{char!r} appended"
    for i, char in enumerate(text):
        if char == "-" and i > 0:
            for added in _ALPHANUMERIC:
                yield text[:i] + added + text[i:], f"{added!r} added before the hyphen at {i + 1}"


def plural(text: str) -> Iterator[Variant]:
    for i in range(2, len(text) - 2):
        ending = "es" if text[i] in "sxz" else "s"
        yield text[: i + 1] + ending + text[i + 1 :], f"{ending!r} after {text[: i + 1]!r}"


def subdomain(text: str) -> Iterator[Variant]:
    for i in range(1, len(text) - 1):
        if "-" not in (text[i - 1], text[i]):
            yield text[:i] + "." + text[i:], f"dot after {text[:i]!r}"


def dictionary(words: Sequence[str]) -> Fuzzer:
    """A fuzzer joining ``words`` to the label, or putting them in place of its first or last part."""

    def join(text: str) -> Iterator[Variant]:
        parts = text.split("-")
        for word in words:
            yield f"{text}-{word}", f"word {word!r} after"
            yield f"{text}{word}", f"word {word!r} after"
            yield f"{word}-{text}", f"word {word!r} before"
            yield f"{word}{text}", f"word {word!r} before"
            if len(parts) > 1:
                yield "-".join([*parts[:-1], word]), f"word {word!r} for {parts[-1]!r}"
                yield "-".join([word, *parts[1:]]), f"word {word!r} for {parts[0]!r}"

    return join


def bitsquatting(text: str) -> Iterator[Variant]:
    for i, char in enumerate(text):
        for bit in range(8):
            flipped = chr(ord(char) ^ (1 << bit))
            if flipped in _LDH:
                yield (
                    text[:i] + flipped + text[i + 1 :],
                    f"{char!r} at {i + 1} with one bit flipped: {flipped!r}",
                )


def cyrillic(text: str) -> Iterator[Variant]:
    twin = text.translate(CYRILLIC_TWINS)
    if all(a != b for a, b in zip(twin, text, strict=True)):
        yield twin, "every letter as its Cyrillic twin"


_ASCII_TABLE = {key: tuple(glyphs) for key, glyphs in ASCII_LOOK_ALIKES.items()}
_FULL_TABLE = {
    key: tuple(dict.fromkeys((*ASCII_LOOK_ALIKES.get(key, ()), *UNICODE_LOOK_ALIKES.get(key, ""))))
    for key in (*ASCII_LOOK_ALIKES, *UNICODE_LOOK_ALIKES)
}


def _look_alike_steps(text: str, table: dict[str, tuple[str, ...]]) -> Iterator[Variant]:
    """One character or pair as a look-alike; a doubled letter may change as a pair."""
    for i, char in enumerate(text):
        for glyph in table.get(char, ()):
            yield text[:i] + glyph + text[i + 1 :], f"{char!r} at {i + 1} as look-alike {glyph!r}"
        pair = text[i : i + 2]
        if len(pair) == 2:
            for glyph in table.get(pair, ()):
                yield text[:i] + glyph + text[i + 2 :], f"{pair!r} at {i + 1} as look-alike {glyph!r}"
            if pair[0] == pair[1]:
                for glyph in table.get(char, ()):
                    yield text[:i] + glyph * 2 + text[i + 2 :], f"{pair!r} at {i + 1} as {glyph * 2!r}"


def homoglyph(*, ascii_only: bool) -> tuple[Fuzzer, Fuzzer]:
    """Fuzzers for one look-alike change (and accents removed one at a time) and for two changes;
    ``ascii_only`` for suffixes that take no internationalised names."""
    table = _ASCII_TABLE if ascii_only else _FULL_TABLE

    def once(text: str) -> Iterator[Variant]:
        yield from _look_alike_steps(text, table)
        for i, char in enumerate(text):
            if (folded := fold(char)) != char:
                yield text[:i] + folded + text[i + 1 :], f"{char!r} at {i + 1} as look-alike {folded!r}"

    def twice(text: str) -> Iterator[Variant]:
        for first, how in _look_alike_steps(text, table):
            for second, then in _look_alike_steps(first, table):
                yield second, f"{how}, then {then}"

    return once, twice
