"""Safeguards at decision time: names that no person and no machine may list, whatever the evidence.

- a public suffix (``gg``, ``co.uk``, ``github.io``): the bundled Public Suffix List, offline;
- a shared platform's own domain (one that holds suffixes where strangers register names, such as
  ``amazonaws.com`` above ``s3.amazonaws.com``): on a platform only the mirror's exact name is listed;
- an allowlisted name or any name below it: the bundled list of the most popular registrable domains
  (``data/popular.txt``) and the operator's own (``[publish] allowlist`` / ``allowlist_file``), with the
  stop page's name (``publish.valve.Exclusions`` does the checking);
- an IP-address trigger, unless a person asks for it and the prober knows nothing else at that address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import publicsuffixlist

from mirrorhunt.config import PublishSettings
from mirrorhunt.errors import InvalidName
from mirrorhunt.names import normalize_name
from mirrorhunt.publish.publication import exclusions_in
from mirrorhunt.publish.valve import Exclusions, exclusions_of, parse_allowlist


@dataclass(frozen=True, slots=True)
class Safeguards:
    """The checks of one deployment: the bundled ones, and the operator's exclusions."""

    operator: Exclusions = field(default_factory=Exclusions)

    def refusal(self, name: str) -> str | None:
        """Why ``name`` may never be listed, or None when it may be."""
        refusal = popular().refusal(name)
        if refusal is not None:
            return refusal.replace("allowlisted", "a popular domain", 1)
        normal = normalize_name(name)
        platform = platform_below(normal)
        if platform is not None:
            return (
                f"the domain of a shared platform (strangers register names under {platform}): "
                "list the mirror's exact name instead"
            )
        return self.operator.refusal(normal)

    def require(self, name: str) -> None:
        """Raise ``InvalidName`` saying why, when ``name`` may never be listed."""
        refusal = self.refusal(name)
        if refusal is not None:
            raise InvalidName(
                f"{name} is never listed: {refusal}", hint="a safeguard protects it; see docs/review.md"
            )


def safeguards_of(settings: PublishSettings) -> Safeguards:
    """The safeguards with the operator's allowlist, allowlist file and stop page."""
    return Safeguards(exclusions_in(settings))


def require_listable(name: str, *, settings: PublishSettings) -> None:
    """``Safeguards.require`` with the operator's settings: for a one-off decision (a command)."""
    safeguards_of(settings).require(name)


def address_refusal(
    *, address: str, by_person: bool, names: Collection[str], seen: Collection[str]
) -> str | None:
    """Why an IP-address trigger for ``address`` (meant to block ``names``) may not be listed, or None.

    ``seen`` holds every name the prober saw at that address: any other than ``names`` would be
    blocked too, so the trigger is refused.
    """
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return f"{address!r} is not an IP address"
    if not by_person:
        return "an IP-address trigger is listed only when a person asks for it"
    others = sorted(set(seen) - set(names))
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        return f"{address} also hosts {shown}"
    return None


@cache
def popular() -> Exclusions:
    """The bundled allowlist of popular registrable domains, as exclusions."""
    text = resources.files("mirrorhunt.review").joinpath("data/popular.txt").read_text(encoding="utf-8")
    return exclusions_of(allowlist=parse_allowlist(text), stop_page=None)


def platform_below(name: str) -> str | None:
    """A private-section suffix strictly below ``name`` (a shared platform's own domain), or None."""
    return _platform_parents().get(name)


@cache
def _platform_parents() -> dict[str, str]:
    """Every name strictly above a suffix of the list's private section but not itself a suffix, with the
    shortest such suffix: ``amazonaws.com`` → ``s3.amazonaws.com``."""
    psl = publicsuffixlist.PublicSuffixList()
    text = Path(publicsuffixlist.__file__).with_name("public_suffix_list.dat").read_text(encoding="utf-8")
    private = text.split("===BEGIN PRIVATE DOMAINS===")[1].split("===END PRIVATE DOMAINS===")[0]
    parents: dict[str, str] = {}
    for line in private.splitlines():
        rule = line.strip().removeprefix("!").removeprefix("*.").lower()
        if not rule or rule.startswith("//"):
            continue
        rule = rule.encode("idna").decode("ascii")
        labels = rule.split(".")
        for start in range(1, len(labels) - 1):
            parent = ".".join(labels[start:])
            if not psl.is_public(parent) and len(rule) < len(parents.get(parent, rule + ".")):
                parents[parent] = rule  # the shortest, as the example a refusal names
    return parents
