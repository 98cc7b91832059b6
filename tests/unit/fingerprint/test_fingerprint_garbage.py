"""Generated garbage never crashes fingerprint(), and the result is always well-formed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mirrorhunt.fingerprint import Fingerprint, fingerprint

_TAGS = st.sampled_from(
    [
        "<div>",
        "</div>",
        "<p class='a 1'>",
        "<script>",
        "</script>",
        "<title>",
        "<!--",
        "-->",
        "<table><tr><td>",
        "<meta charset='utf-16'>",
        "<a href='https://t.me/x'>",
        "&amp;",
        "<",
    ]
)
_MARKUP = st.lists(st.one_of(_TAGS, st.text(max_size=40)), max_size=60).map("".join)
_HEADERS = st.lists(st.tuples(st.sampled_from(["Content-Type", "X"]), st.text(max_size=40)), max_size=3)


def _well_formed(page: Fingerprint) -> None:
    assert all(isinstance(w, str) and w for w in page.words)
    assert all(0 <= s < 2**64 for s in page.shingles)
    assert page.structure.similarity(page.structure) in (0.0, 1.0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=st.one_of(st.text(), _MARKUP), favicon=st.one_of(st.none(), st.binary(max_size=64)))
def test_any_text(html: str, favicon: bytes | None) -> None:
    _well_formed(fingerprint(html, url="https://example-chat.gg/", favicon=favicon))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(st.binary(), _MARKUP.map(lambda s: s.encode("utf-8", "surrogatepass"))), headers=_HEADERS
)
def test_any_bytes(body: bytes, headers: list[tuple[str, str]]) -> None:
    _well_formed(fingerprint(body, url="http://xn--caf-dma.example/", headers=headers))
