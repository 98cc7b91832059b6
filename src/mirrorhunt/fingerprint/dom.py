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
    stack: list[tuple[LexborNode, tuple[str, ...]]] = [(root, ())] if root is not None else []
    seen = 0
    while stack and seen < MAX_ELEMENTS:
        node, ancestors = stack.pop()
        if not node.is_element_node:
            continue
        seen += 1
        path = (*ancestors[-(PATH_DEPTH - 1) :], node.tag or "")
        paths.add("/".join(path))
        child = node.child
        while child is not None:
            stack.append((child, path))
            child = child.next
    return paths


def class_and_id_names(parser: LexborHTMLParser) -> set[str]:
    """Every class and id token, lower-cased, digits removed (``post-1234`` → ``post-``)."""
    names: set[str] = set()
    for attribute in ("class", "id"):
        for node in parser.css(f"[{attribute}]"):
            for token in (node.attrs.get(attribute) or "").lower().split():
                token = _DIGITS.sub("", token)
                if 1 < len(token) <= _MAX_NAME:
                    names.add(token)
    return names


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
