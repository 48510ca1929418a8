"""The trace page's view of a trace: ranked projects with labelled evidence, and its graph.

Built in the server from the JSON a worker returned for ``/api/trace`` (small: tens of kilobytes),
so the page and the API show the same answer. Every string here is document text or derived from
it: the template escapes it, and the graph goes to the browser as JSON inside a
``<script type="application/json">`` element (see :func:`plangraph.web.pages.script_json`), where
Cytoscape.js draws labels as canvas text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from ..reading.nodes import NODE_TYPES, PALETTE
from ..trace import ROUTES
from .pages import entity_url

#: How the routes are named on the page, strongest first (``narrower`` ranks a project that
#: reaches only a narrower industry after those reaching the industry asked for).
ROUTE_NAMES: dict[str, tuple[str, str]] = {
    "direct": ("直接支撑", "direct"),
    "narrower": ("下位产业", "narrower"),
    "park": ("园区承载", "park"),
    "section": ("规划章节", "section"),
    "box": ("专栏标题", "box"),
}

#: What each piece of evidence attests, as shown next to its quote.
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "pg:supportsIndustry": ("支撑产业", "supports"),
    "pg:promotesIndustry": ("发展目标", "goal"),
    "pg:hostsIndustry": ("园区产业", "hosts"),
    "pg:locatedIn": ("所在位置", "located in"),
    "item": ("项目条目", "item"),
    "box": ("专栏", "box"),
    "group": ("分组标题", "group"),
    "division": ("章节", "division"),
    "mention": ("提及", "mention"),
}

UNKNOWN_COLOUR = "#9aa6b1"

#: Longer quotes are shortened in the list (the source view shows them whole).
QUOTE_SHOWN = 90


def source_link(evidence: dict, near_line: int | None = None) -> str | None:
    """Where a quote can be seen highlighted: its mention, else the quote found in its document
    (from its line, or from ``near_line`` when it has none: a group heading inside a box)."""
    if evidence.get("mention"):
        return "/source?" + urlencode({"mention": evidence["mention"]}) + "#hl"
    if evidence.get("document") and evidence.get("quote"):
        params = {"doc": evidence["document"], "find": evidence["quote"]}
        line = evidence.get("line") if isinstance(evidence.get("line"), int) else near_line
        if line is not None:
            params["line"] = str(line)
        return "/source?" + urlencode(params) + "#hl"
    return None


@dataclass
class EvidenceView:
    quote: str
    role: str
    role_zh: str
    role_en: str
    url: str | None
    where: str

    @property
    def shown(self) -> str:
        return self.quote if len(self.quote) <= QUOTE_SHOWN else self.quote[: QUOTE_SHOWN - 1] + "…"


@dataclass
class StepView:
    label: str
    type: str
    url: str
    predicate: str | None
    forward: bool


@dataclass
class PathView:
    route: str
    industry: str
    steps: list[StepView]


@dataclass
class ProjectView:
    rank: int
    anchor: str
    iri: str
    label: str
    url: str
    route: str
    narrower: str | None
    """The narrower industry reached, when the project does not reach the one asked for."""
    box: str | None
    item_number: int | None
    evidence: list[EvidenceView]
    paths: list[PathView]


@dataclass
class GroupView:
    title: str
    iri: str | None
    source_file: str | None
    projects: list[ProjectView]


@dataclass
class TraceView:
    query: str
    industry: dict
    narrower: list[dict]
    count: int
    groups: list[GroupView]
    route_counts: list[tuple[str, int]]
    graph: dict = field(default_factory=dict)
    legend: list[dict] = field(default_factory=list)
    graph_cut: bool = False


def _evidence(e: dict, near_line: int | None) -> EvidenceView:
    zh, en = ROLE_NAMES.get(e.get("role", ""), (e.get("role", ""), ""))
    where = ":".join(str(x) for x in (e.get("source_file"), e.get("line")) if x is not None)
    return EvidenceView(e.get("quote", ""), e.get("role", ""), zh, en, source_link(e, near_line), where)


def _box_line(evidence: list[dict]) -> int | None:
    """The line of the box title among a project's evidence: its group heading comes after it."""
    lines = [e["line"] for e in evidence if e.get("role") == "box" and isinstance(e.get("line"), int)]
    return min(lines) if lines else None


def _path(p: dict) -> PathView:
    steps = [
        StepView(
            s["node"]["label"],
            s["node"]["type"],
            entity_url(s["node"]["iri"]),
            (s["predicate"] or "").split(":", 1)[-1] or None,
            s["forward"],
        )
        for s in p["steps"]
    ]
    return PathView(p["route"], p["industry"]["label"], steps)


def _rank_route(project: dict, asked: str) -> tuple[str, str | None]:
    """The project's route for display, and the narrower industry when that is all it reaches
    by its strongest route (the library ranks such projects after the others of the route)."""
    route = project["route"]
    reached = [p["industry"] for p in project["paths"] if p["route"] == route]
    if reached and all(i["iri"] != asked for i in reached):
        return route, reached[0]["label"]
    return route, None


