"""Pivots: a capture that shares an indicator with a confirmed mirror proposes itself for its case."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirrorhunt.fingerprint import fingerprint
from mirrorhunt.lab.ca import LabCA
from mirrorhunt.lab.dns import NAMESERVER
from mirrorhunt.sources.pivots import (
    ADDRESS,
    FAVICON,
    NAMESERVERS,
    TLS_KEY,
    Pivot,
    PivotRules,
    is_shared_dns_host,
    pivots_of,
)

PAGE = "<html><body><script>ga('create', 'UA-1234567-1');</script><p>0x{}</p></body></html>"


def test_indicators_of_a_capture() -> None:
    ca = LabCA(now=datetime(2026, 1, 1, tzinfo=UTC))
    issued = ca.issue(["mirror.gg"], now=datetime(2026, 1, 1, tzinfo=UTC))
    seen = fingerprint(PAGE, url="https://mirror.gg/", favicon=b"\x00icon")
    pivots = pivots_of(addresses=("192.0.2.7",), certificate=issued.der, seen=seen)
    kinds = {p.kind for p in pivots}
    assert {ADDRESS, TLS_KEY, FAVICON, "google-analytics"} <= kinds
    assert Pivot("google-analytics", "UA-1234567-1") in pivots
    assert pivots_of(certificate=b"not a certificate") == frozenset()


def test_rules_match_other_sites_once_per_case_with_the_reason() -> None:
    rules = PivotRules()
    shared = Pivot("google-analytics", "UA-1234567-1")
    assert rules.watch(case="c", origin="mirror.gg", pivots=[shared, Pivot(ADDRESS, "192.0.2.7")]) == 2
    assert rules.watch(case="c", origin="other.gg", pivots=[shared]) == 0, "already watched for c"
    (match,) = rules.matches("new.net", [Pivot(ADDRESS, "192.0.2.7"), shared])
    assert (match.case, match.origin) == ("c", "mirror.gg")
    assert "mirror.gg" in match.reason and "192.0.2.7" in match.reason
    assert rules.matches("mirror.gg", [shared]) == [], "a site never pivots on itself"
    assert rules.matches("new.net", [Pivot(FAVICON, "1")]) == []


def test_distinctive_name_servers_pivot_as_one_set() -> None:
    own = ("NS2.Hote-Discret.example.", "ns1.hote-discret.example")
    (pivot,) = pivots_of(nameservers=own)
    assert pivot == Pivot(NAMESERVERS, "ns1.hote-discret.example,ns2.hote-discret.example")
    rules = PivotRules()
    rules.watch(case="c", origin="mirror.gg", pivots=[pivot])
    (match,) = rules.matches("next.net", pivots_of(nameservers=own[::-1]))
    assert match.reason == (
        "shares its name servers ns1.hote-discret.example, ns2.hote-discret.example with mirror.gg (case c)"
    )
    assert rules.matches("other.net", pivots_of(nameservers=("ns1.hote-discret.example",))) == []


@pytest.mark.parametrize(
    "servers",
    [
        ("ada.ns.cloudflare.com", "bob.ns.cloudflare.com"),
        ("ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk"),
        ("ns01.domaincontrol.com", "ns02.domaincontrol.com"),
        ("ns1-01.azure-dns.com", "ns2-01.azure-dns.net"),
        ("dns1.registrar-servers.com", "dns2.registrar-servers.com"),
        ("ns-cloud-a1.googledomains.com",),
        ("dns1.p01.nsone.net",),
        (NAMESERVER,),
        ("ns1.hote-discret.example", "kim.ns.cloudflare.com"),
    ],
)
def test_a_shared_dns_host_never_pivots(servers: tuple[str, ...]) -> None:
    assert pivots_of(nameservers=servers) == frozenset()
    rules = PivotRules()
    rules.watch(case="c", origin="mirror.gg", pivots=pivots_of(nameservers=servers, addresses=("192.0.2.7",)))
    assert rules.matches("anyone.net", pivots_of(nameservers=servers)) == []


def test_a_shared_host_is_matched_by_its_domain_not_by_look_alikes() -> None:
    assert is_shared_dns_host("KIM.NS.CLOUDFLARE.COM.")
    assert not is_shared_dns_host("ns1.cloudflare.com.evil.example")
    assert not is_shared_dns_host("ns1.notcloudflare.com")
