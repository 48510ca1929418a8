"""Exports of the graph (or of a part of it) for other tools, through one format registry.

:data:`EXPORT_FORMATS` lists every format once (key, media type, file extension, aliases,
writer); the CLI, ``/api/export``, its OpenAPI description and the download links all read it.

Network formats come from the NetworkX view (:func:`plangraph.network.network`): GraphML 1.0 and
GEXF 1.3, valid against their official schemas (for Gephi, Cytoscape desktop, yEd, igraph),
Cytoscape.js JSON, node-link JSON (d3), nodes and edges CSV with Gephi's column names, and a
standalone HTML page that draws the network offline with the bundled Cytoscape.js. RDF formats
(Turtle, N-Triples, TriG, N-Quads, JSON-LD) dump the quads of the store: all of them, or with
filters the triples about the selected nodes, their mentions and the reified statements between
them.

Each format's writer returns the content as bytes so the web app can serve it without a file;
:func:`export_graph` writes it to disk for the CLI.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from jinja2 import Environment, select_autoescape

from . import __version__ as PLANGRAPH_VERSION
from .network import NODE_TYPES, PALETTE, network, typed_nodes
from .store import document_quads
from .vocab import DCTERMS, PG, PROV, RDF, RDFS, SKOS, XSD

_RDF_PREFIXES = {
    "pg": str(PG),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "prov": str(PROV),
    "xsd": str(XSD),
}


# --- network formats -------------------------------------------------------------------------

#: Characters XML 1.0 cannot carry (C0 controls but tab, newline and carriage return; U+FFFE/F;
#: lone surrogates). Document text extracted from PDFs sometimes holds them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: object) -> str:
    """The text of an attribute value for XML: booleans as xs:boolean wants them (``true`` /
    ``false``), characters XML cannot carry replaced by U+FFFD."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _value_type(values: Iterable[object]) -> str:
    """The one type all values of an attribute share: boolean, int, double or string."""
    kinds = {type(v) for v in values}
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "int"
    if kinds and kinds <= {int, float}:
        return "double"
    return "string"


def _columns(items: Iterable[dict], skip: Iterable[str] = ()) -> dict[str, str]:
    """Attribute name -> value type over the scalar attributes of ``items``, in first-seen order."""
    seen: dict[str, list[object]] = {}
    for data in items:
        for name, value in data.items():
            if _is_scalar(value) and name not in skip:
                seen.setdefault(name, []).append(value)
    return {name: _value_type(values) for name, values in seen.items()}


