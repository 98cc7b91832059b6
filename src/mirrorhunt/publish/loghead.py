"""The transparency log's head as the zone carries it: one TXT record, ``_log.<zone> TXT "size=N root=HEX"``.

A resolver reads every owner name of a response policy zone as a QNAME trigger, relative to the zone:
``_log.<zone>`` would rewrite answers for the name ``_log.`` itself. That name cannot be a real one:
top-level labels are letters only (the root zone's rules), so no real query is ever matched, and a
query for ``_log.`` gets the head back as local data. The real-resolver tests check that Unbound and
BIND load the zone with it and still answer real names.
"""

from __future__ import annotations

from dataclasses import dataclass

from mirrorhunt.errors import InvalidInput

OWNER = "_log"
"""The record's owner, relative to the zone's name."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LogHead:
    """How many entries the transparency log holds, and the Merkle root over them (RFC 9162)."""

    size: int
    root: bytes

    def __post_init__(self) -> None:
        if self.size < 0:
            raise InvalidInput(f"log size {self.size} is negative", hint="a log holds 0 or more entries")
        if len(self.root) > 64:
            raise InvalidInput(
                f"log root of {len(self.root)} bytes is too long", hint="a Merkle root is a hash"
            )

    @property
    def text(self) -> str:
        """The TXT record's one string: ``size=N root=HEX``."""
        return f"size={self.size} root={self.root.hex()}"
