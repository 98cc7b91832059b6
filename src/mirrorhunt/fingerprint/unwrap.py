"""Pages that hide their body in a script: the encoded markup decoded statically, never executed.

A script that writes a literal (``document.write(atob("PGRpdi..."))``, ``unescape("%3Cdiv...")``,
``"\\x3cdiv..."``) into the page is replaced by the markup the literal decodes to; an ``<iframe
srcdoc>`` by its document. Literals that decode to no markup are left alone.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import html as html_text
import re
from urllib.parse import unquote

_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)
_SRCDOC = re.compile(
    r"""<iframe\b[^>]*?\bsrcdoc\s*=\s*(["'])(.*?)\1[^>]*>(?:.*?</iframe\s*>)?""", re.S | re.I
)
_WRITERS = ("document.write", "innerHTML", "insertAdjacentHTML", "outerHTML", "srcdoc")
_LITERAL = re.compile(r"""(["'`])((?:(?!\1)[^\\\n]|\\.){64,}?)\1""", re.S)
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]+")
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]{1,6}\}|.)", re.S)
_MARKUP = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
MAX_ROUNDS = 3
MAX_LITERALS = 50
MAX_DECODED = 2_000_000


def _js_unescape(literal: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "xu" and len(code) > 1:
            number = int(code.strip("xu{}"), 16)
            return chr(number) if number < 0x110000 else "\ufffd"
        return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)

    return _JS_ESCAPE.sub(one, literal)


def _decodings(literal: str) -> list[str]:
    text = _js_unescape(literal)
    found = [text]
    if "%3c" in text.lower():
        found.append(unquote(text))
    if len(text) % 4 == 0 and _BASE64.fullmatch(text):
        with contextlib.suppress(binascii.Error, ValueError):
            found.append(base64.b64decode(text, validate=False).decode("utf-8", "replace"))
    return found


def _markup(script: str) -> str | None:
    """The markup the script's literals decode to, or None."""
    if not any(writer in script for writer in _WRITERS):
        return None
    pieces = []
    for count, literal in enumerate(_LITERAL.finditer(script)):
        if count >= MAX_LITERALS:
            break
        best = max(_decodings(literal.group(2)), key=lambda d: len(_MARKUP.findall(d)))
        if len(_MARKUP.findall(best)) >= 2:
            pieces.append(best)
    return "".join(pieces) or None


def unwrap(html: str) -> tuple[str, bool]:
    """``html`` with script-written and ``srcdoc`` markup put in place, and whether any was found."""
    if not any(writer in html for writer in _WRITERS):
        return html, False
    found = False
    for _ in range(MAX_ROUNDS):  # a decoded page may hide another layer
        changed = False

        def script(m: re.Match[str]) -> str:
            nonlocal changed
            markup = _markup(m.group(1))
            if markup is None:
                return m.group(0)
            changed = True
            return markup

        def srcdoc(m: re.Match[str]) -> str:
            nonlocal changed
            changed = True
            return html_text.unescape(m.group(2))

        unwrapped = _SRCDOC.sub(srcdoc, _SCRIPT.sub(script, html))
        if not changed or len(unwrapped) > MAX_DECODED:
            break
        html, found = unwrapped, True
    return html, found
