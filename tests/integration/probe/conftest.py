"""A lab with an HTTPS site, an HTTP-only site, a redirect, a redirect loop and a large page; small
name servers for the DNS outcomes the lab does not produce."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, cast

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from mirrorhunt.config import Settings, load_settings
from mirrorhunt.lab import Lab, SiteSpec

FAVICON = b"\x00\x00\x01\x00lab-icon"
LARGE_PAGE_BYTES = 300_000


def make_site(folder: Path, *, title: str, filler: int = 0) -> Path:
    folder.mkdir(parents=True)
    padding = "x" * filler
    (folder / "index.html").write_text(
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{padding}</body></html>"
    )
    (folder / "favicon.ico").write_bytes(FAVICON + title.encode())
    return folder


@pytest.fixture
async def lab(tmp_path: Path) -> AsyncIterator[Lab]:
    sites = [
        SiteSpec(name="salon.gg", files=make_site(tmp_path / "salon", title="Salon")),
        SiteSpec(name="plain.example", files=make_site(tmp_path / "plain", title="Plain"), tls=False),
        SiteSpec(name="old-salon.fr", redirect="https://salon.gg/"),
        SiteSpec(name="loop-a.example", redirect="https://loop-b.example/"),
        SiteSpec(name="loop-b.example", redirect="https://loop-a.example/"),
        SiteSpec(name="big.example", files=make_site(tmp_path / "big", title="Big", filler=LARGE_PAGE_BYTES)),
    ]
    async with Lab(sites=sites, workdir=tmp_path / "lab") as running:
        yield running


SettingsFor = Callable[..., Settings]


@pytest.fixture
def settings_for(lab: Lab) -> SettingsFor:
    """Settings pointing at the lab; keyword arguments override ``probe`` settings or top-level ones."""

    def make(**changes: Any) -> Settings:
        overrides = lab.settings_overrides()
        top = {key: changes.pop(key) for key in ("resolvers", "allow_private_addresses") if key in changes}
        overrides["probe"] = {**overrides["probe"], "timeout": 5.0, "connect_timeout": 2.0, **changes}
        return load_settings(config_file=None, environ={}, overrides={**overrides, **top})

    return make


class ScriptedNameServer(asyncio.DatagramProtocol):
    """A UDP name server on 127.0.0.1 answering from fixed records: CNAMEs one at a time, SERVFAIL for
    names under ``broken.test``, NXDOMAIN for the rest."""

    def __init__(self, records: dict[str, tuple[str, str]]) -> None:
        self.records = records
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True)
        if name.endswith("broken.test"):
            response.set_rcode(dns.rcode.SERVFAIL)
        elif name not in self.records:
            response.set_rcode(dns.rcode.NXDOMAIN)
        else:
            kind, value = self.records[name]
            if kind == "CNAME" or dns.rdatatype.from_text(kind) == question.rdtype:
                response.answer.append(dns.rrset.from_text(question.name, 60, "IN", kind, value))
        assert self.transport is not None
        self.transport.sendto(response.to_wire(), addr)


@pytest.fixture
async def scripted_dns() -> AsyncIterator[str]:
    records = {
        "start.test": ("CNAME", "middle.test."),
        "middle.test": ("CNAME", "end.test."),
        "end.test": ("A", "127.0.0.9"),
        "v6.test": ("AAAA", "::1"),
        "text-only.test": ("TXT", '"no address"'),
        "loop1.test": ("CNAME", "loop2.test."),
        "loop2.test": ("CNAME", "loop1.test."),
    }
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: ScriptedNameServer(records), local_addr=("127.0.0.1", 0)
    )
    host, port = transport.get_extra_info("sockname")[:2]
    try:
        yield f"{host}:{port}"
    finally:
        transport.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A UDP port on 127.0.0.1 bound by a socket that never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
