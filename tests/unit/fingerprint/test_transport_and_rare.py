"""Rare tokens against the shipped background, the simhash, and what the server said beside the page."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from mirrorhunt.fingerprint import fingerprint
from mirrorhunt.fingerprint.background import Background, background
from mirrorhunt.fingerprint.transport import certificate_identity, header_order, header_values, redirect_hosts
from mirrorhunt.lab.ca import LabCA
from mirrorhunt.model import Hop

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PAGE = (
    '<html><head><link rel="stylesheet" href="/wp-content/themes/x/bootstrap.min.css">'
    '<script src="/js/jquery.min.js"></script></head><body><div class="container chat-salon-7f3a">'
    "<p>the news of the day and the weather for the week</p><p>zorbulon quimtraxel vendrasque</p>"
    "</div></body></html>"
)


def test_common_tokens_count_for_nothing_and_rare_ones_a_lot() -> None:
    rare = dict(fingerprint(PAGE, url="https://salon-lumiere.fr/").rare)
    assert {"chat-salon-fa", "zorbulon", "quimtraxel", "vendrasque"} <= rare.keys()
    assert not {"jquery.min.js", "bootstrap.min.css", "container", "the", "news", "weather"} & rare.keys()
    assert background().pages > 500
    assert all(weight > 5 for weight in rare.values())


def test_a_background_of_our_own() -> None:
    pages = [{"shared", "common"}, {"shared", "common"}, {"shared", "common", "unique"}, {"shared"}]
    mine = Background.of_pages(pages)
    assert mine.pages == 4
    assert [token for token, _ in mine.rare({"shared", "common", "unique", "ab"})] == ["unique"]


def test_simhash_of_equal_and_different_text() -> None:
    one = fingerprint(PAGE, url="https://a.example/")
    assert one.simhash == fingerprint(PAGE.replace("<p>", "<p> "), url="https://b.example/").simhash
    other = fingerprint("<p>" + "lorem ipsum dolor sit amet " * 20 + "</p>", url="https://c.example/")
    assert 10 < (one.simhash ^ other.simhash).bit_count() < 54
    assert fingerprint("", url="https://d.example/").simhash == 0


def test_headers_keep_order_and_stable_values() -> None:
    headers = [("Server", "nginx/1.18"), ("Date", "Mon"), ("X-Powered-By", " PHP/7.4 "), ("server", "x")]
    assert header_order(headers) == ("server", "date", "x-powered-by")
    assert header_values(headers) == {("server", "nginx/1.18"), ("x-powered-by", "PHP/7.4"), ("server", "x")}


def test_certificate_key_and_names() -> None:
    ca = LabCA(now=NOW)
    issued = ca.issue(["salon-lumiere.gg", "salon-lumiere.fr"], now=NOW)
    key, names = certificate_identity(issued.der)
    assert key is not None and len(key) == 64
    assert names == {"salon-lumiere.gg", "salon-lumiere.fr"}
    assert certificate_identity(b"\x30\x03garbage") == (None, frozenset())
    page = fingerprint(PAGE, url="https://salon-lumiere.gg/", certificate=issued.der)
    assert page.certificate_key == key and page.certificate_names == names


def test_redirect_hosts_in_order() -> None:
    hops = [
        Hop(url="http://salon-lumiere.fr/", status=301, location="https://salon-lumiere.fr/"),
        Hop(url="https://salon-lumiere.fr/", status=302, location="https://salon-lumiere.gg/"),
        Hop(url="https://[broken/", status=302, location=None),
    ]
    assert redirect_hosts(hops) == ("salon-lumiere.fr", "salon-lumiere.gg")


def test_meta_refresh_and_frames_are_recorded() -> None:
    page = (
        '<html><head><meta http-equiv="Refresh" content="0; URL=\'https://salon-lumiere.gg/home\'"></head>'
        '<frameset><frame src="/top.html"><frame src="javascript:void(0)"></frameset></html>'
    )
    found = fingerprint(page, url="https://salon-lumiere.fr/")
    assert found.refresh == "https://salon-lumiere.gg/home"
    assert found.frames == ("https://salon-lumiere.fr/top.html",)
    plain = fingerprint('<meta http-equiv="refresh" content="30">', url="https://a.example/")
    assert plain.refresh is None and plain.frames == ()


@settings(max_examples=100, deadline=None)
@given(
    der=st.binary(max_size=200), url=st.text(max_size=30), location=st.one_of(st.none(), st.text(max_size=30))
)
def test_garbage_transport_never_raises(der: bytes, url: str, location: str | None) -> None:
    page = fingerprint(
        f'<meta http-equiv="refresh" content="{url}"><iframe src="{url}"></iframe>',
        url="https://example-chat.gg/",
        certificate=der,
        redirects=[Hop(url=url, status=302, location=location)],
    )
    assert page.certificate_key is None or len(page.certificate_key) == 64
