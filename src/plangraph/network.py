"""A NetworkX view of the plan graph, and the graph algorithms run on it.

The view holds the *things* of the graph (regions, industries, parks, projects, box items,
documents, divisions, boxes, indicators, observations, organisations) as typed nodes and their
relations as edges labelled by predicate. Mentions and reified statements are not nodes: they are
the provenance of nodes and edges, carried as a ``quote`` attribute. The view is read from the
store through :mod:`plangraph.reading`, restricted to a document, a region, a set of types or the
neighbourhood of one entity. On it: :func:`neighbourhood`, :func:`shortest_path` and
:func:`most_connected`.

The traversals that need no NetworkX live beside it and are importable from here too, as the
library's traversal API: :func:`~plangraph.trace.trace_industry`,
:func:`~plangraph.compare.compare_plans`, name resolution (:mod:`plangraph.reading.names`).
All return plain data (dataclasses with ``to_json()``) so the CLI and the web app share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx
import pyoxigraph as ox

from .evidence import PathStep, first_mentions, source_files, statement_quotes, with_role
from .reading.labels import label_or_name, node_labels
from .reading.names import resolve, resolve_document
from .reading.nodes import NODE_TYPES, PALETTE, NodeRef, check_types, typed_nodes
from .reading.sparql import select_for, select_rows
from .reading.terms import compact, iri_ref, local_name
from .settings import get_settings
from .vocab import PG, PROV, RDF, SKOS

#: Predicates that are not edges of the view: typing and provenance, pg:document (every division,
#: box and observation also reaches its document through dcterms:isPartOf / pg:table, so it would
#: only turn the document into a hub) and scheme bookkeeping.
_NOT_EDGES: frozenset[str] = frozenset(
    str(p)
    for p in (
        RDF.type,
        RDF.subject,
        RDF.predicate,
        RDF.object,
        PG.mention,
        PROV.wasDerivedFrom,
        PG.document,
        SKOS.inScheme,
        SKOS.topConceptOf,
        SKOS.hasTopConcept,
    )
)

#: Longest quote kept on a node or edge attribute (whole sentences are in the store).
_QUOTE_CHARS = 300


# --- the network view ------------------------------------------------------------------------


def _document_nodes(store: ox.Store, doc: str) -> set[str]:
    """Nodes named in a document's own graph(s) (as subject or object), plus the document."""
    graphs = [
        g
        for (g,) in select_rows(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {iri_ref(doc)} ?p ?o }} }}")
    ]
    nodes = {doc}
    for graph in graphs:
        rows = select_rows(
            store,
            f"""SELECT DISTINCT ?n WHERE {{ GRAPH {iri_ref(graph)} {{
                   {{ ?n ?p ?x }} UNION {{ ?x ?p ?n FILTER(isIRI(?n)) }} }} }}""",
        )
        nodes.update(n for (n,) in rows if isinstance(n, str))
    return nodes


def _region_nodes(store: ox.Store, region: str) -> set[str]:
    """A region, the regions within it, and everything in the documents about any of them."""
    inside = {r for (r,) in select_rows(store, f"SELECT ?r WHERE {{ ?r pg:within* {iri_ref(region)} }}")}
    inside.add(region)
    nodes = set(inside)
    docs = select_for(store, "r", inside, "SELECT DISTINCT ?d WHERE { {VALUES} ?d pg:jurisdiction ?r }")
    for (doc,) in docs:
        nodes |= _document_nodes(store, doc)
    located = select_for(
        store, "r", inside, "SELECT DISTINCT ?x WHERE { {VALUES} ?x pg:within|pg:locatedIn ?r }"
    )
    nodes.update(x for (x,) in located)
    return nodes


def _incident(store: ox.Store, nodes: Iterable[str]) -> list[tuple[str, str, str]]:
    """(node, predicate, neighbour) for every IRI-valued triple touching ``nodes``, both ways."""
    return select_for(
        store,
        "x",
        nodes,
        "SELECT ?x ?p ?y WHERE { {VALUES} { ?x ?p ?y } UNION { ?y ?p ?x } FILTER(isIRI(?y)) }",
    )


def _ego(store: ox.Store, centre: str, depth: int, allowed: set[str], limit: int) -> tuple[set[str], bool]:
    """Breadth-first neighbourhood of ``centre`` within ``allowed``, at most ``limit`` nodes."""
    seen, frontier, truncated = {centre}, {centre}, False
    for _ in range(depth):
        found = set()
        for _x, pred, y in _incident(store, frontier):
            if pred not in _NOT_EDGES and y in allowed and y not in seen:
                found.add(y)
        room = limit - len(seen)
        if len(found) > room:
            found, truncated = set(sorted(found)[:room]), True
        seen |= found
        frontier = found
        if not frontier or truncated:
            break
    return seen, truncated


