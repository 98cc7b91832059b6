"""Roles and what each may do: the one table every page, API route and command checks against."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["viewer", "analyst", "approver", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

Right = Literal[
    "view",  # cases, candidates, evidence, listings, the queue
    "review",  # reject, ask for a second opinion, propose a listing, add a tip
    "approve",  # approve a listing (one of the two approvers of a four-eyes case), delist, confirm
    "decide_contest",  # uphold or grant a contest
    "administer",  # accounts, tokens, cases
]
RIGHTS: tuple[Right, ...] = get_args(Right)

_GRANTED: dict[Role, frozenset[Right]] = {
    "viewer": frozenset({"view"}),
    "analyst": frozenset({"view", "review"}),
    "approver": frozenset({"view", "review", "approve", "decide_contest"}),
    "admin": frozenset(RIGHTS),
}


def may(role: Role, right: Right) -> bool:
    """Whether ``role`` holds ``right``: each role holds every right of the roles below it."""
    return right in _GRANTED[role]


def parse_role(text: str) -> Role:
    """The role named ``text``; ``ValueError`` naming the roles there are when it is none of them."""
    for role in ROLES:
        if role == text:
            return role
    raise ValueError(f"unknown role {text!r}: choose one of {', '.join(ROLES)}")
