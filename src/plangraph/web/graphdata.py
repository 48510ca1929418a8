"""What the pages and the REST helpers show, read through the query engine with SPARQL.

Every read goes through :class:`~plangraph.web.workers.QueryEngine`, so the time and row limits of
the endpoint apply to the pages too. Values from requests enter queries only through
:func:`~plangraph.web.sparql_text.iri_ref` (validated IRIs) and
:func:`~plangraph.web.sparql_text.string_literal` (escaped strings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..reading import labels as label_rule
from ..reading import names
from ..reading.sparql import slices, values_block
from ..reading.terms import Term, compact, term_from_json
from ..vocab import PG
from .sources import SourceTexts, context_of
from .sparql_text import iri_ref
from .workers import QueryEngine

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"
RDF_OBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#object"
PG_MENTION = str(PG.mention)
PG_DOCUMENT = str(PG.document)

#: Properties whose values name a node, in order of preference (:mod:`plangraph.reading.labels`).
LABEL_PROPERTIES = label_rule.NAME_PROPERTY_IRIS
#: Incoming links shown per predicate on an entity page (the rest are counted and linked to SPARQL).
INCOMING_PER_PREDICATE = 25
MENTIONS_SHOWN = 100

__all__ = ["Term", "compact", "optional_term", "term"]


# --- terms -----------------------------------------------------------------------------------


def term(binding: dict) -> Term:
    """The term of one SPARQL JSON binding."""
    return term_from_json(binding)


def optional_term(binding: dict | None) -> Term | None:
    """The term of an OPTIONAL variable's binding, None when it is unbound."""
    return None if binding is None else term(binding)


def _value(row: dict, name: str) -> str | None:
    cell = row.get(name)
    return cell["value"] if cell else None


