"""From a name a person typed to a node: resolution, suggestions and search.

Names are compared in their normal form (:func:`plangraph.vocab.normalise_name`: NFKC, no white
space) and with or without a trailing 产业 / 业. :func:`resolve` picks one node (or says which
names are closest), :func:`resolve_document` one document, and :func:`rank_hits` orders the
answers of :data:`search_query` for the search page, the search API and ``plangraph search``.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ..vocab import ID, normalise_name
from .labels import NAME_PROPERTY_IRIS
from .nodes import NODE_TYPES, SUBCLASSES, typed_nodes
from .sparql import select_for, select_lang_rows, select_rows
from .terms import iri_ref, local_name, string_literal

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


# --- name forms ------------------------------------------------------------------------------

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


def expand_iri(text: str) -> str | None:
    """An IRI written as ``<…>``, ``https://…`` or an ID path (``industry/aluminium``), else None."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith(("http://", "https://", "urn:")):
        return text
    if text.isascii() and "/" in text and " " not in text:  # "industry/aluminium": an ID path
        return str(ID[text.lstrip("/")])
    return None


# --- resolution ------------------------------------------------------------------------------

#: Properties a node is known by when a person names it.
_KNOWN_BY = "skos:prefLabel skos:altLabel rdfs:label dcterms:title pg:sourceFile pg:adminCode"


def name_index(store: ox.Store, kinds: dict[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(IRI, type, name) for every name a node of ``kinds`` is known by."""
    answer = select_lang_rows(
        store,
        f"""SELECT ?n ?v WHERE {{ VALUES ?p {{ {_KNOWN_BY} }}
             ?n ?p ?v FILTER(isIRI(?n) && isLiteral(?v)) }}""",
    )
    return [(n, kinds[n][0], v[0]) for n, v in answer if n in kinds]


def suggest(name: str, index: Iterable[tuple[str, str, str]], limit: int = 5) -> list[str]:
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

    An exact match beats a suffix-variant match, and ties go to the type listed first in
    :data:`~.nodes.NODE_TYPES`. Raises :class:`UnknownEntity` with the closest names.
    """
    kinds = typed_nodes(store) if kinds is None else kinds
    allowed = set(types) if types else set(NODE_TYPES)
    iri = expand_iri(name)
    if iri is not None and iri in kinds and kinds[iri][0] in allowed:
        return iri
    index = [row for row in name_index(store, kinds) if row[1] in allowed]
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
    raise UnknownEntity(name, kind, suggest(name, index))


def resolve_industry(store: ox.Store, name: str) -> str:
    return resolve(store, name, ["Industry"], "industry")


def documents(store: ox.Store) -> dict[str, tuple[str, str]]:
    """Every document: IRI -> (title, source file), either may be empty."""
    found: dict[str, tuple[str, str]] = {}
    for query in (
        """SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?f) AS ?file) WHERE {
             ?d a ?c . ?c rdfs:subClassOf* pg:Document .
             OPTIONAL { ?d dcterms:title ?t } OPTIONAL { ?d pg:sourceFile ?f } } GROUP BY ?d""",
        # without the ontology graph, the subclasses are not known as such
        """SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?f) AS ?file) WHERE {
             VALUES ?c { pg:FiveYearPlan pg:WorkReport } ?d a ?c .
             OPTIONAL { ?d dcterms:title ?t } OPTIONAL { ?d pg:sourceFile ?f } } GROUP BY ?d""",
    ):
        for doc, title, source in select_rows(store, query):
            if isinstance(doc, str):
                found[doc] = (title or "", source or "")
    return found


def resolve_document(store: ox.Store, text: str) -> str:
    """A document by IRI, source file name (with or without extension) or a fragment of its title."""
    docs = documents(store)
    iri = expand_iri(text)
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
    raise UnknownEntity(text, "document", suggest(text, names))


# --- search ----------------------------------------------------------------------------------

#: Most names a search looks at before ranking.
SEARCH_SCAN = 2000


def normalise_query(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def search_query(text: str) -> str:
    """Nodes with a name (any name property but quotes) containing ``text``, case-insensitive:
    rows (node, name)."""
    wanted = normalise_query(text).lower()
    props = " ".join(iri_ref(p) for p in NAME_PROPERTY_IRIS if not p.endswith("#quote"))
    return f"""SELECT DISTINCT ?s ?name WHERE {{
        VALUES ?p {{ {props} }}
        ?s ?p ?name .
        FILTER(isIRI(?s) && CONTAINS(LCASE(STR(?name)), {string_literal(wanted)}))
    }} LIMIT {SEARCH_SCAN}"""


def match_rank(name: str, wanted: str) -> int:
    """0: the name is what was asked, 1: it starts with it, 2: it contains it."""
    name = normalise_query(name).lower()
    return 0 if name == wanted else 1 if name.startswith(wanted) else 2


def type_rank(class_iris: Iterable[str]) -> int:
    """Position of a node's best class in :data:`~.nodes.NODE_TYPES` (99 for none)."""
    ranks = []
    for cls in class_iris:
        name = local_name(cls)
        name = SUBCLASSES.get(name, name)
        if name in NODE_TYPES:
            ranks.append(NODE_TYPES.index(name))
    return min(ranks, default=99)


@dataclass(frozen=True)
class Match:
    iri: str
    name: str  # the name that matched
    rank: tuple


def best_names(found: Iterable[tuple[str, str]], text: str) -> dict[str, str]:
    """The best-matching name of each node in (node, name) rows."""
    wanted = normalise_query(text).lower()
    best: dict[str, str] = {}
    for iri, name in found:
        if iri not in best or match_rank(name, wanted) < match_rank(best[iri], wanted):
            best[iri] = name
    return best


def rank_hits(names: dict[str, str], classes: dict[str, list[str]], text: str) -> list[Match]:
    """Matches best first: exact names, then names starting with the text, then the rest; within
    those by node type (industries first), shorter names first."""
    wanted = normalise_query(text).lower()
    hits = [
        Match(iri, name, (match_rank(name, wanted), type_rank(classes.get(iri, [])), len(name), iri))
        for iri, name in names.items()
    ]
    return sorted(hits, key=lambda h: h.rank)


def search(store: ox.Store, text: str, limit: int = 50) -> list[Match]:
    """Nodes whose name contains ``text``, best first (what the search page shows)."""
    if not normalise_query(text):
        return []
    names = best_names(((s, n) for s, n in select_rows(store, search_query(text))), text)
    classes: dict[str, list[str]] = {}
    for iri, cls in select_for(store, "s", names, "SELECT ?s ?c WHERE { {VALUES} ?s a ?c }"):
        classes.setdefault(iri, []).append(cls)
    return rank_hits(names, classes, text)[:limit]
