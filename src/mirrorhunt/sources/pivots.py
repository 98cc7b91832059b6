"""Infrastructure pivots: what a confirmed mirror shares with the next one its operators set up.

Pure. ``pivots_of`` reads a capture's indicators (address, name servers, certificate public key,
favicon hash, analytics, ad and wallet identifiers); ``PivotRules`` remembers those of the confirmed
mirrors (and of the seized sites' references) per case, and ``matches`` says which cases another
capture concerns, with the shared indicator as the reason.

Name servers count only when they are distinctive: a set served by a big DNS host (``SHARED_DNS_HOSTS``)
is shared by millions of unrelated names, and pivoting on it would propose the whole internet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mirrorhunt.fingerprint import Fingerprint, Indicator
from mirrorhunt.fingerprint.indicators import LABELS, describe

ADDRESS = "address"
TLS_KEY = "tls-key"
FAVICON = "favicon"
NAMESERVERS = "nameservers"

SHARED_DNS_HOSTS = frozenset(
    {
        "akam.net",
        "anycast.me",
        "cloudflare.com",
        "digitalocean.com",
        "dnsimple.com",
        "dnsmadeeasy.com",
        "domaincontrol.com",
        "dynect.net",
        "gandi.net",
        "googledomains.com",
        "he.net",
        "hetzner.com",
        "linode.com",
        "name-services.com",
        "namebrightdns.com",
        "nsone.net",
        "ovh.net",
        "porkbun.com",
        "registrar-servers.com",
        "squarespacedns.com",
        "ultradns.com",
        "ultradns.net",
        "ultradns.org",
        "vercel-dns.com",
        "wixdns.net",
        "ns.lab",  # the lab's one name server (mirrorhunt.lab.dns), which every lab site shares
    }
)
"""Registrable domains (or names) of DNS hosts that serve vast numbers of unrelated names."""
SHARED_DNS_LABELS = frozenset({"azure-dns"})
"""Labels of hosts spread over several top-level domains (``ns1-01.azure-dns.com``, ``….azure-dns.info``)."""
SHARED_DNS_PREFIX = "awsdns-"
"""Amazon Route 53 spreads its servers over numbered domains (``ns-7.awsdns-01.net``)."""


@dataclass(frozen=True, slots=True, order=True)
class Pivot:
    """One indicator a site carries: its kind (``address``, ``tls-key``, ``favicon`` or an indicator
    kind such as ``google-analytics``) and its value."""

    kind: str
    value: str

    def describe(self) -> str:
        if self.kind == ADDRESS:
            return f"address {self.value}"
        if self.kind == TLS_KEY:
            return f"TLS public key sha256:{self.value[:16]}…"
        if self.kind == FAVICON:
            return f"favicon hash {self.value}"
        if self.kind == NAMESERVERS:
            return f"name servers {self.value.replace(',', ', ')}"
        return (
            describe(Indicator(self.kind, self.value)) if self.kind in LABELS else f"{self.kind} {self.value}"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PivotMatch:
    """A capture shares ``pivot`` with ``origin``, a confirmed mirror (or reference) of ``case``."""

    case: str
    pivot: Pivot
    origin: str

    @property
    def reason(self) -> str:
        return f"shares its {self.pivot.describe()} with {self.origin} (case {self.case})"


def pivots_of(
    *,
    addresses: Sequence[str] = (),
    nameservers: Sequence[str] = (),
    certificate: bytes | None = None,
    seen: Fingerprint | None = None,
) -> frozenset[Pivot]:
    """The indicators of one capture: its addresses, its name servers when distinctive, its
    certificate's key, its page's favicon and identifiers. A certificate that does not parse gives no
    key."""
    found = {Pivot(ADDRESS, address) for address in addresses}
    servers = sorted({server.lower().rstrip(".") for server in nameservers})
    if servers and not any(is_shared_dns_host(server) for server in servers):
        found.add(Pivot(NAMESERVERS, ",".join(servers)))
    if certificate:
        key = _public_key_sha256(certificate)
        if key is not None:
            found.add(Pivot(TLS_KEY, key))
    if seen is not None:
        if seen.favicon is not None:
            found.add(Pivot(FAVICON, str(seen.favicon)))
        found.update(Pivot(indicator.kind, indicator.value) for indicator in seen.indicators)
    return frozenset(found)


class PivotRules:
    """The pivots watched for each case, each with the site it came from."""

    def __init__(self) -> None:
        self._origins: dict[Pivot, dict[str, str]] = {}

    def watch(self, *, case: str, origin: str, pivots: Iterable[Pivot]) -> int:
        """Watch ``pivots`` for ``case``; the number that were not watched for it yet."""
        added = 0
        for pivot in pivots:
            by_case = self._origins.setdefault(pivot, {})
            if case not in by_case:
                by_case[case] = origin
                added += 1
        return added

    def matches(self, name: str, pivots: Iterable[Pivot]) -> list[PivotMatch]:
        """The cases whose watched pivots ``name`` carries, one match per case (the first pivot in
        order), never a match of a site with itself."""
        found: dict[str, PivotMatch] = {}
        for pivot in sorted(pivots):
            for case, origin in self._origins.get(pivot, {}).items():
                if origin != name and case not in found:
                    found[case] = PivotMatch(case=case, pivot=pivot, origin=origin)
        return list(found.values())

    def __len__(self) -> int:
        return sum(len(by_case) for by_case in self._origins.values())


def is_shared_dns_host(server: str) -> bool:
    """True for a name server of a big DNS host (``ns1.cloudflare.com``, ``ns-7.awsdns-01.net``)."""
    labels = server.lower().rstrip(".").split(".")
    suffixes = {".".join(labels[start:]) for start in range(len(labels))}
    return not suffixes.isdisjoint(SHARED_DNS_HOSTS) or any(
        label in SHARED_DNS_LABELS or label.startswith(SHARED_DNS_PREFIX) for label in labels
    )


def _public_key_sha256(der: bytes) -> str | None:
    try:
        key = x509.load_der_x509_certificate(der).public_key()
        spki = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    except (ValueError, TypeError):
        return None
    return hashlib.sha256(spki).hexdigest()
