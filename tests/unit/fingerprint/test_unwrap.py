"""Pages that hide their body in a script or a srcdoc are read as the visitor sees them; nothing runs."""

from __future__ import annotations

import base64
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from mirrorhunt.fingerprint import fingerprint
from mirrorhunt.fingerprint.unwrap import unwrap

BODY = '<div class="room"><p>Bienvenue au salon de discussion du soir</p><a href="/join">Rejoindre</a></div>'


def _hex(text: str) -> str:
    return "".join(f"\\x{ord(c):02x}" for c in text)


def test_base64_written_by_a_script() -> None:
    hidden = base64.b64encode(BODY.encode()).decode()
    page = f'<body><script>document.write(decodeURIComponent(escape(atob("{hidden}"))))</script></body>'
    assert unwrap(page) == (f"<body>{BODY}</body>", True)


def test_percent_and_hex_escapes() -> None:
    assert unwrap(f"<script>document.write(unescape('{quote(BODY)}'))</script>") == (BODY, True)
    assert unwrap(f'<script>document.body.innerHTML = "{_hex(BODY)}";</script>') == (BODY, True)


def test_srcdoc_and_nested_layers() -> None:
    assert unwrap('<iframe srcdoc="&lt;p&gt;a&lt;/p&gt;&lt;b&gt;b&lt;/b&gt;"></iframe>') == (
        "<p>a</p><b>b</b>",
        True,
    )
    inner = f'<script>document.write("{_hex(BODY)}")</script>'
    outer = base64.b64encode(inner.encode()).decode()
    assert unwrap(f'<script>document.write(atob("{outer}"))</script>') == (BODY, True)


def test_ordinary_scripts_stay() -> None:
    page = '<script>var x = "' + "a" * 100 + '"; document.write(x);</script><p>text</p>'
    assert unwrap(page) == (page, False)


def test_a_scripted_mirror_has_the_text_of_the_reference() -> None:
    body = BODY * 3 + "<p>Les membres premium accèdent aux salons privés et aux galeries</p>"
    reference = fingerprint(f"<html><body>{body}</body></html>", url="https://salon-lumiere.fr/")
    hidden = base64.b64encode(body.encode()).decode()
    page = f'<html><body><script>document.write(atob("{hidden}"))</script></body></html>'
    mirror = fingerprint(page, url="https://salon-lumiere.gg/")
    assert mirror.unwrapped and not reference.unwrapped
    assert mirror.shingles == reference.shingles and len(mirror.shingles) > 10


_PIECES = ["<script>", "</script>", "document.write(", "atob(", '"', "'", "\\x3c", "%3C", "PGRpdj4=",
           "<iframe srcdoc='", "&lt;p&gt;", "innerHTML", "\\"]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=20), max_size=80).map("".join))
def test_garbage_never_raises(html: str) -> None:
    out, found = unwrap(html)
    assert isinstance(out, str) and isinstance(found, bool)


def test_a_variable_the_writer_names_is_unwrapped() -> None:
    hidden = base64.b64encode(BODY.encode()).decode()
    page = f'<script>var page = "{hidden}";\nvar other = 1;\ndocument.write(atob(page));</script>'
    assert unwrap(page) == (BODY, True)


def test_data_the_script_keeps_is_not_the_page() -> None:
    """A framework's state (the article as JSON) beside code that sets innerHTML is not written content."""
    state = '{"article": "' + BODY.replace('"', '\\"') * 3 + '"}'
    page = f"<script>window.__STATE__ = {state}; el.innerHTML = '<b>' + n + '</b>';</script><p>shown</p>"
    assert unwrap(page) == (page, False)


def test_text_that_changes_length_when_lower_cased_does_not_hide_the_script() -> None:
    """``İ`` lower-cases to two characters: the script after it is still found, in any ASCII case."""
    hidden = base64.b64encode(BODY.encode()).decode()
    page = f'<p>İstanbul</p><SCRIPT type="text/javascript">document.write(atob("{hidden}"))</Script >'
    assert unwrap(page) == (f"<p>İstanbul</p>{BODY}", True)


def test_only_the_named_variable_is_looked_up() -> None:
    """``x.page = …`` and ``mypage = …`` are not the ``page`` the writer names."""
    hidden = base64.b64encode(BODY.encode()).decode()
    decoy = base64.b64encode(b"<p>a decoy paragraph</p><p>and another one, long enough</p>").decode()
    page = (
        f'<script>x.page = "{decoy}"; mypage = "{decoy}";\nvar page = "{hidden}";\n'
        "document.write(atob(page));</script>"
    )
    assert unwrap(page) == (BODY, True)
