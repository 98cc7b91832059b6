"""The lab name server over real UDP and TCP sockets."""

from __future__ import annotations

import asyncio
import socket

import dns.asyncquery
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
from hypothesis import given, settings
from hypothesis import strategies as st

from mirrorhunt.lab import Lab, SiteSpec
from mirrorhunt.lab.dns import LabZone, respond


def server(lab: Lab) -> tuple[str, int]:
    host, port = lab.dns_address.rsplit(":", 1)
    return host, int(port)


async def ask(lab: Lab, name: str, rdtype: str = "A", *, tcp: bool = False) -> dns.message.Message:
    host, port = server(lab)
    query = dns.message.make_query(name, rdtype)
    if tcp:
        return await dns.asyncquery.tcp(query, host, port=port, timeout=3)
    return await dns.asyncquery.udp(query, host, port=port, timeout=3)


def addresses(response: dns.message.Message) -> list[str]:
    return sorted(r.to_text() for rrset in response.answer for r in rrset)


async def test_a_record_over_udp_and_tcp(lab: Lab) -> None:
    for tcp in (False, True):
        response = await ask(lab, "salon.gg", tcp=tcp)
        assert response.rcode() == dns.rcode.NOERROR
        assert response.flags & dns.flags.AA
        assert addresses(response) == ["127.0.10.21"]


async def test_site_without_address_gets_a_loopback_address(lab: Lab) -> None:
    chosen = next(site.address for site in lab.sites if site.name == "old-salon.fr")
    assert chosen is not None and chosen.startswith("127.")
    assert addresses(await ask(lab, "OLD-SALON.FR.")) == [chosen]


async def test_unknown_name_is_nxdomain_with_root_soa(lab: Lab) -> None:
    response = await ask(lab, "nothing-here.gg")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert response.flags & dns.flags.AA
    assert [rrset.rdtype for rrset in response.authority] == [dns.rdatatype.SOA]
    assert response.authority[0].name.to_text() == "."


async def test_names_above_lab_names_are_empty_non_terminals(lab: Lab) -> None:
    for name in ("gg", "example", "lab"):
        response = await ask(lab, name)
        assert response.rcode() == dns.rcode.NOERROR, name
        assert not response.answer
        assert response.authority[0].rdtype == dns.rdatatype.SOA


async def test_no_ipv6_address_is_nodata(lab: Lab) -> None:
    response = await ask(lab, "salon.gg", "AAAA")
    assert response.rcode() == dns.rcode.NOERROR
    assert not response.answer
    assert response.authority[0].name.to_text() == "salon.gg."


async def test_root_answers_like_a_root_server(lab: Lab) -> None:
    response = await ask(lab, ".", "NS")
    assert response.flags & dns.flags.AA
    assert [r.to_text() for r in response.answer[0]] == ["ns.lab."]
    glue = {rrset.name.to_text(): [r.to_text() for r in rrset] for rrset in response.additional}
    assert glue == {"ns.lab.": ["127.0.0.1"]}
    soa = await ask(lab, ".", "SOA", tcp=True)
    assert soa.answer[0].rdtype == dns.rdatatype.SOA
    assert addresses(await ask(lab, "ns.lab")) == ["127.0.0.1"]


async def test_lab_names_are_zone_apexes(lab: Lab) -> None:
    assert addresses(await ask(lab, "salon.gg", "NS")) == ["ns.lab."]
    below = await ask(lab, "www.salon.gg")
    assert below.rcode() == dns.rcode.NXDOMAIN
    assert below.authority[0].name.to_text() == "salon.gg."


