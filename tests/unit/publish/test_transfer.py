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
from mirrorhunt.model import Listing, ListingAction
from mirrorhunt.publish import render_rpz
from mirrorhunt.publish.journal import Change, Journal
from mirrorhunt.publish.loghead import LogHead
from mirrorhunt.publish.notify import acknowledged, notify_message
from mirrorhunt.publish.rpz import render_rpz_names
from mirrorhunt.publish.serial import Epoch
from mirrorhunt.publish.transfer import Access, networks_of, respond
from mirrorhunt.publish.tsig import parse_tsig
from mirrorhunt.publish.valve import exclusions_of
from mirrorhunt.publish.zone import PublishedZone
from mirrorhunt.publish.zone_wire import MESSAGE_BYTES

AT = datetime(2026, 5, 1, tzinfo=UTC)
ORIGIN = "rpz.test"
EPOCH = Epoch(start=1, base=1000)
LOOPBACK = Access(networks=networks_of(["127.0.0.0/8"]))
SECRET = base64.b64encode(b"k" * 32).decode()
KEY = parse_tsig(f"xfr-key:hmac-sha256:{SECRET}")


STOP_PAGE = "stop.gouv.test"
Step = tuple[str, bool] | tuple[str, bool, ListingAction]


def published(*steps: Step, epoch: Epoch = EPOCH, log_head: LogHead | None = None) -> PublishedZone:
    """A zone whose journal applied ``steps`` (name, listed[, action]), one serial each from 2."""
    journal = Journal()
    journal.apply(
        Change(serial=2 + i, name=step[0], listed=step[1], action=step[2] if len(step) == 3 else "nxdomain")
        for i, step in enumerate(steps)
    )
    exclusions = exclusions_of(allowlist=[], stop_page=STOP_PAGE)
    return PublishedZone(
        zone=ORIGIN, ttl=60, journal=journal, epoch=epoch, exclusions=exclusions, log_head=log_head
    )


def rendered(
    names: list[str] | dict[str, ListingAction], serial: int, *, log_head: LogHead | None = None
) -> dns.zone.Zone:
    if isinstance(names, dict):
        text = render_rpz_names(
            names, zone=ORIGIN, serial=serial, generated_at=AT, stop_page=STOP_PAGE, log_head=log_head
        )
    else:
        listings = [Listing(name=n, case="c", reason="r", decided_by="t", since=AT) for n in names]
        text = render_rpz(listings, zone=ORIGIN, serial=serial, generated_at=AT, log_head=log_head)
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


def test_axfr_carries_each_action_and_the_log_head_as_render_rpz_writes_them() -> None:
    head = LogHead(size=7, root=bytes(range(32)))
    steps: list[Step] = [
        ("nx.gg", True),
        ("nodata.gg", True, "nodata"),
        ("stop.gg", True, "redirect"),
        ("ok.stop.gg", True, "passthru"),
        ("later.gg", True),
        ("later.gg", True, "nodata"),
    ]
    zone = published(*steps, log_head=head)
    into = empty()
    _, done = transfer(zone, into, serial=None)
    expected: dict[str, ListingAction] = {
        "nx.gg": "nxdomain",
        "nodata.gg": "nodata",
        "stop.gg": "redirect",
        "ok.stop.gg": "passthru",
        "later.gg": "nodata",
    }
    assert done and into == rendered(expected, zone.serial, log_head=head)
    targets = {name: into.find_rdataset(f"*.{name}.{ORIGIN}.", "CNAME")[0].target for name in expected}
    assert {name: target.to_text() for name, target in targets.items()} == {
        "nx.gg": ".",
        "nodata.gg": "*.",
        "stop.gg": "stop.gouv.test.",
        "ok.stop.gg": "rpz-passthru.",
        "later.gg": "*.",
    }
    log = into.find_rdataset(f"_log.{ORIGIN}.", "TXT")
    assert [b"".join(r.strings) for r in log] == [b"size=7 root=" + bytes(range(32)).hex().encode()]


def test_ixfr_of_a_new_action_deletes_the_old_records_and_adds_the_new() -> None:
    zone = published(("salon.gg", True), ("club.example", True), ("salon.gg", True, "redirect"))
    into = rendered(["salon.gg", "club.example"], 1002)
    messages, done = transfer(zone, into, serial=1002)
    assert done
    answer = [rrset for message in messages for rrset in message.answer]
    assert [rrset.rdtype for rrset in answer[:2]] == [dns.rdatatype.SOA, dns.rdatatype.SOA]
    deleted, added = answer[2:4], answer[5:7]
    assert {(r.name.to_text(), r[0].target.to_text()) for r in deleted} == {
        ("salon.gg.rpz.test.", "."),
        ("*.salon.gg.rpz.test.", "."),
    }
    assert {(r.name.to_text(), r[0].target.to_text()) for r in added} == {
        ("salon.gg.rpz.test.", "stop.gouv.test."),
        ("*.salon.gg.rpz.test.", "stop.gouv.test."),
    }
    assert into == rendered({"salon.gg": "redirect", "club.example": "nxdomain"}, 1003)


def test_ixfr_replaces_the_log_head_the_secondary_holds() -> None:
    first, second = LogHead(size=1, root=b"\x01" * 32), LogHead(size=2, root=b"\x02" * 32)
    zone = published(("salon.gg", True), log_head=first)
    into = empty()
    transfer(zone, into, serial=None)
    zone.journal.apply([Change(serial=3, name="club.example", listed=True)])
    zone.built(second)
    _, done = transfer(zone, into, serial=1001)
    assert done and into == rendered(["salon.gg", "club.example"], 1002, log_head=second)
    zone.journal.apply([Change(serial=4, name="salon.gg", listed=True, action="nodata")])
    zone.built(second)
    messages, done = transfer(zone, into, serial=1002)
    assert done and not any(r.rdtype == dns.rdatatype.TXT for m in messages for r in m.answer)
    zone.journal.apply([Change(serial=5, name="new.gg", listed=True)])
    zone.built(None)
    transfer(zone, into, serial=1003)
    assert into == rendered({"salon.gg": "nodata", "club.example": "nxdomain", "new.gg": "nxdomain"}, 1004)


def test_a_redirect_without_a_stop_page_cannot_be_served() -> None:
    journal = Journal()
    journal.apply([Change(serial=2, name="salon.gg", listed=True, action="redirect")])
    zone = PublishedZone(zone=ORIGIN, ttl=60, journal=journal, epoch=EPOCH)
    assert "redirect" not in zone.targets()
    with pytest.raises(ConfigError, match="no stop page") as raised:
        list(zone.policy(journal.names.items()))
    assert "stop_page" in raised.value.diagnostics()


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
