from __future__ import annotations

from itertools import pairwise

import pytest

from mirrorhunt.review.rights import RIGHTS, ROLES, may, parse_role


def test_each_role_holds_every_right_of_the_roles_below_it() -> None:
    for lower, higher in pairwise(ROLES):
        assert {right for right in RIGHTS if may(lower, right)} < {
            right for right in RIGHTS if may(higher, right)
        }


def test_only_approvers_and_admins_approve_and_only_admins_administer() -> None:
    assert [role for role in ROLES if may(role, "approve")] == ["approver", "admin"]
    assert [role for role in ROLES if may(role, "administer")] == ["admin"]
    assert [role for role in ROLES if may(role, "view")] == list(ROLES)


def test_an_unknown_role_is_refused_with_the_known_ones_named() -> None:
    assert parse_role("approver") == "approver"
    with pytest.raises(ValueError, match="viewer, analyst, approver, admin"):
        parse_role("root")