def _int(row: dict, name: str) -> int | None:
    value = _value(row, name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


async def labels(engine: QueryEngine, iris: list[str]) -> dict[str, str]:
    """Display labels of IRIs, by the one label rule of :mod:`plangraph.reading.labels`."""
    found: dict[str, str] = {}
    for chunk in slices(i for i in iris if i):
        rows = await engine.select(label_rule.LABEL_QUERY.replace("{VALUES}", values_block("x", chunk)))
        found.update(
            label_rule.labels_from_rows(
                (r["x"]["value"], r["p"]["value"], r["l"]["value"], r["l"].get("xml:lang", "")) for r in rows
            )
        )
    return found


async def label_terms(engine: QueryEngine, terms: Sequence[Term | None]) -> None:
    """Fill in the labels of the IRI terms (in place)."""
    found = await labels(engine, [t.value for t in terms if t is not None and t.is_iri])
    for t in terms:
        if t is not None and t.is_iri:
            t.label = found.get(t.value, "")


# --- mentions and evidence -------------------------------------------------------------------


@dataclass
class Mention:
    """One place in one document where the text names something."""

    iri: str
    document: Term | None
    start: int | None
    end: int | None
    line: int | None
    quote: str
    before: str = ""
    after: str = ""
    source_file: str = ""

    @property
    def has_context(self) -> bool:
        return bool(self.before or self.after)

    def to_json(self) -> dict:
        return {
            "iri": self.iri,
            "document": self.document.to_json() if self.document else None,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "quote": self.quote,
            "context": {"before": self.before, "after": self.after} if self.has_context else None,
        }


_MENTION_FIELDS = """
    OPTIONAL { ?m pg:document ?doc }
    OPTIONAL { ?m pg:start ?start }
    OPTIONAL { ?m pg:end ?end }
    OPTIONAL { ?m pg:line ?line }
    OPTIONAL { ?m pg:quote ?quote }
"""


def _mention(row: dict) -> Mention:
    return Mention(
        iri=row["m"]["value"],
        document=optional_term(row.get("doc")),
        start=_int(row, "start"),
        end=_int(row, "end"),
        line=_int(row, "line"),
        quote=_value(row, "quote") or "",
    )


async def document_files(engine: QueryEngine, documents: list[str]) -> dict[str, str]:
    """``pg:sourceFile`` of documents."""
    wanted = sorted(set(documents))
    if not wanted:
        return {}
    rows = await engine.select(
        f"SELECT ?doc ?file WHERE {{ {values_block('doc', wanted)} ?doc pg:sourceFile ?file }}"
    )
    return {row["doc"]["value"]: row["file"]["value"] for row in rows}


async def add_context(engine: QueryEngine, sources: SourceTexts, mentions: list[Mention]) -> None:
    """Fill in each mention's sentence (text before and after the quote) and its document label."""
    docs = [m.document for m in mentions if m.document is not None]
    await label_terms(engine, docs)
    files = await document_files(engine, [d.value for d in docs if d.is_iri])
    for m in mentions:
        if m.document is None or m.start is None or m.end is None:
            continue
        m.source_file = files.get(m.document.value, "")
        text = sources.text(m.source_file, m.document.value) if m.source_file else None
        if text is None or not (0 <= m.start <= m.end <= len(text)):
            continue
        m.before, quoted, m.after = context_of(text, m.start, m.end)
        m.quote = m.quote or quoted


# --- search ----------------------------------------------------------------------------------


@dataclass
class Hit:
    node: Term
    matched: str
    types: list[Term]
    rank: tuple

    def to_json(self) -> dict:
        return {
            "iri": self.node.value,
            "label": self.node.label,
            "matched": self.matched,
            "types": [t.to_json() for t in self.types],
        }


async def search(engine: QueryEngine, text: str, limit: int = 50) -> list[Hit]:
    """Entities whose name contains ``text`` (any label property, case-insensitive), best first
    (ranked as :func:`plangraph.reading.names.rank_hits` ranks them)."""
    if not names.normalise_query(text):
        return []
    rows = await engine.select(names.search_query(text))
    matched = names.best_names(((r["s"]["value"], r["name"]["value"]) for r in rows), text)
    if not matched:
        return []
    types = await _types(engine, list(matched))
    ranked = names.rank_hits(matched, {iri: [t.value for t in ts] for iri, ts in types.items()}, text)
    hits = [Hit(Term("uri", m.iri), m.name, types.get(m.iri, []), m.rank) for m in ranked[:limit]]
    await label_terms(engine, [h.node for h in hits] + [t for h in hits for t in h.types])
    return hits


async def _types(engine: QueryEngine, iris: list[str]) -> dict[str, list[Term]]:
    out: dict[str, list[Term]] = defaultdict(list)
    for chunk in slices(iris):
        rows = await engine.select(f"SELECT DISTINCT ?x ?t WHERE {{ {values_block('x', chunk)} ?x a ?t }}")
        for row in rows:
            out[row["x"]["value"]].append(Term("uri", row["t"]["value"]))
    return out


# --- entity pages ----------------------------------------------------------------------------


@dataclass
class Link:
    """One relation of an entity to another node, with the mentions it was read from."""

    other: Term
    evidence: list[Mention] = field(default_factory=list)


@dataclass
class PredicateGroup:
    predicate: Term
    links: list[Link]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.links)


@dataclass
class Entity:
    iri: str
    label: str
    types: list[Term]
    names: list[tuple[Term, Term]]
    """(label property, literal) pairs."""
    outgoing: list[PredicateGroup]
    incoming: list[PredicateGroup]
    mentions: list[Mention]
    mention_total: int
    is_industry: bool = False
    is_document: bool = False
    source_file: str = ""
    mention_of: Mention | None = None
    """When the entity is itself a pg:Mention: where it points."""

    @property
    def exists(self) -> bool:
        return bool(self.types or self.names or self.outgoing or self.incoming)

    def to_json(self) -> dict:
        def groups(gs: list[PredicateGroup]) -> list[dict]:
            return [
                {
                    "predicate": g.predicate.to_json(),
                    "total": g.total,
                    "values": [
                        {"node": link.other.to_json(), "evidence": [m.to_json() for m in link.evidence]}
                        for link in g.links
                    ],
                }
                for g in gs
            ]

        return {
            "iri": self.iri,
            "label": self.label,
            "types": [t.to_json() for t in self.types],
            "names": [{"property": p.value, "value": v.to_json()} for p, v in self.names],
            "outgoing": groups(self.outgoing),
            "incoming": groups(self.incoming),
            "mentions": [m.to_json() for m in self.mentions],
            "mention_total": self.mention_total,
        }


#: Shown in their own sections rather than as plain relations.
_OWN_SECTIONS = {RDF_TYPE, PG_MENTION, *LABEL_PROPERTIES}


