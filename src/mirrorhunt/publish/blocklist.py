"""What every blocklist format shares: the names it holds and the header that dates it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from mirrorhunt.errors import InvalidInput
from mirrorhunt.model import Listing, ListingAction
from mirrorhunt.names import is_public_suffix, normalize_name

MAX_SERIAL = 2**32 - 1


def blocked_names(listings: Iterable[Listing]) -> list[str]:
    """The listed names in A-label form, each once, sorted; a public suffix raises ``InvalidInput``."""
    return list(blocked_actions(listings))


def blocked_names_of(names: Iterable[str]) -> list[str]:
    """``blocked_names`` from the names alone (``Store.listed_names``); a sorted input stays cheap."""
    return sorted(dict.fromkeys(_blockable(name, case=None) for name in names))


def blocked_actions(listings: Iterable[Listing]) -> dict[str, ListingAction]:
    """``blocked_names`` with each name's action (the first listing's, when two spell one name)."""
    found: dict[str, ListingAction] = {}
    for listing in listings:
        found.setdefault(_blockable(listing.name, case=listing.case), listing.action)
    return dict(sorted(found.items()))


def blocked_actions_of(names: Iterable[str] | Mapping[str, ListingAction]) -> dict[str, ListingAction]:
    """``blocked_actions`` from names and their actions (``Store.listed_actions``), or from names alone,
    which are then NXDOMAIN."""
    if not isinstance(names, Mapping):
        return dict.fromkeys(blocked_names_of(names), "nxdomain")
    normal = [_blockable(name, case=None) for name in names]
    first_wins = dict(zip(reversed(normal), reversed(list(names.values())), strict=True))
    return dict(sorted(first_wins.items()))


def blocking(listings: Iterable[Listing]) -> list[Listing]:
    """The listings that block (every action but PASSTHRU): what formats without exceptions carry."""
    return [listing for listing in listings if listing.action != "passthru"]


def _blockable(name: str, *, case: str | None) -> str:
    normal = normalize_name(name)
    if is_public_suffix(normal):
        of_case = "" if case is None else f" of case {case!r}"
        raise InvalidInput(
            f"listing {normal!r}{of_case} is a public suffix and is never published",
            hint=f"remove the listing: mirrorhunt listings remove {normal} --reason 'public suffix'",
        )
    return normal


def header(title: str, *, generated_at: datetime, serial: int, count: int) -> tuple[str, str]:
    """Two comment lines (without the comment mark): what this is, when, which serial, how many names."""
    if not 0 <= serial <= MAX_SERIAL:
        raise InvalidInput(f"serial {serial} is out of range", hint=f"a serial is from 0 to {MAX_SERIAL}")
    if generated_at.tzinfo is None:
        raise InvalidInput(
            "the generation time has no time zone", hint="pass an aware datetime (clock.now())"
        )
    when = generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    noun = "name" if count == 1 else "names"
    return f"mirrorhunt {title}", f"generated {when}, serial {serial}, {count} {noun}"
