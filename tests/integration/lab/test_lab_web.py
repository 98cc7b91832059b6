"""The lab web servers: virtual hosts by Host and SNI, each on its own address."""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
import pytest
from cryptography import x509

from mirrorhunt.lab import Lab, SiteSpec


async def fetch(
    lab: Lab, address: str, host: str, path: str = "/", *, https: bool = False
) -> tuple[int, dict[str, str], bytes]:
    port = lab.https_port if https else lab.http_port
    url = f"{'https' if https else 'http'}://{address}:{port}{path}"
    tls = ssl.create_default_context(cafile=str(lab.ca_bundle)) if https else None
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            url,
            headers={"Host": host},
            ssl=tls if tls else False,
            server_hostname=host if https else None,
            allow_redirects=False,
        ) as response,
    ):
        return response.status, dict(response.headers), await response.read()


async def test_virtual_hosts_by_host_header_on_two_addresses(lab: Lab) -> None:
    status, headers, body = await fetch(lab, "127.0.10.21", "salon.gg")
    assert (status, body.count(b"<title>Salon</title>")) == (200, 1)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    status, _, body = await fetch(lab, "127.0.10.22", "club.example")
    assert status == 200 and b"Club" in body


async def test_a_site_is_not_served_on_another_address(lab: Lab) -> None:
    assert (await fetch(lab, "127.0.10.22", "salon.gg"))[0] == 404
    assert (await fetch(lab, "127.0.10.21", "unknown.gg"))[0] == 404


async def test_assets_with_their_content_types(lab: Lab) -> None:
    expected = {
        "/favicon.ico": "image/vnd.microsoft.icon",
        "/js/app.js": "text/javascript; charset=utf-8",
        "/style.css": "text/css; charset=utf-8",
        "/js/": None,
        "/missing.png": None,
    }
    for path, kind in expected.items():
        status, headers, _ = await fetch(lab, "127.0.10.21", "salon.gg", path)
        assert (status, headers.get("Content-Type") if status == 200 else None) == (
            200 if kind else 404,
            kind,
        ), path


@pytest.mark.parametrize("path", ["/../club/index.html", "/%2e%2e/club/index.html", "/js/..%2f..%2fclub"])
async def test_no_path_traversal(lab: Lab, path: str) -> None:
    reader, writer = await asyncio.open_connection("127.0.10.21", lab.http_port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: salon.gg\r\nConnection: close\r\n\r\n".encode())
    reply = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert reply.startswith(b"HTTP/1.1 404"), reply[:40]
    assert b"Club" not in reply


async def test_redirect_site_answers_every_path_with_301(lab: Lab) -> None:
    address = next(site.address for site in lab.sites if site.name == "old-salon.fr")
    assert address is not None
    for path in ("/", "/any/where?x=1"):
        status, headers, _ = await fetch(lab, address, "old-salon.fr", path)
        assert (status, headers["Location"]) == (301, "https://salon.gg/")


async def test_https_by_sni_verified_against_the_lab_ca(lab: Lab) -> None:
    status, _, body = await fetch(lab, "127.0.10.21", "salon.gg", https=True)
    assert status == 200 and b"Salon" in body


async def peer_certificate(lab: Lab, address: str, server_name: str) -> x509.Certificate:
    tls = ssl.create_default_context(cafile=str(lab.ca_bundle))
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE
    _, writer = await asyncio.open_connection(address, lab.https_port, ssl=tls, server_hostname=server_name)
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    return x509.load_der_x509_certificate(der)


async def test_each_name_gets_its_own_certificate(lab: Lab) -> None:
    certificate = await peer_certificate(lab, "127.0.10.21", "salon.gg")
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["salon.gg"]


@pytest.mark.parametrize("server_name", ["unknown.gg", "club.example"])
async def test_wrong_sni_gets_no_certificate(lab: Lab, server_name: str) -> None:
    with pytest.raises((ssl.SSLError, ConnectionError)):
        await peer_certificate(lab, "127.0.10.21", server_name)


async def test_site_on_a_new_address_added_at_run_time(lab: Lab, site_folders: tuple[object, object]) -> None:
    salon_folder = next(site.files for site in lab.sites if site.name == "salon.gg")
    await lab.add_site(SiteSpec(name="salon-lumiere.gg", files=salon_folder, address="127.0.10.99"))
    status, _, body = await fetch(lab, "127.0.10.99", "salon-lumiere.gg", https=True)
    assert status == 200 and b"Salon" in body
    await lab.remove_site("salon-lumiere.gg")
    assert (await fetch(lab, "127.0.10.99", "salon-lumiere.gg"))[0] == 404