async def _evidence(engine: QueryEngine, iri: str, role: str) -> dict[tuple[str, str], list[Mention]]:
    """Mentions that reified statements about ``iri`` were derived from, keyed by (predicate, other)."""
    other = "rdf:object" if role == "subject" else "rdf:subject"
    rows = await engine.select(
        f"""SELECT DISTINCT ?p ?o ?m ?doc ?start ?end ?line ?quote WHERE {{
            ?st rdf:{role} {iri_ref(iri)} ; rdf:predicate ?p ; {other} ?o ; prov:wasDerivedFrom ?m .
            {_MENTION_FIELDS}
        }} LIMIT 2000"""
    )
    out: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for row in rows:
        out[(row["p"]["value"], row["o"]["value"])].append(_mention(row))
    return out


async def _groups(engine: QueryEngine, iri: str, outgoing: bool) -> list[PredicateGroup]:
    node = iri_ref(iri)
    pattern = f"{node} ?p ?x" if outgoing else f"?x ?p {node}"
    skip = "" if outgoing else "FILTER(?p NOT IN (rdf:subject, rdf:object))"
    counts = await engine.select(
        f"SELECT ?p (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} {skip} }} GROUP BY ?p"
    )
    groups: list[PredicateGroup] = []
    for row in counts:
        predicate = row["p"]["value"]
        if outgoing and predicate in _OWN_SECTIONS:
            continue
        total = int(row["n"]["value"])
        limit = 500 if outgoing else INCOMING_PER_PREDICATE
        # Parts of a document come in reading order (pg:order), everything else by IRI.
        values = await engine.select(
            f"""SELECT ?x (MIN(?o) AS ?order) WHERE {{
                {pattern.replace("?p", iri_ref(predicate))} OPTIONAL {{ ?x pg:order ?o }}
            }} GROUP BY ?x ORDER BY ?order ?x LIMIT {limit}"""
        )
        links = [Link(term(v["x"])) for v in values]
        groups.append(PredicateGroup(Term("uri", predicate), links, total))
    groups.sort(key=lambda g: compact(g.predicate.value))
    return groups


async def entity(engine: QueryEngine, sources: SourceTexts, iri: str) -> Entity:
    """Everything the graph says about one IRI (raises ValueError if it is not an IRI)."""
    node = iri_ref(iri)
    type_rows = await engine.select(f"SELECT DISTINCT ?t WHERE {{ {node} a ?t }} ORDER BY ?t")
    types = [Term("uri", r["t"]["value"]) for r in type_rows]
    name_rows = await engine.select(
        f"""SELECT DISTINCT ?p ?l WHERE {{
            VALUES ?p {{ {" ".join(iri_ref(p) for p in LABEL_PROPERTIES)} }} {node} ?p ?l }} ORDER BY ?p ?l"""
    )
    names = [(Term("uri", r["p"]["value"]), term(r["l"])) for r in name_rows]
    outgoing = await _groups(engine, iri, outgoing=True)
    incoming = await _groups(engine, iri, outgoing=False)
    for role, groups in (("subject", outgoing), ("object", incoming)):
        evidence = await _evidence(engine, iri, role)
        for group in groups:
            for link in group.links:
                link.evidence = evidence.get((group.predicate.value, link.other.value), [])
    mention_rows = await engine.select(
        f"""SELECT DISTINCT ?m ?doc ?start ?end ?line ?quote WHERE {{
            {{ {node} pg:mention ?m }} UNION {{ {node} prov:wasDerivedFrom ?m }}
            {_MENTION_FIELDS}
        }} ORDER BY ?doc ?start LIMIT {MENTIONS_SHOWN}"""
    )
    mentions = [_mention(r) for r in mention_rows]
    total_rows = await engine.select(
        f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ {{ {node} pg:mention ?m }} UNION {{ {node} prov:wasDerivedFrom ?m }} }}"
    )
    type_iris = {t.value for t in types}
    result = Entity(
        iri=iri,
        label="",
        types=types,
        names=[(p, v) for p, v in names if v is not None],
        outgoing=outgoing,
        incoming=incoming,
        mentions=mentions,
        mention_total=int(total_rows[0]["n"]["value"]) if total_rows else len(mentions),
        is_industry=str(PG.Industry) in type_iris,
    )
    result.label = (await labels(engine, [iri])).get(iri, "")
    if str(PG.Mention) in type_iris:
        rows = await engine.select(
            f"SELECT ?m ?doc ?start ?end ?line ?quote WHERE {{ BIND({node} AS ?m) {_MENTION_FIELDS} }}"
        )
        if rows and "doc" in rows[0]:
            result.mention_of = _mention(rows[0])
    files = await document_files(engine, [iri])
    if iri in files:
        result.is_document = True
        result.source_file = files[iri]
    all_terms: list[Term | None] = [*types, *(p for p, _ in names)]
    for group in outgoing + incoming:
        all_terms.append(group.predicate)
        all_terms += [link.other for link in group.links]
    await label_terms(engine, all_terms)
    link_evidence = [m for g in outgoing + incoming for link in g.links for m in link.evidence]
    extra = [result.mention_of] if result.mention_of else []
    await add_context(engine, sources, mentions + link_evidence + extra)
    return result