def _edges(store: ox.Store, nodes: set[str], everything: bool) -> list[tuple[str, str, str]]:
    """Relations among ``nodes`` as (subject, predicate, object); skos:narrower is turned into
    skos:broader so a hierarchy stated either way gives the same edges."""
    if everything:
        skip = ", ".join(iri_ref(p) for p in sorted(_NOT_EDGES))
        rows = select_rows(
            store,
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o) && ?p NOT IN ({skip})) }}",
        )
    else:
        rows = select_for(
            store, "s", nodes, "SELECT DISTINCT ?s ?p ?o WHERE { {VALUES} ?s ?p ?o FILTER(isIRI(?o)) }"
        )
    edges = set()
    narrower, broader = str(SKOS.narrower), str(SKOS.broader)
    for s, p, o in rows:
        if p in _NOT_EDGES or s not in nodes or o not in nodes or s == o:
            continue
        edges.add((o, broader, s) if p == narrower else (s, p, o))
    return sorted(edges)


def network(
    store: ox.Store,
    *,
    document: str | None = None,
    region: str | None = None,
    types: Sequence[str] | None = None,
    focus: str | None = None,
    depth: int | None = None,
    limit: int | None = None,
) -> nx.MultiDiGraph:
    """The graph as a NetworkX ``MultiDiGraph`` of typed nodes and predicate-labelled edges.

    Nodes are keyed by IRI and carry ``iri``, ``label``, ``type``, ``subtype``, ``colour``,
    ``document`` (source file of the first mention), ``line``, ``quote`` (first mention) and
    ``mentions``; edges carry ``predicate`` (IRI), ``label`` (its local name) and ``quote`` (the
    sentence the relation was read from, when recorded). Restrictions combine: ``document``
    (IRI, file name or title) and ``region`` (name, code or IRI) limit the nodes to those named
    in that document / the documents about that region, ``types`` to those types, and ``focus``
    keeps the neighbourhood of radius ``depth`` (default ``settings.default_depth``) of that
    entity. At most ``limit`` (default ``settings.max_export_nodes``) nodes are kept; the graph
    attribute ``truncated`` says whether some were left out.
    """
    settings = get_settings()
    limit = settings.max_export_nodes if limit is None else limit
    kinds = typed_nodes(store)
    allowed = set(kinds)
    meta: dict[str, object] = {}
    if document:
        doc = resolve_document(store, document)
        allowed &= _document_nodes(store, doc)
        meta["document"] = doc
    if region:
        place = resolve(store, region, ["Region"], "region", kinds)
        allowed &= _region_nodes(store, place)
        meta["region"] = place
    if types:
        chosen = check_types(types)
        allowed = {n for n in allowed if kinds[n][0] in chosen or kinds[n][1] in chosen}
        meta["types"] = ",".join(sorted(chosen))
    truncated = False
    if focus:
        centre = resolve(store, focus, kinds=kinds)
        radius = settings.default_depth if depth is None else max(0, depth)
        nodes, truncated = _ego(store, centre, radius, allowed | {centre}, limit)
        meta.update(focus=centre, depth=radius)
    else:
        nodes = allowed
        if len(nodes) > limit:
            order = sorted(nodes, key=lambda n: (NODE_TYPES.index(kinds[n][0]), n))
            nodes, truncated = set(order[:limit]), True
    everything = len(nodes) == len(kinds)
    graph = nx.MultiDiGraph(name="plangraph", truncated=truncated, **meta)
    _add_nodes(store, graph, {n: kinds[n] for n in nodes})
    _add_edges(store, graph, _edges(store, nodes, everything))
    return graph


def _add_nodes(store: ox.Store, graph: nx.MultiDiGraph, nodes: dict[str, tuple[str, str]]) -> None:
    labels = node_labels(store, nodes)
    mentions = first_mentions(store, nodes)
    files = source_files(store)
    own_doc = {
        n: (d, line)
        for n, d, line in select_for(
            store,
            "n",
            nodes,
            "SELECT ?n ?d ?line WHERE { {VALUES} ?n pg:document ?d OPTIONAL { ?n pg:line ?line } }",
        )
    }
    for node in sorted(nodes, key=lambda n: (NODE_TYPES.index(nodes[n][0]), n)):
        kind, sub = nodes[node]
        attrs: dict[str, object] = {
            "iri": node,
            "label": label_or_name(labels, node),
            "type": kind,
            "subtype": sub,
            "colour": PALETTE[kind],
        }
        quote, line, doc, count = mentions.get(node, (None, None, None, 0))
        if node in own_doc:
            doc = doc or own_doc[node][0]
            line = line if line is not None else own_doc[node][1]
        if kind == "Document":
            doc = node
        if doc:
            attrs["document"] = files.get(doc, doc)
        if isinstance(line, int):
            attrs["line"] = line
        if quote:
            attrs["quote"] = quote[:_QUOTE_CHARS]
        attrs["mentions"] = count
        graph.add_node(node, **attrs)


