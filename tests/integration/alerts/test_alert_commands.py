"""`mirrorhunt alerts test | subscribe | subscriptions | pending` as a person runs them."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from alert_receivers import SmtpServer, WebhookReceiver, free_port


async def mirrorhunt(database: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mirrorhunt",
        "--database-url",
        database,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_alerts_test_reaches_every_channel(
    database: str, receiver: WebhookReceiver, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/nobody"
    env = {
        "MIRRORHUNT_ALERTS__WEBHOOKS": json.dumps(
            [{"url": receiver.url("/hook"), "secret": "s", "kinds": ["contest"]}, dead]
        ),
        "MIRRORHUNT_ALERTS__SMTP": json.dumps(
            {"host": "127.0.0.1", "port": smtp_server.port, "from": "m@lab.test", "to": ["desk@lab.test"]}
        ),
    }
    reference = tmp_path / "salon.html"
    reference.write_text("<html><title>Salon</title></html>")
    case = ("case", "add", "salon", "--url", "https://salon.gg/", "--reference", str(reference))
    code, _, err = await mirrorhunt(database, *case)
    assert code == 0, err
    code, out, err = await mirrorhunt(database, "alerts", "subscribe", "ana", "--case", "salon")
    assert (code, out.strip()) == (0, "subscription 1"), err
    code, out, err = await mirrorhunt(database, "alerts", "subscribe", "ana", "--kind", "nonsense")
    assert code == 1 and "unknown alert kind nonsense" in err
    code, out, _ = await mirrorhunt(database, "alerts", "subscriptions")
    assert "ana" in out and "salon" in out

    code, out, _ = await mirrorhunt(database, "alerts", "test", env=env)
    assert code == 1  # the dead webhook failed, and says so
    assert f"webhook {receiver.url('/hook')}: sent" in out
    assert "email desk@lab.test: sent" in out
    assert "desk ana: sent" in out
    assert f"webhook {dead}:" in out and f"webhook {dead}: sent" not in out
    (hit,) = receiver.received  # the test ignores the webhook's kinds filter
    assert hit.json()["alerts"][0]["kind"] == "test"
    assert len(smtp_server.inbox.mails) == 1

    code, out, _ = await mirrorhunt(database, "alerts", "pending", "--json")
    assert code == 0 and json.loads(out) == {"pending": []}
