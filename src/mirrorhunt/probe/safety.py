"""Which addresses the prober may connect to: only global unicast ones, unless the operator allows more.

A hostile name can resolve to 127.0.0.1, 10.0.0.1 or 169.254.169.254; connecting there would turn the
prober against its own network. ``check_address`` is called for every address, at connect time.
"""

from __future__ import annotations

import ipaddress

from mirrorhunt.errors import InvalidInput, SafetyRefusal

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_DOCUMENTATION = tuple(
    ipaddress.ip_network(net)
    for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")
)
_HINT = "private address space is refused; set allow_private_addresses = true only for a lab or a test"


def check_address(address: str, *, allow_private: bool) -> None:
    """Return if ``address`` may be probed; raise ``SafetyRefusal`` naming the reason otherwise."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError as exc:
        raise InvalidInput(f"{address!r} is not an IP address") from exc
    if allow_private:
        return
    if isinstance(ip, ipaddress.IPv6Address) and (embedded := ip.ipv4_mapped or ip.sixtofour) is not None:
        if (inner := _forbidden_kind(embedded)) is not None:
            raise SafetyRefusal(
                f"refused: {address} embeds {embedded}, {_article(inner)} {inner} address", hint=_HINT
            )
        if ip.ipv4_mapped is not None:
            return
    if (kind := _forbidden_kind(ip)) is not None:
        raise SafetyRefusal(f"refused: {address} is {_article(kind)} {kind} address", hint=_HINT)


def _forbidden_kind(ip: _Address) -> str | None:
    checks: tuple[tuple[str, bool], ...] = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("carrier-grade NAT", ip in _CGNAT),
        ("documentation", any(ip in net for net in _DOCUMENTATION)),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-global", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiouIAEOU" else "a"
