"""A NetworkX view of the plan graph, and the traversals built on it.

The view holds the *things* of the graph (regions, industries, parks, projects, box items,
documents, divisions, boxes, indicators, observations, organisations) as typed nodes and their relations as
edges labelled by predicate. Mentions and reified statements are not nodes: they are the
provenance of nodes and edges, carried as a ``quote`` attribute. The view is read from the store
with targeted SPARQL queries (typed nodes, relations between them, labels, first mentions),
restricted to a document, a region, a set of types or the neighbourhood of one entity.

On top of it: :func:`trace_industry` (which projects serve an industry goal, and why),
:func:`shortest_path`, :func:`neighbourhood`, :func:`most_connected` and :func:`compare_plans`.
All return plain data (dataclasses with ``to_json()``) so the CLI and the web app share them.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import pairwise

import networkx as nx
import pyoxigraph as ox

from .settings import get_settings
from .store import select
from .vocab import DCTERMS, ID, PG, PROV, RDF, RDFS, SKOS, normalise_name

# --- node types and their colours ------------------------------------------------------------

#: Node types in the order used to break ties (an industry wins over a division of the same name).
NODE_TYPES: tuple[str, ...] = (
    "Industry",
    "Park",
    "Project",
    "BoxItem",
    "Region",
    "Indicator",
    "Document",
    "Box",
    "Division",
    "Observation",
    "Organization",
)

#: One palette for every export and the HTML legend (Tableau 10: distinct, colour-blind aware).
PALETTE: dict[str, str] = {
    "Region": "#4e79a7",
    "Industry": "#e15759",
    "Park": "#f28e2b",
    "Project": "#59a14f",
    "BoxItem": "#8cd17d",
    "Document": "#76b7b2",
    "Division": "#bab0ac",
    "Box": "#edc948",
    "Indicator": "#b07aa1",
    "Observation": "#ff9da7",
    "Organization": "#9c755f",
}

#: Classes that map onto a node type although they are not named like it.
_SUBCLASSES: dict[str, str] = {"FiveYearPlan": "Document", "WorkReport": "Document"}

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

_PREFIXES = {
    str(PG): "pg",
    str(DCTERMS): "dcterms",
    str(SKOS): "skos",
    str(RDFS): "rdfs",
    str(RDF): "rdf",
    str(PROV): "prov",
}

_SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for ns, p in _PREFIXES.items())

#: VALUES blocks are sent in slices of this many IRIs (keeps each query text modest).
_BATCH = 400

#: Above this many IRIs, :func:`_select_values` scans instead of joining a VALUES block.
_BULK = 300

#: Longest quote kept on a node or edge attribute (whole sentences are in the store).
_QUOTE_CHARS = 300


def local_name(iri: str) -> str:
    """``https://w3id.org/plangraph/ontology#supportsIndustry`` -> ``supportsIndustry``."""
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri


def compact(iri: str) -> str:
    """``pg:supportsIndustry`` for a known namespace, the IRI itself otherwise."""
    for ns, prefix in _PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


# --- errors ----------------------------------------------------------------------------------


class UnknownEntity(Exception):
    """A name that matches nothing of the expected kind; the message lists the closest names."""

    def __init__(self, name: str, kind: str = "entity", suggestions: Sequence[str] = ()):
        self.name = name
        self.kind = kind
        self.suggestions = list(suggestions)
        if self.suggestions:
            hint = "closest known: " + ", ".join(self.suggestions)
        else:
            hint = f"no {kind} in the graph is close to it"
        super().__init__(f"unknown {kind} {name!r}; {hint}")


class AmbiguousEntity(UnknownEntity):
    """A name that matches several things equally well (the message lists them)."""

    def __init__(self, name: str, kind: str, candidates: Sequence[str]):
        super().__init__(name, kind, candidates)
        self.args = (f"{kind} {name!r} is ambiguous; it matches: " + ", ".join(candidates),)

    def __str__(self) -> str:
        return str(self.args[0])


# --- small SPARQL helpers --------------------------------------------------------------------


