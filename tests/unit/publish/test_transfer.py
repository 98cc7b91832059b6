"""Answers of the primary, read back by dnspython's own zone-transfer client (dns.xfr.Inbound)."""

from __future__ import annotations

import base64
import ipaddress
from datetime import UTC, datetime

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdatatype
import dns.tsig
import dns.xfr
import dns.zone
import pytest

from mirrorhunt.errors import ConfigError
from mirrorhunt.model import Listing
from mirrorhunt.publish import render_rpz
from mirrorhunt.publish.journal import Change, Journal
from mirrorhunt.publish.notify import acknowledged, notify_message
from mirrorhunt.publish.serial import Epoch
from mirrorhunt.publish.transfer import Access, networks_of, respond
from mirrorhunt.publish.tsig import parse_tsig
from mirrorhunt.publish.zone import PublishedZone
from mirrorhunt.publish.zone_wire import MESSAGE_BYTES

AT = datetime(2026, 5, 1, tzinfo=UTC)
ORIGIN = "rpz.test"
EPOCH = Epoch(start=1, base=1000)
LOOPBACK = Access(networks=networks_of(["127.0.0.0/8"]))
SECRET = base64.b64encode(b"k" * 32).decode()
KEY = parse_tsig(f"xfr-key:hmac-sha256:{SECRET}")


def published(*steps: tuple[str, bool], epoch: Epoch = EPOCH) -> PublishedZone:
    journal = Journal()
    journal.apply(Change(serial=2 + i, name=n, listed=listed) for i, (n, listed) in enumerate(steps))
    return PublishedZone(zone=ORIGIN, ttl=60, journal=journal, epoch=epoch)


def rendered(names: list[str], serial: int) -> dns.zone.Zone:
    listings = [Listing(name=n, case="c", reason="r", decided_by="t", since=AT) for n in names]
    text = render_rpz(listings, zone=ORIGIN, serial=serial, generated_at=AT)
    return dns.zone.from_text(text, origin=ORIGIN, relativize=False)


def transfer(
    zone: PublishedZone, into: dns.zone.Zone, *, serial: int | None, keyring: object = None
) -> tuple[list[dns.message.Message], bool]:
    """Ask for AXFR (serial None) or IXFR from ``serial``; apply every answer to ``into``."""
    query, _ = dns.xfr.make_query(into, serial=serial, keyring=keyring, keyname=KEY.name)
    replies = respond(query.to_wire(), source="127.0.0.1", transport="tcp", zone=zone, access=LOOPBACK)
    kind = dns.rdatatype.AXFR if serial is None else dns.rdatatype.IXFR
    messages: list[dns.message.Message] = []
    context = None
    done = False
    with dns.xfr.Inbound(into, kind, serial) as inbound:
        for wire in replies:
            message = dns.message.from_wire(
                wire,
                keyring=query.keyring,
                request_mac=query.mac,
                xfr=True,
                tsig_ctx=context,
                multi=True,
            )
            context = message.tsig_ctx
            messages.append(message)
            done = inbound.process_message(message)
    return messages, done


def empty() -> dns.zone.Zone:
    return dns.zone.Zone(dns.name.from_text(ORIGIN), relativize=False)


def test_axfr_carries_exactly_the_zone_render_rpz_writes() -> None:
    zone = published(("salon.gg", True), ("club.example", True), ("gone.gg", True), ("gone.gg", False))
    into = empty()
    _, done = transfer(zone, into, serial=None)
    assert done and zone.serial == 1004
    assert into == rendered(["salon.gg", "club.example"], 1004)


def test_a_large_axfr_is_split_into_messages_that_each_fit() -> None:
    names = [f"mirror{i}.gg" for i in range(1000)] + ["x" * 63 + "." + "y" * 63 + ".gg"]
    zone = published(*((n, True) for n in names))
    into = empty()
    messages, done = transfer(zone, into, serial=None)
    assert done and len(messages) == 3
    assert all(len(m.to_wire()) <= MESSAGE_BYTES for m in messages)
    assert into == rendered(names, zone.serial)


def test_ixfr_from_an_older_serial_applies_the_net_change() -> None:
    zone = published(("salon.gg", True), ("club.example", True), ("salon.gg", False), ("new.gg", True))
    into = rendered(["salon.gg", "club.example"], 1002)
    messages, done = transfer(zone, into, serial=1002)
    assert done
    first = [rrset.rdtype for rrset in messages[0].answer]
    assert first[:2] == [dns.rdatatype.SOA, dns.rdatatype.SOA], "an incremental answer, not AXFR"
    assert into == rendered(["club.example", "new.gg"], 1004)


def test_ixfr_beyond_the_journal_falls_back_to_a_full_zone() -> None:
    zone = published(("salon.gg", True), ("club.example", True))
    zone.journal.forget_before(3)
    into = rendered(["salon.gg"], 999)
    messages, done = transfer(zone, into, serial=999)
    assert done and [r.rdtype for r in messages[0].answer][1] == dns.rdatatype.NS
    assert into == rendered(["salon.gg", "club.example"], 1002)


