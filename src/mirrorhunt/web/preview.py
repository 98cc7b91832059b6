"""A captured page made inert for a reviewer's eyes: only text, layout and inline images survive.

Captured pages are hostile: they may run script, submit forms, frame other sites, redirect, or load
remote resources that tell their operator who is looking. ``sanitize`` keeps an allowlist of harmless
elements and attributes and drops the rest; the route that serves the result adds a Content-Security-
Policy that forbids every load and a sandbox, so a gap here is still not a hole.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

MAX_PREVIEW_CHARS = 2_000_000

REMOVED = frozenset(
    {
        "script", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
        "param", "form", "input", "button", "select", "option", "optgroup", "textarea", "datalist",
        "link", "meta", "base", "svg", "math", "audio", "video", "source", "track", "picture", "portal",
        "xmp", "plaintext", "listing", "noembed", "noframes", "dialog", "slot", "canvas", "map", "area",
        "fencedframe", "search", "isindex", "keygen", "bgsound", "marquee", "blink",
    }
)  # fmt: skip
"""Elements dropped with everything inside them: active, loading, interactive or parsed unlike HTML."""

KEPT = frozenset(
    {
        "html", "head", "title", "body", "style", "div", "span", "p", "br", "hr", "a", "img",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "col", "colgroup",
        "header", "footer", "main", "nav", "section", "article", "aside", "figure", "figcaption",
        "blockquote", "pre", "code", "kbd", "samp", "var", "b", "i", "u", "s", "em", "strong", "small",
        "big", "sub", "sup", "mark", "abbr", "cite", "q", "time", "address", "label", "font", "center",
        "details", "summary", "del", "ins", "wbr", "bdi", "bdo", "tt", "strike", "fieldset", "legend",
    }
)  # fmt: skip
"""Elements kept as they are (their attributes filtered); any other element is replaced by its content."""

ATTRIBUTES = frozenset(
    {
        "class", "id", "title", "alt", "lang", "dir", "width", "height", "align", "valign", "colspan",
        "rowspan", "border", "cellpadding", "cellspacing", "color", "face", "size", "bgcolor", "role",
        "open", "datetime", "start", "reversed", "type", "span", "style", "src",
    }
)  # fmt: skip
"""Attributes kept (``style`` and ``src`` only when they pass their own check): nothing that loads, links,
submits or runs."""

_DATA_IMAGE = re.compile(
    r"data:image/(?:png|gif|jpeg|webp|bmp|x-icon);base64,[A-Za-z0-9+/=\s]*", re.IGNORECASE
)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_CSS_DANGER = re.compile(
    r"url|image|import|expression|binding|behavior|javascript|\\|@font|src", re.IGNORECASE
)


def sanitize(html: str) -> str:
    """``html`` with nothing left that can run, navigate, submit or fetch; text and layout kept.

    Pure and total: any input, however malformed, gives a document (the ``<html>`` element alone, so no
    comment or doctype of the original survives around it). Comments go; styles that could
    reach a URL (``url()``, ``@import``, ``image-set``, CSS escapes that could spell them) go; images
    stay only as inline ``data:`` PNG/GIF/JPEG/WebP.
    """
    parser = LexborHTMLParser(html[:MAX_PREVIEW_CHARS])
    parser.strip_tags(sorted(REMOVED))
    for node in _nodes(parser):
        if node.is_comment_node:
            node.decompose()
        elif node.tag not in KEPT:  # by node: a malformed tag name is no CSS selector
            if node.child is None:
                node.decompose()  # unwrapping an empty element leaves it in place
            else:
                node.unwrap()
    nodes = _nodes(parser)
    risky = [node for node in nodes if node.tag == "style" and not _harmless_css(node.text(deep=True))]
    for node in nodes:
        _filter_attributes(node)
    for node in risky:  # only now: the tree must not change while it is walked
        node.decompose()
    return "<!DOCTYPE html>" + (parser.root.html or "" if parser.root else "")


def _nodes(parser: LexborHTMLParser) -> list[LexborNode]:
    return list(parser.root.traverse(include_text=False)) if parser.root else []


def _filter_attributes(node: LexborNode) -> None:
    attributes = node.attributes
    for name in list(attributes):
        value = attributes[name] or ""
        keep = name in ATTRIBUTES and not name.startswith("on") and "script:" not in value.lower()
        if name == "style":
            keep = _harmless_css(value)
        elif name == "src":
            keep = node.tag == "img" and _DATA_IMAGE.fullmatch(value.strip()) is not None
        if not keep:
            del node.attrs[name]


def _harmless_css(css: str) -> bool:
    """CSS that cannot name a resource: no ``url``, ``image-set``, ``@import``, fonts, nor escapes."""
    return _CSS_DANGER.search(_CSS_COMMENT.sub("", css)) is None
