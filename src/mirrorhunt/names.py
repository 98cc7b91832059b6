"""Domain names: normalising what people type, and the Public Suffix List rules every stage shares.

The suffix rules come from the Public Suffix List snapshot that the ``publicsuffixlist`` package
bundles (no network at run time). The top-level domains are the single-label entries of its ICANN
section, which follows the IANA root zone.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import publicsuffixlist

from mirrorhunt.errors import InvalidInput, InvalidName

_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_CANONICAL = re.compile(r"(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?!-)[a-z0-9-]{1,63}(?<!-)")
"""A name already in the form ``normalize_name`` returns, but for its length and last-label checks."""


def normalize_name(text: str) -> str:
    """Lower-case A-label form of a domain name, without a trailing dot; raises ``InvalidName``."""
    if len(text) <= 253 and _CANONICAL.fullmatch(text) and not text.rpartition(".")[2].isdigit():
        return text  # already canonical (stored names were normalised on the way in): nothing to redo
    name = text.strip().rstrip(".").lower()
    if not name or " " in name or "/" in name or ":" in name:
        raise InvalidName(f"{text!r} is not a domain name", hint="give a name such as example-chat.gg")
    try:
        name = name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError as exc:
        raise InvalidName(f"{text!r} is not a valid internationalised domain name") from exc
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidName(
            f"{text!r} is not a domain name",
            hint="labels of letters, digits and inner hyphens, at least two labels",
        )
    if labels[-1].isdigit():
        raise InvalidName(f"{text!r} is an address, not a domain name")
    return name


def host_of(url: str) -> str:
    """The normalised host name of an http(s) URL; raises ``InvalidInput``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            f"{url!r} is not an http(s) URL", hint="give a URL such as https://example-chat.fr/"
        )
    return normalize_name(parts.hostname)


@cache
def _psl() -> publicsuffixlist.PublicSuffixList:
    return publicsuffixlist.PublicSuffixList()


@cache
def _rule_names() -> tuple[frozenset[str], frozenset[str]]:
    """(every name a rule of the bundled list names, every name a wildcard rule ``*.name`` names),
    each in its Unicode and A-label forms."""
    path = Path(publicsuffixlist.__file__).with_name("public_suffix_list.dat")
    exact: set[str] = set()
    wildcard: set[str] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        rule = raw.strip().lstrip("!").lower()
        if not rule or rule.startswith("//"):
            continue
        forms = {rule.removeprefix("*."), rule.removeprefix("*.").encode("idna").decode("ascii")}
        exact.update(forms)  # the list's library counts the name under a wildcard rule as public too
        if rule.startswith("*."):
            wildcard.update(forms)
    return frozenset(exact), frozenset(wildcard)


def is_public_suffix(name: str) -> bool:
    """True for names under which anybody can register (``gg``, ``co.uk``, ``github.io``)."""
    if name.isascii() and name == name.lower() and "." in name and ".." not in f".{name}.":
        # A name of two labels or more is a public suffix only when a rule names it, or a wildcard rule
        # sits just above it; the full lookup is needed only then.
        exact, wildcard = _rule_names()
        if name not in exact and name.partition(".")[2] not in wildcard:
            return False
    return bool(_psl().is_public(name))


def registrable_domain(name: str) -> str | None:
    """The name one registrant controls (``a.b.co.uk`` → ``b.co.uk``); None for a public suffix."""
    found = _psl().privatesuffix(name)
    return str(found) if found else None


def public_suffix(name: str) -> str:
    """The public suffix of a name (``a.b.co.uk`` → ``co.uk``)."""
    return str(_psl().publicsuffix(name))


def split_registrable(name: str) -> tuple[str, str]:
    """(label, suffix) of the registrable domain: ``www.salon.co.uk`` → (``salon``, ``co.uk``)."""
    domain = registrable_domain(name)
    if domain is None:
        raise InvalidName(f"{name!r} is a public suffix, not a registrable name")
    suffix = public_suffix(domain)
    return domain[: -len(suffix) - 1], suffix


@cache
def top_level_domains() -> tuple[str, ...]:
    """Every top-level domain of the ICANN section of the bundled list, in A-label form."""
    path = Path(publicsuffixlist.__file__).with_name("public_suffix_list.dat")
    text = path.read_text(encoding="utf-8")
    icann = text.split("===BEGIN ICANN DOMAINS===")[1].split("===END ICANN DOMAINS===")[0]
    tlds = {
        line.encode("idna").decode("ascii")
        for line in (raw.strip() for raw in icann.splitlines())
        if line and not line.startswith(("//", "*", "!")) and "." not in line
    }
    return tuple(sorted(tlds))
