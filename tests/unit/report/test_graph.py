"""The infrastructure graph: names joined by a shared address, favicon and analytics ID; its layout."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from report_samples import ANALYTICS, SITES, capture

from mirrorhunt.report import InfraGraph, infrastructure_graph
from mirrorhunt.report.facts import capture_facts
from mirrorhunt.report.graph import drawable
from mirrorhunt.report.layout import force_layout


def _graph() -> InfraGraph:
    return infrastructure_graph(names={name: [capture_facts(c)] for name, c in SITES.items()})


def test_names_sharing_an_address_a_favicon_and_an_analytics_id_are_linked() -> None:
    shared = {node.id: names for node, names in _graph().shared()}
    assert shared.pop("address:192.0.2.10") == ("one.example", "two.example")
    favicon = next(key for key in shared if key.startswith("favicon:"))
    assert shared.pop(favicon) == ("three.example", "two.example")
    assert shared.pop(f"indicator:google-analytics:{ANALYTICS}") == ("one.example", "three.example")
    assert shared == {}, "the address only three.example has is not shared"


def test_every_edge_says_what_links_a_name_to_its_infrastructure() -> None:
    graph = _graph()
    relations = {(e.source, e.target): e.relation for e in graph.edges}
    assert relations[("name:three.example", "address:198.51.100.7")] == "resolves to"
    assert relations[("name:one.example", f"indicator:google-analytics:{ANALYTICS}")] == "shares analytics ID"
    favicons = {e.source for e in graph.edges if e.relation == "shares favicon"}
    assert favicons == {"name:two.example", "name:three.example"}
    kinds = {node.id: node.kind for node in graph.nodes}
    assert {kinds[f"name:{n}"] for n in SITES} == {"name"}


def test_a_certificate_links_by_its_fingerprint_and_the_seized_site_is_its_own_kind() -> None:
    cert = b"0\x82 fake DER"
    site = SITES["one.example"]
    graph = infrastructure_graph(
        names={"one.example": [capture_facts(replace(site, certificate=cert))]},
        seized={"seized.example": [capture_facts(replace(site, name="seized.example", certificate=cert))]},
    )
    (certificate, names), *_ = [(n, names) for n, names in graph.shared() if n.kind == "certificate"]
    assert names == ("one.example", "seized.example")
    assert certificate.id == "certificate:" + hashlib.sha256(cert).hexdigest()
    assert {n.kind for n in graph.nodes if n.id == "name:seized.example"} == {"seized"}


def test_the_layout_is_the_same_every_time_and_fits_the_unit_square() -> None:
    graph = _graph()
    nodes = [n.id for n in graph.nodes]
    edges = [(e.source, e.target) for e in graph.edges]
    first = force_layout(nodes=nodes, edges=edges)
    assert first == force_layout(nodes=nodes, edges=edges)
    assert set(first) == set(nodes)
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in first.values())
    assert len({(round(x, 3), round(y, 3)) for x, y in first.values()}) == len(nodes), (
        "no two nodes on one spot"
    )


def test_linked_nodes_end_up_closer_than_unlinked_ones() -> None:
    nodes = [f"n{i}" for i in range(12)]
    edges = [(nodes[i], nodes[i + 1]) for i in range(0, 11, 2)]  # six separate pairs
    places = force_layout(nodes=nodes, edges=edges)

    def gap(a: str, b: str) -> float:
        (x1, y1), (x2, y2) = places[a], places[b]
        return float(((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5)

    linked = [gap(a, b) for a, b in edges]
    unlinked = [
        gap(a, b) for a in nodes for b in nodes if a < b and (a, b) not in edges and (b, a) not in edges
    ]
    assert max(linked) < sorted(unlinked)[len(unlinked) // 2]


def test_a_large_graph_is_drawn_with_its_names_and_what_they_share() -> None:
    sites = {
        f"m{i}.example": [
            capture_facts(
                capture(f"m{i}.example", addresses=("192.0.2.1", f"10.0.{i // 250}.{i % 250}"), body=b"")
            )
        ]
        for i in range(200)
    }
    graph = infrastructure_graph(names=sites)
    assert len(graph.nodes) == 401
    drawn = drawable(graph, limit=250)
    assert len(drawn.nodes) == 201
    assert {n.kind for n in drawn.nodes} == {"name", "address"}
    assert [n.id for n in drawn.nodes if n.kind == "address"] == ["address:192.0.2.1"]
    assert all(e.target == "address:192.0.2.1" for e in drawn.edges) and len(drawn.edges) == 200
    assert drawable(_graph()) == _graph(), "a small graph is drawn whole"