def _py(term: object) -> object:
    """A query result term as a Python value: IRIs and strings as str, integers as int."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype is not None and local_name(term.datatype.value) in (
            "integer",
            "int",
            "long",
            "nonNegativeInteger",
            "positiveInteger",
        ):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return term  # blank nodes stay terms: they only make sense inside this store


def _select(store: ox.Store, sparql: str) -> list[tuple]:
    return [tuple(_py(v) for v in row) for row in select(store, _SPARQL_PREFIXES + sparql)]


def _lang_rows(store: ox.Store, sparql: str) -> list[tuple]:
    """Like :func:`_select`, but literals come back as ``(text, language)``."""
    rows = []
    for row in select(store, _SPARQL_PREFIXES + sparql):
        rows.append(tuple((v.value, v.language or "") if isinstance(v, ox.Literal) else _py(v) for v in row))
    return rows


def _iri(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ \n'):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def _chunks(items: Iterable[str], size: int = _BATCH) -> Iterator[list[str]]:
    items = sorted(set(items))
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _select_values(
    store: ox.Store,
    var: str,
    iris: Iterable[str],
    body: str,
    select: Callable[[ox.Store, str], list[tuple]] = _select,
) -> list[tuple]:
    """Run ``body`` with ``?var`` bound to each of ``iris`` through a VALUES block (``select``
    reads the rows: :func:`_select`, or :func:`_lang_rows` to keep languages).

    For many IRIs, when ``?var`` is the first projected variable, the query runs once unbound and
    its rows are filtered here instead: oxigraph joins long VALUES blocks slowly, and a scan of
    one pattern is cheap."""
    iris = set(iris)
    if not iris:
        return []
    if len(iris) > _BULK and re.match(rf"\s*SELECT\s+(DISTINCT\s+)?\?{var}\b", body):
        return [row for row in select(store, body.replace("{VALUES}", "")) if row[0] in iris]
    rows: list[tuple] = []
    for chunk in _chunks(iris):
        values = " ".join(_iri(i) for i in chunk)
        rows.extend(select(store, body.replace("{VALUES}", f"VALUES ?{var} {{ {values} }}")))
    return rows


# --- typed nodes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeRef:
    """A node as shown to people: IRI, label and type."""

    iri: str
    label: str
    type: str

    def to_json(self) -> dict:
        return {"iri": self.iri, "label": self.label, "type": self.type}

    def __str__(self) -> str:
        return self.label


def _class_map(store: ox.Store) -> dict[str, str]:
    """Class IRI -> node type, including subclasses the ontology declares."""
    classes = {str(PG[t]): t for t in NODE_TYPES}
    classes.update({str(PG[sub]): base for sub, base in _SUBCLASSES.items()})
    bases = " ".join(_iri(str(PG[t])) for t in NODE_TYPES)
    for sub, base in _select(
        store, f"SELECT ?sub ?base WHERE {{ VALUES ?base {{ {bases} }} ?sub rdfs:subClassOf+ ?base }}"
    ):
        if isinstance(sub, str):
            classes.setdefault(sub, local_name(base))
    return classes


def typed_nodes(store: ox.Store) -> dict[str, tuple[str, str]]:
    """Every node of the view: IRI -> (type, subtype). ``subtype`` is the most specific class
    (``FiveYearPlan`` for a plan), equal to ``type`` when there is nothing more specific."""
    classes = _class_map(store)
    values = " ".join(_iri(c) for c in classes)
    classes_of: dict[str, set[str]] = defaultdict(set)
    for node, cls in _select(store, f"SELECT ?n ?c WHERE {{ VALUES ?c {{ {values} }} ?n a ?c }}"):
        if isinstance(node, str):
            classes_of[node].add(cls)
    found: dict[str, tuple[str, str]] = {}
    for node, cls_set in classes_of.items():
        kind = min((classes[c] for c in cls_set), key=NODE_TYPES.index)
        specific = sorted(local_name(c) for c in cls_set if classes[c] == kind and local_name(c) != kind)
        found[node] = (kind, specific[0] if specific else kind)
    # Publishers are "a node with rdfs:label" in the contract, often without a class.
    for (org,) in _select(store, "SELECT DISTINCT ?o WHERE { ?d dcterms:publisher ?o FILTER(isIRI(?o)) }"):
        found.setdefault(org, ("Organization", "Organization"))
    return found


def _pick_label(values: list[tuple[str, str]]) -> str | None:
    """Prefer Chinese, then untagged, then anything; shortest-first is not wanted (keep order)."""
    for want in ("zh", ""):
        for text, lang in values:
            if lang.lower().startswith(want) if want else lang == "":
                return text
    return values[0][0] if values else None


def node_labels(store: ox.Store, nodes: dict[str, tuple[str, str]]) -> dict[str, str]:
    """A readable (Chinese) label for each node."""
    props: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    query_text = """SELECT ?n ?p ?v WHERE { {VALUES}
        VALUES ?p { skos:prefLabel rdfs:label dcterms:title pg:number pg:sourceFile pg:valueText pg:year }
        ?n ?p ?v FILTER(isLiteral(?v)) }"""
    for node, pred, value in _select_values(store, "n", nodes, query_text, select=_lang_rows):
        props[node][local_name(pred)].append(value)
    observed = [n for n, (t, _) in nodes.items() if t == "Observation"]
    indicator_of = {
        obs: name
        for obs, name in _select_values(
            store, "n", observed, "SELECT ?n ?l WHERE { {VALUES} ?n pg:indicator ?i . ?i rdfs:label ?l }"
        )
    }
    labels = {}
    for node, (kind, _) in nodes.items():
        labels[node] = _label_for(kind, props.get(node, {}), indicator_of.get(node)) or local_name(node)
    return labels


def _label_for(kind: str, p: dict[str, list[tuple[str, str]]], indicator: str | None) -> str | None:
    def first(name: str) -> str | None:
        return _pick_label(p.get(name, []))

    if kind in ("Division", "Box"):
        parts = [x for x in (first("number"), first("title")) if x]
        return " ".join(parts) or None
    if kind == "Observation":
        parts = [x for x in (indicator, first("year"), first("valueText")) if x]
        return " ".join(parts) or None
    if kind == "Document":
        return first("title") or first("sourceFile")
    return first("prefLabel") or first("label") or first("title")


# --- name resolution -------------------------------------------------------------------------


#: Words ending in 业 whose 业 is not a suffix to drop (工业 is not "工" + 业).
_WHOLE_YE_WORDS = frozenset(
    [
        "工业",
        "农业",
        "林业",
        "牧业",
        "渔业",
        "矿业",
        "商业",
        "企业",
        "行业",
        "专业",
        "就业",
        "事业",
        "创业",
        "职业",
        "作业",
        "实业",
        "物业",
        "副业",
        "产业",
    ]
)


def name_variants(text: str, strict: bool = False) -> set[str]:
    """The normal form of a name, with and without a trailing 产业 / 业.

    ``strict`` keeps words such as 工业 or 农业 whole ("装备工业" is not "装备工" + 业): needed
    when looking for the name inside other text, not when comparing whole names.
    """
    name = normalise_name(text)
    variants = {name}
    if name.endswith("产业") and len(name) > 3:
        variants.add(name[:-2])
    elif name.endswith("业") and len(name) > 2 and not (strict and name[-2:] in _WHOLE_YE_WORDS):
        variants.add(name[:-1])
    return {v for v in variants if v}


def _label_index(store: ox.Store, kinds: dict[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(IRI, type, name) for every name a node is known by."""
    rows = _lang_rows(
        store,
        """SELECT ?n ?v WHERE {
             VALUES ?p { skos:prefLabel skos:altLabel rdfs:label dcterms:title pg:sourceFile pg:adminCode }
             ?n ?p ?v FILTER(isIRI(?n) && isLiteral(?v)) }""",
    )
    return [(n, kinds[n][0], v[0]) for n, v in rows if n in kinds]


