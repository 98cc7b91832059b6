"""The JSON API as a script uses it: four eyes, a contest from the public, metrics that follow."""

from __future__ import annotations

from typing import Any

from web_desk import CASE, LISTED, MIRROR, Desk

CANDIDATE = f"/api/cases/{CASE}/candidates/{MIRROR}"


def _json(desk: Desk, method: str, path: str, who: str, body: object = None) -> Any:
    answer = desk.request(method, path, token=desk.tokens[who], body=body)
    assert answer.status == 200, (path, answer.status, answer.text)
    return answer.json()


def test_two_different_approvers_list_a_name_of_a_four_eyes_case(desk: Desk) -> None:
    (item,) = [i for i in _json(desk, "GET", "/api/queue", "viewer") if i["name"] == MIRROR]
    assert item["needs"] == 2 and item["kind"] == "listing"

    first = _json(desk, "POST", f"{CANDIDATE}/approve", "approver", {"reason": "same text and layout"})
    assert first["kind"] == "pending_second_approval" and first["actor"] == "approver"
    again = desk.request(
        "POST", f"{CANDIDATE}/approve", token=desk.tokens["approver"], body={"reason": "again"}
    )
    assert again.status == 403, "the same person cannot be both approvers"
    second = _json(desk, "POST", f"{CANDIDATE}/approve", "admin", {"reason": "agreed"})
    assert second["kind"] == "listed"

    listed = _json(desk, "GET", f"/api/listings?q={MIRROR}", "viewer")
    assert [x["name"] for x in listed] == [MIRROR]
    history = [e["kind"] for e in _json(desk, "GET", f"{CANDIDATE}/history", "viewer")]
    assert "listing.added" in history
    metrics = desk.request("GET", "/metrics", token=desk.tokens["viewer"]).text
    assert 'mirrorhunt_listings{action="nxdomain"} 2' in metrics
    assert "mirrorhunt_decision_seconds_count 2" in metrics


def test_a_contest_from_the_public_is_decided_by_an_approver(desk: Desk) -> None:
    opened = desk.request(
        "POST",
        "/api/contests",
        body={"name": LISTED, "contact": "owner@example.org", "statement": "A bakery, not a film site."},
    )
    assert opened.status == 201, opened.text
    contest = opened.json()
    assert isinstance(contest, dict) and contest["state"] == "open"
    queue = _json(desk, "GET", "/api/queue", "analyst")
    assert any(i["kind"] == "contest" and i["name"] == LISTED for i in queue)
    refused = desk.request(
        "POST",
        f"/api/contests/{contest['id']}/decide",
        token=desk.tokens["analyst"],
        body={"upheld": False, "reason": "x"},
    )
    assert refused.status == 403
    decided = _json(
        desk,
        "POST",
        f"/api/contests/{contest['id']}/decide",
        "approver",
        {"upheld": False, "reason": "a bakery"},
    )
    assert decided["kind"] == "contest_granted"
    assert LISTED not in {x["name"] for x in _json(desk, "GET", "/api/listings", "viewer")}


def test_bad_input_gets_one_clear_error(desk: Desk) -> None:
    token = desk.tokens["approver"]
    unknown = desk.request("GET", "/api/cases/nope", token=token)
    body = unknown.json()
    assert unknown.status == 404 and isinstance(body, dict)
    assert set(body) == {"error", "hint"} and "nope" in body["error"]
    extra = desk.request("POST", f"{CANDIDATE}/reject", token=token, body={"reason": "x", "approve": True})
    assert extra.status == 422
    empty = desk.request("POST", f"{CANDIDATE}/reject", token=token, body={"reason": "  "})
    assert empty.status == 422 and "reason" in empty.text
