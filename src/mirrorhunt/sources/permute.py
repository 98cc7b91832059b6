"""Permutations of a known name: the names its operator is likely to register next.

Most likely first: the same label under popular TLDs, then affixes (``label-fr``, ``new-label``), then
common typos of the label, then every other TLD, then bit flips and look-alike characters. Suffix
changes follow ``tld_swap``, label changes ``typos``; affixes under popular TLDs need both.
Typos work on the Unicode form of an IDN label; every name comes out in A-label form.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.names import is_public_suffix, normalize_name, split_registrable, top_level_domains

POPULAR_TLDS = (
    "com", "net", "org", "gg", "to", "cc", "io", "co", "me", "xyz", "su", "la", "ws", "is", "site",
    "club", "app", "info", "biz", "tv", "cx", "pw", "sh", "ac", "nu", "eu", "fr", "be", "ch", "live",
    "online", "top", "vip", "pro", "one", "cloud", "lol", "in", "us", "uk", "de", "nl", "it", "es", "ru",
)  # fmt: skip
"""TLDs mirrors move to most often, most popular first."""

SECOND_LEVEL_SUFFIXES = (
    "co.uk", "org.uk", "com.br", "com.au", "co.nz", "co.za", "com.mx", "co.in", "com.tr", "com.ar",
    "co.jp", "com.cn", "com.pl", "co.il", "com.es", "com.co", "com.ua", "co.kr", "com.sg", "com.hk",
)  # fmt: skip
"""Common registrable suffixes below a country TLD, tried with the rest of the TLDs."""

AFFIXES = (
    "{label}-{tld}", "{label}2", "new-{label}", "{label}-new", "{label}-chat", "{label}1", "{label}-2",
    "{label}-officiel", "{label}-official", "{label}-live", "{label}-app", "{label}-online", "{label}-web",
    "{label}-site", "{label}-mirror", "{label}-miroir", "{label}-bis", "{label}-backup", "{label}-info",
    "{label}-vip", "{label}-tv", "{label}3", "{label}{tld}", "nouveau-{label}", "the{label}", "my{label}",
    "www{label}", "www-{label}", "go-{label}", "le-{label}", "m-{label}", "mirror-{label}",
)  # fmt: skip
"""Label templates; ``{tld}`` is the last label of the known name's suffix."""

_AFFIX_TLDS = 8
"""Affixes are also tried under this many of the most popular TLDs (``label-fr.net``)."""

