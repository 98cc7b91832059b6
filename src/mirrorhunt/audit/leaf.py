"""The entries of the transparency log: one canonical JSON document per listing change.

An entry holds what anyone may know about a decision (the kind of change, the name, the case, the
action, the reason, the zone serial, the contest it answers, the time) and who decided it as a role
and a pseudonym, never a person's name: ``HMAC-SHA256(secret, account name)``, so that the decisions
of one reviewer can be told apart and linked, by the operator, to the account, but not by the public.
Deciders that are programs (``matcher/1``, ``cli``) are named as they are. An entry is a pure function
of its event and the secret, so that ``audit verify`` can recompute every leaf from the stored events.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from mirrorhunt.model import Event

KINDS = (
    "listing.added",
    "listing.removed",
    "listing.changed",
    "contest.opened",
    "contest.upheld",
    "contest.granted",
)
"""The events that become entries: every change of what is listed, and every step of a contest."""

SYSTEM_DECIDERS = frozenset({"mirrorhunt", "cli", "operator"})
"""Deciders that are the system itself, named as they are in the log."""

PROGRAM_PREFIX = "matcher/"
"""How the matcher names itself as a decider (``matcher/1 (case allows auto-listing)``): a program."""

MAX_REASON = 2000
"""Characters of a reason an entry keeps: entries stay far below the 64 KiB an entry bundle allows."""

_PSEUDONYM_BYTES = 16


def pseudonym(account: str, *, secret: bytes) -> str:
    """The public stand-in for an account name: hex of the first 128 bits of HMAC-SHA256."""
    return hmac.new(secret, account.encode(), hashlib.sha256).digest()[:_PSEUDONYM_BYTES].hex()


def decider(detail: Mapping[str, Any], *, secret: bytes) -> dict[str, str] | None:
    """``{"role", "id"}`` of who decided: the system (its fixed deciders and the matcher) by its own
    name with the role ``system``; anyone else is a person, by role and pseudonym, so that no name
    of a person can reach the public log whatever form it takes."""
    by = detail.get("decided_by", detail.get("by"))  # contest decisions name their decider "by"
    if not isinstance(by, str) or not by:
        return None
    role = detail.get("role")
    if not isinstance(role, str) and (by in SYSTEM_DECIDERS or by.startswith(PROGRAM_PREFIX)):
        return {"role": "system", "id": by}
    # Anyone else is a person; four-eyes decisions name two ("ana, bruno"): each gets a pseudonym.
    people = [person.strip() for person in by.split(",") if person.strip()]
    ids = ",".join(pseudonym(person, secret=secret) for person in people)
    return {"role": role if isinstance(role, str) else "person", "id": ids}


def encode_entry(event: Event, *, secret: bytes) -> bytes:
    """The log entry of ``event`` (one of ``KINDS``): canonical JSON, keys sorted, no spaces, UTF-8."""
    detail = event.detail
    reason = detail.get("reason")
    document = {
        "kind": event.kind,
        "name": event.subject,
        "case": detail.get("case"),
        "contest": detail.get("contest"),
        "action": detail.get("action"),
        "reason": reason[:MAX_REASON] if isinstance(reason, str) else None,
        "why": detail.get("why"),
        "expires": detail.get("expires"),
        "serial": detail.get("serial"),
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "decider": decider(detail, secret=secret),
    }
    return canonical_json(document)


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (not ASCII-escaped): one byte string per document."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def decode_entry(entry: bytes) -> dict[str, Any]:
    """The document of an entry; ``ValueError`` unless it is canonical JSON of an object."""
    document = json.loads(entry.decode())
    if not isinstance(document, dict) or canonical_json(document) != entry:
        raise ValueError("not a canonical JSON object")
    return document