def _add_edges(store: ox.Store, graph: nx.MultiDiGraph, edges: list[tuple[str, str, str]]) -> None:
    quotes = statement_quotes(store, {s for s, _, _ in edges})
    for number, (s, p, o) in enumerate(edges, 1):
        attrs: dict[str, object] = {"predicate": p, "label": local_name(p)}
        evidence = quotes.get((s, p, o))
        if evidence:
            attrs["quote"] = evidence[0].quote[:_QUOTE_CHARS]
        graph.add_edge(s, o, key=f"e{number}", **attrs)


def neighbourhood(
    store: ox.Store, entity: str, depth: int | None = None, types: Sequence[str] | None = None
) -> nx.MultiDiGraph:
    """The ego graph of ``entity``: everything within ``depth`` relations of it (either way)."""
    return network(store, focus=entity, depth=depth, types=types)


def node_ref(graph: nx.MultiDiGraph, node: str) -> NodeRef:
    data = graph.nodes[node]
    return NodeRef(node, data["label"], data["type"])


# --- shortest path ---------------------------------------------------------------------------


def shortest_path(store: ox.Store, a: str, b: str) -> list[PathStep]:
    """The shortest chain of relations between two entities (either direction), with edge labels
    and the evidence of each relation; empty when they are not connected."""
    kinds = typed_nodes(store)
    start = resolve(store, a, kinds=kinds)
    end = resolve(store, b, kinds=kinds)
    graph = network(store)
    try:
        nodes = nx.shortest_path(graph.to_undirected(as_view=True), start, end)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
    steps = [PathStep(node_ref(graph, start))]
    quotes = statement_quotes(store, nodes)
    for prev, node in pairwise(nodes):
        forward = graph.has_edge(prev, node)
        s, o = (prev, node) if forward else (node, prev)
        data = min(graph.get_edge_data(s, o).values(), key=lambda d: d["predicate"])
        evidence = with_role(quotes.get((s, data["predicate"], o), [])[:1], compact(data["predicate"]))
        steps.append(PathStep(node_ref(graph, node), compact(data["predicate"]), forward, evidence))
    return steps


# --- centrality ------------------------------------------------------------------------------


@dataclass
class Centrality:
    node: NodeRef
    degree: int
    betweenness: float

    def to_json(self) -> dict:
        return {**self.node.to_json(), "degree": self.degree, "betweenness": self.betweenness}


def most_connected(
    store: ox.Store, types: Sequence[str] = ("Industry", "Park"), top: int = 10
) -> dict[str, list[Centrality]]:
    """For each type, its ``top`` nodes by degree (ties: betweenness) in the whole graph.

    Betweenness is computed on the undirected simple graph, sampled from
    ``settings.betweenness_samples`` source nodes when the graph is larger (seeded, so stable).
    """
    wanted = {t for t in check_types(types) if t in NODE_TYPES}
    graph = nx.Graph(network(store).to_undirected(as_view=True))
    samples = get_settings().betweenness_samples
    k = samples if 0 < samples < graph.number_of_nodes() else None
    between = nx.betweenness_centrality(graph, k=k, seed=0)
    ranked: dict[str, list[Centrality]] = {}
    for kind in sorted(wanted, key=NODE_TYPES.index):
        rows = [
            Centrality(NodeRef(n, d["label"], d["type"]), graph.degree(n), round(between.get(n, 0.0), 6))
            for n, d in graph.nodes(data=True)
            if d["type"] == kind
        ]
        rows.sort(key=lambda c: (-c.degree, -c.betweenness, c.node.label))
        ranked[kind] = rows[:top]
    return ranked


# --- the traversal API, importable from here as before the split ------------------------------

from .compare import Comparison, IndicatorChange, TargetValue, compare_plans  # noqa: E402
from .evidence import Evidence, format_path, mentions_of  # noqa: E402
from .reading.names import (  # noqa: E402
    AmbiguousEntity,
    UnknownEntity,
    name_variants,
    resolve_industry,
)
from .reading.nodes import describe  # noqa: E402
from .trace import ROUTES, TracedProject, TracePath, TraceResult, trace_industry  # noqa: E402

__all__ = [
    "NODE_TYPES",
    "PALETTE",
    "ROUTES",
    "AmbiguousEntity",
    "Centrality",
    "Comparison",
    "Evidence",
    "IndicatorChange",
    "NodeRef",
    "PathStep",
    "TargetValue",
    "TracePath",
    "TraceResult",
    "TracedProject",
    "UnknownEntity",
    "compare_plans",
    "describe",
    "format_path",
    "mentions_of",
    "most_connected",
    "name_variants",
    "neighbourhood",
    "network",
    "node_ref",
    "resolve",
    "resolve_document",
    "resolve_industry",
    "shortest_path",
    "statement_quotes",
    "trace_industry",
    "typed_nodes",
]