_KEYBOARDS = (
    ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
    ("1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"),
)
_VOWELS = "aeiouy"
_LDH = frozenset(string.ascii_lowercase + string.digits + "-")
_LOOK_ALIKES = (
    ("o", "0"), ("0", "o"), ("l", "1"), ("1", "l"), ("i", "1"), ("i", "l"), ("l", "i"), ("m", "rn"),
    ("rn", "m"), ("w", "vv"), ("vv", "w"), ("d", "cl"), ("cl", "d"), ("m", "nn"), ("nn", "m"),
    ("s", "5"), ("5", "s"), ("e", "3"), ("3", "e"), ("a", "4"), ("b", "8"), ("g", "9"), ("q", "g"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Permutation:
    """A name near a known one, the fuzzer that made it and how."""

    name: str
    fuzzer: str
    detail: str


_Variant = tuple[str, str]
"""A changed label and how it was changed, in words."""


def permutations(
    name: str,
    *,
    tlds: Sequence[str] | None = None,
    tld_swap: bool = True,
    typos: bool = True,
) -> list[Permutation]:
    """Names near ``name``, most likely first, each once, never ``name`` itself or a public suffix.

    ``tlds`` replaces the suffixes tried by the TLD swap (default: every ICANN TLD and common
    second-level suffixes such as ``co.uk``); raises ``InvalidName`` or ``InvalidInput``.
    """
    given = normalize_name(name)
    label, suffix = split_registrable(given)
    base = f"{label}.{suffix}"
    text = _unicode_label(label)
    tld = suffix.rsplit(".", 1)[-1]
    ranked = (tld, *POPULAR_TLDS)  # salon.co.uk is most likely back as salon.uk
    swaps = _swap_suffixes(tlds, suffix) if tld_swap else []
    popular = sorted((s for s in swaps if s in ranked), key=ranked.index)
    others = [s for s in swaps if s not in ranked]
    shaped = [*_affixes(text, tld), *_ascii_fold(text)] if typos else []

    found = _Found(exclude={given, base})
    found.under_suffixes(label, popular, base=base)
    for fuzzer, (variant, how) in shaped:
        found.add(f"{variant}.{suffix}", fuzzer, f"{base}: {how}")
    for swapped in popular[:_AFFIX_TLDS]:
        for fuzzer, (variant, how) in shaped:
            found.add(f"{variant}.{swapped}", fuzzer, f"{base}: {how}, with .{swapped}")
    if typos:
        found.label_typos(text, suffix, _LIKELY_TYPOS, base=base)
    found.under_suffixes(label, others, base=base)
    if typos:
        found.label_typos(text, suffix, _UNLIKELY_TYPOS, base=base)
    return found.permutations


class _Found:
    """Permutations gathered in order: valid names only, the first fuzzer of a name wins."""

    def __init__(self, *, exclude: Iterable[str]) -> None:
        self._seen = set(exclude)
        self.permutations: list[Permutation] = []

    def add(self, text: str, fuzzer: str, detail: str) -> None:
        name = _valid_name(text)
        if name is not None and name not in self._seen:
            self._seen.add(name)
            self.permutations.append(Permutation(name, fuzzer, detail))

    def under_suffixes(self, label: str, suffixes: Iterable[str], *, base: str) -> None:
        for suffix in suffixes:
            self.add(f"{label}.{suffix}", "tld-swap", f"{base} with .{suffix}")

    def label_typos(self, text: str, suffix: str, fuzzers: Sequence[_Fuzzer], *, base: str) -> None:
        for fuzzer, produce in fuzzers:
            for variant, how in produce(text):
                self.add(f"{variant}.{suffix}", fuzzer, f"{base}: {how}")


def _valid_name(text: str) -> str | None:
    try:
        name = normalize_name(text)
    except InvalidName:
        return None
    if any(_reserved(label) for label in name.split(".")) or is_public_suffix(name):
        return None
    return name


def _reserved(label: str) -> bool:
    """Hyphens in the third and fourth places are kept for A-labels, and only well-formed ones."""
    if label[2:4] != "--":
        return False
    if not label.startswith("xn--"):
        return True
    try:
        label.encode("ascii").decode("idna")
    except UnicodeError:
        return True
    return False


def _unicode_label(label: str) -> str:
    if label.startswith("xn--"):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label
    return label


def _swap_suffixes(tlds: Sequence[str] | None, suffix: str) -> list[str]:
    if tlds is None:
        chosen: Iterable[str] = [*POPULAR_TLDS, *SECOND_LEVEL_SUFFIXES, *top_level_domains()]
    else:
        chosen = [_suffix(tld) for tld in tlds]
    return [s for s in dict.fromkeys(chosen) if s != suffix]


def _suffix(text: str) -> str:
    try:
        suffix = normalize_name(f"x.{text.strip().lstrip('.')}")[2:]
    except InvalidName as exc:
        raise InvalidInput(
            f"{text!r} is not a top-level domain", hint="give TLDs such as gg or co.uk"
        ) from exc
    if not is_public_suffix(suffix):
        raise InvalidInput(f"{text!r} is not a public suffix", hint="give TLDs such as gg or co.uk")
    return suffix


def _affixes(text: str, tld: str) -> Iterator[tuple[str, _Variant]]:
    for template in AFFIXES:
        if "{tld}" in template and not tld.isalpha():
            continue
        affix = template.replace("{label}", "").replace("{tld}", tld)
        yield "affix", (template.format(label=text, tld=tld), f"affix {affix!r}")


def _ascii_fold(text: str) -> Iterator[tuple[str, _Variant]]:
    folded = "".join(_fold(char) for char in text)
    if folded != text:
        yield "ascii-fold", (folded, "accents removed")


def _fold(char: str) -> str:
    base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii").lower()
    return base if base and all(c in _LDH for c in base) else char


def _keyboard_neighbours() -> dict[str, str]:
    """Keys next to each key on QWERTY and AZERTY keyboards (rows are staggered to the right)."""
    neighbours: dict[str, str] = {}
    for rows in _KEYBOARDS:
        for r, row in enumerate(rows):
            for i, key in enumerate(row):
                near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
                if r > 0:
                    near += [rows[r - 1][j] for j in (i, i + 1) if j < len(rows[r - 1])]
                if r + 1 < len(rows):
                    near += [rows[r + 1][j] for j in (i - 1, i) if 0 <= j < len(rows[r + 1])]
                known = neighbours.get(key, "")
                neighbours[key] = known + "".join(c for c in dict.fromkeys(near) if c not in known)
    return neighbours


_NEIGHBOURS = _keyboard_neighbours()


def _omission(text: str) -> Iterator[_Variant]:
    for i, char in enumerate(text):
        yield text[:i] + text[i + 1 :], f"left out {char!r} at {i + 1}"


def _transposition(text: str) -> Iterator[_Variant]:
    for i in range(len(text) - 1):
        first, second = text[i], text[i + 1]
        if first != second:
            yield text[:i] + second + first + text[i + 2 :], f"swapped {first!r} and {second!r} at {i + 1}"


def _repetition(text: str) -> Iterator[_Variant]:
    for i, char in enumerate(text):
        if char != "-":
            yield text[:i] + char + text[i:], f"doubled {char!r} at {i + 1}"


def _replacement(text: str) -> Iterator[_Variant]:
    for i, char in enumerate(text):
        for near in _NEIGHBOURS.get(char, ""):
            yield text[:i] + near + text[i + 1 :], f"{char!r} at {i + 1} typed as its neighbour {near!r}"


def _hyphenation(text: str) -> Iterator[_Variant]:
    for i in range(1, len(text)):
        if "-" not in (text[i - 1], text[i]):
            yield text[:i] + "-" + text[i:], f"hyphen after {text[:i]!r}"


def _vowel_swap(text: str) -> Iterator[_Variant]:
    for i, char in enumerate(text):
        if char in _VOWELS:
            for vowel in _VOWELS.replace(char, ""):
                yield text[:i] + vowel + text[i + 1 :], f"{char!r} at {i + 1} as {vowel!r}"


def _insertion(text: str) -> Iterator[_Variant]:
    for i, char in enumerate(text):
        for near in _NEIGHBOURS.get(char, ""):
            yield text[:i] + near + text[i:], f"{near!r} typed before {char!r} at {i + 1}"
            yield text[: i + 1] + near + text[i + 1 :], f"{near!r} typed after {char!r} at {i + 1}"


def _addition(text: str) -> Iterator[_Variant]:
    for char in string.ascii_lowercase + string.digits:
        yield text + char, f"{char!r} appended"


def _bitsquatting(text: str) -> Iterator[_Variant]:
    for i, char in enumerate(text):
        for bit in range(8):
            flipped = chr(ord(char) ^ (1 << bit))
            if flipped in _LDH:
                yield (
                    text[:i] + flipped + text[i + 1 :],
                    f"{char!r} at {i + 1} with one bit flipped: {flipped!r}",
                )


def _homoglyph(text: str) -> Iterator[_Variant]:
    for original, look_alike in _LOOK_ALIKES:
        start = text.find(original)
        while start >= 0:
            changed = text[:start] + look_alike + text[start + len(original) :]
            yield changed, f"{original!r} at {start + 1} as look-alike {look_alike!r}"
            start = text.find(original, start + 1)
    for i, char in enumerate(text):
        if (folded := _fold(char)) != char:
            yield text[:i] + folded + text[i + 1 :], f"{char!r} at {i + 1} as look-alike {folded!r}"


_Fuzzer = tuple[str, Callable[[str], Iterator[_Variant]]]

_LIKELY_TYPOS: tuple[_Fuzzer, ...] = (
    ("omission", _omission),
    ("transposition", _transposition),
    ("repetition", _repetition),
    ("replacement", _replacement),
    ("hyphenation", _hyphenation),
    ("vowel-swap", _vowel_swap),
    ("insertion", _insertion),
    ("addition", _addition),
)
_UNLIKELY_TYPOS: tuple[_Fuzzer, ...] = (("bitsquatting", _bitsquatting), ("homoglyph", _homoglyph))
