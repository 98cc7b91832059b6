"""Who receives an alert: the configured webhooks and mail recipients (filtered by case and kind), and
the people subscribed to it (on the desk or by e-mail). Pure."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from mirrorhunt.alerts.rules import Alert
from mirrorhunt.config import AlertsSettings

Channel = Literal["webhook", "email", "desk"]
SubscriptionChannel = Literal["desk", "email"]


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Target:
    """Where one message goes: a webhook URL, an e-mail address, or a user's list on the desk."""

    channel: Channel
    address: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscription:
    """A person asks for alerts of one case (None: every case) and of some kinds (empty: every kind)."""

    id: int | None = None
    user: str
    case: str | None = None
    kinds: tuple[str, ...] = ()
    channel: SubscriptionChannel = "desk"
    address: str | None = None
    """The e-mail address of an ``email`` subscription."""

    @property
    def target(self) -> Target:
        if self.channel == "email" and self.address:
            return Target(channel="email", address=self.address)
        return Target(channel="desk", address=self.user)


def targets_of(
    alert: Alert, *, settings: AlertsSettings, subscriptions: Sequence[Subscription]
) -> list[Target]:
    """Every target of ``alert``, each once, in a stable order."""
    found: set[Target] = set()
    for hook in settings.webhooks:
        if _wants(alert, cases=hook.cases, kinds=hook.kinds):
            found.add(Target(channel="webhook", address=hook.url))
    if settings.smtp is not None:
        found.update(Target(channel="email", address=address) for address in settings.smtp.to)
    for subscription in subscriptions:
        cases = () if subscription.case is None else (subscription.case,)
        if _wants(alert, cases=cases, kinds=subscription.kinds):
            found.add(subscription.target)
    return sorted(found)


def every_target(*, settings: AlertsSettings, subscriptions: Sequence[Subscription]) -> list[Target]:
    """Every receiver and subscriber, whatever they filter: where ``mirrorhunt alerts test`` writes."""
    found = {Target(channel="webhook", address=hook.url) for hook in settings.webhooks}
    if settings.smtp is not None:
        found.update(Target(channel="email", address=address) for address in settings.smtp.to)
    found.update(subscription.target for subscription in subscriptions)
    return sorted(found)


def _wants(alert: Alert, *, cases: Collection[str], kinds: Collection[str]) -> bool:
    """An alert of no case (a stalled source, a held zone) reaches every case's receivers."""
    case_ok = not cases or alert.case is None or alert.case in cases
    return case_ok and (not kinds or alert.kind in kinds)
