"""Permutations of a known name: the names its operator is likely to register next.

Most likely first: the same label under popular TLDs, then affixes (``label-fr``, ``new-label``), then
common typos, dictionary words and glued suffixes, then every other TLD and second-level suffix, then
bit flips, Cyrillic twins, dots inside the label and look-alike characters (one, then two). Every
fuzzer of dnstwist is covered (a test checks the names). Suffix changes follow ``tld_swap``, label
changes ``typos``; a change of both needs both. Typos work on the Unicode form of an IDN label; every
name comes out in A-label form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from mirrorhunt.errors import InvalidInput, InvalidName
from mirrorhunt.names import (
    is_public_suffix,
    normalize_name,
    public_suffix,
    split_registrable,
    top_level_domains,
)
from mirrorhunt.sources import fuzzers
from mirrorhunt.sources.glyphs import ASCII_ONLY_SUFFIXES

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

DICTIONARY = (
    "new", "chat", "app", "official", "online", "live", "web", "site", "mirror", "vip", "secure",
    "login", "access", "forum", "club", "free", "fr", "info", "net", "tv",
)  # fmt: skip
"""Words joined to the label by the dictionary fuzzer (``words`` replaces them)."""


@dataclass(frozen=True, slots=True)
class Permutation:
    """A name near a known one, the fuzzer that made it and how."""

    name: str
    fuzzer: str
    detail: str


def permutations(
    name: str,
    *,
    tlds: Sequence[str] | None = None,
    tld_swap: bool = True,
    typos: bool = True,
    words: Sequence[str] = DICTIONARY,
) -> list[Permutation]:
    """Names near ``name``, most likely first, each once, never ``name`` itself or a public suffix.

    ``tlds`` replaces the suffixes tried by the TLD swap (default: every ICANN TLD and common
    second-level suffixes such as ``co.uk``); ``words`` those of the dictionary fuzzer. Raises
    ``InvalidName`` or ``InvalidInput``.
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
    shaped = [*_affixes(text, tld), *(("ascii-fold", v) for v in fuzzers.ascii_fold(text))] if typos else []

    found = _Found(exclude={given, base})
    found.under_suffixes(label, popular, base=base)
    for fuzzer, (variant, how) in shaped:
        found.add(f"{variant}.{suffix}", fuzzer, f"{base}: {how}")
    for swapped in popular[:_AFFIX_TLDS]:
        for fuzzer, (variant, how) in shaped:
            found.add(f"{variant}.{swapped}", fuzzer, f"{base}: {how}, with .{swapped}")
    if typos:
        found.label_typos(text, suffix, _likely_typos(words), base=base)
        for variant, how in _various(text, suffix, subdomain=given[: -len(base)].rstrip(".")):
            if tld_swap or variant.endswith(f".{suffix}"):
                found.add(variant, "various", f"{base}: {how}")
    found.under_suffixes(label, others, base=base)
    if typos:
        once, twice = fuzzers.homoglyph(ascii_only=suffix in ASCII_ONLY_SUFFIXES)
        found.label_typos(text, suffix, (*_UNLIKELY_TYPOS, ("homoglyph", once)), base=base)
        found.label_typos(text, suffix, (("homoglyph", twice),), base=base)
    return found.permutations


_Fuzzers = Sequence[tuple[str, fuzzers.Fuzzer]]


def _likely_typos(words: Sequence[str]) -> _Fuzzers:
    return (
        ("omission", fuzzers.omission),
        ("transposition", fuzzers.transposition),
        ("repetition", fuzzers.repetition),
        ("replacement", fuzzers.replacement),
        ("hyphenation", fuzzers.hyphenation),
        ("vowel-swap", fuzzers.vowel_swap),
        ("insertion", fuzzers.insertion),
        ("addition", fuzzers.addition),
        ("plural", fuzzers.plural),
        ("dictionary", fuzzers.dictionary(words)),
    )


_UNLIKELY_TYPOS: _Fuzzers = (
    ("bitsquatting", fuzzers.bitsquatting),
    ("cyrillic", fuzzers.cyrillic),
    ("subdomain", fuzzers.subdomain),
)


def _various(text: str, suffix: str, *, subdomain: str) -> Iterator[fuzzers.Variant]:
    """Whole names: the suffix glued to the label, and a given subdomain glued to it."""
    tld = suffix.rsplit(".", 1)[-1]
    glued = suffix.replace(".", "")
    if "." in suffix:
        yield f"{text}.{tld}", f"under .{tld} alone"
    yield f"{text}{suffix}", f"suffix glued to the label, under .{tld}"
    yield f"{text}{glued}.{suffix}", "suffix glued to the label"
    yield f"{text}-{glued}.com", "suffix joined to the label, under .com"
    yield f"{text}{glued}.com", "suffix glued to the label, under .com"
    if subdomain:
        yield f"{subdomain.replace('.', '')}{text}.{suffix}", f"subdomain {subdomain!r} glued to the label"
        yield f"{subdomain.replace('.', '-')}-{text}.{suffix}", f"subdomain {subdomain!r} joined to the label"


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

    def label_typos(self, text: str, suffix: str, chosen: _Fuzzers, *, base: str) -> None:
        for fuzzer, produce in chosen:
            for variant, how in produce(text):
                name = f"{variant}.{suffix}"
                if "." in variant and public_suffix(name) != suffix:
                    continue  # a.co.gg from aco.gg: a dot made another suffix (co.gg), not a typo
                self.add(name, fuzzer, f"{base}: {how}")


def _valid_name(text: str) -> str | None:
    labels: list[str] = []
    for label in text.split("."):
        encoded = _a_label(label)
        if encoded is None:
            return None
        labels.append(encoded)
    name = ".".join(labels)
    if len(name) > 253 or labels[-1].isdigit() or is_public_suffix(name):
        return None
    return name


_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def _a_label(label: str) -> str | None:
    """The A-label of a label, or None if it is not valid in a host name.

    Labels that are already in normalised form (lower case, NFKC) skip nameprep, which is the cost
    of making tens of thousands of look-alike names; the Punycode is the same.
    """
    if label.isascii():
        label = label.lower()
        if not _LABEL.fullmatch(label) or (label[2:4] == "--" and not _well_formed_a_label(label)):
            return None
        return label
    try:
        if label == label.casefold() and unicodedata.is_normalized("NFKC", label):
            encoded = "xn--" + label.encode("punycode").decode("ascii")
        else:
            encoded = label.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return encoded if _LABEL.fullmatch(encoded) else None


def _well_formed_a_label(label: str) -> bool:
    """Hyphens in the third and fourth places are kept for A-labels, and only well-formed ones."""
    if not label.startswith("xn--"):
        return False
    try:
        label.encode("ascii").decode("idna")
    except UnicodeError:
        return False
    return True


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


def _affixes(text: str, tld: str) -> Iterator[tuple[str, fuzzers.Variant]]:
    for template in AFFIXES:
        if "{tld}" in template and not tld.isalpha():
            continue
        affix = template.replace("{label}", "").replace("{tld}", tld)
        yield "affix", (template.format(label=text, tld=tld), f"affix {affix!r}")