@pytest.mark.parametrize("client", [1001, 1002])
def test_ixfr_from_the_current_or_a_newer_serial_is_one_soa(client: int) -> None:
    zone = published(("salon.gg", True))
    query = dns.message.make_query(ORIGIN, "IXFR")
    query.authority.append(zone.soa(client))
    [wire] = respond(query.to_wire(), source="127.0.0.1", transport="tcp", zone=zone, access=LOOPBACK)
    answer = dns.message.from_wire(wire).answer
    assert [(r.rdtype, r[0].serial) for r in answer] == [(dns.rdatatype.SOA, 1001)]


def test_soa_query_over_udp_is_authoritative() -> None:
    zone = published(("salon.gg", True))
    query = dns.message.make_query(ORIGIN, "SOA")
    [wire] = respond(query.to_wire(), source="127.0.0.9", transport="udp", zone=zone, access=LOOPBACK)
    reply = dns.message.from_wire(wire)
    assert reply.flags & dns.flags.AA and reply.answer[0][0].serial == 1001


@pytest.mark.parametrize(
    ("source", "name", "rcode"),
    [("192.0.2.1", ORIGIN, dns.rcode.REFUSED), ("127.0.0.1", "other.test", dns.rcode.REFUSED)],
)
def test_strangers_and_other_zones_are_refused(source: str, name: str, rcode: dns.rcode.Rcode) -> None:
    query = dns.message.make_query(name, "AXFR")
    [wire] = respond(query.to_wire(), source=source, transport="tcp", zone=published(), access=LOOPBACK)
    assert dns.message.from_wire(wire).rcode() == rcode


def test_with_a_key_transfers_must_be_signed_and_answers_are_signed() -> None:
    access = Access(networks=LOOPBACK.networks, key=KEY)
    zone = published(*((f"mirror{i}.gg", True) for i in range(1000)))
    unsigned = dns.message.make_query(ORIGIN, "AXFR")
    [wire] = respond(unsigned.to_wire(), source="127.0.0.1", transport="tcp", zone=zone, access=access)
    assert dns.message.from_wire(wire).rcode() == dns.rcode.NOTAUTH
    soa = dns.message.make_query(ORIGIN, "SOA")
    [wire] = respond(soa.to_wire(), source="127.0.0.1", transport="udp", zone=zone, access=access)
    assert dns.message.from_wire(wire).rcode() == dns.rcode.NOERROR

    keyring = {KEY.name: KEY}
    query, _ = dns.xfr.make_query(empty(), serial=None, keyring=keyring, keyname=KEY.name)
    replies = respond(query.to_wire(), source="127.0.0.1", transport="tcp", zone=zone, access=access)
    assert len(replies) == 3
    context = None
    for wire in replies:  # raises if any signature is wrong
        message = dns.message.from_wire(
            wire, keyring=keyring, request_mac=query.mac, xfr=True, tsig_ctx=context, multi=True
        )
        assert message.had_tsig
        context = message.tsig_ctx

    wrong = dns.tsig.Key(KEY.name, b"x" * 32, KEY.algorithm)
    forged, _ = dns.xfr.make_query(empty(), serial=None, keyring={wrong.name: wrong}, keyname=wrong.name)
    [wire] = respond(forged.to_wire(), source="127.0.0.1", transport="tcp", zone=zone, access=access)
    assert dns.message.from_wire(wire).rcode() == dns.rcode.NOTAUTH


def test_garbage_gets_no_answer_and_answers_are_ignored() -> None:
    assert respond(b"\x00\x01", source="127.0.0.1", transport="udp", zone=published(), access=LOOPBACK) == []
    reply = dns.message.make_response(dns.message.make_query(ORIGIN, "SOA"))
    assert (
        respond(reply.to_wire(), source="127.0.0.1", transport="udp", zone=published(), access=LOOPBACK) == []
    )


def test_notify_is_a_notify_with_the_current_soa_and_verifies_when_signed() -> None:
    zone = published(("salon.gg", True))
    message = notify_message(zone, key=KEY)
    parsed = dns.message.from_wire(message.to_wire(), keyring={KEY.name: KEY})
    assert parsed.opcode() == dns.opcode.NOTIFY and parsed.flags & dns.flags.AA
    assert parsed.question[0].rdtype == dns.rdatatype.SOA and parsed.answer[0][0].serial == 1001
    ack = dns.message.make_response(parsed)
    assert acknowledged(
        message, dns.message.from_wire(ack.to_wire(), keyring={KEY.name: KEY}, request_mac=message.mac)
    )


@pytest.mark.parametrize(
    "text",
    [
        "xfr-key:hmac-sha256",
        "xfr-key:hmac-md5:" + SECRET,
        "xfr-key:hmac-sha256:not base64!",
        "k:hmac-sha256:c2hvcnQ=",
    ],
)
def test_bad_tsig_settings_are_config_errors(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_tsig(text)
    assert caught.value.hint


def test_allow_list_accepts_addresses_and_networks() -> None:
    access = Access(networks=networks_of(["192.0.2.7", "2001:db8::/32"]))
    assert access.allows("192.0.2.7") and access.allows("2001:db8::1")
    assert not access.allows("192.0.2.8") and not access.allows("not an address")
    assert networks_of(["10.0.0.1/8"]) == (ipaddress.ip_network("10.0.0.0/8"),)
    with pytest.raises(ConfigError):
        networks_of(["example.com"])
