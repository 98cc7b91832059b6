"""Who acts at the review desk: a person's name and role, as the web app or a command authenticated it."""

from __future__ import annotations

from dataclasses import dataclass

from mirrorhunt.review.rights import Role


@dataclass(frozen=True, slots=True)
class Actor:
    """A person acting at the desk; ``name`` is what the record of every decision shows."""

    name: str
    role: Role
