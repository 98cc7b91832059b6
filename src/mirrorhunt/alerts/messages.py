"""The words and bytes of a message: one alert, or a digest of many, as a webhook body (signed) or a mail.

Pure: a burst of 500 alerts for one receiver is one message that counts them and lists the first few.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

from mirrorhunt.alerts.rules import Alert

Shape = Literal["json", "slack", "matrix"]
SIGNATURE_HEADER = "X-Mirrorhunt-Signature"
LISTED = 20
"""Alerts a digest spells out; the rest are counted."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """What a receiver reads: a one-line title and a plain-text body."""

    title: str
    text: str
    alerts: tuple[Alert, ...]


def compose(alerts: Sequence[Alert]) -> Message:
    """One message for ``alerts`` (oldest first): the alert itself, or a digest of them."""
    if len(alerts) == 1:
        (alert,) = alerts
        return Message(title=alert.summary, text=_line(alert), alerts=(alert,))
    kinds = Counter(alert.kind for alert in alerts)
    counted = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    lines = [_line(alert) for alert in alerts[:LISTED]]
    if len(alerts) > LISTED:
        lines.append(f"… and {len(alerts) - LISTED} more")
    return Message(title=f"{len(alerts)} alerts: {counted}", text="\n".join(lines), alerts=tuple(alerts))


def webhook_body(message: Message, *, shape: Shape) -> bytes:
    """The JSON a webhook receives: the alerts as data, or the message for a Slack or Matrix hook."""
    text = f"{message.title}\n{message.text}" if message.text != message.title else message.title
    document: object
    if shape == "slack":
        document = {"text": text}
    elif shape == "matrix":
        document = {"msgtype": "m.text", "body": text}
    else:
        document = {
            "title": message.title,
            "text": message.text,
            "alerts": [
                {
                    "kind": alert.kind,
                    "case": alert.case,
                    "subject": alert.subject,
                    "summary": alert.summary,
                    "at": alert.at.isoformat(),
                }
                for alert in message.alerts
            ],
        }
    return json.dumps(document, ensure_ascii=False).encode()


def signature(body: bytes, *, secret: str) -> str:
    """The value of ``X-Mirrorhunt-Signature``: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def email_of(message: Message, *, sender: str, to: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = f"[mirrorhunt] {message.title}"
    mail["From"] = sender
    mail["To"] = to
    mail.set_content(message.text + "\n")
    return mail


def _line(alert: Alert) -> str:
    return f"{alert.at:%Y-%m-%d %H:%M} UTC  {alert.kind}: {alert.summary}"
