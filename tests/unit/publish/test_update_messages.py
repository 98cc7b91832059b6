"""RFC 2136 messages: one atomic UPDATE per chunk of names, deletes before additions, signed when keyed."""

from __future__ import annotations

import base64

import dns.message
import dns.name
import dns.opcode
import dns.update
import pytest

from mirrorhunt.errors import ConfigError
from mirrorhunt.model import ListingAction
from mirrorhunt.publish.tsig import parse_tsig
from mirrorhunt.publish.update import NAMES_PER_MESSAGE, update_messages

KEY = parse_tsig(f"upd-key:hmac-sha256:{base64.b64encode(b'k' * 32).decode()}")
ZONE = dns.name.from_text("rpz.test.")


def records(message: dns.update.UpdateMessage) -> list[tuple[str, str]]:
    """(owner, what) of each update record: "delete" its CNAME, or "add" one."""
    return [(r.name.to_text(), "add" if r.deleting is None else "delete") for r in message.update]


def test_removals_delete_and_additions_replace_the_name_and_its_subdomains() -> None:
    (message,) = update_messages(zone="rpz.test", ttl=60, added=["New.gg"], removed=["old.gg"])
    assert message.opcode() == dns.opcode.UPDATE
    assert message.zone[0].name == ZONE
    changes = records(message)
    assert changes[:2] == [("old.gg.rpz.test.", "delete"), ("*.old.gg.rpz.test.", "delete")]
    assert ("new.gg.rpz.test.", "delete") in changes[2:]  # replace: whatever CNAME was there goes
    additions = [r for r in message.update if r.deleting is None]
    assert {(r.name.to_text(), r[0].to_text(), r.ttl) for r in additions} == {
        ("new.gg.rpz.test.", ".", 60),
        ("*.new.gg.rpz.test.", ".", 60),
    }


def test_names_that_may_not_be_published_are_skipped() -> None:
    too_long = ".".join(["x" * 60] * 4) + ".gg"
    assert update_messages(zone="rpz.test", ttl=60, added=["co.uk", "not a name", too_long], removed=[]) == []


def test_many_names_are_split_into_messages_that_fit_tcp() -> None:
    names = [f"m{i}.gg" for i in range(NAMES_PER_MESSAGE * 2 + 1)]
    messages = update_messages(zone="rpz.test", ttl=60, added=names, removed=[])
    assert [len({r.name for r in m.update}) for m in messages] == [
        2 * NAMES_PER_MESSAGE,
        2 * NAMES_PER_MESSAGE,
        2,
    ]
    assert all(len(m.to_wire()) < 65535 for m in messages)


def test_a_keyed_update_is_signed_and_verifies_with_the_key() -> None:
    (message,) = update_messages(zone="rpz.test", ttl=60, added=["a.gg"], removed=[], key=KEY)
    wire = message.to_wire()
    parsed = dns.message.from_wire(wire, keyring={KEY.name: KEY})
    assert parsed.had_tsig and parsed.keyname == KEY.name


def test_actions_become_their_targets_and_a_redirect_needs_the_stop_page() -> None:
    added: dict[str, ListingAction] = {"a.gg": "redirect", "b.gg": "nodata", "ok.a.gg": "passthru"}
    (message,) = update_messages(zone="rpz.test", ttl=60, added=added, removed=[], stop_page="stop.gouv.test")
    additions = {(r.name.to_text(), r[0].to_text()) for r in message.update if r.deleting is None}
    assert additions == {
        ("a.gg.rpz.test.", "stop.gouv.test."),
        ("*.a.gg.rpz.test.", "stop.gouv.test."),
        ("b.gg.rpz.test.", "*."),
        ("*.b.gg.rpz.test.", "*."),
        ("ok.a.gg.rpz.test.", "rpz-passthru."),
        ("*.ok.a.gg.rpz.test.", "rpz-passthru."),
    }
    with pytest.raises(ConfigError, match="no stop page"):
        update_messages(zone="rpz.test", ttl=60, added={"a.gg": "redirect"}, removed=[])