def _expand_iri(text: str) -> str | None:
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith(("http://", "https://", "urn:")):
        return text
    if text.isascii() and "/" in text and " " not in text:  # "industry/aluminium": an ID path
        return str(ID[text.lstrip("/")])
    return None


def _suggest(name: str, index: list[tuple[str, str, str]], limit: int = 5) -> list[str]:
    """The known names closest to ``name``, one per node: names containing it (or contained in
    it) first, then by similarity."""
    wanted = normalise_name(name)
    best: dict[str, tuple] = {}
    for node, _, label in index:
        text = normalise_name(label)
        ratio = difflib.SequenceMatcher(None, wanted, text).ratio()
        contains = bool(wanted) and (wanted in text or text in wanted)
        score = (not contains, -ratio, len(label), label)
        if contains or ratio >= 0.3:
            best[node] = min(best.get(node, score), score)
    return [score[-1] for score in sorted(best.values())][:limit]


def resolve(
    store: ox.Store,
    name: str,
    types: Sequence[str] | None = None,
    kind: str = "entity",
    kinds: dict[str, tuple[str, str]] | None = None,
) -> str:
    """The IRI of the node called ``name`` (a label, an alternative label, an IRI or an ID path).

    Names are compared after normalisation (NFKC, no spaces) and with or without a trailing
    产业/业; an exact match beats a suffix-variant match, and ties go to the type listed first in
    :data:`NODE_TYPES`. Raises :class:`UnknownEntity` with the closest names.
    """
    kinds = typed_nodes(store) if kinds is None else kinds
    allowed = set(types) if types else set(NODE_TYPES)
    iri = _expand_iri(name)
    if iri is not None and iri in kinds and kinds[iri][0] in allowed:
        return iri
    index = [row for row in _label_index(store, kinds) if row[1] in allowed]
    wanted = name_variants(name)
    exact = normalise_name(name)
    best: list[tuple[int, int, str]] = []
    for node, node_type, label in index:
        variants = name_variants(label)
        if exact in variants and normalise_name(label) == exact:
            quality = 0
        elif wanted & variants:
            quality = 1
        else:
            continue
        best.append((quality, NODE_TYPES.index(node_type), node))
    if best:
        return min(best)[2]
    raise UnknownEntity(name, kind, _suggest(name, index))


def resolve_industry(store: ox.Store, name: str) -> str:
    return resolve(store, name, ["Industry"], "industry")