# --- source view -----------------------------------------------------------------------------


@dataclass
class SourceView:
    document: Term
    source_file: str
    text: str | None
    mention: Mention | None
    quote_matches: bool = True


async def source_view(
    engine: QueryEngine, sources: SourceTexts, document: str | None, mention: str | None
) -> SourceView | None:
    """The document text and, when a mention is given, where it is (None: unknown document)."""
    found: Mention | None = None
    if mention:
        rows = await engine.select(
            f"SELECT ?m ?doc ?start ?end ?line ?quote WHERE {{ BIND({iri_ref(mention)} AS ?m) {_MENTION_FIELDS} }}"
        )
        if not rows or "doc" not in rows[0]:
            return None
        found = _mention(rows[0])
        document = found.document.value if found.document else None
    if not document:
        return None
    files = await document_files(engine, [document])
    if document not in files:
        return None
    doc = Term("uri", document)
    await label_terms(engine, [doc])
    text = sources.text(files[document], document)
    view = SourceView(doc, files[document], text, found)
    if found and text is not None and found.start is not None and found.end is not None:
        if not (0 <= found.start <= found.end <= len(text)):
            view.quote_matches = False
            view.mention = None
        elif found.quote and text[found.start : found.end] != found.quote:
            view.quote_matches = False
    return view


# --- industries ------------------------------------------------------------------------------


@dataclass
class Support:
    """A project, park or division/document that supports an industry, with its evidence."""

    node: Term
    industry: Term
    evidence: list[Mention]
    where: list[Term] = field(default_factory=list)


@dataclass
class IndustryPage:
    industry: Term
    alt_labels: list[str]
    notation: list[str]
    broader: list[Term]
    narrower: list[Term]
    projects: list[Support]
    parks: list[Support]
    promoters: list[Support]


_WITHIN = "?ind (skos:broader|^skos:narrower)* {industry} ."


async def _supporters(engine: QueryEngine, industry: str, predicate: str) -> list[Support]:
    rows = await engine.select(
        f"""SELECT DISTINCT ?x ?ind ?m ?doc ?start ?end ?line ?quote WHERE {{
            {_WITHIN.format(industry=iri_ref(industry))}
            ?x {predicate} ?ind .
            OPTIONAL {{
                {{ ?st rdf:subject ?x ; rdf:predicate {predicate} ; rdf:object ?ind ; prov:wasDerivedFrom ?m }}
                {_MENTION_FIELDS}
            }}
        }} ORDER BY ?x ?doc ?start"""
    )
    found: dict[tuple[str, str], Support] = {}
    for row in rows:
        key = (row["x"]["value"], row["ind"]["value"])
        support = found.setdefault(key, Support(term(row["x"]), term(row["ind"]), []))
        if "m" in row:
            support.evidence.append(_mention(row))
    supports = list(found.values())
    missing = [s.node.value for s in supports if not s.evidence]
    if missing:  # no reified evidence: show where the node itself is named
        fallback = await engine.select(
            f"""SELECT ?x ?m ?doc ?start ?end ?line ?quote WHERE {{
                {values_block("x", sorted(set(missing)))} ?x pg:mention ?m . {_MENTION_FIELDS}
            }} ORDER BY ?x ?doc ?start"""
        )
        by_node: dict[str, list[Mention]] = defaultdict(list)
        for row in fallback:
            by_node[row["x"]["value"]].append(_mention(row))
        for s in supports:
            if not s.evidence:
                s.evidence = by_node.get(s.node.value, [])[:2]
    return supports


