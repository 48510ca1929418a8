"""Trace an industry goal: which projects serve it, by which route, and the sentences that say so.

Routes, strongest first: *direct* (the project ``pg:supportsIndustry`` it), *park* (the project is
``pg:locatedIn`` a park that ``pg:hostsIndustry`` it), *section* (the project is ``pg:listedIn`` a
box of a division that ``pg:promotesIndustry`` it) and *box* (the box title names it).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from .evidence import (
    Evidence,
    PathStep,
    dedupe,
    format_path,
    mentions_of,
    source_files,
    statement_quotes,
    with_role,
)
from .reading.names import name_variants, resolve_industry
from .reading.nodes import NodeRef, describe
from .reading.sparql import select_for, select_rows
from .vocab import PG, normalise_name

#: Routes from a project to an industry goal, strongest first.
ROUTES: tuple[str, ...] = ("direct", "park", "section", "box")


@dataclass
class TracePath:
    """One reason a project serves the industry: the route and its steps from project to industry."""

    route: str
    industry: NodeRef  # the industry reached: the one asked for or a narrower one
    steps: list[PathStep]
    document: NodeRef | None = None

    @property
    def evidence(self) -> list[Evidence]:
        return dedupe(e for step in self.steps for e in step.evidence)

    def text(self) -> str:
        return format_path(self.steps).split("\n", 1)[0]

    def to_json(self) -> dict:
        return {
            "route": self.route,
            "industry": self.industry.to_json(),
            "text": self.text(),
            "steps": [s.to_json() for s in self.steps],
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass
class TracedProject:
    project: NodeRef
    paths: list[TracePath]
    box: NodeRef | None = None
    item_number: int | None = None
    box_order: int | None = None  # position of the box in its document, for ranking

    @property
    def route(self) -> str:
        return min((p.route for p in self.paths), key=ROUTES.index)

    @property
    def evidence(self) -> list[Evidence]:
        return dedupe(e for p in self.paths for e in p.evidence)

    def sort_key(self, asked: str) -> tuple:
        narrower = all(p.industry.iri != asked for p in self.paths if p.route == self.route)
        return (
            ROUTES.index(self.route),
            narrower,
            self.box_order if self.box_order is not None else 1 << 30,
            self.box.iri if self.box else "~",
            self.item_number if self.item_number is not None else 1 << 30,
            self.project.label,
        )

    def to_json(self) -> dict:
        return {
            **self.project.to_json(),
            "route": self.route,
            "box": self.box.to_json() if self.box else None,
            "item_number": self.item_number,
            "evidence": [e.to_json() for e in self.evidence],
            "paths": [p.to_json() for p in self.paths],
        }


@dataclass
class DocumentGroup:
    document: NodeRef | None  # None: the evidence names no document
    source_file: str | None
    projects: list[TracedProject]

    def to_json(self) -> dict:
        return {
            "document": self.document.to_json() if self.document else None,
            "source_file": self.source_file,
            "count": len(self.projects),
            "projects": [p.to_json() for p in self.projects],
        }


@dataclass
class TraceResult:
    query: str
    industry: NodeRef
    industries: list[tuple[NodeRef, NodeRef | None]]  # (industry, its broader one on the way) — asked first
    documents: list[DocumentGroup]

    @property
    def projects(self) -> list[TracedProject]:
        return [p for group in self.documents for p in group.projects]

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "industry": self.industry.to_json(),
            "industries": [
                {**ind.to_json(), "narrower_of": parent.iri if parent else None}
                for ind, parent in self.industries
            ],
            "count": len(self.projects),
            "documents": [g.to_json() for g in self.documents],
        }

    def format_table(self) -> str:
        lines = [f"{self.industry.label}  <{self.industry.iri}>"]
        narrower = [ind.label for ind, parent in self.industries if parent is not None]
        if narrower:
            lines.append("including narrower industries: " + "、".join(narrower))
        lines.append(f"{len(self.projects)} project(s) in {len(self.documents)} document(s)")
        for group in self.documents:
            title = group.document.label if group.document else "(no document)"
            lines += ["", f"== {title}" + (f" [{group.source_file}]" if group.source_file else "")]
            for i, project in enumerate(group.projects, 1):
                lines.append(f"{i:>3}. [{project.route}] {project.project.label}")
                for path in project.paths:
                    lines.append(f"       {path.route}: {path.text()}")
                for e in project.evidence:
                    lines.append(f"       {e.role}: {e.cite()}")
        return "\n".join(lines)


def industry_tree(store: ox.Store, root: str) -> list[tuple[str, str | None]]:
    """The industry and every narrower one (the scheme may state skos:broader, skos:narrower or
    both), each with the broader industry it was reached from; breadth-first."""
    rows = select_rows(
        store,
        """SELECT DISTINCT ?child ?parent WHERE {
             { ?child skos:broader ?parent } UNION { ?parent skos:narrower ?child }
             FILTER(isIRI(?child) && isIRI(?parent)) }""",
    )
    children: dict[str, set[str]] = defaultdict(set)
    for child, parent in rows:
        children[parent].add(child)
    order: list[tuple[str, str | None]] = [(root, None)]
    seen, queue = {root}, deque([root])
    while queue:
        parent = queue.popleft()
        for child in sorted(children[parent] - seen):
            seen.add(child)
            order.append((child, parent))
            queue.append(child)
    return order


@dataclass
class _Found:
    """A raw trace hit before labelling."""

    route: str
    project: str
    industry: str
    via: list[tuple[str, str, bool]]  # (node, compact predicate into it from the previous, forward)
    document: str | None
    evidence: dict[int, list[Evidence]]  # step index -> evidence for the edge into that step
    box: str | None = None
    item: int | None = None
    box_order: int | None = None


def trace_industry(store: ox.Store, industry: str) -> TraceResult:
    """Every project that supports an industry goal, with the paths that show it and their evidence.

    Routes: a project that ``pg:supportsIndustry`` the industry (or a narrower one) — *direct*;
    a project ``pg:locatedIn`` a park that ``pg:hostsIndustry`` it — *park*; a project
    ``pg:listedIn`` a box of a division that ``pg:promotesIndustry`` it — *section* (the box
    belongs to the nearest enclosing division that sets any industry goal; when that division
    sets several and the box title names some of them, the box serves the ones it names); a
    project listed in a box whose title names the industry — *box* (when no division says so).
    Results are ranked direct, park, section, box, and grouped by document.
    """
    root = resolve_industry(store, industry)
    tree = industry_tree(store, root)
    targets = {ind for ind, _ in tree}
    found = _direct(store, targets) + _via_parks(store, targets) + _via_sections(store, targets)
    iris = {root} | targets | {f.project for f in found} | {n for f in found for n, _, _ in f.via}
    iris |= {f.document for f in found if f.document}
    refs = describe(store, iris)
    files = source_files(store)
    groups: dict[str | None, dict[str, TracedProject]] = defaultdict(dict)
    for hit in found:
        steps = [PathStep(refs[hit.project])]
        for i, (node, pred, forward) in enumerate(hit.via, 1):
            steps.append(PathStep(refs[node], pred, forward, hit.evidence.get(i, [])))
        steps[0].evidence = hit.evidence.get(0, [])
        path = TracePath(
            hit.route, refs[hit.industry], steps, refs.get(hit.document) if hit.document else None
        )
        traced = groups[hit.document].setdefault(hit.project, TracedProject(refs[hit.project], []))
        traced.paths.append(path)
        if hit.box and traced.box is None:
            traced.box, traced.item_number, traced.box_order = refs[hit.box], hit.item, hit.box_order
    documents = []
    for doc, projects in groups.items():
        ranked = sorted(projects.values(), key=lambda p: p.sort_key(root))
        for p in ranked:
            p.paths.sort(key=lambda path: (ROUTES.index(path.route), path.industry.iri != root))
        documents.append(DocumentGroup(refs[doc] if doc else None, files.get(doc) if doc else None, ranked))
    documents.sort(
        key=lambda g: (
            min(ROUTES.index(p.route) for p in g.projects),
            g.document is None,
            g.document.label if g.document else "",
        )
    )
    industries = [(refs[i], refs[p] if p else None) for i, p in tree]
    return TraceResult(industry, refs[root], industries, documents)


def _document_of(evidence: Sequence[Evidence], fallback: Sequence[Evidence] = ()) -> str | None:
    for e in (*evidence, *fallback):
        if e.document:
            return e.document
    return None


def _direct(store: ox.Store, targets: set[str]) -> list[_Found]:
    rows = select_for(
        store,
        "ind",
        targets,
        "SELECT DISTINCT ?proj ?ind WHERE { {VALUES} ?proj pg:supportsIndustry ?ind . ?proj a pg:Project }",
    )
    quotes = statement_quotes(store, {p for p, _ in rows})
    own = mentions_of(store, {p for p, _ in rows})
    pred = str(PG.supportsIndustry)
    found = []
    for proj, ind in rows:
        said = with_role(quotes.get((proj, pred, ind), []), "pg:supportsIndustry")
        item = with_role(own.get(proj, [])[:1], "mention") if not said else []
        for doc in sorted({e.document for e in said} or {_document_of(item)}, key=str):
            ev = [e for e in said if e.document == doc] or item
            found.append(
                _Found("direct", proj, ind, [(ind, "pg:supportsIndustry", True)], doc, {0: item, 1: ev})
            )
    return found


def _via_parks(store: ox.Store, targets: set[str]) -> list[_Found]:
    rows = select_for(
        store,
        "ind",
        targets,
        """SELECT DISTINCT ?proj ?park ?ind WHERE { {VALUES}
             ?park pg:hostsIndustry ?ind . ?proj pg:locatedIn ?park . ?proj a pg:Project }""",
    )
    quotes = statement_quotes(store, {p for p, _, _ in rows} | {k for _, k, _ in rows})
    own = mentions_of(store, {p for p, _, _ in rows})
    located, hosts = str(PG.locatedIn), str(PG.hostsIndustry)
    found = []
    for proj, park, ind in rows:
        where = with_role(quotes.get((proj, located, park), []), "pg:locatedIn")
        goal = with_role(quotes.get((park, hosts, ind), []), "pg:hostsIndustry")
        item = [] if where else with_role(own.get(proj, [])[:1], "mention")
        doc = _document_of(where, item) or _document_of(goal)
        via = [(park, "pg:locatedIn", True), (ind, "pg:hostsIndustry", True)]
        found.append(_Found("park", proj, ind, via, doc, {0: item, 1: where, 2: goal}))
    return found


def _box_chains(store: ox.Store, boxes: set[str]) -> dict[str, list[str]]:
    """Each box's enclosing divisions, nearest first (following dcterms:isPartOf upwards)."""
    rows = select_for(
        store,
        "b",
        boxes,
        "SELECT DISTINCT ?x ?up WHERE { {VALUES} ?b dcterms:isPartOf* ?x . ?x dcterms:isPartOf ?up }",
    )
    parent = dict(sorted(rows))
    chains = {}
    for box in boxes:
        chain, node = [], parent.get(box)
        while node and node not in chain:
            chain.append(node)
            node = parent.get(node)
        chains[box] = chain
    return chains