def trace_view(data: dict, max_nodes: int) -> TraceView:
    """The page model of a ``TraceResult.to_json()`` answer (with mention IRIs on evidence)."""
    asked = data["industry"]["iri"]
    groups, counts, rank = [], dict.fromkeys(ROUTES, 0), 0
    for group in data["documents"]:
        projects = []
        for p in group["projects"]:
            rank += 1
            route, narrower = _rank_route(p, asked)
            counts[route] += 1
            projects.append(
                ProjectView(
                    rank=rank,
                    anchor=f"p{rank}",
                    iri=p["iri"],
                    label=p["label"],
                    url=entity_url(p["iri"]),
                    route=route,
                    narrower=narrower,
                    box=p["box"]["label"] if p.get("box") else None,
                    item_number=p.get("item_number"),
                    evidence=[_evidence(e, _box_line(p["evidence"])) for e in p["evidence"]],
                    paths=[_path(path) for path in p["paths"]],
                )
            )
        document = group.get("document")
        groups.append(
            GroupView(
                document["label"] if document else "",
                document["iri"] if document else None,
                group.get("source_file"),
                projects,
            )
        )
    view = TraceView(
        query=data["query"],
        industry=data["industry"],
        narrower=[i for i in data["industries"] if i.get("narrower_of")],
        count=data["count"],
        groups=groups,
        route_counts=[(r, n) for r, n in counts.items() if n],
    )
    view.graph, view.legend, view.graph_cut = trace_graph(data, max_nodes)
    return view


def trace_graph(data: dict, max_nodes: int) -> tuple[dict, list[dict], bool]:
    """Cytoscape.js elements of every path of the trace (projects in rank order until
    ``max_nodes``) with their positions, the legend of the types drawn, and whether projects
    were left out. Narrower industries are linked to the broader one they were reached from."""
    asked = data["industry"]["iri"]
    nodes: dict[str, dict] = {asked: _node(data["industry"], "asked")}
    edges: dict[tuple[str, str, str], dict] = {}
    anchors: dict[str, str] = {}
    cut, rank = False, 0
    for group in data["documents"]:
        for project in group["projects"]:
            rank += 1
            anchors.setdefault(project["iri"], f"p{rank}")
            wanted = {s["node"]["iri"] for p in project["paths"] for s in p["steps"]}
            if len(set(nodes) | wanted) > max_nodes:
                cut = True
                continue
            for path in project["paths"]:
                _add_path(path, nodes, edges)
    _link_industries(data["industries"], nodes, edges)
    for iri, node in nodes.items():
        node["data"]["anchor"] = anchors.get(iri, "")
    positions = layered_positions(
        list(nodes), {i: n["data"]["type"] for i, n in nodes.items()}, list(edges), asked
    )
    for iri, (x, y) in positions.items():
        nodes[iri]["position"] = {"x": round(x, 1), "y": round(y, 1)}
    counts = dict.fromkeys(NODE_TYPES, 0)
    for node in nodes.values():
        counts[node["data"]["type"]] = counts.get(node["data"]["type"], 0) + 1
    legend = [
        {"type": t, "colour": PALETTE.get(t, UNKNOWN_COLOUR), "count": n} for t, n in counts.items() if n
    ]
    elements = {"nodes": list(nodes.values()), "edges": list(edges.values())}
    return {"elements": elements, "root": asked, "height": drawing_height(positions)}, legend, cut


def drawing_height(positions: dict[str, tuple[float, float]]) -> int:
    ys = [y for _, y in positions.values()] or [0.0]
    wanted = (max(ys) - min(ys) + ROW_GAP) * 0.8 + 80
    return int(min(MAX_HEIGHT, max(MIN_HEIGHT, wanted)))


def _link_industries(industries: list[dict], nodes: dict[str, dict], edges: dict) -> None:
    """Draw each narrower industry of the graph with the chain of broader ones up to the industry
    traced, so every path reaches it."""
    parent = {i["iri"]: i.get("narrower_of") for i in industries}
    refs = {i["iri"]: i for i in industries}
    pending = [iri for iri in nodes if parent.get(iri)]
    while pending:
        child = pending.pop()
        up = parent.get(child)
        if not up or up not in refs:
            continue
        if up not in nodes:
            nodes[up] = _node(refs[up])
            pending.append(up)
        key = (child, "skos:broader", up)
        if key not in edges:
            edges[key] = _edge(len(edges) + 1, child, up, "broader", "narrower")


#: Layered drawing: horizontal distance between columns, vertical distance between rows, most
#: rows in one column (longer columns wrap into sub-columns this far apart).
COLUMN_GAP = 280.0
ROW_GAP = 48.0
MAX_ROWS = 18
SUBCOLUMN_GAP = 220.0
#: Height of the drawing on the page, in pixels: enough for its longest column at about 80 %
#: zoom, within these bounds.
MIN_HEIGHT, MAX_HEIGHT = 420, 820


