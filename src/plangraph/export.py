"""Exports of the graph (or of a part of it) for other tools.

Network formats come from the NetworkX view (:func:`plangraph.network.network`): GraphML and GEXF
for Gephi (scalar attributes only, string ids, ``label`` / ``type`` / ``colour`` columns),
Cytoscape.js JSON, node-link JSON, nodes and edges CSV, and a standalone HTML page that draws the
network offline with the bundled Cytoscape.js. RDF formats (Turtle, TriG, N-Quads, JSON-LD) dump
the quads of the store: all of them, or with filters the triples about the selected nodes, their
mentions and the reified statements between them.

Each format has a function returning the content (``bytes`` or ``str``) so the web app can serve
it without a file; :func:`export_graph` writes it to disk for the CLI.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from jinja2 import Environment, select_autoescape

from .network import NODE_TYPES, PALETTE, network, typed_nodes
from .store import document_quads
from .vocab import DCTERMS, PG, PROV, RDF, RDFS, SKOS, XSD

#: Columns of the node table (CSV), in order; GraphML/GEXF carry the same attributes.
NODE_COLUMNS = ("id", "label", "type", "subtype", "colour", "iri", "document", "line", "mentions", "quote")
EDGE_COLUMNS = ("id", "source", "target", "label", "predicate", "quote")

_RDF_PREFIXES = {
    "pg": str(PG),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "prov": str(PROV),
    "xsd": str(XSD),
}


@dataclass(frozen=True)
class RdfFormat:
    name: str
    format: ox.RdfFormat
    quads: bool  # keeps the named graphs


RDF_FORMATS: dict[str, RdfFormat] = {
    "turtle": RdfFormat("Turtle", ox.RdfFormat.TURTLE, False),
    "trig": RdfFormat("TriG", ox.RdfFormat.TRIG, True),
    "nquads": RdfFormat("N-Quads", ox.RdfFormat.N_QUADS, True),
    "jsonld": RdfFormat("JSON-LD", ox.RdfFormat.JSON_LD, True),
}

NETWORK_FORMATS = ("graphml", "gexf", "cytoscape", "node-link", "csv", "html")
FORMATS: tuple[str, ...] = NETWORK_FORMATS + tuple(RDF_FORMATS)

_ALIASES = {
    "ttl": "turtle",
    "nq": "nquads",
    "n-quads": "nquads",
    "json-ld": "jsonld",
    "nodelink": "node-link",
    "node_link": "node-link",
    "cyjs": "cytoscape",
    "cytoscape.js": "cytoscape",
    "gephi": "gexf",
}


def normalise_format(fmt: str) -> str:
    name = fmt.strip().lower()
    name = _ALIASES.get(name, name)
    if name not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return name


# --- network formats -------------------------------------------------------------------------


def _scalar_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only str/int/float/bool attributes (None dropped), as Gephi's readers need."""

    def clean(data: dict) -> dict:
        return {k: v for k, v in data.items() if isinstance(v, str | int | float | bool)}

    copy = nx.MultiDiGraph(**clean(graph.graph))
    for node, data in graph.nodes(data=True):
        copy.add_node(str(node), **clean(data))
    for u, v, key, data in graph.edges(keys=True, data=True):
        copy.add_edge(str(u), str(v), key=str(key), **clean(data))
    return copy


def graphml_bytes(graph: nx.MultiDiGraph) -> bytes:
    """GraphML (UTF-8). Edge ids are the view's edge keys (``e1``, ``e2`` …), unique per file;
    the colour is also given as integer ``r``/``g``/``b`` columns, which Gephi's importer reads
    as the node colour."""
    copy = _scalar_copy(graph)
    for _, data in copy.nodes(data=True):
        rgb = _rgb(data["colour"])
        data.update(r=rgb["r"], g=rgb["g"], b=rgb["b"])
    out = io.BytesIO()
    nx.write_graphml(copy, out, encoding="utf-8", named_key_ids=True)
    return out.getvalue()


def _rgb(colour: str) -> dict[str, int]:
    colour = colour.lstrip("#")
    return {"r": int(colour[0:2], 16), "g": int(colour[2:4], 16), "b": int(colour[4:6], 16), "a": 1.0}


