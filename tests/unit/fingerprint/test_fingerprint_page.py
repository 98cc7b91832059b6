"""What a fingerprint keeps of a page, and what it leaves out."""

from __future__ import annotations

import base64
import codecs
import re
import time

import mmh3
import pytest

from mirrorhunt.errors import InvalidInput
from mirrorhunt.fingerprint import Fingerprint, Indicator, favicon_hash, fingerprint
from mirrorhunt.fingerprint.nesting import MAX_NESTING
from mirrorhunt.fingerprint.page import MAX_HTML_BYTES
from mirrorhunt.fingerprint.text import shingles, simhash

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>  Salon   Lumière — chat </title>
<link rel="stylesheet" href="https://cdn.salon-lumiere.fr/css/Lumiere-Main.css?v=3#x">
<link rel="icon" href="/favicon.ico"><link rel="canonical" href="https://salon-lumiere.fr/">
<script src="/js/chat.js?build=12"></script><script src="data:text/javascript,alert(1)"></script>
<script>gtag('config', 'G-AB12CD34EF'); var support = "aide@salon-lumiere.fr";</script>
<style>.hidden { display: none }</style></head>
<body class="Home page-1234"><div id="main-42" class="lum-box lum-box">
<p>Rejoignez 2024 membres sur https://salon-lumiere.fr/salons et WWW.Salon-Lumiere.FR aujourd'hui.</p>
<noscript>Activez JavaScript</noscript><template><p>caché</p></template>
<a href="https://t.me/SalonLumiere">Telegram</a></div></body></html>"""


def fp(html: str | bytes = PAGE, **kwargs: object) -> Fingerprint:
    return fingerprint(html, url="https://www.salon-lumiere.fr/accueil", **kwargs)  # type: ignore[arg-type]


def test_title_is_kept_as_shown_and_as_words() -> None:
    page = fp()
    assert page.title == "Salon Lumière — chat"
    assert page.title_words == ("salon", "lumiere", "chat")


def test_visible_words_are_normalised_and_exclude_code_and_own_host() -> None:
    words = fp().words
    assert {"rejoignez", "membres", "aujourd", "salons", "telegram"} <= words
    assert (
        not {"gtag", "hidden", "activez", "cache", "fr"} & words
    )  # scripts, styles, noscript, template, host
    assert not any(w.isdigit() for w in words)


def test_own_host_is_taken_out_of_the_text() -> None:
    here = fingerprint(PAGE, url="https://salon-lumiere.fr/")
    rewritten = re.sub("salon-lumiere.fr", "salon-lumiere.gg", PAGE, flags=re.IGNORECASE)
    moved = fingerprint(rewritten, url="https://salon-lumiere.gg/")
    assert here.shingles == moved.shingles
    assert here.name_words == ("salon", "lumiere")


def test_asset_names_are_file_names_only() -> None:
    assert fp().assets == frozenset({"lumiere-main.css", "chat.js"})


def test_class_and_id_names_lose_their_digits() -> None:
    assert fp().names == frozenset({"home", "page-", "main-", "lum-box"})


def test_indicators_from_the_page_and_its_inline_scripts() -> None:
    assert fp().indicators == frozenset(
        {
            Indicator("google-analytics", "G-AB12CD34EF"),
            Indicator("email", "aide@salon-lumiere.fr"),
            Indicator("telegram", "salonlumiere"),
        }
    )


def test_favicon_hash_is_the_shodan_one() -> None:
    icon = bytes(range(256)) * 20
    # Shodan documents mmh3.hash(codecs.encode(data, "base64")): MIME base64, newline every 76 characters.
    assert favicon_hash(icon) == mmh3.hash(codecs.encode(icon, "base64"))
    assert favicon_hash(icon) != mmh3.hash(base64.b64encode(icon))
    assert -(2**31) <= favicon_hash(icon) < 2**31
    assert fp(favicon=icon).favicon == favicon_hash(icon)
    assert fp().favicon is None


def test_structure_ignores_whitespace_and_text() -> None:
    pretty = PAGE.replace("><", ">\n    <")
    other_words = PAGE.replace("Rejoignez", "Bonjour").replace("membres", "amis")
    assert fp(pretty).structure == fp().structure == fp(other_words).structure
    assert fp("<html><body><table><tr><td>x</td></tr></table></body></html>").structure != fp().structure


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("café".encode("cp1252"), [("Content-Type", "text/html; charset=ISO-8859-1")]),
        (b'<meta charset="windows-1252">' + "café".encode("cp1252"), []),
        ("café".encode("utf-16"), []),
        (codecs.BOM_UTF8 + "café".encode(), [("content-type", "text/html; charset=koi8-r")]),
        # A stale declaration over UTF-8 bytes: the bytes win.
        (b'<meta http-equiv="Content-Type" content="text/html; charset=Windows-1250">' + "café".encode(), []),
    ],
)
def test_bytes_are_decoded_by_bom_utf8_or_declaration(body: bytes, headers: list[tuple[str, str]]) -> None:
    assert "cafe" in fp(body, headers=headers).words


@pytest.mark.parametrize("label", ["base64", "no-such-charset", "idna", "undefined"])
def test_a_declared_charset_python_cannot_use_falls_back_to_utf8(label: str) -> None:
    page = fp(b"caf\xc3\xa9 \xff", headers=[("Content-Type", f"text/html; charset={label}")])
    assert "cafe" in page.words


def test_empty_and_binary_pages_have_next_to_nothing() -> None:
    for body in ("", b"", bytes(range(256)) * 100, b"\x1f\x8b\x08\x00" + bytes(5000)):
        page = fp(body)
        assert len(page.shingles) <= 1  # the run of ASCII letters in range(256), at most
        assert not (page.title or page.assets or page.names or page.indicators)


def test_huge_page_is_cut_and_flagged() -> None:
    huge = "<p>" + "mot " * (MAX_HTML_BYTES // 2) + "</p>"
    started = time.perf_counter()
    page = fp(huge.encode())
    assert page.truncated
    assert time.perf_counter() - started < 5
    assert not fp().truncated


def test_deep_nesting_is_cut_quickly() -> None:
    started = time.perf_counter()
    page = fp("<p>surface</p>" + "<div>" * 200_000 + "fond" + "</div>" * 200_000)
    assert time.perf_counter() - started < 5
    assert page.truncated
    assert "surface" in page.words


def test_nesting_below_the_limit_is_read_whole() -> None:
    depth = MAX_NESTING - 10
    page = fp("<div>" * depth + "fond" + "</div>" * depth + "<ul>" + "<li>point" * 5000 + "</ul>")
    assert not page.truncated
    assert {"fond", "point"} <= page.words


def test_url_must_be_http() -> None:
    with pytest.raises(InvalidInput) as caught:
        fingerprint(PAGE, url="ftp://salon-lumiere.fr/")
    assert caught.value.hint


def test_a_shingle_hashes_three_words_in_order() -> None:
    """The polynomial, modulo 2**64, of the words' ``mmh3.hash64`` first halves."""
    words = ["salon", "lumière", "chat", "中", "ǅemal"]
    ids = [mmh3.hash64(word, signed=False)[0] for word in words]
    mix = 0x9E3779B97F4A7C15
    runs = zip(ids, ids[1:], ids[2:], strict=False)
    assert shingles(words) == {((a * mix + b) * mix + c) % 2**64 for a, b, c in runs}
    assert shingles(words[:2]) == {mmh3.hash64("salon lumière", signed=False)[0]}


def test_simhash_keeps_the_bits_most_shingles_have() -> None:
    assert simhash(frozenset({1 << 63 | 1, 1 << 63 | 2, 1 << 62 | 3})) == 1 << 63 | 0b11
    assert simhash(frozenset()) == 0


def test_a_page_ends_early_without_its_closing_tags_in_any_case() -> None:
    text = "<p>" + "mot " * 2000 + "</p>"
    assert fp(f"<HTML><BODY>{text}").truncated
    assert not fp(f"<HTML><BODY>{text}</Body></HTML>").truncated
    assert not fp(f"<html><body>{text}</body></html><!-- {'x' * 10_000} -->").truncated
    assert not fp(text).truncated  # no body: nothing says where the page should end