def layered_positions(
    order: list[str], types: dict[str, str], edges: list[tuple[str, str, str]], root: str
) -> dict[str, tuple[float, float]]:
    """Positions that read like the paths: the industry traced on the right, each node in the
    column of its distance from it (boxes and divisions in between, projects to the left), so
    every relation joins neighbouring columns and none is drawn across a node.

    Within a column, projects keep their rank and other nodes sit at the height of their
    neighbours (a few barycentre sweeps); ties put them in the middle. Deterministic."""
    neighbours: dict[str, set[str]] = {n: set() for n in order}
    for s, _, o in edges:
        neighbours[s].add(o)
        neighbours[o].add(s)
    depth = _distances(root, neighbours)
    last = max(depth.values(), default=0)
    for n in order:  # nothing should be left unreached; if so, it goes in a column of its own
        depth.setdefault(n, last + 1)
    columns: dict[int, list[str]] = {}
    for n in order:
        columns.setdefault(depth[n], []).append(n)
    rank = {n: i for i, n in enumerate(order)}
    y = {n: _slot(i, len(columns[depth[n]])) for d in columns for i, n in enumerate(columns[d])}
    for _ in range(3):
        for d in sorted(columns):
            columns[d] = _order_column(columns[d], types, neighbours, y, rank)
            for i, n in enumerate(columns[d]):
                y[n] = _slot(i % MAX_ROWS, min(MAX_ROWS, len(columns[d])))
    positions: dict[str, tuple[float, float]] = {}
    x = 0.0
    for d in sorted(columns):
        for i, n in enumerate(columns[d]):
            positions[n] = (x - (i // MAX_ROWS) * SUBCOLUMN_GAP, y[n])
        x -= COLUMN_GAP + SUBCOLUMN_GAP * ((len(columns[d]) - 1) // MAX_ROWS)
    return positions


def _distances(root: str, neighbours: dict[str, set[str]]) -> dict[str, int]:
    depth = {root: 0} if root in neighbours else {}
    frontier = list(depth)
    while frontier:
        following = []
        for n in frontier:
            for m in sorted(neighbours[n]):
                if m not in depth:
                    depth[m] = depth[n] + 1
                    following.append(m)
        frontier = following
    return depth


def _slot(index: int, count: int) -> float:
    return (index - (count - 1) / 2) * ROW_GAP


def _order_column(
    column: list[str],
    types: dict[str, str],
    neighbours: dict[str, set[str]],
    y: dict[str, float],
    rank: dict[str, int],
) -> list[str]:
    """Other nodes take the free row nearest the mean height of their neighbours in other
    columns; projects fill the remaining rows in rank order."""
    rows = min(MAX_ROWS, len(column))
    slots: list[str | None] = [None] * len(column)

    def wanted_row(n: str) -> int:
        near = [y[m] for m in neighbours[n] if m in y and m not in column]
        height = sum(near) / len(near) if near else 0.0
        return round(height / ROW_GAP + (rows - 1) / 2)

    others = sorted((n for n in column if types[n] != "Project"), key=lambda n: (wanted_row(n), rank[n]))
    for n in others:
        row = min(max(wanted_row(n), 0), len(column) - 1)
        free = sorted((i for i, taken in enumerate(slots) if taken is None), key=lambda i: (abs(i - row), i))
        slots[free[0]] = n
    projects = iter(sorted((n for n in column if types[n] == "Project"), key=lambda n: rank[n]))
    return [taken if taken is not None else next(projects) for taken in slots]


def _node(ref: dict, extra_class: str = "") -> dict:
    kind = ref.get("type") or ""
    return {
        "data": {
            "id": ref["iri"],
            "label": ref["label"],
            "type": kind,
            "colour": PALETTE.get(kind, UNKNOWN_COLOUR),
            "url": entity_url(ref["iri"]),
        },
        "classes": " ".join(c for c in (kind, extra_class) if c),
    }


def _add_path(path: dict, nodes: dict[str, dict], edges: dict[tuple[str, str, str], dict]) -> None:
    previous = None
    for step in path["steps"]:
        ref = step["node"]
        nodes.setdefault(ref["iri"], _node(ref))
        if previous is not None and step["predicate"]:
            source, target = (previous, ref["iri"]) if step["forward"] else (ref["iri"], previous)
            key = (source, step["predicate"], target)
            if key not in edges:
                label = step["predicate"].split(":", 1)[-1]
                edges[key] = _edge(len(edges) + 1, source, target, label, path["route"])
        previous = ref["iri"]


def _edge(number: int, source: str, target: str, label: str, route: str) -> dict:
    return {"data": {"id": f"e{number}", "source": source, "target": target, "label": label, "route": route}}


__all__ = ["ROUTES", "ROUTE_NAMES", "TraceView", "source_link", "trace_graph", "trace_view"]