def node_ids(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Export ids of the nodes: ``n0``, ``n1`` … in the view's order. IRIs are not ``xs:NMTOKEN``
    (GraphML's id type), so every format that needs such ids carries the IRI as the ``iri``
    attribute instead."""
    return {node: f"n{i}" for i, node in enumerate(graph.nodes)}


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_GRAPHML_TYPES = {"boolean": "boolean", "int": "long", "double": "double", "string": "string"}


def graphml_bytes(graph: nx.MultiDiGraph) -> bytes:
    """GraphML 1.0 (UTF-8), valid against the GraphML XSD: node ids ``n0`` … (the IRI is the
    ``iri`` attribute), edge ids the view's edge keys (``e1`` …), key ids ``g_…`` / ``n_…`` /
    ``e_…`` so a node and an edge attribute of the same name never share one, ``attr.type``
    from the values. The colour is also given as integer ``r`` / ``g`` / ``b`` attributes,
    which Gephi's importer reads as the node colour."""
    ids = node_ids(graph)
    nodes = []
    for node, data in graph.nodes(data=True):
        item = dict(data)
        if isinstance(data.get("colour"), str):
            item.update({k: v for k, v in _rgb(data["colour"]).items() if k != "a"})
        nodes.append((node, item))
    edges = list(graph.edges(keys=True, data=True))
    scopes = {
        "graph": ("g", _columns([graph.graph])),
        "node": ("n", _columns(d for _, d in nodes)),
        "edge": ("e", _columns(d for *_, d in edges)),
    }
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    for scope, (prefix, columns) in scopes.items():
        for name, kind in columns.items():
            ET.SubElement(
                root,
                "key",
                {
                    "id": f"{prefix}_{name}",
                    "for": scope,
                    "attr.name": name,
                    "attr.type": _GRAPHML_TYPES[kind],
                },
            )

    def add_data(parent: ET.Element, prefix: str, data: dict) -> None:
        for name, value in data.items():
            if _is_scalar(value):
                ET.SubElement(parent, "data", {"key": f"{prefix}_{name}"}).text = _xml_text(value)

    body = ET.SubElement(root, "graph", {"id": "G", "edgedefault": "directed"})
    add_data(body, "g", graph.graph)
    for node, data in nodes:
        add_data(ET.SubElement(body, "node", {"id": ids[node]}), "n", data)
    for u, v, key, data in edges:
        element = ET.SubElement(body, "edge", {"id": str(key), "source": ids[u], "target": ids[v]})
        add_data(element, "e", data)
    return _xml_bytes(root)


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _rgb(colour: str) -> dict[str, int]:
    colour = colour.lstrip("#")
    return {"r": int(colour[0:2], 16), "g": int(colour[2:4], 16), "b": int(colour[4:6], 16)}


GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"
_GEXF_TYPES = {"boolean": "boolean", "int": "long", "double": "double", "string": "string"}


def gexf_bytes(graph: nx.MultiDiGraph) -> bytes:
    """GEXF 1.3 (Gephi's current format), valid against its RelaxNG schema: node ids are the IRIs
    (GEXF ids are strings), ``label`` is the node or edge label, the other scalar attributes are
    declared ``attributes``, the colour is Gephi's ``viz:color``. Edge ids are the edge keys.
    What the view says about the graph itself (its filters, whether it was cut) goes into the
    ``meta`` description, the one place GEXF has for it."""
    node_columns = _columns((d for _, d in graph.nodes(data=True)), skip=("label",))
    edge_columns = _columns((d for *_, d in graph.edges(keys=True, data=True)), skip=("label",))
    root = ET.Element("gexf", {"xmlns": GEXF_NS, "xmlns:viz": GEXF_VIZ_NS, "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = f"plangraph {PLANGRAPH_VERSION}"
    about = [f"{k}={_xml_text(v)}" for k, v in graph.graph.items() if _is_scalar(v)]
    ET.SubElement(meta, "description").text = "; ".join(about)
    body = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    for scope, columns in (("node", node_columns), ("edge", edge_columns)):
        declared = ET.SubElement(body, "attributes", {"class": scope, "mode": "static"})
        for name, kind in columns.items():
            ET.SubElement(declared, "attribute", {"id": name, "title": name, "type": _GEXF_TYPES[kind]})

    def add_values(parent: ET.Element, data: dict, columns: dict[str, str]) -> None:
        values = [(name, data[name]) for name in columns if _is_scalar(data.get(name))]
        if values:
            holder = ET.SubElement(parent, "attvalues")
            for name, value in values:
                ET.SubElement(holder, "attvalue", {"for": name, "value": _xml_text(value)})

    nodes = ET.SubElement(body, "nodes")
    for node, data in graph.nodes(data=True):
        element = ET.SubElement(
            nodes, "node", {"id": _xml_text(node), "label": _xml_text(data.get("label", node))}
        )
        add_values(element, data, node_columns)
        if isinstance(data.get("colour"), str):
            rgb = _rgb(data["colour"])
            ET.SubElement(element, "viz:color", {k: str(v) for k, v in rgb.items()})
    edges = ET.SubElement(body, "edges")
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {"id": str(key), "source": _xml_text(u), "target": _xml_text(v)}
        if _is_scalar(data.get("label")):
            attrs["label"] = _xml_text(data["label"])
        add_values(ET.SubElement(edges, "edge", attrs), data, edge_columns)
    return _xml_bytes(root)


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


def _scalar_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only str/int/float/bool attributes (None dropped), string node ids."""

    def clean(data: dict) -> dict:
        return {k: v for k, v in data.items() if _is_scalar(v)}

    copy = nx.MultiDiGraph(**clean(graph.graph))
    for node, data in graph.nodes(data=True):
        copy.add_node(str(node), **clean(data))
    for u, v, key, data in graph.edges(keys=True, data=True):
        copy.add_edge(str(u), str(v), key=str(key), **clean(data))
    return copy


def node_link_data(graph: nx.MultiDiGraph) -> dict:
    """Node-link JSON as d3-force expects it: ``nodes`` with an ``id`` (the IRI) and ``links``
    whose ``source`` / ``target`` are node ids; ``networkx.node_link_graph`` reads it back."""
    return nx.node_link_data(_scalar_copy(graph), edges="links")


def _json_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


#: Gephi's spreadsheet importer knows ``Id`` and ``Label`` in a node table and ``Source``,
#: ``Target``, ``Type``, ``Id`` and ``Label`` in an edge table; other columns become attributes.
NODE_COLUMNS = ("Id", "Label", "type", "subtype", "colour", "iri", "document", "line", "mentions", "quote")
EDGE_COLUMNS = ("Id", "Source", "Target", "Type", "Label", "predicate", "quote")
_CSV_FIELDS = {"Label": "label"}  # a column read from the view's attribute of another name

#: Byte order mark that tells spreadsheet programs (Excel) the CSV is UTF-8.
BOM = "\ufeff"


def csv_tables(graph: nx.MultiDiGraph, bom: bool = False) -> tuple[str, str]:
    """The node table and the edge table as CSV text (header row, one row per item) with Gephi's
    column names; node ids are the IRIs. ``bom``: start each table with a byte order mark."""
    nodes_out, edges_out = io.StringIO(), io.StringIO()
    writer = csv.writer(nodes_out, lineterminator="\n")
    writer.writerow(NODE_COLUMNS)
    for node, data in graph.nodes(data=True):
        writer.writerow([node if c == "Id" else _cell(data.get(_CSV_FIELDS.get(c, c))) for c in NODE_COLUMNS])
    writer = csv.writer(edges_out, lineterminator="\n")
    writer.writerow(EDGE_COLUMNS)
    for u, v, key, data in graph.edges(keys=True, data=True):
        row = {**data, "Id": key, "Source": u, "Target": v, "Type": "Directed"}
        writer.writerow([_cell(row.get(_CSV_FIELDS.get(c, c))) for c in EDGE_COLUMNS])
    mark = BOM if bom else ""
    return mark + nodes_out.getvalue(), mark + edges_out.getvalue()


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def csv_zip(graph: nx.MultiDiGraph, bom: bool = False) -> bytes:
    """``nodes.csv`` and ``edges.csv`` in one zip (for a download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        nodes_text, edges_text = csv_tables(graph, bom)
        archive.writestr("nodes.csv", nodes_text.encode("utf-8"))
        archive.writestr("edges.csv", edges_text.encode("utf-8"))
    return buffer.getvalue()


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
    quads: list[ox.Quad] = []
    mentions: set[ox.NamedNode | ox.BlankNode] = set()
    for quad in _subject_quads(store, (ox.NamedNode(n) for n in sorted(kept))):
        obj = quad.object
        if isinstance(obj, ox.NamedNode) and obj.value in nodes_anywhere and obj.value not in kept:
            continue
        quads.append(quad)
        if quad.predicate.value == str(PG.mention) and isinstance(obj, ox.NamedNode | ox.BlankNode):
            mentions.add(obj)
    statements: set[ox.NamedNode | ox.BlankNode] = set()
    for s, p, o in kept_edges:
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(RDF.subject)), ox.NamedNode(s), None):
            st = quad.subject
            if isinstance(st, ox.Triple):  # an RDF-star quoted triple is no statement node
                continue
            if any(
                store.quads_for_pattern(st, ox.NamedNode(str(RDF.predicate)), ox.NamedNode(p), None)
            ) and any(store.quads_for_pattern(st, ox.NamedNode(str(RDF.object)), ox.NamedNode(o), None)):
                statements.add(st)
    for quad in _subject_quads(store, statements):
        quads.append(quad)
        if quad.predicate.value == str(PROV.wasDerivedFrom) and isinstance(
            quad.object, ox.NamedNode | ox.BlankNode
        ):
            mentions.add(quad.object)
    quads.extend(_subject_quads(store, sorted(mentions, key=str)))
    return list(dict.fromkeys(quads))


def rdf_bytes(store: ox.Store, fmt: str, graph: nx.MultiDiGraph | None = None) -> tuple[bytes, int]:
    """The store (or the part about ``graph``'s nodes) in an RDF format; returns (bytes, count).

    Quad formats keep one named graph per document; triple formats get the union of the graphs,
    each triple once."""
    spec = export_format(fmt)
    if spec.rdf_format is None:
        raise ValueError(f"{spec.key} is not an RDF format")
    quads = list(document_quads(store)) if graph is None else selected_quads(store, graph)
    line_based = (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES)
    prefixes = None if spec.rdf_format in line_based else _RDF_PREFIXES
    if spec.keeps_graphs:
        content, count = ox.serialize(quads, format=spec.rdf_format, prefixes=prefixes), len(quads)
    else:
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        content, count = ox.serialize(triples, format=spec.rdf_format, prefixes=prefixes), len(triples)
    assert content is not None  # serialize returns the bytes when given no output
    return content, count


# --- the format registry ---------------------------------------------------------------------


@dataclass(frozen=True)
class WriteOptions:
    """What a network writer may be told besides the graph."""

    title: str = "plangraph network"
    bom: bool = False  # CSV: a byte order mark for spreadsheet programs


NetworkWriter = Callable[[nx.MultiDiGraph, WriteOptions], bytes]


@dataclass(frozen=True)
class ExportFormat:
    """One export format: everything the CLI, the API, its OpenAPI description and the download
    links need to know about it. A network format has a ``writer`` over the NetworkX view; an RDF
    format has the pyoxigraph ``rdf_format`` the store is dumped in."""

    key: str
    label: str
    media_type: str
    extension: str
    description: str
    aliases: tuple[str, ...] = ()
    writer: NetworkWriter | None = None
    rdf_format: ox.RdfFormat | None = None
    keeps_graphs: bool = False
    """An RDF format that keeps one named graph per document (TriG, N-Quads, JSON-LD)."""

    @property
    def kind(self) -> str:
        return "rdf" if self.rdf_format is not None else "network"


#: Every export format, in the order they are offered. Adding one here adds it everywhere.
EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        "graphml",
        "GraphML",
        "application/graphml+xml",
        "graphml",
        "GraphML 1.0 for Gephi, Cytoscape desktop, yEd, igraph, NetworkX",
        writer=lambda g, _o: graphml_bytes(g),
    ),
    ExportFormat(
        "gexf",
        "GEXF",
        "application/gexf+xml",
        "gexf",
        "GEXF 1.3, Gephi's own format (with node colours)",
        aliases=("gephi",),
        writer=lambda g, _o: gexf_bytes(g),
    ),
    ExportFormat(
        "cytoscape",
        "Cytoscape.js",
        "application/json",
        "cyjs",
        "Cytoscape.js elements JSON (cy.add / cytoscape({elements}))",
        aliases=("cyjs", "cytoscape.js"),
        writer=lambda g, _o: _json_bytes(cytoscape_data(g)),
    ),
    ExportFormat(
        "node-link",
        "node-link JSON",
        "application/json",
        "json",
        "node-link JSON (nodes and links) for d3-force and networkx.node_link_graph",
        aliases=("nodelink", "node_link", "d3"),
        writer=lambda g, _o: _json_bytes(node_link_data(g)),
    ),
    ExportFormat(
        "csv",
        "CSV",
        "application/zip",
        "zip",
        "nodes.csv and edges.csv with Gephi's column names (a zip over HTTP, two files from the CLI)",
        writer=lambda g, o: csv_zip(g, o.bom),
    ),
    ExportFormat(
        "html",
        "HTML",
        "text/html; charset=utf-8",
        "html",
        "one self-contained web page that draws the network offline",
        writer=lambda g, o: html_page(g, o.title).encode("utf-8"),
    ),
    ExportFormat(
        "turtle",
        "Turtle",
        "text/turtle",
        "ttl",
        "RDF Turtle: the union of the graphs, each triple once",
        aliases=("ttl",),
        rdf_format=ox.RdfFormat.TURTLE,
    ),
    ExportFormat(
        "ntriples",
        "N-Triples",
        "application/n-triples",
        "nt",
        "RDF N-Triples: the union of the graphs, each triple once, one per line",
        aliases=("nt", "n-triples"),
        rdf_format=ox.RdfFormat.N_TRIPLES,
    ),
    ExportFormat(
        "trig",
        "TriG",
        "application/trig",
        "trig",
        "RDF TriG: one named graph per document",
        rdf_format=ox.RdfFormat.TRIG,
        keeps_graphs=True,
    ),
    ExportFormat(
        "nquads",
        "N-Quads",
        "application/n-quads",
        "nq",
        "RDF N-Quads: one named graph per document, one quad per line",
        aliases=("nq", "n-quads"),
        rdf_format=ox.RdfFormat.N_QUADS,
        keeps_graphs=True,
    ),
    ExportFormat(
        "jsonld",
        "JSON-LD",
        "application/ld+json",
        "jsonld",
        "RDF JSON-LD: one named graph per document",
        aliases=("json-ld",),
        rdf_format=ox.RdfFormat.JSON_LD,
        keeps_graphs=True,
    ),
)

FORMATS_BY_KEY: dict[str, ExportFormat] = {f.key: f for f in EXPORT_FORMATS}
_BY_NAME: dict[str, ExportFormat] = {name: f for f in EXPORT_FORMATS for name in (f.key, *f.aliases)}

#: The format keys, in order (the CLI's and the API's choices).
FORMATS: tuple[str, ...] = tuple(FORMATS_BY_KEY)
NETWORK_FORMATS: tuple[str, ...] = tuple(f.key for f in EXPORT_FORMATS if f.kind == "network")
#: Media type and file extension of each format, for serving an export over HTTP.
MEDIA_TYPES: dict[str, tuple[str, str]] = {f.key: (f.media_type, f.extension) for f in EXPORT_FORMATS}


def export_format(fmt: str) -> ExportFormat:
    """The format a key or alias names (any case), or ValueError listing the choices."""
    found = _BY_NAME.get(fmt.strip().lower())
    if found is None:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return found


def normalise_format(fmt: str) -> str:
    return export_format(fmt).key


# --- the command -----------------------------------------------------------------------------


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
    bom: bool = False,
) -> Export:
    """The graph, or the part the filters select, in format ``fmt`` (see :data:`EXPORT_FORMATS`).

    Filters: ``focus`` + ``depth`` (the neighbourhood of an entity), ``document`` (IRI, source
    file or title), ``types`` (node types such as ``Project``). CSV comes as a zip of
    ``nodes.csv`` and ``edges.csv`` (``bom``: with byte order marks); :func:`export_graph`
    writes the two files instead.
    """
    spec = export_format(fmt)
    filtered = bool(focus or document or types)
    if spec.rdf_format is not None:
        graph = network(store, focus=focus, depth=depth, document=document, types=types) if filtered else None
        content, count = rdf_bytes(store, spec.key, graph)
        unit = "quads" if spec.keeps_graphs else "triples"
        return Export(content, spec.media_type, spec.extension, f"{count} {unit}{_truncation(graph)}")
    assert spec.writer is not None
    graph = network(store, focus=focus, depth=depth, document=document, types=types)
    summary = f"{graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges{_truncation(graph)}"
    content = spec.writer(graph, WriteOptions(title=_title(focus, document), bom=bom))
    return Export(content, spec.media_type, spec.extension, summary)


