"""Alerts: what analysts must hear of at once (a new mirror, a contest, a stalled source), sent by
webhook, e-mail or the desk's list, as digests, retried until taken (docs/alerts.md).

The dispatcher (``mirrorhunt.alerts.dispatcher``) is the I/O part; the rest is pure.
"""

from mirrorhunt.alerts.health import SourceWatch
from mirrorhunt.alerts.messages import Message, compose, signature, webhook_body
from mirrorhunt.alerts.routing import Subscription, Target, every_target, targets_of
from mirrorhunt.alerts.rules import KINDS, Alert, AlertKind, alerts_of, expiring

__all__ = [
    "KINDS",
    "Alert",
    "AlertKind",
    "Message",
    "SourceWatch",
    "Subscription",
    "Target",
    "alerts_of",
    "compose",
    "every_target",
    "expiring",
    "signature",
    "targets_of",
    "webhook_body",
]