async def test_a_site_can_have_name_servers_of_its_own(lab: Lab) -> None:
    own = ("ns1.hote-discret.example", "ns2.hote-discret.example")
    await lab.add_site(SiteSpec(name="www.nuit.co.uk", redirect="https://salon.gg/", nameservers=own))
    await lab.add_site(SiteSpec(name="ns1.hote-discret.example", redirect="https://salon.gg/"))
    glue_address = next(site.address for site in lab.sites if site.name == "ns1.hote-discret.example")
    # Served at the registrable domain, which holds no address itself, with glue for the one the lab serves.
    response = await ask(lab, "nuit.co.uk", "NS")
    assert response.rcode() == dns.rcode.NOERROR and response.flags & dns.flags.AA
    assert addresses(response) == ["ns1.hote-discret.example.", "ns2.hote-discret.example."]
    glue = {rrset.name.to_text(): [r.to_text() for r in rrset] for rrset in response.additional}
    assert glue == {"ns1.hote-discret.example.": [glue_address]}
    soa = await ask(lab, "nuit.co.uk", "SOA")
    assert soa.answer[0][0].mname.to_text() == "ns1.hote-discret.example."
    assert addresses(await ask(lab, "salon.gg", "NS")) == ["ns.lab."], "the others keep the shared one"
    await lab.remove_site("www.nuit.co.uk")
    assert (await ask(lab, "nuit.co.uk", "NS")).rcode() == dns.rcode.NXDOMAIN


async def test_sites_added_and_removed_at_run_time(lab: Lab, site_folders: tuple[object, object]) -> None:
    await lab.add_site(SiteSpec(name="salon.co.uk", redirect="https://salon.gg/", address="127.0.10.40"))
    assert addresses(await ask(lab, "salon.co.uk")) == ["127.0.10.40"]
    assert (await ask(lab, "co.uk")).rcode() == dns.rcode.NOERROR
    await lab.remove_site("salon.co.uk")
    assert (await ask(lab, "salon.co.uk")).rcode() == dns.rcode.NXDOMAIN
    assert (await ask(lab, "co.uk")).rcode() == dns.rcode.NXDOMAIN
    await lab.remove_site("salon.gg")
    assert (await ask(lab, "salon.gg")).rcode() == dns.rcode.NXDOMAIN
    assert (await ask(lab, "gg")).rcode() == dns.rcode.NXDOMAIN


async def test_garbage_then_a_normal_query(lab: Lab) -> None:
    host, port = server(lab)
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        await loop.sock_connect(sock, (host, port))
        await loop.sock_sendall(sock, b"\x12\x34\x01\x00" + b"\xff" * 28)  # a query header, then nonsense
        reply = dns.message.from_wire(await asyncio.wait_for(loop.sock_recv(sock, 4096), 3))
        assert reply.id == 0x1234 and reply.rcode() == dns.rcode.FORMERR
        await loop.sock_sendall(sock, b"\x01")  # too short to answer at all
    _, writer = await asyncio.open_connection(host, port)
    writer.write(b"\x00\x05hello")  # garbage over TCP
    writer.close()
    await writer.wait_closed()
    assert addresses(await ask(lab, "salon.gg")) == ["127.0.10.21"]
    assert addresses(await ask(lab, "salon.gg", tcp=True)) == ["127.0.10.21"]


async def test_several_queries_on_one_tcp_connection(lab: Lab) -> None:
    host, port = server(lab)
    reader, writer = await asyncio.open_connection(host, port)
    for name in ("salon.gg", "club.example"):
        wire = dns.message.make_query(name, "A").to_wire()
        writer.write(len(wire).to_bytes(2, "big") + wire)
        length = int.from_bytes(await asyncio.wait_for(reader.readexactly(2), 3), "big")
        reply = dns.message.from_wire(await reader.readexactly(length))
        assert reply.answer[0].name.to_text() == f"{name}."
    writer.close()
    await writer.wait_closed()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_any_bytes_get_an_answer_or_silence(wire: bytes) -> None:
    zone = LabZone(nameserver_address="127.0.0.1")
    zone.set_addresses("salon.gg", ["127.0.10.1"])
    for udp in (True, False):
        reply = respond(wire, zone, udp=udp)
        if reply is not None:
            assert dns.message.from_wire(reply).flags & dns.flags.QR
