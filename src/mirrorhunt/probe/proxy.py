"""Probing through a SOCKS5 proxy (RFC 1928, user/password RFC 1929): Tor for .onion mirrors, or
another vantage point.

The name goes to the proxy, which resolves it (``rdns``): the prober never learns the address it is
finally connected to. What safety can still check is done: the prober resolves the name itself and
refuses it when that answer is private or reserved (as without a proxy), and a .onion name is refused
unless a proxy is set (it exists only inside Tor). The size, time and redirect caps apply unchanged.
The proxy's own address is the operator's choice and is not checked (Tor listens on 127.0.0.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp_socks import ProxyConnector, ProxyType
from yarl import URL

from mirrorhunt.errors import ConfigError

_HINT = 'write it as socks5://[user:password@]host:port, e.g. proxy = "socks5://127.0.0.1:9050" for Tor'


@dataclass(frozen=True, slots=True, kw_only=True)
class Socks5Proxy:
    """Where the proxy listens and, optionally, the RFC 1929 credentials it asks for."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, text: str) -> Socks5Proxy:
        """``socks5://[user:password@]host:port`` (``socks5h`` accepted: names always go to the proxy)."""
        try:
            url = URL(text.strip())
            port = url.port
        except ValueError as exc:
            raise ConfigError(f"probe.proxy {text!r} is not a URL", hint=_HINT) from exc
        if (
            url.scheme not in ("socks5", "socks5h")
            or not url.host
            or port is None
            or url.path not in ("", "/")
        ):
            raise ConfigError(f"probe.proxy {text!r} is not a SOCKS5 proxy URL", hint=_HINT)
        if (url.user is None) != (url.password is None):
            raise ConfigError(f"probe.proxy {text!r} has a user without a password", hint=_HINT)
        return cls(host=url.host, port=port, username=url.user, password=url.password)

    def __str__(self) -> str:
        """The URL without the password (for notes and errors)."""
        user = f"{self.username}@" if self.username else ""
        return f"socks5://{user}{self.host}:{self.port}"

    def connector(self, **options: Any) -> aiohttp.TCPConnector:
        """An aiohttp connector whose every connection is a SOCKS5 CONNECT by name through this proxy."""
        return ProxyConnector(
            host=self.host,
            port=self.port,
            proxy_type=ProxyType.SOCKS5,
            username=self.username,
            password=self.password,
            rdns=True,
            **options,
        )


def is_onion(host: str) -> bool:
    """True for a Tor onion service name (RFC 7686): reachable only through Tor."""
    return host.lower().rstrip(".").endswith(".onion") or host.lower() == "onion"
