"""The stop page's HTML, in English or French: what is blocked, by whom, under which order, since
when, the transparency-log entry that proves it, and how to contest. Nothing else about the case.

Pure: ``render`` takes a ``Block`` (or None for a name that is not blocked) and a language.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Literal
from urllib.parse import urlencode

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")

STYLE = (
    "body{margin:0;background:#f4f4f2;color:#1d1d1b;font:16px/1.5 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif}main{max-width:40rem;margin:3rem auto;padding:2rem 2.25rem;background:#fff;"
    "border-top:6px solid #b3261e;border-radius:4px;box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    "h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}.name{font-family:ui-monospace,monospace;"
    "overflow-wrap:anywhere}dl{display:grid;grid-template-columns:max-content 1fr;gap:.45rem 1.25rem;"
    "margin:1.5rem 0}dt{color:#5f5f5a}dd{margin:0;overflow-wrap:anywhere}a{color:#0b57d0}"
    ".contest{margin:1.5rem 0 0;padding:1rem;background:#f1f5fe;border-radius:4px}"
    "footer{margin-top:1.5rem;color:#5f5f5a;font-size:.85rem}"
    "@media (max-width:30rem){main{margin:0;border-radius:0}dl{grid-template-columns:1fr}"
    "dd{margin-bottom:.5rem}}"
)
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src '{STYLE_HASH}'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""No script, no image, no font, no request to anyone: only the one inline style, by its hash."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """What the page may say of a blocked name."""

    name: str
    """The name asked for."""
    listed: str
    """The listed name: ``name`` itself or a name above it."""
    authority: str
    order: str | None
    expires: date | None
    since: datetime
    log_entry: tuple[int, str] | None = None
    """The transparency-log entry that records the listing: its index and where to read it."""
    contest_url: str


_TEXT: dict[Language, dict[str, str]] = {
    "en": {
        "title": "Access blocked",
        "heading": "Access to this site is blocked",
        "lead": "Your DNS resolver sent you to this page instead of {name}: the name is on a blocklist "
        "that an authority ordered.",
        "name": "Blocked name",
        "under": "{name}, because {listed} is listed",
        "authority": "Ordered by",
        "unstated": "not stated by the operator",
        "order": "Order",
        "no_order": "reference not recorded",
        "since": "Blocked since",
        "expires": "Until",
        "no_expiry": "no end date set",
        "log": "Public record",
        "entry": "transparency-log entry {index}",
        "no_entry": "not yet in the transparency log",
        "contest": "You think this block is wrong? {link}.",
        "contest_link": "Contest it here",
        "footer": "This page comes from the operator of your DNS resolver, not from the blocked site; "
        "it holds nothing from that site.",
        "free_title": "Not blocked",
        "free_heading": "This name is not blocked",
        "free_lead": "{name} is on no blocklist served here. If you reached this page, the name may have "
        "been removed from the list: try again in a few minutes.",
        "date": "{day:%Y-%m-%d}",
        "time": "{at:%Y-%m-%d %H:%M} UTC",
    },
    "fr": {
        "title": "Accès bloqué",
        "heading": "L’accès à ce site est bloqué",
        "lead": "Votre résolveur DNS vous a conduit sur cette page au lieu de {name} : ce nom figure sur "
        "une liste de blocage ordonnée par une autorité.",
        "name": "Nom bloqué",
        "under": "{name}, car {listed} est inscrit",
        "authority": "Ordonné par",
        "unstated": "non précisé par l’opérateur",
        "order": "Décision",
        "no_order": "référence non enregistrée",
        "since": "Bloqué depuis le",
        "expires": "Jusqu’au",
        "no_expiry": "pas de date de fin",
        "log": "Trace publique",
        "entry": "entrée {index} du journal de transparence",
        "no_entry": "pas encore dans le journal de transparence",
        "contest": "Vous pensez que ce blocage est une erreur ? {link}.",
        "contest_link": "Contestez-le ici",
        "footer": "Cette page vient de l’opérateur de votre résolveur DNS, pas du site bloqué ; "
        "elle ne contient rien de ce site.",
        "free_title": "Nom non bloqué",
        "free_heading": "Ce nom n’est pas bloqué",
        "free_lead": "{name} ne figure sur aucune liste de blocage servie ici. Si vous voyez cette page, "
        "le nom a peut-être été retiré de la liste : réessayez dans quelques minutes.",
        "date": "{day:%d/%m/%Y}",
        "time": "{at:%d/%m/%Y à %H:%M} UTC",
    },
}


def language(accept_language: str | None) -> Language:
    """English or French, whichever the browser prefers (q-values honoured, the first listed wins a
    tie); English when it names neither."""
    offers: list[tuple[float, int, Language]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, *params = (piece.strip() for piece in part.split(";"))
        primary = tag.lower().split("-")[0]
        if primary in LANGUAGES:
            offers.append((_quality(params), -position, "fr" if primary == "fr" else "en"))
    chosen = max((offer for offer in offers if offer[0] > 0), default=None)
    return "en" if chosen is None else chosen[2]


def _quality(params: list[str]) -> float:
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def render(block: Block | None, *, name: str, lang: Language) -> str:
    """The whole page: the block of ``name``, or a page saying it is not blocked."""
    text = _TEXT[lang]
    shown = f'<span class="name">{escape(name)}</span>'
    if block is None:
        return _page(
            lang,
            title=text["free_title"],
            body=f"<h1>{text['free_heading']}</h1><p>{text['free_lead'].format(name=shown)}</p>",
        )
    listed = (
        shown
        if block.listed == block.name
        else text["under"].format(name=shown, listed=f'<span class="name">{escape(block.listed)}</span>')
    )
    expires = text["date"].format(day=block.expires) if block.expires else text["no_expiry"]
    if block.log_entry is None:
        entry = text["no_entry"]
    else:
        index, url = block.log_entry
        entry = f'<a href="{escape(url)}">{text["entry"].format(index=index)}</a>'
    rows = (
        (text["name"], listed),
        (text["authority"], escape(block.authority) or text["unstated"]),
        (text["order"], escape(block.order) if block.order else text["no_order"]),
        (text["since"], text["time"].format(at=block.since)),
        (text["expires"], expires),
        (text["log"], entry),
    )
    facts = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    separator = "&" if "?" in block.contest_url else "?"
    contest = escape(block.contest_url + separator + urlencode({"name": block.name}))
    link = f'<a href="{contest}">{text["contest_link"]}</a>'
    body = (
        f"<h1>{text['heading']}</h1><p>{text['lead'].format(name=shown)}</p><dl>{facts}</dl>"
        f'<p class="contest">{text["contest"].format(link=link)}</p>'
    )
    return _page(lang, title=f"{text['title']} — {escape(block.name)}", body=body)


def _page(lang: Language, *, title: str, body: str) -> str:
    footer = _TEXT[lang]["footer"]
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{title}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}<footer>{footer}</footer></main></body></html>"
    )
