"""Which events and looks become alerts, who receives them, how a digest reads, how retries wait."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from mirrorhunt.alerts import (
    Alert,
    SourceWatch,
    Subscription,
    Target,
    alerts_of,
    compose,
    expiring,
    signature,
    targets_of,
    webhook_body,
)
from mirrorhunt.alerts.dispatcher import retry_delay
from mirrorhunt.config import AlertsSettings, load_settings
from mirrorhunt.model import Event, Listing

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def event(kind: str, subject: str = "salon-chat.gg", **detail: object) -> Event:
    return Event(kind=kind, subject=subject, detail={"case": "salon", **detail}, at=AT)


def kinds(found: list[Alert]) -> list[str]:
    return [alert.kind for alert in found]


def test_events_that_call_for_an_alert() -> None:
    assert kinds(alerts_of(1, event("verdict.added", label="mirror", score=0.9), min_score=0.8)) == [
        "candidate"
    ]
    assert alerts_of(1, event("verdict.added", label="mirror", score=0.7), min_score=0.8) == []
    assert kinds(alerts_of(1, event("verdict.added", label="review", score=0.5), min_score=0.8)) == ["review"]
    machine = event("listing.added", decided_by="matcher/1 (case allows auto-listing)")
    assert kinds(alerts_of(7, machine, min_score=0.8)) == ["auto-listed"]
    assert alerts_of(7, event("listing.added", decided_by="ana"), min_score=0.8) == []
    assert kinds(alerts_of(8, event("contest.opened"), min_score=0.8)) == ["contest"]
    held = Event(kind="publish.held", subject="rpz.test", detail={"reasons": ["600 names added"]}, at=AT)
    (alert,) = alerts_of(9, held, min_score=0.8)
    assert (alert.kind, alert.case) == ("held", None)
    assert "600 names added" in alert.summary
    assert alerts_of(10, event("candidate.found"), min_score=0.8) == []


def test_a_name_probed_again_is_the_same_alert() -> None:
    first = alerts_of(1, event("verdict.added", label="mirror", score=0.9), min_score=0.8)
    again = alerts_of(2, event("verdict.added", label="mirror", score=0.95), min_score=0.8)
    assert first[0].key == again[0].key


def test_listings_about_to_expire() -> None:
    def listing(name: str, expires: date | None) -> Listing:
        return Listing(name=name, case="salon", reason="r", decided_by="ana", since=AT, expires=expires)

    today = date(2026, 11, 23)
    found = expiring(
        [
            listing("soon.gg", today + timedelta(days=3)),
            listing("later.gg", today + timedelta(days=30)),
            listing("never.gg", None),
            listing("gone.gg", today - timedelta(days=1)),
        ],
        today=today,
        days=7,
        at=AT,
    )
    assert [(a.kind, a.subject) for a in found] == [("expiring", "soon.gg")]


def test_a_stalled_source_is_told_once_per_stall() -> None:
    watch = SourceWatch(stalled_after=60)
    assert watch.position("ct", 10, now=AT) == []
    assert watch.position("ct", 10, now=AT + timedelta(seconds=59)) == []
    (stalled,) = watch.position("ct", 10, now=AT + timedelta(seconds=61))
    assert stalled.kind == "stalled" and "position 10" in stalled.summary
    assert watch.position("ct", 10, now=AT + timedelta(seconds=120)) == []
    assert watch.position("ct", 11, now=AT + timedelta(seconds=121)) == []
    (again,) = watch.position("ct", 11, now=AT + timedelta(seconds=200))
    assert again.key != stalled.key

    assert watch.answered("resolver", False, now=AT) == []
    assert kinds(watch.answered("resolver", False, now=AT + timedelta(seconds=60))) == ["stalled"]
    assert watch.answered("resolver", True, now=AT + timedelta(seconds=61)) == []


def test_routing_by_case_kind_and_subscription() -> None:
    settings = AlertsSettings.model_validate(
        {
            "webhooks": [
                "http://127.0.0.1:1/all",
                {"url": "http://127.0.0.1:1/contests", "kinds": ["contest"]},
            ],
            "smtp": {"host": "127.0.0.1", "from": "m@lab.test", "to": ["desk@lab.test"]},
        }
    )
    subscriptions = [
        Subscription(user="ana", case="salon"),
        Subscription(user="bob", case="other", channel="email", address="bob@lab.test"),
    ]
    candidate = alerts_of(1, event("verdict.added", label="mirror", score=0.9), min_score=0.8)[0]
    assert targets_of(candidate, settings=settings, subscriptions=subscriptions) == [
        Target(channel="desk", address="ana"),
        Target(channel="email", address="desk@lab.test"),
        Target(channel="webhook", address="http://127.0.0.1:1/all"),
    ]
    held = alerts_of(2, Event(kind="publish.held", subject="rpz.test", at=AT), min_score=0.8)[0]
    assert Target(channel="email", address="bob@lab.test") in targets_of(
        held, settings=settings, subscriptions=subscriptions
    )


def test_a_digest_and_its_shapes() -> None:
    alerts = [
        Alert(key=f"k{n}", kind="candidate", case="salon", subject=f"m{n}.gg", summary=f"new {n}", at=AT)
        for n in range(25)
    ]
    message = compose(alerts)
    assert message.title == "25 alerts: 25 candidate"
    assert len(message.text.splitlines()) == 21 and message.text.endswith("… and 5 more")
    assert compose(alerts[:1]).title == "new 0"
    assert len(json.loads(webhook_body(message, shape="json"))["alerts"]) == 25
    assert json.loads(webhook_body(message, shape="slack"))["text"].startswith("25 alerts")
    assert json.loads(webhook_body(message, shape="matrix"))["msgtype"] == "m.text"


def test_the_signature_is_hmac_sha256_of_the_body() -> None:
    # the widely published example: key "key", the quick brown fox
    body = b"The quick brown fox jumps over the lazy dog"
    assert signature(body, secret="key") == (
        "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )


def test_retries_back_off_to_a_cap() -> None:
    assert [retry_delay(n, base=5, cap=60) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]
    assert retry_delay(10_000, base=5, cap=3600) == 3600


def test_the_settings_in_the_docs_are_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no mirrorhunt.toml of the working directory
    text = (Path(__file__).parents[3] / "docs" / "alerts.md").read_text()
    block = text.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "mirrorhunt.toml").write_text(block)
    alerts = load_settings(config_file=tmp_path / "mirrorhunt.toml", environ={}).alerts
    assert [(hook.shape, hook.cases) for hook in alerts.webhooks] == [("slack", ["salon"])]
    assert alerts.smtp is not None and alerts.smtp.sender == "mirrorhunt@example.org"
    plain = load_settings(environ={"MIRRORHUNT_ALERTS__WEBHOOKS": '["https://hooks.example.org/m"]'})
    assert plain.alerts.webhooks[0].url == "https://hooks.example.org/m"
