"""One misbehaviour each: the prober refuses or caps it, says so in words, and never hangs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from cryptography import x509

from mirrorhunt.config import Settings
from mirrorhunt.fingerprint import fingerprint
from mirrorhunt.lab.hostile import HostileWeb, RebindingDns
from mirrorhunt.model import Capture

Capturer = Callable[[str], Awaitable[Capture]]


async def test_endless_redirects_stop_at_the_limit(capture: Capturer) -> None:
    result = await capture("http://hostile.test/redirect/0")
    assert result.error == "too many redirects (6)"
    assert result.redirects[0].location == "/redirect/1"


@pytest.mark.parametrize(
    ("path", "refusal"),
    [
        ("/to-private", "refused: 10.0.0.1 is a private address"),
        ("/to-metadata", "refused: 169.254.169.254 is a link-local address"),
        ("/to-private-name", "refused: 10.0.0.1 is a private address"),
    ],
)
async def test_a_redirect_to_private_space_is_refused_before_connecting(
    capture: Capturer, path: str, refusal: str
) -> None:
    result = await capture(f"http://hostile.test{path}")
    assert result.error == refusal
    assert len(result.redirects) == 1


async def test_a_rebinding_name_is_only_ever_reached_at_the_address_checked(
    capture: Capturer, rebinding_dns: RebindingDns, hostile: HostileWeb
) -> None:
    first = await capture("http://rebind.test/")
    assert first.error is None, first.error
    assert first.dns.addresses == ("127.0.0.1",)
    assert rebinding_dns.asked["rebind.test"] == 1, "the name was resolved again after the check"
    connections = hostile.connections
    second = await capture("http://rebind.test/")
    assert second.error == "refused: 127.0.0.2 is a loopback address"
    assert hostile.connections == connections


async def test_a_slow_drip_ends_at_the_total_deadline(capture: Capturer, settings: Settings) -> None:
    result = await capture("http://hostile.test/drip")
    assert result.error == f"timeout after {settings.probe.timeout} s"


async def test_a_huge_body_is_cut_at_the_cap(capture: Capturer) -> None:
    result = await capture("http://hostile.test/huge")
    assert result.error is None, result.error
    assert (len(result.body), result.truncated) == (100_000, True)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
async def test_a_compression_bomb_is_cut_after_decompression(capture: Capturer, coding: str) -> None:
    result = await capture(f"http://hostile.test/{coding}-bomb")
    assert result.error is None, result.error
    assert (len(result.body), result.truncated) == (100_000, True)
    assert result.body.startswith(b"<html><body>")


async def test_a_garbage_status_line_is_an_error(capture: Capturer) -> None:
    result = await capture("http://hostile.test/garbage")
    assert result.error is not None and result.error.startswith("malformed response"), result.error
    assert result.status is None


async def test_a_self_signed_certificate_is_captured_and_flagged(capture: Capturer) -> None:
    result = await capture("selfsigned.test")
    assert result.error is None, result.error
    assert result.url == "https://selfsigned.test/"
    assert result.tls_verified is False
    assert result.tls_error is not None and "self-signed" in result.tls_error, result.tls_error
    leaf = x509.load_der_x509_certificate(result.certificate_chain[0])
    assert leaf.subject == leaf.issuer
    assert b"hostile" in result.body


async def test_a_certificate_for_another_name_is_captured_and_flagged(capture: Capturer) -> None:
    result = await capture("hostile.test")
    assert result.error is None, result.error
    assert result.tls_verified is False
    assert result.tls_error is not None and "Hostname mismatch" in result.tls_error, result.tls_error
    assert result.certificate is not None
    san = x509.load_der_x509_certificate(result.certificate).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    assert san.value.get_values_for_type(x509.DNSName) == ["elsewhere.test"]


async def test_a_connection_reset_mid_body_is_an_error(capture: Capturer) -> None:
    result = await capture("http://hostile.test/reset")
    assert result.error is not None
    assert result.error.startswith(("broken response body", "connection reset")), result.error


@pytest.mark.parametrize(
    ("path", "refusal"),
    [
        ("/long-header", "refused: response headers over the limits"),
        ("/many-headers", "refused: 91295 bytes of headers, more than 65536"),
    ],
)
async def test_oversized_headers_are_refused(capture: Capturer, path: str, refusal: str) -> None:
    result = await capture(f"http://hostile.test{path}")
    assert result.error is not None and result.error.startswith(refusal), result.error


async def test_a_page_that_is_not_html_is_not_read(capture: Capturer) -> None:
    result = await capture("http://hostile.test/image")
    assert (result.status, result.body) == (200, b"")


@pytest.mark.parametrize(
    ("path", "body", "word"),
    [
        ("/mislabelled", "<html><body>café señor</body></html>".encode("latin-1"), "caf"),
        ("/windows-1252", "<html><body>“quoted” 10 €</body></html>".encode("cp1252"), "quoted"),
    ],
)
async def test_bodies_in_other_encodings_are_kept_as_bytes_and_fingerprinted(
    capture: Capturer, path: str, body: bytes, word: str
) -> None:
    result = await capture(f"http://hostile.test{path}")
    assert result.error is None, result.error
    assert result.body == body
    seen = fingerprint(result.body, url=result.url or "", favicon=None, headers=result.headers)
    assert seen is not None
    assert word in repr(seen)
