import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime

import pytest
from cryptography import x509

from mirrorhunt.clock import FixedClock
from mirrorhunt.config import Settings
from mirrorhunt.lab import Lab
from mirrorhunt.model import Hop
from mirrorhunt.probe import Prober

SettingsFor = Callable[..., Settings]
FAVICON = b"\x00\x00\x01\x00lab-icon"


def dns_names(der: bytes) -> list[str]:
    certificate = x509.load_der_x509_certificate(der)
    san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    return san.value.get_values_for_type(x509.DNSName)


async def test_an_https_site_is_captured_with_page_favicon_and_certificate(
    lab: Lab, settings_for: SettingsFor
) -> None:
    clock = FixedClock(datetime(2026, 1, 2, tzinfo=UTC))
    async with Prober(settings_for(), clock=clock) as prober:
        capture = await prober.capture("salon.gg")
    assert capture.error is None, capture.error
    assert capture.fetched
    assert capture.dns.outcome == "resolves"
    assert (capture.url, capture.status) == ("https://salon.gg/", 200)
    assert b"<h1>Salon</h1>" in capture.body
    assert not capture.truncated
    assert capture.favicon == FAVICON + b"Salon"
    assert capture.certificate is not None and dns_names(capture.certificate) == ["salon.gg"]
    assert capture.redirects == ()
    assert capture.started_at == clock.at
    assert capture.elapsed_ms > 0
    assert any(key.lower() == "content-type" for key, _ in capture.headers)


async def test_a_site_without_tls_is_captured_over_http(lab: Lab, settings_for: SettingsFor) -> None:
    async with Prober(settings_for()) as prober:
        capture = await prober.capture("plain.example")
    assert capture.error is None, capture.error
    assert (capture.url, capture.status, capture.certificate) == ("http://plain.example/", 200, None)
    assert b"Plain" in capture.body
    assert capture.favicon == FAVICON + b"Plain"


async def test_a_redirect_is_recorded_and_its_target_captured(lab: Lab, settings_for: SettingsFor) -> None:
    async with Prober(settings_for()) as prober:
        capture = await prober.capture("old-salon.fr")
    assert capture.error is None, capture.error
    assert capture.redirects == (Hop(url="https://old-salon.fr/", status=301, location="https://salon.gg/"),)
    assert (capture.name, capture.url, capture.status) == ("old-salon.fr", "https://salon.gg/", 200)
    assert b"Salon" in capture.body
    assert capture.certificate is not None and dns_names(capture.certificate) == ["salon.gg"]


async def test_a_redirect_loop_stops_when_it_comes_back(lab: Lab, settings_for: SettingsFor) -> None:
    async with Prober(settings_for(max_redirects=5)) as prober:
        capture = await prober.capture("loop-a.example")
    assert capture.error == "redirect loop: back to https://loop-a.example/ after 2 redirects"
    assert len(capture.redirects) == 2
    assert [hop.url for hop in capture.redirects[:2]] == [
        "https://loop-a.example/",
        "https://loop-b.example/",
    ]
    assert capture.status is None and not capture.fetched


async def test_loopback_addresses_are_refused_unless_allowed(lab: Lab, settings_for: SettingsFor) -> None:
    settings = settings_for(allow_private_addresses=False)
    address = next(site.address for site in lab.sites if site.name == "salon.gg")
    async with Prober(settings) as prober:
        by_name = await prober.capture("salon.gg")
        by_url = await prober.capture("https://salon.gg/")
    for capture in (by_name, by_url):
        assert capture.error == f"refused: {address} is a loopback address"
        assert capture.dns.outcome == "resolves" and capture.dns.addresses == (address,)
        assert capture.status is None and capture.body == b""


async def test_the_body_is_cut_at_the_cap(lab: Lab, settings_for: SettingsFor) -> None:
    async with Prober(settings_for(max_body_bytes=100_000)) as prober:
        capture = await prober.capture("big.example")
    assert capture.error is None, capture.error
    assert capture.status == 200
    assert len(capture.body) == 100_000
    assert capture.truncated


async def test_a_url_target_is_fetched_as_given_and_non_html_bodies_are_not_kept(
    lab: Lab, settings_for: SettingsFor
) -> None:
    async with Prober(settings_for()) as prober:
        capture = await prober.capture("https://salon.gg/favicon.ico")
    assert capture.error is None, capture.error
    assert (capture.name, capture.url, capture.status) == ("salon.gg", "https://salon.gg/favicon.ico", 200)
    assert capture.body == b""


async def test_names_that_do_not_resolve_or_are_malformed_give_a_capture_not_an_exception(
    lab: Lab, settings_for: SettingsFor
) -> None:
    async with Prober(settings_for()) as prober:
        absent = await prober.capture("absent.example")
        garbage = await prober.capture("not a name")
    assert absent.dns.outcome == "nxdomain"
    assert absent.error == "absent.example does not resolve (nxdomain)"
    assert garbage.dns.outcome == "error"
    assert garbage.error is not None and "not a domain name" in garbage.error


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A TCP port on 127.0.0.9 bound by a socket that does not listen: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.9", 0))
        yield sock.getsockname()[1]


async def test_refused_connections_fall_back_to_http_and_report_both(
    scripted_dns: str, refusing_port: int, settings_for: SettingsFor
) -> None:
    settings = settings_for(resolvers=[scripted_dns], http_port=refusing_port, https_port=refusing_port)
    async with Prober(settings) as prober:
        capture = await prober.capture("end.test")
    assert capture.dns.addresses == ("127.0.0.9",)
    assert capture.error == "connection refused (over HTTPS: connection refused)"


@pytest.fixture
async def hanging_port() -> AsyncIterator[int]:
    """A TCP server on 127.0.0.9 that accepts connections and never says a word."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.9", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_silent_server_ends_at_the_total_deadline(
    scripted_dns: str, hanging_port: int, settings_for: SettingsFor
) -> None:
    settings = settings_for(
        resolvers=[scripted_dns], timeout=0.5, http_port=hanging_port, https_port=hanging_port
    )
    began = time.monotonic()
    async with Prober(settings) as prober:
        capture = await prober.capture("end.test")
    assert capture.error == "timeout after 0.5 s"
    assert time.monotonic() - began < 2.0


async def test_capture_many_returns_every_capture_within_the_concurrency(
    lab: Lab, settings_for: SettingsFor
) -> None:
    targets = ["salon.gg", "plain.example", "old-salon.fr", "absent.example", "big.example"]
    async with Prober(settings_for()) as prober:
        captures = [capture async for capture in prober.capture_many(targets, concurrency=2)]
    assert sorted(capture.name for capture in captures) == sorted(targets)
    assert {capture.name for capture in captures if capture.fetched} == set(targets) - {"absent.example"}
