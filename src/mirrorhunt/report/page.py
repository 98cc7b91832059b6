"""The frame every report shares: a self-contained HTML document (inline CSS, no script, a policy that
forbids loading anything), tables, and how instants and durations are written. Pure.

Text is escaped by ``markupsafe`` wherever it is placed; only ``Markup`` built here passes as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from markupsafe import Markup

POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
"""Content-Security-Policy of every report: even a markup slip could load or run nothing."""
STYLE = Markup("""
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #111;
  max-width: 64em; margin: 1.5em auto; padding: 0 1em; line-height: 1.35; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.25em; border-bottom: 2px solid #333; padding-bottom: .15em; margin-top: 1.4em; }
h3 { font-size: 1.05em; margin: 1.1em 0 .3em; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; }
th, td { border: 1px solid #bbb; padding: .2em .4em; text-align: left; vertical-align: top; }
th { background: #eee; }
table.facts th { width: 24%; }
td.number { text-align: right; }
code, .hash { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .86em;
  word-break: break-all; }
svg { width: 100%; height: auto; display: block; margin: .5em 0 1em; }
svg .chart-title { font-weight: bold; font-size: 13px; }
svg .tick { font-size: 10px; fill: #333; }
svg .label { font-size: 9px; fill: #111; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.empty { color: #666; font-style: italic; }
.nowrap { white-space: nowrap; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9pt; }
  section.major { break-before: page; }
  tr, svg, table.facts { break-inside: avoid; }
  thead { display: table-header-group; }
  h2, h3 { break-after: avoid; }
}
""")


def document(*, title: str, body: Markup) -> str:
    """A whole HTML page around ``body``."""
    return str(
        Markup(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="{}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>{}</title><style>{}</style></head><body>{}</body></html>\n"
        ).format(POLICY, title, STYLE, body)
    )


def table(*, headers: Sequence[str], rows: Iterable[Sequence[object]], empty: str = "none") -> Markup:
    """A table with a header row; every cell escaped unless it is ``Markup``; ``empty`` when no rows."""
    body = [
        Markup("<tr>{}</tr>").format(Markup("").join(Markup("<td>{}</td>").format(cell) for cell in row))
        for row in rows
    ]
    if not body:
        return Markup('<p class="empty">{}</p>').format(empty)
    head = Markup("").join(Markup("<th>{}</th>").format(h) for h in headers)
    return Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(
        head, Markup("").join(body)
    )


def facts(rows: Iterable[tuple[str, object]]) -> Markup:
    """A two-column table of labelled values."""
    cells = (Markup("<tr><th>{}</th><td>{}</td></tr>").format(label, value) for label, value in rows)
    return Markup('<table class="facts"><tbody>{}</tbody></table>').format(Markup("").join(cells))


def code(text: str | None) -> Markup | str:
    """A hash or other exact value, in a monospace font; a dash when there is none."""
    return "—" if text is None else Markup('<code class="hash">{}</code>').format(text)


def nowrap(text: str) -> Markup:
    """Kept on one line: a domain name must not break at its hyphens, nor an instant at its spaces."""
    return Markup('<span class="nowrap">{}</span>').format(text)


def when(at: datetime | date | None) -> str:
    if at is None:
        return "—"
    if isinstance(at, datetime):
        return at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return at.isoformat()


def duration(span: timedelta | None) -> str:
    """``3 d 4 h``, ``2 h 5 min``, ``40 s``: as precise as a reader needs."""
    if span is None:
        return "—"
    seconds = int(span.total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s" if seconds or not span else "under 1 s"
