"""What the markup says apart from its text: tag-path shingles, class and id names, script and style files."""

from __future__ import annotations

import re
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser, LexborNode

PATH_DEPTH = 4
MAX_ELEMENTS = 60_000
_DIGITS = re.compile(r"\d+")
_MAX_NAME = 200


def tag_paths(root: LexborNode | None) -> set[str]:
    """``html/body/div/p``-style paths of the last ``PATH_DEPTH`` tags down to each element.

    Iterative (any nesting depth), and stops after ``MAX_ELEMENTS`` elements.
    """
    paths: set[str] = set()
    stack: list[tuple[LexborNode, tuple[str, ...]]] = []
    if root is not None and root.is_element_node:
        stack.append((root, ()))
    seen = 0
    while stack and seen < MAX_ELEMENTS:
        node, ancestors = stack.pop()
        seen += 1
        path = (*ancestors[-(PATH_DEPTH - 1) :], node.tag or "")
        paths.add("/".join(path))
        child = node.child
        while child is not None:
            if child.is_element_node:  # text and comments have no path
                stack.append((child, path))
            child = child.next
    return paths


def class_and_id_names(parser: LexborHTMLParser) -> set[str]:
    """Every class and id token, lower-cased, digits removed (``post-1234`` → ``post-``)."""
    values = [node.attrs.get(name) or "" for name in ("class", "id") for node in parser.css(f"[{name}]")]
    tokens = _DIGITS.sub("", " ".join(values).lower()).split()  # one pass over all of them
    return {token for token in set(tokens) if 1 < len(token) <= _MAX_NAME}


def asset_name(reference: str) -> str | None:
    """The file name a script or stylesheet reference points at: no directory, query or fragment."""
    reference = reference.strip()
    if reference.startswith(("data:", "javascript:")):
        return None
    path = reference.split("#", 1)[0].split("?", 1)[0]
    name = unquote(path.rsplit("/", 1)[-1]).strip().lower()
    return name if 0 < len(name) <= _MAX_NAME and "." in name else None


def asset_names(parser: LexborHTMLParser) -> set[str]:
    """File names of the page's external scripts and stylesheets."""
    references = [node.attrs.get("src") for node in parser.css("script[src]")]
    references += [
        node.attrs.get("href")
        for node in parser.css("link[href]")
        if {"stylesheet", "modulepreload"} & set((node.attrs.get("rel") or "").lower().split())
    ]
    return {name for ref in references if ref and (name := asset_name(ref))}