def export_graph(
    store: ox.Store,
    fmt: str,
    out: Path,
    focus: str | None = None,
    depth: int | None = None,
    document: str | None = None,
    types: list[str] | None = None,
    bom: bool = False,
) -> str:
    """Write :func:`export_bytes` to ``out`` (CSV: two files, see :func:`csv_paths`); returns a
    one-line summary of what was written where."""
    spec = export_format(fmt)
    out = Path(out)
    if spec.key == "csv":
        graph = network(store, focus=focus, depth=depth, document=document, types=types)
        nodes_path, edges_path = csv_paths(out)
        nodes_text, edges_text = csv_tables(graph, bom)
        _write(nodes_path, nodes_text.encode("utf-8"))
        _write(edges_path, edges_text.encode("utf-8"))
        size = f"{graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges"
        return f"wrote {size} to {nodes_path} and {edges_path}{_truncation(graph)}"
    result = export_bytes(store, spec.key, focus=focus, depth=depth, document=document, types=types, bom=bom)
    _write(out, result.content)
    label = spec.label if spec.kind == "rdf" else spec.key
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


def _truncation(graph: nx.MultiDiGraph | None) -> str:
    if graph is not None and graph.graph.get("truncated"):
        return f" (cut at {graph.number_of_nodes()} nodes: see settings.max_export_nodes)"
    return ""


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "MEDIA_TYPES",
    "Export",
    "ExportFormat",
    "csv_tables",
    "cytoscape_data",
    "export_bytes",
    "export_format",
    "export_graph",
    "gexf_bytes",
    "graphml_bytes",
    "html_page",
    "node_link_data",
    "rdf_bytes",
]
