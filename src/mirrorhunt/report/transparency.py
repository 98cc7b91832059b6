"""The public transparency page: the figures as tables and charts, in one self-contained HTML file. Pure."""

from __future__ import annotations

from datetime import timedelta

from markupsafe import Markup

from mirrorhunt.report.figures import Tally, TransparencyFigures
from mirrorhunt.report.page import document, duration, facts, table, when
from mirrorhunt.report.svg import Series, bar_chart

COLUMNS = ("listed", "delisted", "expired", "contested", "upheld", "granted", "median time to listing")


def _row(label: str, tally: Tally) -> tuple[object, ...]:
    return (
        label,
        tally.listed,
        tally.delisted,
        tally.expired,
        tally.contested,
        tally.upheld,
        tally.granted,
        duration(tally.median_to_listing),
    )


UNITS = (("days", 86_400.0), ("hours", 3_600.0), ("minutes", 60.0), ("seconds", 1.0))


def _unit(longest: timedelta) -> tuple[str, float]:
    """The largest unit the longest delay is at least two of (seconds when it is shorter still)."""
    return next(((name, size) for name, size in UNITS if longest.total_seconds() >= 2 * size), UNITS[-1])


def transparency_html(figures: TransparencyFigures) -> str:
    """Totals, a chart of names listed and delisted per month, a chart of the median delay per month,
    and the tables per month and per case."""
    total = figures.total
    months = [month for month, _ in figures.by_month]
    tallies = [tally for _, tally in figures.by_month]
    changes = bar_chart(
        title="Names listed and delisted per month",
        categories=months,
        series=[
            Series(label="listed", color="#1d4ed8", values=tuple(float(t.listed) for t in tallies)),
            Series(
                label="delisted or expired",
                color="#c2410c",
                values=tuple(float(t.delisted + t.expired) for t in tallies),
            ),
        ],
        unit="names",
    )
    medians = [t.median_to_listing for t in tallies]
    unit, seconds = _unit(max((m for m in medians if m is not None), default=timedelta(0)))
    delays = bar_chart(
        title="Median time from discovery to listing, per month",
        categories=months,
        series=[
            Series(
                label=f"median ({unit})",
                color="#047857",
                values=tuple(None if m is None else m.total_seconds() / seconds for m in medians),
            )
        ],
        unit=unit,
    )
    body = Markup(
        "<h1>Transparency report</h1>"
        '<p class="meta">Every name put on or taken off the blocklist, every contest and its outcome, '
        "counted from the audit record. Figures as of {}.</p>"
        "<h2>In total</h2>{}"
        "<h2>Per month</h2>{}{}{}"
        "<h2>Per case</h2>{}"
        "<h2>How to read this</h2><p>A name is <em>listed</em> when a decision puts it on the blocklist, "
        "<em>delisted</em> when a decision takes it off, <em>expired</em> when its court order runs out. "
        "A contest is <em>upheld</em> when the listing stays and <em>granted</em> when the name is taken "
        "off. "
        "The time to listing runs from the moment a source first reported the name for the case to its "
        "listing; the median is over the listings whose discovery is on record ({} of {}).</p>"
    ).format(
        when(figures.generated_at),
        facts(
            [
                ("Names listed", total.listed),
                ("Delisted", total.delisted),
                ("Expired", total.expired),
                ("Contested", total.contested),
                ("Contests upheld", total.upheld),
                ("Contests granted", total.granted),
                ("Median time from discovery to listing", duration(total.median_to_listing)),
            ]
        ),
        changes if months else Markup(""),
        delays if months else Markup(""),
        table(
            headers=("month", *COLUMNS), rows=[_row(m, t) for m, t in figures.by_month], empty="nothing yet"
        ),
        table(headers=("case", *COLUMNS), rows=[_row(c, t) for c, t in figures.by_case], empty="no case yet"),
        total.measured,
        total.listed,
    )
    return document(title="mirrorhunt transparency report", body=body)
