"""The infrastructure of a case as a graph: which names share addresses, certificates, favicons and
analytics IDs. Pure: built from capture facts, laid out by ``layout``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from mirrorhunt.fingerprint.indicators import describe
from mirrorhunt.report.facts import CaptureFacts

NodeKind = Literal["seized", "name", "address", "certificate", "favicon", "indicator"]
ANALYTICS = frozenset({
    "google-analytics", "google-tag-manager", "google-adsense", "yandex-metrika", "facebook-pixel",
    "yandex-ads", "a-ads", "site-verification",
})  # fmt: skip
"""Indicator kinds that are an operator's account with an analytics or ad service."""
MAX_DRAWN = 250
"""The most nodes a picture holds: beyond that, labels cannot be read and the layout grows slow."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    id: str
    kind: NodeKind
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    source: str
    target: str
    relation: str
    """``resolves to``, ``serves certificate``, ``shares favicon``, ``shares analytics ID`` or
    ``shares identifier`` (wallets, e-mail, messenger handles)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InfraGraph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def shared(self) -> tuple[tuple[Node, tuple[str, ...]], ...]:
        """Every non-name node linked to two names or more, with those names: what ties sites together."""
        names: dict[str, list[str]] = {}
        for edge in self.edges:
            names.setdefault(edge.target, []).append(edge.source)
        by_id = {node.id: node for node in self.nodes}
        return tuple(
            (by_id[target], tuple(sorted({by_id[s].label for s in sources})))
            for target, sources in sorted(names.items())
            if len(set(sources)) >= 2
        )


def infrastructure_graph(
    *, names: Mapping[str, Sequence[CaptureFacts]], seized: Mapping[str, Sequence[CaptureFacts]] | None = None
) -> InfraGraph:
    """One node per name (``seized`` for the seized site's references), address, certificate, favicon and
    indicator seen in their captures; an edge from a name to each of them. Sorted, so the same captures
    always give the same graph."""
    nodes: dict[str, Node] = {}
    edges: set[tuple[str, str, str]] = set()

    def link(source: str, kind: NodeKind, value: str, label: str, relation: str) -> None:
        target = f"{kind}:{value}"
        nodes.setdefault(target, Node(id=target, kind=kind, label=label))
        edges.add((source, target, relation))

    sites: list[tuple[NodeKind, str, Sequence[CaptureFacts]]] = [
        *(("seized", name, facts) for name, facts in (seized or {}).items()),
        *(("name", name, facts) for name, facts in names.items()),
    ]
    for kind, name, facts in sites:
        source = f"name:{name}"
        if source in nodes:
            continue
        nodes[source] = Node(id=source, kind=kind, label=name)
        for fact in facts:
            for address in fact.addresses:
                link(source, "address", address, address, "resolves to")
            if fact.certificate_sha256 is not None:
                sha = fact.certificate_sha256
                link(source, "certificate", sha, f"cert {sha[:16]}", "serves certificate")
            if fact.favicon_hash is not None:
                value = str(fact.favicon_hash)
                link(source, "favicon", value, f"favicon {value}", "shares favicon")
            for indicator in fact.indicators:
                relation = "shares analytics ID" if indicator.kind in ANALYTICS else "shares identifier"
                key = f"{indicator.kind}:{indicator.value}"
                link(source, "indicator", key, describe(indicator), relation)
    return InfraGraph(
        nodes=tuple(sorted(nodes.values(), key=lambda n: n.id)),
        edges=tuple(Edge(source=s, target=t, relation=r) for s, t, r in sorted(edges)),
    )


def drawable(graph: InfraGraph, *, limit: int = MAX_DRAWN) -> InfraGraph:
    """``graph`` when it has ``limit`` nodes or fewer; else its names, then what two names or more share
    (the most shared first), up to ``limit`` nodes: what one site alone has is left out of the picture."""
    if len(graph.nodes) <= limit:
        return graph
    degree = Counter(edge.target for edge in graph.edges)
    names = [node for node in graph.nodes if node.kind in ("seized", "name")]
    shared = sorted((n for n in graph.nodes if degree[n.id] >= 2), key=lambda n: (-degree[n.id], n.id))
    keep = {node.id for node in [*names, *shared][:limit]}
    return InfraGraph(
        nodes=tuple(node for node in graph.nodes if node.id in keep),
        edges=tuple(edge for edge in graph.edges if edge.source in keep and edge.target in keep),
    )