def gexf_bytes(graph: nx.MultiDiGraph) -> bytes:
    """GEXF 1.2 with the colour also as Gephi's ``viz:color``; edge ids are the edge keys."""
    copy = _scalar_copy(graph)
    for _, data in copy.nodes(data=True):
        data["viz"] = {"color": _rgb(data["colour"])}
    for _, _, key, data in copy.edges(keys=True, data=True):
        data["id"] = key
    out = io.BytesIO()
    nx.write_gexf(copy, out, encoding="utf-8", version="1.2draft")
    return out.getvalue()


def cytoscape_data(graph: nx.MultiDiGraph) -> dict:
    """Cytoscape.js elements JSON (string ids, edge ids, ``label``, ``classes`` = type /
    predicate), also readable by ``networkx.cytoscape_graph`` (``value``/``name``/``key``)."""
    nodes = []
    for node, data in graph.nodes(data=True):
        item = {k: v for k, v in data.items() if v is not None}
        item.update(id=str(node), value=str(node), name=data["label"])
        nodes.append({"data": item, "classes": data["type"]})
    edges = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        item = {k: val for k, val in data.items() if val is not None}
        item.update(id=str(key), key=str(key), source=str(u), target=str(v))
        edges.append({"data": item, "classes": data["label"]})
    meta = {k: v for k, v in graph.graph.items() if isinstance(v, str | int | float | bool)}
    return {
        "data": meta,
        "directed": True,
        "multigraph": True,
        "elements": {"nodes": nodes, "edges": edges},
    }


def node_link_data(graph: nx.MultiDiGraph) -> dict:
    """NetworkX node-link JSON (``nodes`` / ``edges``), read back by ``networkx.node_link_graph``."""
    return nx.node_link_data(_scalar_copy(graph), edges="edges")


def _json_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def csv_tables(graph: nx.MultiDiGraph) -> tuple[str, str]:
    """The node table and the edge table as CSV text (UTF-8, header row, one row per item)."""
    nodes_out, edges_out = io.StringIO(), io.StringIO()
    writer = csv.writer(nodes_out, lineterminator="\n")
    writer.writerow(NODE_COLUMNS)
    for node, data in graph.nodes(data=True):
        writer.writerow([node if c == "id" else _cell(data.get(c)) for c in NODE_COLUMNS])
    writer = csv.writer(edges_out, lineterminator="\n")
    writer.writerow(EDGE_COLUMNS)
    for u, v, key, data in graph.edges(keys=True, data=True):
        row = {"id": key, "source": u, "target": v, **data}
        writer.writerow([_cell(row.get(c)) for c in EDGE_COLUMNS])
    return nodes_out.getvalue(), edges_out.getvalue()


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def csv_paths(out: Path) -> tuple[Path, Path]:
    """Where the two tables go: ``DIR/nodes.csv`` and ``DIR/edges.csv`` for a directory (an
    existing one or a path without a suffix), else ``NAME-nodes.csv`` and ``NAME-edges.csv``."""
    if out.is_dir() or not out.suffix:
        return out / "nodes.csv", out / "edges.csv"
    return out.with_name(f"{out.stem}-nodes.csv"), out.with_name(f"{out.stem}-edges.csv")


# --- the standalone HTML page ----------------------------------------------------------------


def _resource(name: str) -> str:
    return resources.files("plangraph.resources").joinpath(name).read_text(encoding="utf-8")