def resolve_document(store: ox.Store, text: str) -> str:
    """A document by IRI, source file name (with or without extension) or a fragment of its title."""
    docs = {
        doc: (title or "", source or "")
        for doc, title, source in _select(
            store,
            """SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?f) AS ?file) WHERE {
                 ?d a ?c . ?c rdfs:subClassOf* pg:Document .
                 OPTIONAL { ?d dcterms:title ?t } OPTIONAL { ?d pg:sourceFile ?f } } GROUP BY ?d""",
        )
        if isinstance(doc, str)
    }
    docs.update(
        {
            doc: (title or "", source or "")
            for doc, title, source in _select(
                store,
                """SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?f) AS ?file) WHERE {
                     VALUES ?c { pg:FiveYearPlan pg:WorkReport } ?d a ?c .
                     OPTIONAL { ?d dcterms:title ?t } OPTIONAL { ?d pg:sourceFile ?f } } GROUP BY ?d""",
            )
            if isinstance(doc, str)
        }
    )
    iri = _expand_iri(text)
    if iri in docs:
        return iri
    wanted = normalise_name(text)
    by_file = [d for d, (_, f) in docs.items() if f and wanted in (f, f.rsplit(".", 1)[0])]
    if len(by_file) == 1:
        return by_file[0]
    by_title = [d for d, (t, _) in docs.items() if t and normalise_name(t) == wanted]
    if len(by_title) != 1:
        by_title = [d for d, (t, _) in docs.items() if wanted and wanted in normalise_name(t)]
    if len(by_title) == 1:
        return by_title[0]
    if len(by_title) > 1:
        raise AmbiguousEntity(text, "document", sorted(f"{docs[d][0]} ({docs[d][1]})" for d in by_title))
    names = [(d, "Document", t) for d, (t, _) in docs.items() if t]
    names += [(d, "Document", f) for d, (_, f) in docs.items() if f]
    raise UnknownEntity(text, "document", _suggest(text, names))


# --- the network view ------------------------------------------------------------------------


def _document_nodes(store: ox.Store, doc: str) -> set[str]:
    """Nodes named in a document's own graph(s) (as subject or object), plus the document."""
    graphs = [
        g for (g,) in _select(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {_iri(doc)} ?p ?o }} }}")
    ]
    nodes = {doc}
    for graph in graphs:
        rows = _select(
            store,
            f"""SELECT DISTINCT ?n WHERE {{ GRAPH {_iri(graph)} {{
                   {{ ?n ?p ?x }} UNION {{ ?x ?p ?n FILTER(isIRI(?n)) }} }} }}""",
        )
        nodes.update(n for (n,) in rows if isinstance(n, str))
    return nodes


def _region_nodes(store: ox.Store, region: str) -> set[str]:
    """A region, the regions within it, and everything in the documents about any of them."""
    inside = {r for (r,) in _select(store, f"SELECT ?r WHERE {{ ?r pg:within* {_iri(region)} }}")}
    inside.add(region)
    nodes = set(inside)
    docs = _select_values(store, "r", inside, "SELECT DISTINCT ?d WHERE { {VALUES} ?d pg:jurisdiction ?r }")
    for (doc,) in docs:
        nodes |= _document_nodes(store, doc)
    located = _select_values(
        store, "r", inside, "SELECT DISTINCT ?x WHERE { {VALUES} ?x pg:within|pg:locatedIn ?r }"
    )
    nodes.update(x for (x,) in located)
    return nodes


def _check_types(types: Iterable[str]) -> set[str]:
    """Type names as given (any case; a subclass such as FiveYearPlan, or Organisation) ->
    the names to match against a node's ``type`` or ``subtype``."""
    known = {t.lower(): t for t in NODE_TYPES}
    known.update({sub.lower(): sub for sub in _SUBCLASSES})
    known["organisation"] = "Organization"
    chosen = set()
    for name in types:
        key = name.strip().lower()
        if key not in known:
            raise ValueError(f"unknown node type {name!r}; known types: {', '.join(NODE_TYPES)}")
        chosen.add(known[key])
    return chosen


def _incident(store: ox.Store, nodes: Iterable[str]) -> list[tuple[str, str, str]]:
    """(node, predicate, neighbour) for every IRI-valued triple touching ``nodes``, both ways."""
    return _select_values(
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
        skip = ", ".join(_iri(p) for p in sorted(_NOT_EDGES))
        rows = _select(
            store,
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o) && ?p NOT IN ({skip})) }}",
        )
    else:
        rows = _select_values(
            store, "s", nodes, "SELECT DISTINCT ?s ?p ?o WHERE { {VALUES} ?s ?p ?o FILTER(isIRI(?o)) }"
        )
    edges = set()
    narrower, broader = str(SKOS.narrower), str(SKOS.broader)
    for s, p, o in rows:
        if p in _NOT_EDGES or s not in nodes or o not in nodes or s == o:
            continue
        edges.add((o, broader, s) if p == narrower else (s, p, o))
    return sorted(edges)


