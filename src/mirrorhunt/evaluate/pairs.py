"""The pairs file of `mirrorhunt eval`: one JSON object per line, page paths relative to the file.

``{"id": "...", "reference": {"url": "...", "html": "path"}, "candidate": {...}, "label": 1}``; per side,
optional ``favicon`` and ``cert`` (paths; the certificate DER or PEM) and ``headers`` (an object or a
list of [name, value]); ``label`` optional.
HTML character references in URLs are decoded.
"""

from __future__ import annotations

import html as html_text
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mirrorhunt.errors import InvalidInput

_FORMAT_HINT = (
    'each line: {"id": "...", "reference": {"url": "...", "html": "path"}, '
    '"candidate": {"url": "...", "html": "path"}, "label": 0 or 1 (optional)}'
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PairPage:
    """One side of a pair: the URL it was served from and where its files are."""

    url: str
    html: Path
    favicon: Path | None = None
    headers: tuple[tuple[str, str], ...] = ()
    cert: Path | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Pair:
    """A reference page and a candidate page, with the truth when it is known (1: a mirror)."""

    id: str
    reference: PairPage
    candidate: PairPage
    label: int | None = None
    kind: str | None = None


def _headers(value: Any, *, where: str) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, dict) else value
    try:
        return tuple((str(name), str(text)) for name, text in items)
    except (TypeError, ValueError):
        raise InvalidInput(f"{where}: headers must be an object or a list of [name, value]") from None


def _page(value: Any, *, base: Path, where: str) -> PairPage:
    if not isinstance(value, dict) or not isinstance(value.get("url"), str):
        raise InvalidInput(f"{where}: needs an object with a string 'url'", hint=_FORMAT_HINT)
    html, favicon, cert = value.get("html"), value.get("favicon"), value.get("cert")
    if not isinstance(html, str) or not all(v is None or isinstance(v, str) for v in (favicon, cert)):
        raise InvalidInput(
            f"{where}: 'html' (and 'favicon', 'cert' if given) must be paths", hint=_FORMAT_HINT
        )
    return PairPage(
        url=html_text.unescape(value["url"]).strip(),  # URLs lifted from HTML keep `&#x2F;` and the like
        html=base / html,
        favicon=base / favicon if favicon else None,
        headers=_headers(value.get("headers") or (), where=where),
        cert=base / cert if cert else None,
    )


def parse_pair(line: str, *, base: Path, where: str) -> Pair:
    """One line of a pairs file; ``where`` names it in errors."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{where}: not JSON ({exc.msg})", hint=_FORMAT_HINT) from exc
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        raise InvalidInput(f"{where}: needs a string 'id'", hint=_FORMAT_HINT)
    label = value.get("label")
    if label is not None and label not in (0, 1):
        raise InvalidInput(f"{where}: 'label' must be 0 or 1, not {label!r}", hint=_FORMAT_HINT)
    kind = value.get("kind")
    return Pair(
        id=value["id"],
        reference=_page(value.get("reference"), base=base, where=f"{where} reference"),
        candidate=_page(value.get("candidate"), base=base, where=f"{where} candidate"),
        label=None if label is None else int(label),
        kind=kind if isinstance(kind, str) else None,
    )


def read_pairs(path: Path) -> list[Pair]:
    """Every pair in the file at ``path``; raises ``InvalidInput`` naming the first bad line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read pairs file {path}: {exc}", hint=_FORMAT_HINT) from exc
    pairs = [
        parse_pair(line, base=path.parent, where=f"{path}:{number}")
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    if not pairs:
        raise InvalidInput(f"{path} holds no pairs", hint=_FORMAT_HINT)
    return pairs