async def industry_page(engine: QueryEngine, sources: SourceTexts, iri: str) -> IndustryPage | None:
    node = iri_ref(iri)
    rows = await engine.select(
        f"SELECT ?t WHERE {{ {node} a ?t FILTER(?t IN (pg:Industry, skos:Concept)) }} LIMIT 1"
    )
    if not rows:
        return None
    alt = await engine.select(f"SELECT DISTINCT ?l WHERE {{ {node} skos:altLabel ?l }} ORDER BY ?l")
    notation = await engine.select(f"SELECT DISTINCT ?n WHERE {{ {node} skos:notation ?n }}")
    broader = await engine.select(
        f"SELECT DISTINCT ?x WHERE {{ {{ {node} skos:broader ?x }} UNION {{ ?x skos:narrower {node} }} }}"
    )
    narrower = await engine.select(
        f"SELECT DISTINCT ?x WHERE {{ {{ ?x skos:broader {node} }} UNION {{ {node} skos:narrower ?x }} }}"
    )
    page = IndustryPage(
        industry=Term("uri", iri),
        alt_labels=[r["l"]["value"] for r in alt],
        notation=[r["n"]["value"] for r in notation],
        broader=[term(r["x"]) for r in broader],
        narrower=[term(r["x"]) for r in narrower],
        projects=await _supporters(engine, iri, "pg:supportsIndustry"),
        parks=await _supporters(engine, iri, "pg:hostsIndustry"),
        promoters=await _supporters(engine, iri, "pg:promotesIndustry"),
    )
    supports = page.projects + page.parks + page.promoters
    await _add_places(engine, page.projects + page.parks)
    await label_terms(
        engine,
        [page.industry, *page.broader, *page.narrower]
        + [s.node for s in supports]
        + [s.industry for s in supports]
        + [w for s in supports for w in s.where],
    )
    await add_context(engine, sources, [m for s in supports for m in s.evidence])
    return page


async def _add_places(engine: QueryEngine, supports: list[Support]) -> None:
    iris = sorted({s.node.value for s in supports})
    if not iris:
        return
    rows = await engine.select(
        f"SELECT DISTINCT ?x ?r WHERE {{ {values_block('x', iris)} ?x pg:locatedIn ?r }}"
    )
    where: dict[str, list[Term]] = defaultdict(list)
    for row in rows:
        where[row["x"]["value"]].append(term(row["r"]))
    for s in supports:
        s.where = where.get(s.node.value, [])


@dataclass
class IndustrySummary:
    industry: Term
    broader: Term | None
    projects: int
    parks: int
    promoters: int

    @property
    def total(self) -> int:
        return self.projects + self.parks + self.promoters


async def industries(engine: QueryEngine) -> list[IndustrySummary]:
    """Every industry concept with how many projects, parks and divisions support it directly."""
    rows = await engine.cached_select(
        "industries",
        """SELECT ?ind (SAMPLE(?b) AS ?broader) ?projects ?parks ?promoters WHERE {
            ?ind a pg:Industry .
            OPTIONAL { ?ind skos:broader ?b }
            OPTIONAL { SELECT ?ind (COUNT(DISTINCT ?p) AS ?projects) WHERE { ?p pg:supportsIndustry ?ind } GROUP BY ?ind }
            OPTIONAL { SELECT ?ind (COUNT(DISTINCT ?k) AS ?parks) WHERE { ?k pg:hostsIndustry ?ind } GROUP BY ?ind }
            OPTIONAL { SELECT ?ind (COUNT(DISTINCT ?d) AS ?promoters) WHERE { ?d pg:promotesIndustry ?ind } GROUP BY ?ind }
        } GROUP BY ?ind ?projects ?parks ?promoters""",
    )
    out = [
        IndustrySummary(
            term(r["ind"]),
            optional_term(r.get("broader")),
            _int(r, "projects") or 0,
            _int(r, "parks") or 0,
            _int(r, "promoters") or 0,
        )
        for r in rows
    ]
    await label_terms(engine, [s.industry for s in out] + [s.broader for s in out])
    out.sort(key=lambda s: (-s.total, s.industry.text))
    return out


