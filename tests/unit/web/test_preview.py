"""The sanitizer against hostile pages: nothing that runs, navigates, submits or fetches survives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from mirrorhunt.web.preview import KEPT, sanitize

PIXEL = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII="
)

HOSTILE = [
    "<script>document.title='pwned'</script>",
    "<SCRIPT SRC=http://127.0.0.1:9/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    "<iframe src=http://127.0.0.1:9/></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<frameset><frame src=http://127.0.0.1:9/></frameset>",
    "<object data=http://127.0.0.1:9/x.swf></object><embed src=http://127.0.0.1:9/x>",
    "<form action=http://127.0.0.1:9/><input name=q><button formaction=http://x/>go</button></form>",
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
    '<base href="http://127.0.0.1:9/">',
    '<link rel=stylesheet href="http://127.0.0.1:9/s.css"><link rel=prefetch href=//x/>',
    "<style>@import 'http://127.0.0.1:9/s.css';</style>",
    "<style>body{background:url(http://127.0.0.1:9/bg.png)}</style>",
    "<style>body{background:u\\72l(http://127.0.0.1:9/bg.png)}</style>",
    "<style>@font-face{font-family:x;src:local(x)}</style>",
    '<div style="background-image: url(http://127.0.0.1:9/i.png)">x</div>',
    "<div style=\"background: image-set('http://127.0.0.1:9/i.png' 1x)\">x</div>",
    '<div style="width: expression(alert(1))">x</div>',
    '<img srcset="http://127.0.0.1:9/a.png 1x, http://127.0.0.1:9/b.png 2x">',
    '<img src="//127.0.0.1:9/i.png">',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    '<img src="data:text/html,<script>alert(1)</script>">',
    "<video poster=http://127.0.0.1:9/p.png><source src=http://127.0.0.1:9/v.mp4></video>",
    "<audio src=http://127.0.0.1:9/a.mp3></audio>",
    "<svg><image href=http://127.0.0.1:9/i.png /><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<table background=http://127.0.0.1:9/t.png><tr><td background=http://x/>c</td></tr></table>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    '<div id="x" data-src="http://127.0.0.1:9/" ping="http://127.0.0.1:9/">x</div>',
    '<a href="http://127.0.0.1:9/" ping="http://127.0.0.1:9/p" target=_blank>x</a>',
    "<portal src=http://127.0.0.1:9/></portal>",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<custom-element onclick=alert(1) src=http://127.0.0.1:9/>inside</custom-element>",
    "<p><isindex action=http://127.0.0.1:9/></p>",
    '<details open ontoggle="alert(1)"><summary>s</summary></details>',
]
"""Each a way a page could run code, leave the frame, or make the browser fetch something."""

_ACTIVE = re.compile(
    r"<(script|iframe|frame|object|embed|form|input|button|link|meta|base|svg|math|video|audio)\b"
)
_URLISH = re.compile(r"https?:|//127|javascript:|url\(|@import", re.IGNORECASE)


def _attributes(html: str) -> list[tuple[str, str, str]]:
    parser = LexborHTMLParser(html)
    return [
        (node.tag or "", name, value or "")
        for node in (parser.root.traverse(include_text=False) if parser.root else ())
        for name, value in node.attributes.items()
    ]


@pytest.mark.parametrize("payload", HOSTILE)
def test_nothing_active_or_remote_survives(payload: str) -> None:
    clean = sanitize(
        f"<!DOCTYPE html><html><head><title>t</title></head><body>{payload}<p>text</p></body></html>"
    )
    assert not _ACTIVE.search(clean.lower()), clean
    assert not _URLISH.search(clean), clean
    for tag, name, value in _attributes(clean):
        assert not name.startswith("on"), clean
        assert name not in {"href", "srcset", "action", "formaction", "poster", "background", "ping", "data"}
        if name == "src":
            assert tag == "img" and value.startswith("data:image/png"), clean


def test_the_page_stays_readable() -> None:
    page = (
        "<html><head><title>Salon Lumière</title><style>h1 { color: #a00; font-weight: bold }</style></head>"
        '<body><h1 class="logo">Salon Lumière</h1><p style="color: blue">Films <b>en</b> streaming</p>'
        f'<img alt="logo" src="{PIXEL}"><ul><li><a href="https://salon-lumiere.fr/films">Films</a></li></ul>'
        "<table><tr><td colspan=2>cell</td></tr></table><custom-widget>kept text</custom-widget>"
        "</body></html>"
    )
    clean = sanitize(page)
    parser = LexborHTMLParser(clean)
    assert parser.css_first("title").text() == "Salon Lumière"  # type: ignore[union-attr]
    assert "color: #a00" in clean and 'style="color: blue"' in clean
    assert parser.css_first("h1").attributes == {"class": "logo"}  # type: ignore[union-attr]
    assert parser.css_first("img").attributes["src"] == PIXEL  # type: ignore[union-attr]
    assert parser.css_first("a").text() == "Films" and "href" not in clean  # type: ignore[union-attr]
    assert parser.css_first("td").attributes == {"colspan": "2"}  # type: ignore[union-attr]
    assert "kept text" in clean and "custom-widget" not in clean


def test_entities_and_broken_markup_cannot_reassemble_a_tag() -> None:
    clean = sanitize(
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p <script>x</p><a href='jav&#x09;ascript:alert(1)'>"
    )
    assert "<script" not in clean
    assert "&lt;script&gt;" in clean
    assert "href" not in clean


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(HOSTILE),
            st.sampled_from(
                ["<p>", "</p>", "<div>", "</div>", "<b>", "<!--", "-->", "<", ">", "'", '"', "="]
            ),
            st.text(alphabet="<>/=\"' abcdefghijklmnopqrstuvwxyz:;()&#\\", max_size=30),
        ),
        max_size=12,
    )
)
def test_any_mix_of_fragments_comes_out_inert(parts: list[str]) -> None:
    clean = sanitize("".join(parts))
    for tag, name, value in _attributes(clean):
        assert tag in KEPT
        assert not name.startswith("on")
        assert name not in {"href", "srcset", "action", "formaction", "poster", "background"}
        assert not (name == "src" and not value.startswith("data:image/"))
    assert not _ACTIVE.search(clean.lower())
    # What the browser re-parses from the served text needs no further cleaning.
    assert _attributes(sanitize(clean)) == _attributes(clean)
