"""Hostile text from captures, tips and decisions appears in the reports as text, never as markup."""

from __future__ import annotations

from html.parser import HTMLParser

from report_samples import AT, HOSTILE, hostile_case_file

from mirrorhunt.model import Event
from mirrorhunt.report import InfraGraph, case_report_html, transparency_figures, transparency_html
from mirrorhunt.report.graph import Edge, Node
from mirrorhunt.report.svg import graph_svg


class _Reader(HTMLParser):
    """The tags, attributes and text of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text: list[str] = []
        self.policy: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(name for name, _ in attrs)
        values = dict(attrs)
        if tag == "meta" and values.get("http-equiv") == "Content-Security-Policy":
            self.policy = values.get("content")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(page: str) -> _Reader:
    reader = _Reader()
    reader.feed(page)
    reader.close()
    return reader


def _assert_inert(reader: _Reader) -> None:
    assert not {"script", "img", "iframe", "object", "embed", "link", "a"} & set(reader.tags), reader.tags
    assert not [a for a in reader.attributes if a.startswith("on") or a in ("src", "href")], reader.attributes


def test_the_case_report_shows_hostile_titles_details_and_reasons_as_text() -> None:
    page = case_report_html(hostile_case_file())
    reader = _read(page)
    _assert_inert(reader)
    text = "".join(reader.text)
    assert text.count(HOSTILE) >= 6, "title, tip detail, reason, order, signal, event: each shown as text"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert reader.policy is not None and reader.policy.startswith("default-src 'none';")


def test_graph_labels_are_escaped_inside_the_svg() -> None:
    graph = InfraGraph(
        nodes=(
            Node(id="name:x", kind="name", label=HOSTILE),
            Node(id="address:1", kind="address", label="1"),
        ),
        edges=(Edge(source="name:x", target="address:1", relation=HOSTILE),),
    )
    svg = str(graph_svg(graph, title=HOSTILE))
    reader = _read(svg)
    _assert_inert(reader)
    assert reader.tags.count("svg") == 1
    assert "<img" not in svg and svg.endswith("</svg>")


def test_the_transparency_page_escapes_case_names() -> None:
    events = [Event(kind="listing.added", subject="x.example", detail={"case": HOSTILE}, at=AT)]
    page = transparency_html(transparency_figures(events=events, now=AT))
    reader = _read(page)
    _assert_inert(reader)
    assert HOSTILE in "".join(reader.text)
