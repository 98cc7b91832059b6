"""RFC 2136: listing changes pushed as signed UPDATEs to a real BIND 9 primary, read back by AXFR.

The ``store`` fixture (conftest.py) holds the case ``salon``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dns.query
import dns.rdatatype
import dns.zone
import pytest
from resolver_processes import Resolver, binary, free_port

from mirrorhunt.clock import SystemClock
from mirrorhunt.config import PublishSettings
from mirrorhunt.errors import ConfigError
from mirrorhunt.model import Listing
from mirrorhunt.publish.publication import Publication
from mirrorhunt.publish.update import push_changes
from mirrorhunt.store import Store

ZONE = "rpz.update.test"
KEY_NAME = "upd-key"
SECRET = base64.b64encode(b"u" * 32).decode()
WRONG = base64.b64encode(b"w" * 32).decode()
NAMED_PRIMARY = """options {{
    directory "{folder}"; pid-file "{folder}/named.pid"; session-keyfile "{folder}/session.key";
    managed-keys-directory "{folder}";
    listen-on port {port} {{ 127.0.0.1; }}; listen-on-v6 {{ none; }};
    recursion no; notify no; dnssec-validation no; trust-anchor-telemetry no;
}};
controls {{ }};
key "{key}" {{ algorithm hmac-sha256; secret "{secret}"; }};
zone "{zone}" {{ type primary; file "{zone}.zone"; allow-update {{ key "{key}"; }};
    allow-transfer {{ 127.0.0.1; }}; }};
"""
EMPTY_ZONE = f"""$TTL 60
@ IN SOA localhost. hostmaster.{ZONE}. 1 60 30 86400 60
@ IN NS localhost.
"""
AT = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture
async def bind_primary(tmp_path: Path) -> AsyncIterator[int]:
    folder = tmp_path / "named"
    folder.mkdir()
    (folder / f"{ZONE}.zone").write_text(EMPTY_ZONE)
    port = free_port()
    config = folder / "named.conf"
    config.write_text(NAMED_PRIMARY.format(folder=folder, port=port, key=KEY_NAME, secret=SECRET, zone=ZONE))
    async with Resolver("named", [binary("named"), "-g", "-c", str(config)], port=port, folder=folder):
        yield port


def listing(name: str) -> Listing:
    return Listing(name=name, case="salon", reason="mirror", decided_by="test", since=AT)


def settings(port: int, secret: str = SECRET, **valve: Any) -> PublishSettings:
    key = f"{KEY_NAME}:hmac-sha256:{secret}"
    return PublishSettings(zone=ZONE, update=f"127.0.0.1:{port}", tsig=key, **valve)


def policy(port: int) -> dict[str, str]:
    """The CNAME records of the zone as BIND serves it now, by AXFR."""
    zone = dns.zone.from_xfr(dns.query.xfr("127.0.0.1", ZONE, port=port, timeout=5))
    return {
        name.to_text(): rdataset[0].to_text()
        for name, node in zone.nodes.items()
        for rdataset in node.rdatasets
        if rdataset.rdtype == dns.rdatatype.CNAME
    }


async def test_additions_and_removals_reach_the_bind_primary(bind_primary: int, store: Store) -> None:
    store.add_listing(listing("salon-lumiere.gg"))
    store.add_listings([listing("salon-lumiere.to"), listing("salon-lumiere.cc")])
    pushed = await asyncio.to_thread(push_changes, store, settings=settings(bind_primary))
    assert (pushed.added, pushed.removed, pushed.serial) == (3, 0, 3)
    assert policy(bind_primary) == {
        owner: "."
        for name in ("salon-lumiere.gg", "salon-lumiere.to", "salon-lumiere.cc")
        for owner in (name, f"*.{name}")
    }

    store.remove_listing("salon-lumiere.gg", reason="false positive", decided_by="test")
    pushed = await asyncio.to_thread(push_changes, store, settings=settings(bind_primary))
    assert (pushed.added, pushed.removed) == (0, 1)
    assert set(policy(bind_primary)) == {
        "salon-lumiere.to",
        "*.salon-lumiere.to",
        "salon-lumiere.cc",
        "*.salon-lumiere.cc",
    }
    again = await asyncio.to_thread(push_changes, store, settings=settings(bind_primary))
    assert (again.added, again.removed, again.cursor) == (0, 0, pushed.cursor)


async def test_a_wrong_key_is_a_clear_error_and_nothing_is_marked_pushed(
    bind_primary: int, store: Store
) -> None:
    store.add_listing(listing("salon-lumiere.gg"))
    with pytest.raises(ConfigError, match="does not accept the TSIG key") as raised:
        await asyncio.to_thread(push_changes, store, settings=settings(bind_primary, WRONG))
    assert "allow-update" in (raised.value.hint or "")
    assert policy(bind_primary) == {}
    pushed = await asyncio.to_thread(push_changes, store, settings=settings(bind_primary))
    assert pushed.added == 1 and "salon-lumiere.gg" in policy(bind_primary)


async def test_an_unsigned_update_is_refused(bind_primary: int, store: Store) -> None:
    store.add_listing(listing("salon-lumiere.gg"))
    unsigned = PublishSettings(zone=ZONE, update=f"127.0.0.1:{bind_primary}")
    with pytest.raises(ConfigError, match="refused the update"):
        await asyncio.to_thread(push_changes, store, settings=unsigned)


async def test_only_released_versions_and_publishable_names_are_pushed(
    bind_primary: int, store: Store
) -> None:
    store.add_listings([listing("a.gg"), listing("b.gg"), listing("allowed.gg")])
    held = settings(bind_primary, max_added=1)
    pushed = await asyncio.to_thread(push_changes, store, settings=held)
    assert (pushed.added, pushed.removed, pushed.serial) == (0, 0, None)
    assert policy(bind_primary) == {}

    Publication(store, settings=held, clock=SystemClock()).confirm(by="test")
    allowing = settings(bind_primary, max_added=1, allowlist=["allowed.gg"])
    pushed = await asyncio.to_thread(push_changes, store, settings=allowing)
    assert pushed.added == 2
    assert set(policy(bind_primary)) == {"a.gg", "*.a.gg", "b.gg", "*.b.gg"}


async def test_a_new_action_replaces_the_records_on_the_bind_primary(bind_primary: int, store: Store) -> None:
    store.add_listing(listing("salon-lumiere.gg"))
    redirecting = settings(bind_primary, stop_page="stop.arcom.fr")
    await asyncio.to_thread(push_changes, store, settings=redirecting)
    store.set_listing_action("salon-lumiere.gg", action="redirect", reason="order", decided_by="test")
    pushed = await asyncio.to_thread(push_changes, store, settings=redirecting)
    assert (pushed.added, pushed.removed) == (1, 0)
    assert policy(bind_primary) == {
        "salon-lumiere.gg": "stop.arcom.fr.",
        "*.salon-lumiere.gg": "stop.arcom.fr.",
    }