def _script_json(data: object) -> str:
    """JSON safe to place inside a <script> element: no ``<``, ``>``, ``&`` or line separators
    survive literally, so untrusted document text cannot close the element or inject markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


#: Above this many nodes the HTML page gets positions computed here: Cytoscape's ``cose``
#: compares every pair of nodes on every step and blocks the page for minutes on the corpus.
BROWSER_LAYOUT_MAX_NODES = 300


def spring_layout(
    graph: nx.MultiDiGraph, iterations: int = 60, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Force-directed positions (Fruchterman-Reingold), pure Python and about linear per step.

    Repulsion is only computed between nodes in neighbouring grid cells (the classic grid
    variant), each connected component is laid out on its own, and the components are packed
    in rows, largest first. Deterministic for a given graph and seed. Units: ideal edge length 1.
    """
    simple = nx.Graph(graph.to_undirected(as_view=True))
    components = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    # Fewer steps on big graphs keep the cost bounded (about 2 s per 100k node-steps here).
    steps = max(15, min(iterations, 120_000 // max(1, simple.number_of_nodes())))
    placed = [_layout_component(simple, nodes, steps, seed) for nodes in components]
    return _pack(placed)


_HALF = ((1, 0), (1, 1), (0, 1), (-1, 1))


def _layout_component(
    graph: nx.Graph, nodes: list[str], iterations: int, seed: int
) -> dict[str, tuple[float, float]]:
    import math
    import random

    count = len(nodes)
    if count == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in graph.subgraph(nodes).edges() if u != v]
    rng = random.Random(f"{seed}:{nodes[0]}:{count}")
    side = math.sqrt(count) * 1.5
    xs = [rng.uniform(0, side) for _ in nodes]
    ys = [rng.uniform(0, side) for _ in nodes]
    reach = 2.0  # repulsion is ignored beyond twice the ideal edge length
    reach2 = reach * reach
    temperature = side / 8
    for step in range(iterations):
        dx, dy = [0.0] * count, [0.0] * count
        cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in range(count):
            cells[(int(xs[i] // reach), int(ys[i] // reach))].append(i)
        for (cx, cy), members in cells.items():
            # Each pair once: this cell's later members, then four of the eight neighbour cells.
            others = members + [j for ox_, oy in _HALF for j in cells.get((cx + ox_, cy + oy), ())]
            for a, i in enumerate(members):
                xi, yi = xs[i], ys[i]
                for j in others[a + 1 :]:
                    ddx, ddy = xi - xs[j], yi - ys[j]
                    dist2 = ddx * ddx + ddy * ddy
                    if dist2 >= reach2:
                        continue
                    if dist2 < 1e-9:
                        ddx, ddy, dist2 = rng.uniform(-0.01, 0.01), 0.01, 1e-4
                    force = 1.0 / dist2  # k^2 / d, over d for the unit vector
                    dx[i] += ddx * force
                    dy[i] += ddy * force
                    dx[j] -= ddx * force
                    dy[j] -= ddy * force
        for u, v in edges:
            ddx, ddy = xs[u] - xs[v], ys[u] - ys[v]
            dist = math.sqrt(ddx * ddx + ddy * ddy) or 1e-3
            dx[u] -= ddx * dist  # d^2 / k, times the unit vector
            dy[u] -= ddy * dist
            dx[v] += ddx * dist
            dy[v] += ddy * dist
        cooling = temperature * (1 - step / iterations)
        for i in range(count):
            length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if length > 0:
                scale = min(length, cooling) / length
                xs[i] += dx[i] * scale
                ys[i] += dy[i] * scale
    return {n: (xs[i], ys[i]) for n, i in index.items()}


def _pack(components: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """Place laid-out components left to right in rows about as wide as the largest one."""
    boxes = []
    for positions in components:
        xs = [p[0] for p in positions.values()]
        ys = [p[1] for p in positions.values()]
        boxes.append((min(xs), min(ys), max(xs) - min(xs) + 2, max(ys) - min(ys) + 2))
    total_area = sum(w * h for _, _, w, h in boxes)
    row_width = max(max((w for _, _, w, _ in boxes), default=1), total_area**0.5 * 1.2)
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for positions, (left, top, width, height) in zip(components, boxes, strict=True):
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in positions.items():
            placed[node] = (px - left + x, py - top + y)
        x += width
        row_height = max(row_height, height)
    return placed


def html_page(graph: nx.MultiDiGraph, title: str = "plangraph network") -> str:
    """One self-contained HTML file: the graph data, Cytoscape.js inlined, a legend by type, and
    a side panel that shows a clicked node's label, type, IRI and source sentence."""
    library = _resource("cytoscape.min.js")
    if "</script" in library.lower():
        raise ValueError("the bundled library cannot be inlined (contains </script)")
    elements = cytoscape_data(graph)["elements"]
    layout = "cose"
    if graph.number_of_nodes() > BROWSER_LAYOUT_MAX_NODES:
        layout = "preset"
        positions = spring_layout(graph)
        for item in elements["nodes"]:
            x, y = positions[item["data"]["id"]]
            item["position"] = {"x": round(x * 40, 1), "y": round(y * 40, 1)}
    counts = {t: 0 for t in NODE_TYPES}
    for _, data in graph.nodes(data=True):
        counts[data["type"]] += 1
    legend = [{"type": t, "colour": PALETTE[t], "count": n} for t, n in counts.items() if n]
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(_resource("network.html"))
    return template.render(
        title=title,
        node_count=graph.number_of_nodes(),
        edge_count=graph.number_of_edges(),
        legend=legend,
        truncated=bool(graph.graph.get("truncated")),
        data_json=_script_json({"elements": elements, "layout": layout}),
        library=library,
    )


# --- RDF dumps -------------------------------------------------------------------------------


def _subject_quads(store: ox.Store, subjects: Iterable[ox.NamedNode | ox.BlankNode]) -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for subject in subjects:
        quads.extend(document_quads(store, subject, None, None))
    return quads


def selected_quads(store: ox.Store, graph: nx.MultiDiGraph) -> list[ox.Quad]:
    """The quads about the nodes of ``graph``: their own triples (links to nodes left out are
    dropped), their mentions, and the reified statements (with mentions) of the kept edges."""
    kept = set(graph.nodes)
    kept_edges = {(u, d["predicate"], v) for u, v, d in graph.edges(data=True)}
    kept_edges |= {(v, str(SKOS.narrower), u) for u, v, p in kept_edges if p == str(SKOS.broader)}
    # "Nodes" are what the full view would show; a link to one of those outside the selection
    # is cut, while links to classes, mentions, admin levels and the like are kept.
    nodes_anywhere = set(typed_nodes(store))
    quads, mentions = [], set()
    for quad in _subject_quads(store, (ox.NamedNode(n) for n in sorted(kept))):
        obj = quad.object
        if isinstance(obj, ox.NamedNode) and obj.value in nodes_anywhere and obj.value not in kept:
            continue
        quads.append(quad)
        if quad.predicate.value == str(PG.mention):
            mentions.add(obj)
    statements = set()
    for s, p, o in kept_edges:
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(RDF.subject)), ox.NamedNode(s), None):
            st = quad.subject
            if any(
                store.quads_for_pattern(st, ox.NamedNode(str(RDF.predicate)), ox.NamedNode(p), None)
            ) and any(store.quads_for_pattern(st, ox.NamedNode(str(RDF.object)), ox.NamedNode(o), None)):
                statements.add(st)
    for quad in _subject_quads(store, statements):
        quads.append(quad)
        if quad.predicate.value == str(PROV.wasDerivedFrom):
            mentions.add(quad.object)
    quads.extend(_subject_quads(store, sorted(mentions, key=str)))
    return list(dict.fromkeys(quads))


def rdf_bytes(store: ox.Store, fmt: str, graph: nx.MultiDiGraph | None = None) -> tuple[bytes, int]:
    """The store (or the part about ``graph``'s nodes) in an RDF format; returns (bytes, count).

    Quad formats keep one named graph per document; Turtle gets the union of the graphs, each
    triple once."""
    spec = RDF_FORMATS[fmt]
    quads = list(document_quads(store)) if graph is None else selected_quads(store, graph)
    if spec.quads:
        items: Sequence[ox.Quad | ox.Triple] = quads
    else:
        items = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    prefixes = None if spec.format == ox.RdfFormat.N_QUADS else _RDF_PREFIXES
    return ox.serialize(items, format=spec.format, prefixes=prefixes), len(items)


# --- the command -----------------------------------------------------------------------------

#: Media type and file extension of each format, for serving an export over HTTP.
MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "cytoscape": ("application/json", "cyjs"),
    "node-link": ("application/json", "json"),
    "csv": ("application/zip", "zip"),  # nodes.csv and edges.csv
    "html": ("text/html; charset=utf-8", "html"),
    "turtle": ("text/turtle", "ttl"),
    "trig": ("application/trig", "trig"),
    "nquads": ("application/n-quads", "nq"),
    "jsonld": ("application/ld+json", "jsonld"),
}


@dataclass
class Export:
    """An export in memory: its bytes, media type, file extension and a one-line summary."""

    content: bytes
    media_type: str
    extension: str
    summary: str  # "2104 nodes and 3007 edges" or "13100 quads", plus a note when cut


def export_bytes(
    store: ox.Store,
    fmt: str,
    focus: str | None = None,
    depth: int | None = None,
    document: str | None = None,
    types: list[str] | None = None,
) -> Export:
    """The graph, or the part the filters select, in format ``fmt`` (see :data:`FORMATS`).

    Filters: ``focus`` + ``depth`` (the neighbourhood of an entity), ``document`` (IRI, source
    file or title), ``types`` (node types such as ``Project``). CSV comes as a zip of
    ``nodes.csv`` and ``edges.csv``; :func:`export_graph` writes the two files instead.
    """
    name = normalise_format(fmt)
    media_type, extension = MEDIA_TYPES[name]
    filtered = bool(focus or document or types)
    if name in RDF_FORMATS:
        graph = network(store, focus=focus, depth=depth, document=document, types=types) if filtered else None
        content, count = rdf_bytes(store, name, graph)
        unit = "quads" if RDF_FORMATS[name].quads else "triples"
        return Export(content, media_type, extension, f"{count} {unit}{_truncation(graph)}")
    graph = network(store, focus=focus, depth=depth, document=document, types=types)
    summary = f"{graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges{_truncation(graph)}"
    if name == "csv":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            nodes_text, edges_text = csv_tables(graph)
            archive.writestr("nodes.csv", nodes_text)
            archive.writestr("edges.csv", edges_text)
        return Export(buffer.getvalue(), media_type, extension, summary)
    content = _NETWORK_WRITERS[name](graph, _title(focus, document))
    return Export(content, media_type, extension, summary)


def export_graph(
    store: ox.Store,
    fmt: str,
    out: Path,
    focus: str | None = None,
    depth: int | None = None,
    document: str | None = None,
    types: list[str] | None = None,
) -> str:
    """Write :func:`export_bytes` to ``out`` (CSV: two files, see :func:`csv_paths`); returns a
    one-line summary of what was written where."""
    name = normalise_format(fmt)
    out = Path(out)
    if name == "csv":
        graph = network(store, focus=focus, depth=depth, document=document, types=types)
        nodes_path, edges_path = csv_paths(out)
        nodes_text, edges_text = csv_tables(graph)
        _write(nodes_path, nodes_text.encode("utf-8"))
        _write(edges_path, edges_text.encode("utf-8"))
        size = f"{graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges"
        return f"wrote {size} to {nodes_path} and {edges_path}{_truncation(graph)}"
    result = export_bytes(store, name, focus=focus, depth=depth, document=document, types=types)
    _write(out, result.content)
    label = RDF_FORMATS[name].name if name in RDF_FORMATS else name
    head, _, note = result.summary.partition(" (cut")
    return f"wrote {head} ({label}) to {out}" + (f" (cut{note}" if note else "")


def _title(focus: str | None, document: str | None) -> str:
    """The page title names the filters as given."""
    parts = ["plangraph"]
    if document:
        parts.append(f"document {document}")
    if focus:
        parts.append(f"around {focus}")
    return " — ".join(parts)


_NETWORK_WRITERS: dict[str, Callable[[nx.MultiDiGraph, str], bytes]] = {
    "graphml": lambda g, _t: graphml_bytes(g),
    "gexf": lambda g, _t: gexf_bytes(g),
    "cytoscape": lambda g, _t: _json_bytes(cytoscape_data(g)),
    "node-link": lambda g, _t: _json_bytes(node_link_data(g)),
    "html": lambda g, t: html_page(g, t).encode("utf-8"),
}


def _truncation(graph: nx.MultiDiGraph | None) -> str:
    if graph is not None and graph.graph.get("truncated"):
        return f" (cut at {graph.number_of_nodes()} nodes: see settings.max_export_nodes)"
    return ""


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Export",
    "csv_tables",
    "cytoscape_data",
    "export_bytes",
    "export_graph",
    "gexf_bytes",
    "graphml_bytes",
    "html_page",
    "node_link_data",
    "rdf_bytes",
]
