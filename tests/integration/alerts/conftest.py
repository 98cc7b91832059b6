"""Fixtures of the alert tests: the receivers, up or down, and a store with a case."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alert_receivers import Inbox, LoopbackController, SmtpServer, WebhookReceiver, free_port

from mirrorhunt.model import Case
from mirrorhunt.store import Store


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    """A webhook receiver, up."""
    hook = WebhookReceiver(port=free_port())
    await hook.start()
    try:
        yield hook
    finally:
        await hook.stop()


@pytest.fixture
async def down_receiver() -> AsyncIterator[WebhookReceiver]:
    """A webhook receiver on a port where nothing listens yet: ``await start()`` brings it up."""
    hook = WebhookReceiver(port=free_port())
    try:
        yield hook
    finally:
        await hook.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    inbox = Inbox()
    controller = LoopbackController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield SmtpServer(port=controller.port, inbox=inbox)
    finally:
        controller.stop()


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'mirrorhunt.db'}"


@pytest.fixture
def store(database: str) -> Iterator[Store]:
    with Store.open(database) as opened:
        opened.add_case(Case(name="salon", url="https://salon.gg/", created_at=datetime.now(UTC)))
        yield opened
