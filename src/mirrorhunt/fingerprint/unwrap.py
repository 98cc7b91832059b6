"""Pages that hide their body in a script: the encoded markup decoded statically, never executed.

A script that writes a literal (``document.write(atob("PGRpdi..."))``, ``unescape("%3Cdiv...")``,
``"\\x3cdiv..."``) into the page is replaced by the markup the literal decodes to; an ``<iframe
srcdoc>`` by its document. Only what is written counts: a literal inside the writer's argument, or
assigned to a variable that argument names. Other literals of the script (the article a framework
keeps as JSON state, templates) are data the visitor never sees as such, and stay in the script.
Literals that decode to no markup are left alone.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import html as html_text
import re
from collections.abc import Iterator
from urllib.parse import unquote

# Tag names match in ASCII case only ("<SCRIPT", not "<ſcript"); every pattern that scans a whole page or
# script starts with a literal, so that the regular-expression engine can skip ahead to it.
_SCRIPT_OPEN = re.compile(r"<(?ai:script)\b[^>]*>")
_SCRIPT_CLOSE = re.compile(r"</(?ai:script)(\s*>)?")
_SRCDOC = re.compile(
    r"""<iframe\b[^>]*?\bsrcdoc\s*=\s*(["'])(.*?)\1[^>]*>(?:.*?</iframe\s*>)?""", re.S | re.I
)
_WRITERS = ("document.write", "innerHTML", "insertAdjacentHTML", "outerHTML", "srcdoc")
_WRITER = re.compile(
    r"document(?<!\wdocument)\s*\.\s*write(?:ln)?\s*\(|insertAdjacentHTML(?<!\winsertAdjacentHTML)\s*\("
    r"|\.\s*(?:inner|outer)HTML\s*\+?=(?!=)|\.\s*srcdoc\s*\+?=(?!=)"
)
_STRING = re.compile(r"""(["'`])(?:(?!\1)[^\\]|\\.)*\1""", re.S)
_IDENTIFIER = re.compile(r"(?<![\w$.])[A-Za-z_$][\w$]*")
_LITERAL = re.compile(r"""(["'`])((?:(?!\1)[^\\\n]|\\.){64,}?)\1""", re.S)
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]+")
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]{1,6}\}|.)", re.S)
_MARKUP = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
MAX_ROUNDS = 3
MAX_LITERALS = 50
MAX_NAMES = 8  # variables looked up per writer
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


def _expression(script: str, start: int, *, call: bool) -> str:
    """The JavaScript expression from ``start`` to the closing parenthesis of a call (``call``), or to the
    end of the statement of an assignment; string literals skipped whole."""
    depth, i, end = 0, start, min(len(script), start + MAX_DECODED)
    while i < end:
        c = script[i]
        if c in "\"'`":
            literal = _STRING.match(script, i)
            if literal is None:
                break
            i = literal.end()
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return script[start:i]
            depth -= 1
        elif depth == 0 and (c == ";" or (c == "\n" and not call)):
            return script[start:i]
        i += 1
    return script[start:end]


def _written(script: str) -> list[str]:
    """The literals a script writes into the page, directly or through a variable, in order."""
    literals: list[str] = []
    for writer in _WRITER.finditer(script):
        argument = _expression(script, writer.end(), call=writer.group(0).endswith("("))
        literals += (m.group(2) for m in _LITERAL.finditer(argument))
        names = dict.fromkeys(_IDENTIFIER.findall(_STRING.sub(" ", argument)))
        for name in list(names)[:MAX_NAMES]:
            word = re.escape(name)  # not part of a longer name or a property: checked after the literal
            for assigned in re.finditer(rf"{word}(?<![\w$.]{word})\s*=\s*", script):
                if value := _LITERAL.match(script, assigned.end()):
                    literals.append(value.group(2))
        if len(literals) >= MAX_LITERALS:
            break
    return literals[:MAX_LITERALS]


def _markup(script: str) -> str | None:
    """The markup the script writes, decoded from its literals, or None."""
    if not any(writer in script for writer in _WRITERS):
        return None
    pieces = []
    for literal in _written(script):
        best = max(_decodings(literal), key=lambda d: len(_MARKUP.findall(d)))
        if len(_MARKUP.findall(best)) >= 2:
            pieces.append(best)
    return "".join(pieces) or None


def _scripts(html: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, body) of each ``<script>`` element whose body names a writer; none after a script that is
    not closed where its first ``</script`` stands."""
    position = 0
    while tag := _SCRIPT_OPEN.search(html, position):
        end = _SCRIPT_CLOSE.search(html, tag.end())
        if end is None or end.group(1) is None:
            return
        body = html[tag.end() : end.start()]
        if any(writer in body for writer in _WRITERS):
            yield tag.start(), end.end(), body
        position = end.end()


def _unwrap_scripts(html: str) -> tuple[str, bool]:
    pieces: list[str] = []
    last = 0
    for start, end, body in _scripts(html):
        markup = _markup(body)
        if markup is not None:
            pieces += (html[last:start], markup)
            last = end
    return ("".join(pieces) + html[last:], True) if pieces else (html, False)


def unwrap(html: str) -> tuple[str, bool]:
    """``html`` with script-written and ``srcdoc`` markup put in place, and whether any was found."""
    if not any(writer in html for writer in _WRITERS):
        return html, False
    found = False
    for _ in range(MAX_ROUNDS):  # a decoded page may hide another layer
        changed = False

        def srcdoc(m: re.Match[str]) -> str:
            nonlocal changed
            changed = True
            return html_text.unescape(m.group(2))

        scripted, changed = _unwrap_scripts(html)
        unwrapped = _SRCDOC.sub(srcdoc, scripted) if "srcdoc" in scripted else scripted
        if not changed or len(unwrapped) > MAX_DECODED:
            break
        html, found = unwrapped, True
    return html, found