# --- home ------------------------------------------------------------------------------------


@dataclass
class DocumentSummary:
    document: Term
    kinds: list[Term]
    source_file: str
    jurisdiction: Term | None
    issued: str
    period: str
    mentions: int


@dataclass
class Corpus:
    documents: list[DocumentSummary]
    counts: list[tuple[Term, int]]
    regions: list[tuple[Term, Term | None, int]]
    """(region, admin level, mentions), most mentioned first."""
    industries: list[IndustrySummary]
    triples: int
    graphs: int


COUNTED_CLASSES = (
    "Document",
    "FiveYearPlan",
    "WorkReport",
    "Division",
    "Box",
    "Region",
    "Industry",
    "Park",
    "Project",
    "Indicator",
    "Observation",
    "Mention",
)


async def corpus(engine: QueryEngine) -> Corpus:
    doc_rows = await engine.cached_select(
        "home-documents",
        """SELECT ?doc ?file (GROUP_CONCAT(DISTINCT STR(?type); SEPARATOR=" ") AS ?types) (SAMPLE(?j) AS ?juris)
                  (SAMPLE(?i) AS ?issued) (SAMPLE(?s) AS ?start) (SAMPLE(?e) AS ?end) (SAMPLE(?y) AS ?year) WHERE {
            ?doc pg:sourceFile ?file .
            OPTIONAL { ?doc a ?type }
            OPTIONAL { ?doc pg:jurisdiction ?j }
            OPTIONAL { ?doc dcterms:issued ?i }
            OPTIONAL { ?doc pg:periodStart ?s }
            OPTIONAL { ?doc pg:periodEnd ?e }
            OPTIONAL { ?doc pg:reportYear ?y }
        } GROUP BY ?doc ?file ORDER BY ?file""",
    )
    mention_rows = await engine.cached_select(
        "home-mentions",
        "SELECT ?doc (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a pg:Mention ; pg:document ?doc } GROUP BY ?doc",
    )
    per_doc = {r["doc"]["value"]: int(r["n"]["value"]) for r in mention_rows}
    documents = []
    for r in doc_rows:
        start, end, year = _value(r, "start"), _value(r, "end"), _value(r, "year")
        period = f"{start}–{end}" if start and end else (year or start or "")
        documents.append(
            DocumentSummary(
                term(r["doc"]),
                [Term("uri", t) for t in (_value(r, "types") or "").split()],
                r["file"]["value"],
                optional_term(r.get("juris")),
                _value(r, "issued") or "",
                period,
                per_doc.get(r["doc"]["value"], 0),
            )
        )
    classes = " ".join(f"pg:{c}" for c in COUNTED_CLASSES)
    count_rows = await engine.cached_select(
        "home-counts",
        f"SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?class {{ {classes} }} ?x a ?class }} GROUP BY ?class",
    )
    by_class = {r["class"]["value"]: int(r["n"]["value"]) for r in count_rows}
    counts = [
        (Term("uri", str(PG[c])), by_class[str(PG[c])]) for c in COUNTED_CLASSES if by_class.get(str(PG[c]))
    ]
    region_rows = await engine.cached_select(
        "home-regions",
        """SELECT ?r (SAMPLE(?lvl) AS ?level) (COUNT(DISTINCT ?m) AS ?n) WHERE {
            ?r a pg:Region ; pg:mention ?m . OPTIONAL { ?r pg:adminLevel ?lvl }
        } GROUP BY ?r ORDER BY DESC(?n) LIMIT 60""",
    )
    regions = [(term(r["r"]), optional_term(r.get("level")), int(r["n"]["value"])) for r in region_rows]
    size_rows = await engine.cached_select(
        "home-size", "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?g) AS ?g) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    top_industries = [s for s in await industries(engine) if s.total][:24]
    await label_terms(
        engine,
        [d.document for d in documents]
        + [d.jurisdiction for d in documents]
        + [k for d in documents for k in d.kinds]
        + [c for c, _ in counts]
        + [r for r, _, _ in regions]
        + [lvl for _, lvl, _ in regions],
    )
    size = size_rows[0] if size_rows else {}
    return Corpus(
        documents,
        counts,
        regions,
        top_industries,
        int(size["n"]["value"]) if "n" in size else 0,
        int(size["g"]["value"]) if "g" in size else 0,
    )