def _first_mentions(
    store: ox.Store, nodes: Iterable[str]
) -> dict[str, tuple[str, int | None, str | None, int]]:
    """Node -> (quote, line, document, number of mentions) of its first mention."""
    rows = _select_values(
        store,
        "n",
        nodes,
        """SELECT ?n ?q ?line ?start ?doc WHERE { {VALUES} ?n pg:mention ?m . ?m pg:quote ?q .
             OPTIONAL { ?m pg:line ?line } OPTIONAL { ?m pg:start ?start } OPTIONAL { ?m pg:document ?doc } }""",
    )
    by_node: dict[str, list[tuple]] = defaultdict(list)
    for node, quote, line, start, doc in rows:
        by_node[node].append((doc or "", start if isinstance(start, int) else 0, quote, line))
    first = {}
    for node, mentions in by_node.items():
        doc, _, quote, line = min(mentions)
        first[node] = (quote, line if isinstance(line, int) else None, doc or None, len(mentions))
    return first


def statement_quotes(store: ox.Store, subjects: Iterable[str]) -> dict[tuple[str, str, str], list[Evidence]]:
    """Evidence of reified relations whose subject is one of ``subjects``: (s, p, o) -> mentions."""
    rows = _select_values(
        store,
        "s",
        subjects,
        """SELECT ?s ?p ?o ?q ?line ?start ?doc ?file WHERE { {VALUES}
             ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?m .
             ?m pg:quote ?q .
             OPTIONAL { ?m pg:line ?line } OPTIONAL { ?m pg:start ?start }
             OPTIONAL { ?m pg:document ?doc OPTIONAL { ?doc pg:sourceFile ?file } } }""",
    )
    found: dict[tuple[str, str, str], set[tuple]] = defaultdict(set)
    for s, p, o, quote, line, start, doc, file in rows:
        found[(s, p, o)].add((doc or "", start if isinstance(start, int) else 0, quote, line, file))
    return {
        key: [
            Evidence(q, "", d or None, f, ln if isinstance(ln, int) else None) for d, _, q, ln, f in sorted(v)
        ]
        for key, v in found.items()
    }