def _industry_names(store: ox.Store, industries: set[str]) -> dict[str, set[str]]:
    rows = select_for(
        store,
        "i",
        industries,
        "SELECT ?i ?l WHERE { {VALUES} VALUES ?p { skos:prefLabel skos:altLabel rdfs:label } ?i ?p ?l }",
    )
    names: dict[str, set[str]] = defaultdict(set)
    for ind, label in rows:
        names[ind] |= {v for v in name_variants(label, strict=True) if len(v) >= 2}
    return names


def _via_sections(store: ox.Store, targets: set[str]) -> list[_Found]:
    """Projects listed in boxes that serve one of ``targets``.

    An item is about the industries its heading names (any label of the scheme): the group
    heading it is listed under inside the box ("钢铁产业: 1. …") when that names one, else the box
    title. It serves those through the box's nearest enclosing division that promotes any
    industry when that division promotes them (route *section*), else on the heading's word alone
    (route *box*, the weakest). An item whose headings name no industry serves all goals of that
    division (route *section*)."""
    listed = select_rows(
        store,
        """SELECT DISTINCT ?proj ?box ?item ?order ?group WHERE { ?proj pg:listedIn ?box ; a pg:Project .
             OPTIONAL { ?proj pg:itemNumber ?item } OPTIONAL { ?box pg:order ?order }
             OPTIONAL { ?proj pg:group ?group } }""",
    )
    boxes = {row[1] for row in listed}
    chains = _box_chains(store, boxes)
    goals: dict[str, set[str]] = defaultdict(set)
    for div, ind in select_for(
        store,
        "d",
        {d for chain in chains.values() for d in chain},
        "SELECT ?d ?i WHERE { {VALUES} ?d pg:promotesIndustry ?i ; a pg:Division }",
    ):
        goals[div].add(ind)
    nearest = {box: next((d for d in chain if goals.get(d)), None) for box, chain in chains.items()}
    industries = {
        i for (i,) in select_rows(store, "SELECT ?i WHERE { ?i a pg:Industry }") if isinstance(i, str)
    }
    names = _industry_names(store, industries | targets)
    titles = {
        b: t for b, t in select_for(store, "b", boxes, "SELECT ?b ?t WHERE { {VALUES} ?b dcterms:title ?t }")
    }

    def named_in(text: str | None) -> set[str]:
        text = normalise_name(text or "")
        return {i for i, words in names.items() if any(w in text for w in words)} if text else set()

    # (project, box, item, order, group, heading named, section industries, title industries)
    hits = []
    for proj, box, item, order, group in sorted(listed, key=str):
        by_group = named_in(group)
        named = by_group or named_in(titles.get(box))
        near = nearest[box]
        goal_set = goals[near] if near else set()
        by_section = (named & goal_set if named else goal_set) & targets
        by_title = (named - goal_set) & targets
        if by_section or by_title:
            hits.append((proj, box, item, order, group if by_group else None, by_section, by_title))
    if not hits:
        return []
    divisions = {d for h in hits if (d := nearest[h[1]]) is not None}
    served = {h[1] for h in hits}
    goal_quotes = statement_quotes(store, divisions)
    heading = mentions_of(store, divisions | served | {h[0] for h in hits})
    doc_of = {
        x: d for x, d in select_for(store, "x", served, "SELECT ?x ?d WHERE { {VALUES} ?x pg:document ?d }")
    }
    promotes = str(PG.promotesIndustry)
    found = []
    for proj, box, item, order, group, by_section, by_title in hits:
        div, doc = nearest[box], doc_of.get(box)
        item_ev = with_role([e for e in heading.get(proj, []) if e.document in (doc, None)][:1], "item")
        box_ev = with_role(heading.get(box, [])[:1], "box")
        group_ev = [Evidence(group, "group", doc)] if group else []
        number = item if isinstance(item, int) else None
        position = order if isinstance(order, int) else None
        for ind in sorted(by_section):
            # by_section is empty unless the box has a goal-setting division
            assert div is not None
            goal = with_role(goal_quotes.get((div, promotes, ind), []), "pg:promotesIndustry")
            goal = goal or with_role(heading.get(div, [])[:1], "division")
            via = [
                (box, "pg:listedIn", True),
                (div, "dcterms:isPartOf", True),
                (ind, "pg:promotesIndustry", True),
            ]
            evidence = {0: item_ev + group_ev, 1: box_ev, 3: goal}
            found.append(_Found("section", proj, ind, via, doc, evidence, box, number, position))
        for ind in sorted(by_title):
            named_by = "pg:group" if group else "dcterms:title"
            via = [(box, "pg:listedIn", True), (ind, named_by, True)]
            evidence = {0: item_ev, 1: box_ev, 2: group_ev}
            found.append(_Found("box", proj, ind, via, doc, evidence, box, number, position))
    return found
