"""Sending one message: a webhook POST (signed), a mail over SMTP. Thin I/O; failures become
``DeliveryFailed`` with a line that says why, which the delivery keeps as its last error."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage

import aiohttp

from mirrorhunt.alerts.messages import SIGNATURE_HEADER, Message, email_of, signature, webhook_body
from mirrorhunt.config import SmtpSettings, WebhookSettings
from mirrorhunt.errors import MirrorhuntError

WEBHOOK_TIMEOUT = 15.0


class DeliveryFailed(MirrorhuntError):
    """A receiver did not take a message; it is tried again later."""


async def post_webhook(session: aiohttp.ClientSession, hook: WebhookSettings, message: Message) -> None:
    """POST the message in the hook's shape; any answer but 2xx is a failure."""
    body = webhook_body(message, shape=hook.shape)
    headers = {"Content-Type": "application/json"}
    if hook.secret:
        headers[SIGNATURE_HEADER] = signature(body, secret=hook.secret)
    try:
        async with session.post(
            hook.url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=WEBHOOK_TIMEOUT)
        ) as response:
            if not 200 <= response.status < 300:
                raise DeliveryFailed(f"webhook {hook.url} answered HTTP {response.status}")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise DeliveryFailed(f"webhook {hook.url}: {exc or type(exc).__name__}") from exc


async def send_mail(smtp: SmtpSettings, message: Message, *, to: str) -> None:
    """Send one mail through the configured server (in a thread: smtplib blocks)."""
    mail = email_of(message, sender=smtp.sender, to=to)
    try:
        await asyncio.to_thread(_send, smtp, mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"mail to {to} via {smtp.host}:{smtp.port}: {exc}") from exc


def _send(smtp: SmtpSettings, mail: EmailMessage) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        if smtp.user is not None:
            client.login(smtp.user, smtp.password or "")
        client.send_message(mail)
