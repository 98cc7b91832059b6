"""Extended DNS Errors (RFC 8914: 15 Blocked, 16 Censored, 17 Filtered) on refused names: what the
resolvers installed here do, checked against what docs/stoppage.md says of their versions.

A newer Unbound, BIND or PowerDNS Recursor fails these tests on purpose: its behaviour goes into the
docs and the tables below, measured, before the test passes again.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import dns.asyncquery
import dns.edns
import dns.message
import dns.rcode
from resolver_processes import binary, eventually, free_port, pdns_recursor
from stoppage_lab import SITE, STOP, STOP_ADDRESS, ZONE, unbound_with_ede

from mirrorhunt.config import PublishSettings
from mirrorhunt.lab import Lab
from mirrorhunt.model import Case, Listing
from mirrorhunt.publish.primary import Primary
from mirrorhunt.store import Store

UNBOUND_EDE = {"1.17": frozenset[int]()}
"""EDE codes Unbound puts on an RPZ NXDOMAIN with ``ede: yes``, by version (measured)."""
BIND_ACCEPTS_RPZ_EDE = {"9.18": False}
"""Whether ``response-policy { zone "…" ede filtered; }`` is a valid BIND configuration, by version."""
PDNS_RECURSOR_EDE = frozenset({"4.8"})
"""PowerDNS Recursor versions measured to put the RPZ's ``extendedErrorCode`` and ``extendedErrorExtra``
on the answers it refuses."""
CENSORED = (16, f"blocked by court order; see http://{STOP}/")
"""RFC 8914 code 16, Censored: the block is required by an authority, not the resolver operator's choice."""
LATER = "miroir-salon-chat.gg"
"""A name listed while the resolver runs; the lab knows no such name: only the EDE shows the listing."""


def version_of(command: list[str], pattern: str) -> str:
    ran = subprocess.run(command, capture_output=True, text=True, check=True, timeout=30)
    output = ran.stdout + ran.stderr  # PowerDNS Recursor prints its version on stderr
    found = re.search(pattern, output)
    assert found is not None, output
    return found.group(1)


async def test_unbound_ede_on_a_refused_name(lab: Lab, tmp_path: Path) -> None:
    version = version_of([binary("unbound"), "-V"], r"Version (\d+\.\d+)")
    assert version in UNBOUND_EDE, f"Unbound {version} is not in docs/stoppage.md: measure it and add it"
    port = free_port()
    with Store.open(f"sqlite:///{tmp_path / 'mirrorhunt.db'}") as store:
        store.add_case(Case(name="salon", url="https://salon.gg/", created_at=datetime.now(UTC)))
        store.add_listing(
            Listing(name=SITE, case="salon", reason="mirror", decided_by="ana", since=datetime.now(UTC))
        )
        publish = PublishSettings(zone=ZONE, ttl=5, listen="127.0.0.1:0", notify=[f"127.0.0.1:{port}"])
        async with (
            Primary(store, settings=publish) as primary,
            unbound_with_ede(
                folder=tmp_path / "unbound", port=port, lab_dns=lab.dns_address, primary=primary.port
            ) as resolver,
        ):
            await eventually(lambda: resolver.refuses(SITE), within=10, what="refuses the listed name")
            query = dns.message.make_query(SITE, "A", use_edns=0)
            reply = await dns.asyncquery.udp(query, "127.0.0.1", port=port, timeout=2)
    assert reply.rcode() == dns.rcode.NXDOMAIN
    assert reply.edns >= 0, "the resolver answers with EDNS, where an EDE option would go"
    codes = {option.code for option in reply.options if isinstance(option, dns.edns.EDEOption)}
    assert codes == UNBOUND_EDE[version]


def listing(name: str) -> Listing:
    return Listing(name=name, case="salon", reason="mirror", decided_by="ana", since=datetime.now(UTC))


async def ask(name: str, *, port: int) -> dns.message.Message:
    query = dns.message.make_query(name, "A", use_edns=0)
    return await dns.asyncquery.udp(query, "127.0.0.1", port=port, timeout=2)


def extended_errors(reply: dns.message.Message) -> list[tuple[int, str | None]]:
    return [(int(error.code), error.text) for error in reply.extended_errors()]


async def test_pdns_recursor_ede_on_refused_names(lab: Lab, tmp_path: Path) -> None:
    version = version_of([binary("pdns_recursor"), "--version"], r"PowerDNS Recursor (\d+\.\d+)")
    assert version in PDNS_RECURSOR_EDE, f"PowerDNS Recursor {version} is not in docs/stoppage.md: measure it"
    port = free_port()
    with Store.open(f"sqlite:///{tmp_path / 'mirrorhunt.db'}") as store:
        store.add_case(Case(name="salon", url="https://salon.gg/", created_at=datetime.now(UTC)))
        store.add_listing(listing(SITE))
        publish = PublishSettings(zone=ZONE, ttl=5, listen="127.0.0.1:0")  # 4.8 polls: no NOTIFY
        async with (
            Primary(store, settings=publish) as primary,
            pdns_recursor(
                folder=tmp_path / "pdns",
                port=port,
                lab_dns=lab.dns_address,
                zone=ZONE,
                primary=primary.port,
                ede=CENSORED,
            ) as resolver,
        ):
            await eventually(lambda: resolver.refuses(SITE), within=10, what="refuses the listed name")
            listed, below, unlisted = [await ask(name, port=port) for name in (SITE, f"www.{SITE}", STOP)]
            unknown = await ask(LATER, port=port)

            async def later_censored() -> bool:
                return extended_errors(await ask(LATER, port=port)) == [CENSORED]

            store.add_listing(listing(LATER))
            primary.changed()
            await eventually(later_censored, within=15, every=0.1, what="a later listing carries the EDE")
            later = await ask(LATER, port=port)
    for refused in (listed, below, later):
        assert refused.rcode() == dns.rcode.NXDOMAIN
        assert extended_errors(refused) == [CENSORED]
    assert unlisted.rcode() == dns.rcode.NOERROR
    assert STOP_ADDRESS in {record.to_text() for rrset in unlisted.answer for record in rrset}
    assert extended_errors(unlisted) == []
    assert unknown.rcode() == dns.rcode.NXDOMAIN, "the lab knows no such name"
    assert extended_errors(unknown) == [], "an NXDOMAIN from the name servers carries no EDE"


def test_bind_response_policy_ede_option(tmp_path: Path) -> None:
    version = version_of([binary("named"), "-v"], r"BIND (\d+\.\d+)")
    assert version in BIND_ACCEPTS_RPZ_EDE, f"BIND {version} is not in docs/stoppage.md: check and add it"
    (tmp_path / "rpz.zone").write_text(
        "$TTL 60\n@ SOA localhost. root.localhost. 1 3600 600 86400 60\n  NS localhost.\n"
    )
    config = tmp_path / "named.conf"
    config.write_text(
        f'options {{ directory "{tmp_path}"; response-policy {{ zone "{ZONE}" ede filtered; }}; }};\n'
        f'zone "{ZONE}" {{ type primary; file "rpz.zone"; }};\n'
    )
    checked = subprocess.run(
        [binary("named-checkconf"), str(config)], capture_output=True, text=True, timeout=30
    )
    assert (checked.returncode == 0) == BIND_ACCEPTS_RPZ_EDE[version], checked.stdout + checked.stderr
