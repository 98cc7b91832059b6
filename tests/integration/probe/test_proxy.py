"""Captures through a real SOCKS5 server on loopback: names go to the proxy, evidence is the same."""

from collections.abc import Callable
from pathlib import Path

from socks5_server import socks5_server

from mirrorhunt.config import Settings
from mirrorhunt.lab import Lab, SiteSpec
from mirrorhunt.probe import Prober

SettingsFor = Callable[..., Settings]
ONION = "mirrorhuntlabx7qzv2hjkl3mnop4qrs5tuv6wxyz7abcd2efgh3ijklmnad.onion"


def lab_addresses(lab: Lab) -> Callable[[str], str]:
    """The proxy's own resolution: a lab site name to its address."""

    def resolve(name: str) -> str:
        return next(site.address or "" for site in lab.sites if site.name == name)

    return resolve


async def test_a_capture_through_the_proxy_sends_the_name_and_keeps_the_evidence(
    lab: Lab, settings_for: SettingsFor
) -> None:
    async with socks5_server(lab_addresses(lab)) as proxy:
        settings = settings_for(proxy=f"socks5://127.0.0.1:{proxy.port}")
        async with Prober(settings) as prober:
            capture = await prober.capture("salon.gg")
    assert capture.error is None, capture.error
    assert capture.status == 200 and b"Salon" in capture.body
    assert capture.tls_verified is True and capture.certificate_chain
    assert capture.favicon is not None
    assert ("salon.gg", lab.https_port) in proxy.targets  # the name, not an address: remote resolution


async def test_the_proxy_asks_for_a_password_and_a_wrong_one_fails_the_capture(
    lab: Lab, settings_for: SettingsFor
) -> None:
    async with socks5_server(lab_addresses(lab), credentials=("analyst", "s3cret")) as proxy:
        good = settings_for(proxy=f"socks5://analyst:s3cret@127.0.0.1:{proxy.port}")
        async with Prober(good) as prober:
            capture = await prober.capture("plain.example")
        bad = settings_for(proxy=f"socks5://analyst:wrong@127.0.0.1:{proxy.port}")
        async with Prober(bad) as prober:
            refused = await prober.capture("plain.example")
    assert capture.error is None, capture.error
    assert capture.url == "http://plain.example/"
    assert refused.status is None
    assert refused.error is not None and "through the proxy socks5://analyst@127.0.0.1" in refused.error
    assert "wrong" not in refused.error


async def test_an_onion_name_is_refused_without_a_proxy_and_captured_through_one(
    tmp_path: Path, settings_for: SettingsFor, lab: Lab
) -> None:
    (tmp_path / "onion").mkdir()
    (tmp_path / "onion" / "index.html").write_text("<html><title>Onion</title><body>Onion</body></html>")
    await lab.add_site(SiteSpec(name=ONION, files=tmp_path / "onion", tls=False))
    async with Prober(settings_for()) as prober:
        refused = await prober.capture(ONION)
    assert refused.dns.outcome == "error" and refused.status is None
    assert refused.error is not None and "onion service, reachable only through Tor" in refused.error
    async with (
        socks5_server(lab_addresses(lab)) as proxy,
        Prober(settings_for(proxy=f"socks5://127.0.0.1:{proxy.port}")) as prober,
    ):
        capture = await prober.capture(ONION)
    assert capture.error is None, capture.error
    assert capture.url == f"http://{ONION}/" and b"Onion" in capture.body
    assert capture.dns.addresses == ()  # nobody but the proxy resolved it
    assert (ONION, lab.http_port) in proxy.targets


async def test_an_untrusted_certificate_through_the_proxy_is_recorded_not_fatal(
    lab: Lab, settings_for: SettingsFor
) -> None:
    async with socks5_server(lab_addresses(lab)) as proxy:
        settings = settings_for(proxy=f"socks5://127.0.0.1:{proxy.port}", ca_bundle=None)
        async with Prober(settings) as prober:
            capture = await prober.capture("salon.gg")
    assert capture.error is None, capture.error
    assert capture.tls_verified is False and "certificate" in (capture.tls_error or "")
    assert capture.certificate_chain and b"Salon" in capture.body
