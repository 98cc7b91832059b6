"""Charts and the infrastructure graph as inline SVG, drawn here: no script, no external resource. Pure.

Every text goes through ``markupsafe``: a label from a hostile page is shown, never interpreted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from mirrorhunt.report.graph import InfraGraph, NodeKind
from mirrorhunt.report.layout import force_layout

NODE_STYLE: dict[NodeKind, tuple[str, str]] = {
    "seized": ("#b91c1c", "seized site"),
    "name": ("#1d4ed8", "mirror"),
    "address": ("#047857", "IP address"),
    "certificate": ("#7c3aed", "certificate"),
    "favicon": ("#db2777", "favicon"),
    "indicator": ("#a16207", "analytics or other ID"),
}
"""Fill colour and legend text of each kind of node."""
MAX_LABEL = 40


@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    """One set of bars: its legend, colour and a value per category (None: nothing to draw)."""

    label: str
    color: str
    values: tuple[float | None, ...]


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def axis(highest: float, *, ticks: int = 4) -> tuple[float, ...]:
    """Round values from 0 to at least ``highest``, about ``ticks`` steps of 1, 2 or 5 times a power of ten
    (whole numbers when ``highest`` is at least ``ticks``)."""
    if highest <= 0:
        return (0.0, 1.0)
    rough = highest / ticks
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= rough)
    return tuple(step * i for i in range(math.ceil(highest / step - 1e-9) + 1))


def _number(value: float) -> str:
    return f"{value:.3g}"


def bar_chart(*, title: str, categories: Sequence[str], series: Sequence[Series], unit: str) -> Markup:
    """Grouped bars, one group per category, with a value axis in ``unit`` and a legend."""
    width, height, left, right, top, bottom = 720, 260, 52, 12, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    ticks = axis(max(values, default=0.0))
    top_value = ticks[-1]
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" role="img">'
        ).format(width, height),
        Markup("<title>{}</title>").format(title),
        Markup('<text x="{}" y="16" class="chart-title">{}</text>').format(left, title),
    ]
    for value in ticks:
        y = top + plot_h - plot_h * value / top_value
        parts.append(
            Markup(
                '<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#ddd"/>'
                '<text x="{}" y="{:.1f}" text-anchor="end" class="tick">{}</text>'
            ).format(left, width - right, y, y, left - 6, y + 4, _number(value))
        )
    parts.append(
        Markup('<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>').format(
            left - 6, top - 13, unit
        )
    )
    group = plot_w / max(len(categories), 1)
    bar = min(group * 0.8 / max(len(series), 1), 40.0)
    every = max(1, math.ceil(len(categories) / 12))
    for i, category in enumerate(categories):
        x0 = left + i * group + (group - bar * len(series)) / 2
        for j, one in enumerate(series):
            amount = one.values[i]
            if amount is None:
                continue
            h = plot_h * amount / top_value
            parts.append(
                Markup(
                    '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}">'
                    "<title>{}</title></rect>"
                ).format(
                    x0 + j * bar,
                    top + plot_h - h,
                    bar,
                    h,
                    one.color,
                    f"{category} {one.label}: {_number(amount)}",
                )
            )
        if i % every == 0:
            parts.append(
                Markup('<text x="{:.1f}" y="{}" text-anchor="middle" class="tick">{}</text>').format(
                    left + i * group + group / 2, top + plot_h + 16, category
                )
            )
    for j, one in enumerate(series):
        x = left + j * 150
        parts.append(
            Markup(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                '<text x="{}" y="{}" class="tick">{}</text>'
            ).format(x, height - 14, one.color, x + 14, height - 5, one.label)
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def graph_svg(graph: InfraGraph, *, title: str) -> Markup:
    """The graph drawn in its force layout: a circle per node coloured by kind, labelled; a legend."""
    width, height, margin, legend = 900, 700, 70, 30
    places = force_layout(
        nodes=[node.id for node in graph.nodes], edges=[(edge.source, edge.target) for edge in graph.edges]
    )

    def at(node_id: str) -> tuple[float, float]:
        x, y = places[node_id]
        return margin + x * (width - 2 * margin), legend + margin + y * (height - legend - 2 * margin)

    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 {} {}" role="img">'
        ).format(width, height),
        Markup("<title>{}</title>").format(title),
    ]
    for i, (kind, (color, text)) in enumerate(NODE_STYLE.items()):
        x = 10 + i * 148
        parts.append(
            Markup(
                '<circle cx="{}" cy="14" r="6" fill="{}" data-kind="{}"/>'
                '<text x="{}" y="18" class="tick">{}</text>'
            ).format(x + 6, color, kind, x + 16, text)
        )
    for edge in graph.edges:
        (x1, y1), (x2, y2) = at(edge.source), at(edge.target)
        parts.append(
            Markup(
                '<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#999" stroke-width="1">'
                "<title>{}</title></line>"
            ).format(
                x1,
                y1,
                x2,
                y2,
                f"{edge.source.split(':', 1)[1]} {edge.relation} {edge.target.split(':', 1)[1]}",
            )
        )
    for node in graph.nodes:
        cx, cy = at(node.id)
        color = NODE_STYLE[node.kind][0]
        radius = 9 if node.kind in ("seized", "name") else 6
        weight = "bold" if node.kind in ("seized", "name") else "normal"
        parts.append(
            Markup(
                '<g class="node" data-kind="{}"><circle cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}"/>'
                '<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-weight="{}" class="label">{}</text>'
                "</g>"
            ).format(node.kind, cx, cy, radius, color, cx, cy + radius + 11, weight, _short(node.label))
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