def _source_files(store: ox.Store) -> dict[str, str]:
    return {d: f for d, f in _select(store, "SELECT ?d ?f WHERE { ?d pg:sourceFile ?f }")}


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
        chosen = _check_types(types)
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
    mentions = _first_mentions(store, nodes)
    files = _source_files(store)
    own_doc = {
        n: (d, line)
        for n, d, line in _select_values(
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
            "label": labels[node],
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


def describe(store: ox.Store, iris: Iterable[str]) -> dict[str, NodeRef]:
    """NodeRefs (label and type) for the given IRIs; unknown IRIs get their local name."""
    iris = set(iris)
    kinds = typed_nodes(store)
    present = {i: kinds[i] for i in iris if i in kinds}
    labels = node_labels(store, present)
    return {i: NodeRef(i, labels.get(i, local_name(i)), present[i][0] if i in present else "") for i in iris}


# --- evidence --------------------------------------------------------------------------------


@dataclass
class Evidence:
    """A quoted piece of a source document that supports a step of a path."""

    quote: str
    role: str  # what it attests: "pg:supportsIndustry", "box", "item", ...
    document: str | None = None
    source_file: str | None = None
    line: int | None = None

    def to_json(self) -> dict:
        return {
            "quote": self.quote,
            "role": self.role,
            "document": self.document,
            "source_file": self.source_file,
            "line": self.line,
        }

    def cite(self) -> str:
        where = ":".join(str(x) for x in (self.source_file, self.line) if x is not None)
        return f"“{self.quote}”" + (f" ({where})" if where else "")


def mentions_of(store: ox.Store, nodes: Iterable[str]) -> dict[str, list[Evidence]]:
    """Every mention of each node, in document and text order."""
    rows = _select_values(
        store,
        "n",
        nodes,
        """SELECT ?n ?q ?line ?start ?doc ?file WHERE { {VALUES} ?n pg:mention ?m . ?m pg:quote ?q .
             OPTIONAL { ?m pg:line ?line } OPTIONAL { ?m pg:start ?start }
             OPTIONAL { ?m pg:document ?doc OPTIONAL { ?doc pg:sourceFile ?file } } }""",
    )
    found: dict[str, set[tuple]] = defaultdict(set)
    for node, quote, line, start, doc, file in rows:
        found[node].add((doc or "", start if isinstance(start, int) else 0, quote, line, file))
    return {
        node: [
            Evidence(q, "mention", d or None, f, ln if isinstance(ln, int) else None)
            for d, _, q, ln, f in sorted(v)
        ]
        for node, v in found.items()
    }


def _with_role(evidence: Iterable[Evidence], role: str) -> list[Evidence]:
    return [Evidence(e.quote, role, e.document, e.source_file, e.line) for e in evidence]


def _dedupe(evidence: Iterable[Evidence]) -> list[Evidence]:
    seen, kept = set(), []
    for e in evidence:
        key = (e.quote, e.document, e.line)
        if key not in seen:
            seen.add(key)
            kept.append(e)
    return kept


# --- trace an industry -----------------------------------------------------------------------

#: Routes from a project to an industry goal, strongest first.
ROUTES: tuple[str, ...] = ("direct", "park", "section", "box")


@dataclass
class PathStep:
    """One node of a path and the edge that led to it from the previous node."""

    node: NodeRef
    predicate: str | None = None  # compact predicate of the edge from the previous node
    forward: bool = True  # True: previous --predicate--> node; False: node --predicate--> previous
    evidence: list[Evidence] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "node": self.node.to_json(),
            "predicate": self.predicate,
            "forward": self.forward,
            "evidence": [e.to_json() for e in self.evidence],
        }


def _arrow(step: PathStep) -> str:
    name = step.predicate.split(":", 1)[-1] if step.predicate else ""
    return f" —{name}→ " if step.forward else f" ←{name}— "


def format_path(path: Sequence[PathStep]) -> str:
    """``A (Project) —supportsIndustry→ B (Industry) ←hostsIndustry— C (Park)``, then evidence."""
    if not path:
        return "no path"
    line = ""
    for i, step in enumerate(path):
        if i:
            line += _arrow(step)
        line += f"{step.node.label} ({step.node.type})"
    cited = [f"  {e.cite()}" for step in path for e in step.evidence]
    return "\n".join([line, *cited])


@dataclass
class TracePath:
    """One reason a project serves the industry: the route and its steps from project to industry."""

    route: str
    industry: NodeRef  # the industry reached: the one asked for or a narrower one
    steps: list[PathStep]
    document: NodeRef | None = None

    @property
    def evidence(self) -> list[Evidence]:
        return _dedupe(e for step in self.steps for e in step.evidence)

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
        return _dedupe(e for p in self.paths for e in p.evidence)

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


def _industry_tree(store: ox.Store, root: str) -> list[tuple[str, str | None]]:
    """The industry and every narrower one (the scheme may state skos:broader, skos:narrower or
    both), each with the broader industry it was reached from; breadth-first."""
    rows = _select(
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
    tree = _industry_tree(store, root)
    targets = {ind for ind, _ in tree}
    found = _direct(store, targets) + _via_parks(store, targets) + _via_sections(store, targets)
    iris = {root} | targets | {f.project for f in found} | {n for f in found for n, _, _ in f.via}
    iris |= {f.document for f in found if f.document}
    refs = describe(store, iris)
    files = _source_files(store)
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
    rows = _select_values(
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
        said = _with_role(quotes.get((proj, pred, ind), []), "pg:supportsIndustry")
        item = _with_role(own.get(proj, [])[:1], "mention") if not said else []
        for doc in sorted({e.document for e in said} or {_document_of(item)}, key=str):
            ev = [e for e in said if e.document == doc] or item
            found.append(
                _Found("direct", proj, ind, [(ind, "pg:supportsIndustry", True)], doc, {0: item, 1: ev})
            )
    return found


def _via_parks(store: ox.Store, targets: set[str]) -> list[_Found]:
    rows = _select_values(
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
        where = _with_role(quotes.get((proj, located, park), []), "pg:locatedIn")
        goal = _with_role(quotes.get((park, hosts, ind), []), "pg:hostsIndustry")
        item = [] if where else _with_role(own.get(proj, [])[:1], "mention")
        doc = _document_of(where, item) or _document_of(goal)
        via = [(park, "pg:locatedIn", True), (ind, "pg:hostsIndustry", True)]
        found.append(_Found("park", proj, ind, via, doc, {0: item, 1: where, 2: goal}))
    return found


def _box_chains(store: ox.Store, boxes: set[str]) -> dict[str, list[str]]:
    """Each box's enclosing divisions, nearest first (following dcterms:isPartOf upwards)."""
    rows = _select_values(
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
    rows = _select_values(
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
    listed = _select(
        store,
        """SELECT DISTINCT ?proj ?box ?item ?order ?group WHERE { ?proj pg:listedIn ?box ; a pg:Project .
             OPTIONAL { ?proj pg:itemNumber ?item } OPTIONAL { ?box pg:order ?order }
             OPTIONAL { ?proj pg:group ?group } }""",
    )
    boxes = {row[1] for row in listed}
    chains = _box_chains(store, boxes)
    goals: dict[str, set[str]] = defaultdict(set)
    for div, ind in _select_values(
        store,
        "d",
        {d for chain in chains.values() for d in chain},
        "SELECT ?d ?i WHERE { {VALUES} ?d pg:promotesIndustry ?i ; a pg:Division }",
    ):
        goals[div].add(ind)
    nearest = {box: next((d for d in chain if goals.get(d)), None) for box, chain in chains.items()}
    industries = {i for (i,) in _select(store, "SELECT ?i WHERE { ?i a pg:Industry }") if isinstance(i, str)}
    names = _industry_names(store, industries | targets)
    titles = {
        b: t
        for b, t in _select_values(store, "b", boxes, "SELECT ?b ?t WHERE { {VALUES} ?b dcterms:title ?t }")
    }

    def named_in(text: str | None) -> set[str]:
        text = normalise_name(text or "")
        return {i for i, words in names.items() if any(w in text for w in words)} if text else set()

    # (project, box, item, order, group, heading named, section industries, title industries)
    hits = []
    for proj, box, item, order, group in sorted(listed, key=str):
        by_group = named_in(group)
        named = by_group or named_in(titles.get(box))
        goal_set = goals[nearest[box]] if nearest[box] else set()
        by_section = (named & goal_set if named else goal_set) & targets
        by_title = (named - goal_set) & targets
        if by_section or by_title:
            hits.append((proj, box, item, order, group if by_group else None, by_section, by_title))
    if not hits:
        return []
    divisions = {nearest[h[1]] for h in hits} - {None}
    served = {h[1] for h in hits}
    goal_quotes = statement_quotes(store, divisions)  # type: ignore[arg-type]
    heading = mentions_of(store, divisions | served | {h[0] for h in hits})  # type: ignore[operator]
    doc_of = {
        x: d
        for x, d in _select_values(store, "x", served, "SELECT ?x ?d WHERE { {VALUES} ?x pg:document ?d }")
    }
    promotes = str(PG.promotesIndustry)
    found = []
    for proj, box, item, order, group, by_section, by_title in hits:
        div, doc = nearest[box], doc_of.get(box)
        item_ev = _with_role([e for e in heading.get(proj, []) if e.document in (doc, None)][:1], "item")
        box_ev = _with_role(heading.get(box, [])[:1], "box")
        group_ev = [Evidence(group, "group", doc)] if group else []
        number = item if isinstance(item, int) else None
        position = order if isinstance(order, int) else None
        for ind in sorted(by_section):
            goal = _with_role(goal_quotes.get((div, promotes, ind), []), "pg:promotesIndustry")
            goal = goal or _with_role(heading.get(div, [])[:1], "division")  # type: ignore[arg-type]
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
        evidence = _with_role(quotes.get((s, data["predicate"], o), [])[:1], compact(data["predicate"]))
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
    wanted = {t for t in _check_types(types) if t in NODE_TYPES}
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


# --- compare plans ---------------------------------------------------------------------------


#: Cells that only mark an empty place in a table.
_PLACEHOLDER = " \t—–-－―*＊/／…"


@dataclass
class TargetValue:
    year: str | None
    text: str
    value: Decimal | None
    kind: str

    @property
    def is_set(self) -> bool:
        """A target the plan actually sets: not a baseline, and not a placeholder like "—"."""
        return self.kind == "Target" and bool(self.text.strip(_PLACEHOLDER))

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "text": self.text,
            "value": _decimal_text(self.value),
            "kind": self.kind,
        }


@dataclass
class IndicatorChange:
    indicator: NodeRef
    unit_a: str | None
    unit_b: str | None
    a: TargetValue
    b: TargetValue

    @property
    def unit(self) -> str | None:
        if self.unit_a and self.unit_b and self.unit_a != self.unit_b:
            return f"{self.unit_a} / {self.unit_b}"
        return self.unit_a or self.unit_b

    @property
    def change(self) -> Decimal | None:
        """B minus A, when both are numbers in the same unit (亿立方米 vs 万立方米 do not subtract)."""
        if self.a.value is None or self.b.value is None:
            return None
        if self.unit_a and self.unit_b and self.unit_a != self.unit_b:
            return None
        return self.b.value - self.a.value

    def to_json(self) -> dict:
        return {
            **self.indicator.to_json(),
            "unit": self.unit,
            "unit_a": self.unit_a,
            "unit_b": self.unit_b,
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "change": _decimal_text(self.change),
        }


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


@dataclass
class Comparison:
    plan_a: NodeRef
    plan_b: NodeRef
    industries_added: list[NodeRef]
    industries_dropped: list[NodeRef]
    industries_kept: list[NodeRef]
    indicators: list[IndicatorChange]
    indicators_only_a: list[NodeRef]
    indicators_only_b: list[NodeRef]

    def to_json(self) -> dict:
        def refs(items: list[NodeRef]) -> list[dict]:
            return [r.to_json() for r in items]

        return {
            "plan_a": self.plan_a.to_json(),
            "plan_b": self.plan_b.to_json(),
            "industries": {
                "added": refs(self.industries_added),
                "dropped": refs(self.industries_dropped),
                "kept": refs(self.industries_kept),
            },
            "indicators": [c.to_json() for c in self.indicators],
            "indicators_only_a": refs(self.indicators_only_a),
            "indicators_only_b": refs(self.indicators_only_b),
        }

    def format_table(self) -> str:
        def names(items: list[NodeRef]) -> str:
            return "、".join(r.label for r in items) or "—"

        lines = [
            f"A: {self.plan_a.label}",
            f"B: {self.plan_b.label}",
            "",
            f"industries added in B   ({len(self.industries_added)}): {names(self.industries_added)}",
            f"industries dropped in B ({len(self.industries_dropped)}): {names(self.industries_dropped)}",
            f"industries in both      ({len(self.industries_kept)}): {names(self.industries_kept)}",
            "",
            f"indicators with a target in both plans ({len(self.indicators)}):",
        ]
        rows = [("indicator", "unit", "A target", "B target", "change")]
        for c in self.indicators:
            a = f"{c.a.text} ({c.a.year})" if c.a.year else c.a.text
            b = f"{c.b.text} ({c.b.year})" if c.b.year else c.b.text
            rows.append((c.indicator.label, c.unit or "", a, b, _decimal_text(c.change) or ""))
        lines += _table(rows)
        lines += [
            "",
            f"indicators only in A ({len(self.indicators_only_a)}): {names(self.indicators_only_a)}",
            f"indicators only in B ({len(self.indicators_only_b)}): {names(self.indicators_only_b)}",
        ]
        return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _plan_industries(store: ox.Store, doc: str) -> set[str]:
    d = _iri(doc)
    rows = _select(
        store,
        f"""SELECT DISTINCT ?i WHERE {{
              {{ {d} pg:promotesIndustry ?i }} UNION {{ ?x pg:document {d} ; pg:promotesIndustry ?i }} }}""",
    )
    return {i for (i,) in rows if isinstance(i, str)}


def _plan_targets(store: ox.Store, doc: str) -> dict[str, tuple[TargetValue, str | None]]:
    """Indicator -> (its target in this plan, unit). The latest target year wins; the table
    order breaks ties. Indicators with observations but no target get their latest value."""
    d = _iri(doc)
    rows = _select(
        store,
        # within the plan's own named graph: an indicator node is shared by every plan that
        # sets it, and each plan prints its own unit
        f"""SELECT ?i ?year ?text ?value ?kind ?unit ?o WHERE {{ GRAPH ?g {{
              {{ ?o pg:document {d} }} UNION {{ ?o pg:table/pg:document {d} }}
              ?o a pg:Observation ; pg:indicator ?i .
              OPTIONAL {{ ?o pg:year ?year }} OPTIONAL {{ ?o pg:valueText ?text }}
              OPTIONAL {{ ?o pg:value ?value }} OPTIONAL {{ ?o pg:valueKind ?kind }}
              OPTIONAL {{ ?i pg:unit ?unit }} }} }}""",
    )
    best: dict[str, tuple[tuple, TargetValue, str | None]] = {}
    for ind, year, text, value, kind, unit, obs in rows:
        kind_name = local_name(kind) if isinstance(kind, str) else ""
        number = None
        if value is not None:
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                number = None
        key = (kind_name == "Target", str(year or ""), str(obs))
        target = TargetValue(str(year) if year else None, str(text or value or ""), number, kind_name)
        if ind not in best or key > best[ind][0]:
            best[ind] = (key, target, unit)
    return {ind: (t, unit) for ind, (_, t, unit) in best.items()}


def compare_plans(store: ox.Store, plan_a: str, plan_b: str) -> Comparison:
    """Industries added and dropped between two plans, and the indicators both set targets for
    with the change in target (B minus A, when both are numbers)."""
    doc_a, doc_b = resolve_document(store, plan_a), resolve_document(store, plan_b)
    inds_a, inds_b = _plan_industries(store, doc_a), _plan_industries(store, doc_b)
    targets_a, targets_b = _plan_targets(store, doc_a), _plan_targets(store, doc_b)
    refs = describe(store, {doc_a, doc_b} | inds_a | inds_b | set(targets_a) | set(targets_b))

    def sorted_refs(iris: Iterable[str]) -> list[NodeRef]:
        return sorted((refs[i] for i in iris), key=lambda r: (r.label, r.iri))

    both = []
    for ind in sorted(set(targets_a) & set(targets_b), key=lambda i: refs[i].label):
        (ta, unit_a), (tb, unit_b) = targets_a[ind], targets_b[ind]
        if ta.is_set and tb.is_set:
            both.append(IndicatorChange(refs[ind], unit_a, unit_b, ta, tb))
    set_in_both = {c.indicator.iri for c in both}
    only_a = [i for i, (t, _) in targets_a.items() if t.is_set and i not in set_in_both]
    only_b = [i for i, (t, _) in targets_b.items() if t.is_set and i not in set_in_both]
    return Comparison(
        plan_a=refs[doc_a],
        plan_b=refs[doc_b],
        industries_added=sorted_refs(inds_b - inds_a),
        industries_dropped=sorted_refs(inds_a - inds_b),
        industries_kept=sorted_refs(inds_a & inds_b),
        indicators=both,
        indicators_only_a=sorted_refs(only_a),
        indicators_only_b=sorted_refs(only_b),
    )
