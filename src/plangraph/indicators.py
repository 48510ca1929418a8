"""The indicator concept scheme (SKOS): which statistic a printed indicator name stands for.

Plans print one statistic under many names (国内生产总值, 地区生产总值, 全市生产总值, GDP) and the
graph keeps each printed name as a ``pg:Indicator`` (the contract: one node per name, its
``rdfs:label`` as printed). This module links each to a concept of the scheme curated in
``reference/indicators.tsv`` (key, labels, measure, unit, sources), so that targets compare across
plans, places and years; an indicator the scheme lacks becomes a *candidate* concept
(``pg:CandidateIndicatorConcept``), keyed by its comparison form, for a curator to review.

Names are compared through their *key* (:func:`comparison_key`, rules in
``reference/indicator_words.tsv``): NFKC, no abbreviation or unit in parentheses, no leading 全市 /
全省, synonyms in one wording (国内生产总值 -> GDP), growth and reduction words in one form at the
end (年均增速 -> 增长). A name that is the growth (or reduction) of a concept resolves to the
scheme's growth (reduction) concept of it: 地区生产总值年均增速 -> gdp-growth.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from . import units as unit_table
from .model import ParsedDocument
from .reftables import Record, ReferenceTableError, read_table, table_path
from .vocab import DCTERMS, ID, INDICATORS_GRAPH, PG, RDF, RDFS, SKOS, XSD, name_key

SCHEME_TABLE = "indicators.tsv"
WORDS_TABLE = "indicator_words.tsv"
SOURCES_TABLE = "indicator_sources.tsv"

SCHEME_IRI = ID["indicator-scheme"]
MEASURES = ("level", "growth", "reduction")


def concept_iri(key: str) -> URIRef:
    """``key``: a curated concept's key, or :func:`candidate_key` of a name the scheme lacks."""
    return ID[f"indicator-concept/{key}"]


def unit_iri(key: str) -> URIRef:
    return ID[f"unit/{key}"]


@dataclass(frozen=True)
class Concept:
    key: str
    label: str
    label_en: str
    measure: str  # "level" | "growth" | "reduction"
    of: str | None  # for growth and reduction: the level concept
    unit: str | None  # unit key
    broader: tuple[str, ...]
    sources: tuple[str, ...]
    alt_labels: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    code: str
    citation: str
    where: str


# --- the rules of comparison -----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NameRules:
    prefixes: tuple[str, ...]
    tails: tuple[str, ...]
    synonyms: tuple[tuple[str, re.Pattern[str]], ...]  # (canonical, any wording of it), in order
    growth: tuple[str, ...]  # variants, longest first
    reduction: tuple[str, ...]

    GROWTH = "增长"
    REDUCTION = "降低"


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({_nfkc(w) for w in words if w}, key=lambda w: (-len(w), w)))


def _nfkc(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4)
def _rules_at(path: Path) -> NameRules:
    prefixes: list[str] = []
    tails: list[str] = []
    synonyms: list[tuple[str, re.Pattern[str]]] = []
    growth: list[str] = []
    reduction: list[str] = []
    for rec in read_table(path, 3):
        kind, canonical, variants = rec.cell(0), _nfkc(rec.cell(1)), rec.items(2)
        if kind == "prefix":
            prefixes += variants
        elif kind == "tail":
            tails += variants
        elif kind == "synonym":
            # the canonical form is one of the wordings, so 碳排放 inside 二氧化碳排放 stays
            wordings = _longest_first((canonical, *variants))
            synonyms.append((canonical, re.compile("|".join(re.escape(w) for w in wordings))))
        elif kind == "growth":
            growth += [*variants, canonical]
        elif kind == "reduction":
            reduction += [*variants, canonical]
        else:
            raise rec.error(f"unknown kind {kind!r} (prefix, tail, synonym, growth, reduction)")
    return NameRules(
        _longest_first(prefixes),
        _longest_first(tails),
        tuple(synonyms),
        _longest_first(growth),
        _longest_first(reduction),
    )


def name_rules() -> NameRules:
    return _rules_at(table_path(WORDS_TABLE))


_LEADING_MARKS = re.compile(r"^(?:[*∗＊★※]|\d+[.、．]|[（(]\d+[)）])+")
_PARENTHESES = re.compile(r"[（(]([^（）()]*)[)）]")


def _drop_parenthesis(match: re.Match[str]) -> str:
    """An abbreviation (GDP, R&D, PM2.5) or a unit (%, 万元/人) in parentheses adds nothing to a
    name; other parentheses (执业（助理）医师) are part of it."""
    inner = match.group(1)
    if not inner or inner.isascii() or unit_table.unit_for(inner) is not None:
        return ""
    return match.group(0)


def comparison_key(name: str) -> str:
    """The form in which printed names and scheme labels are compared (see the module docstring)."""
    rules = name_rules()
    text = _LEADING_MARKS.sub("", _nfkc(name).strip("“”\"'‘’《》:：,，。、;；"))
    text = _PARENTHESES.sub(_drop_parenthesis, text)
    changed = True
    while changed:
        changed = False
        for prefix in rules.prefixes:
            if text.startswith(prefix) and len(text) > len(prefix) + 1:
                text, changed = text[len(prefix) :], True
    for tail in rules.tails:
        if text.endswith(tail) and len(text) > len(tail) + 1:
            text = text[: -len(tail)]
            break
    for canonical, wordings in rules.synonyms:  # one line after the other (GDP before 单位GDP)
        text = wordings.sub(canonical, text)
    for canonical, variants in ((NameRules.GROWTH, rules.growth), (NameRules.REDUCTION, rules.reduction)):
        for variant in variants:
            if text.endswith(variant) and len(text) > len(variant) + 1:
                return text[: -len(variant)] + canonical
    return text


def split_change(key: str) -> tuple[str, str] | None:
    """("growth" | "reduction", the key of the quantity) for a key that ends in a change word."""
    for measure, word in (("growth", NameRules.GROWTH), ("reduction", NameRules.REDUCTION)):
        if key.endswith(word) and len(key) > len(word):
            return measure, key[: -len(word)]
    return None


# --- the scheme ------------------------------------------------------------------------------


def _concept(rec: Record) -> Concept:
    measure = rec.cell(3)
    if measure not in MEASURES:
        raise rec.error(f"measure {measure!r} is not one of {', '.join(MEASURES)}")
    if (measure == "level") == bool(rec.cell(4)):
        raise rec.error("a growth or reduction concept names its level concept in `of` (and only those)")
    return Concept(
        key=rec.cell(0),
        label=rec.cell(1),
        label_en=rec.cell(2),
        measure=measure,
        of=rec.cell(4) or None,
        unit=rec.cell(5) or None,
        broader=tuple(rec.cell(6).split()),
        sources=tuple(rec.cell(7).split()),
        alt_labels=rec.items(8),
    )


@dataclass(frozen=True)
class Scheme:
    concepts: dict[str, Concept]
    sources: dict[str, Source]
    index: dict[str, str]  # comparison key -> concept key
    changes: dict[tuple[str, str], str]  # (measure, level concept) -> growth / reduction concept


@lru_cache(maxsize=4)
def _scheme_at(scheme_path: Path, sources_path: Path, words_path: Path) -> Scheme:
    sources = {r.cell(0): Source(r.cell(0), r.cell(1), r.cell(2)) for r in read_table(sources_path, 3)}
    records = read_table(scheme_path, 8)
    concepts: dict[str, Concept] = {}
    for rec in records:
        concept = _concept(rec)
        if concept.key in concepts:
            raise rec.error(f"concept {concept.key} is defined twice")
        concepts[concept.key] = concept
    index: dict[str, str] = {}
    changes: dict[tuple[str, str], str] = {}
    for rec in records:
        concept = concepts[rec.cell(0)]
        for ref in (*concept.broader, *([concept.of] if concept.of else [])):
            if ref not in concepts:
                raise rec.error(f"unknown concept {ref}")
        if concept.unit and concept.unit not in unit_table.units():
            raise rec.error(f"unknown unit {concept.unit} (units.tsv)")
        for code in concept.sources:
            if code not in sources:
                raise rec.error(f"unknown source {code} ({SOURCES_TABLE})")
        if concept.of:
            changes[(concept.measure, concept.of)] = concept.key
        for label in (concept.label, *concept.alt_labels):
            key = comparison_key(label)
            if index.get(key, concept.key) != concept.key:
                raise rec.error(f"{label!r} reads as {key!r}, a label of {index[key]} too")
            index[key] = concept.key
    return Scheme(concepts, sources, index, changes)


def scheme() -> Scheme:
    return _scheme_at(table_path(SCHEME_TABLE), table_path(SOURCES_TABLE), table_path(WORDS_TABLE))


def resolve(name: str) -> str | None:
    """The curated concept a printed indicator name stands for, None when the scheme lacks it."""
    return _resolve_at(name, table_path(SCHEME_TABLE), table_path(SOURCES_TABLE), table_path(WORDS_TABLE))


@lru_cache(maxsize=8192)
def _resolve_at(name: str, scheme_path: Path, sources_path: Path, words_path: Path) -> str | None:
    current = _scheme_at(scheme_path, sources_path, words_path)
    key = comparison_key(name)
    if key in current.index:
        return current.index[key]
    change = split_change(key)
    if change is not None:
        level = current.index.get(change[1])
        if level is not None:
            return current.changes.get((change[0], level))
    return None


def candidate_key(name: str) -> str:
    return "candidate-" + name_key(comparison_key(name))


def concept_for(name: str) -> str:
    """The curated concept key, or the candidate key for an indicator the scheme lacks."""
    return resolve(name) or candidate_key(name)


def is_curated(key: str) -> bool:
    return key in scheme().concepts


def is_change(key: str) -> bool:
    """A growth or reduction concept (its figures are rates of change)."""
    concept = scheme().concepts.get(key)
    return concept is not None and concept.measure != "level"


def concept_unit(key: str) -> unit_table.Unit | None:
    concept = scheme().concepts.get(key)
    return unit_table.units().get(concept.unit) if concept and concept.unit else None


# --- RDF -------------------------------------------------------------------------------------


def scheme_graph() -> Graph:
    """The SKOS scheme: every curated concept with labels, hierarchy, measure, unit and sources,
    and the units of ``units.tsv`` with their UCUM codes, QUDT units and conversions."""
    current = scheme()
    g = Graph()
    for prefix, ns in (("skos", SKOS), ("pg", PG), ("dcterms", DCTERMS)):
        g.bind(prefix, ns)
    g.add((SCHEME_IRI, RDF.type, SKOS.ConceptScheme))
    g.add((SCHEME_IRI, SKOS.prefLabel, Literal("指标体系", lang="zh")))
    g.add((SCHEME_IRI, SKOS.prefLabel, Literal("Indicator scheme of plangraph", lang="en")))
    for source in current.sources.values():
        g.add((SCHEME_IRI, DCTERMS.source, Literal(source.citation, lang="zh")))
    for concept in current.concepts.values():
        iri = concept_iri(concept.key)
        g.add((iri, RDF.type, PG.IndicatorConcept))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, SCHEME_IRI))
        g.add((iri, SKOS.notation, Literal(concept.key)))
        g.add((iri, SKOS.prefLabel, Literal(concept.label, lang="zh")))
        if concept.label_en:
            g.add((iri, SKOS.prefLabel, Literal(concept.label_en, lang="en")))
        for alt in concept.alt_labels:
            g.add((iri, SKOS.altLabel, Literal(alt, lang="zh")))
        g.add((iri, PG.measure, PG[concept.measure.capitalize()]))
        if concept.of:
            g.add((iri, PG.changeOf, concept_iri(concept.of)))
        if concept.unit:
            g.add((iri, PG.defaultUnit, unit_iri(concept.unit)))
        for code in concept.sources:
            g.add((iri, DCTERMS.source, Literal(current.sources[code].citation, lang="zh")))
        if concept.broader:
            for parent in concept.broader:
                g.add((iri, SKOS.broader, concept_iri(parent)))
                g.add((concept_iri(parent), SKOS.narrower, iri))
        else:
            g.add((iri, SKOS.topConceptOf, SCHEME_IRI))
            g.add((SCHEME_IRI, SKOS.hasTopConcept, iri))
    g += units_graph()
    return g


def decimal_text(value: Decimal) -> str:
    """The canonical lexical form of an xsd:decimal: 100000000, 0.0001 (never 1E+8)."""
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".") or "0"


def units_graph() -> Graph:
    g = Graph()
    for unit in unit_table.units().values():
        iri = unit_iri(unit.key)
        g.add((iri, RDF.type, PG.Unit))
        g.add((iri, RDFS.label, Literal(unit.label, lang="zh")))
        if unit.label_en:
            g.add((iri, RDFS.label, Literal(unit.label_en, lang="en")))
        for form in unit.forms[1:]:
            g.add((iri, SKOS.altLabel, Literal(form, lang="zh")))
        if unit.ucum:
            g.add((iri, PG.ucumCode, Literal(unit.ucum)))
        if unit.qudt:
            g.add((iri, PG.qudtUnit, URIRef(unit.qudt)))
        base = next(
            (u for u in unit_table.units().values() if u.base == unit.base and u.multiplier == 1), None
        )
        if base is not None and base.key != unit.key:
            g.add((iri, PG.baseUnit, unit_iri(base.key)))
            g.add(
                (iri, PG.conversionMultiplier, Literal(decimal_text(unit.multiplier), datatype=XSD.decimal))
            )
    return g


def candidate_graph(names: Iterable[str]) -> Graph:
    """Candidate concepts for the printed indicator names the scheme lacks: one per comparison key,
    ``pg:CandidateIndicatorConcept`` in the scheme, its first printed name as prefLabel and the
    others as altLabels; a candidate that is the growth or reduction of a curated concept says so."""
    by_key: dict[str, list[str]] = {}
    for name in names:
        if resolve(name) is None:
            forms = by_key.setdefault(candidate_key(name), [])
            printed = re.sub(r"\s+", "", name)  # as printed, without the line breaks of a table
            if printed and printed not in forms:
                forms.append(printed)
    current = scheme()
    g = Graph()
    for key, forms in sorted(by_key.items()):
        iri = concept_iri(key)
        for cls in (PG.IndicatorConcept, PG.CandidateIndicatorConcept, SKOS.Concept):
            g.add((iri, RDF.type, cls))
        g.add((iri, SKOS.inScheme, SCHEME_IRI))
        g.add((iri, SKOS.prefLabel, Literal(forms[0], lang="zh")))
        for alt in forms[1:]:
            g.add((iri, SKOS.altLabel, Literal(alt, lang="zh")))
        g.add(
            (
                iri,
                SKOS.editorialNote,
                Literal("candidate concept: read from a plan, not yet curated", lang="en"),
            )
        )
        change = split_change(comparison_key(forms[0]))
        level = current.index.get(change[1]) if change else None
        if change and level:
            g.add((iri, PG.measure, PG[change[0].capitalize()]))
            g.add((iri, PG.changeOf, concept_iri(level)))
    return g


#: The kinds of indicator names a document prints, in the order a build's candidates read them.
NAME_KINDS = ("rows", "parents", "targets")


def printed_names(doc: ParsedDocument) -> dict[str, list[str]]:
    """The indicator names one document prints, by kind (:data:`NAME_KINDS`): a build keeps them as
    the document's compact key and makes the candidates of all its documents from them."""
    rows = [row for box in doc.boxes for row in box.rows]
    return {
        "rows": [row.name for row in rows],
        "parents": [row.parent for row in rows if row.parent],
        "targets": [t.indicator for t in doc.targets],
    }


def indicators_graph(docs: Iterable[ParsedDocument]) -> Graph:
    """The reference graph of indicators for a build: the scheme, the units, and a candidate
    concept for every indicator the documents print that the scheme lacks."""
    printed = [printed_names(d) for d in docs]
    return indicators_graph_of([name for kind in NAME_KINDS for names in printed for name in names[kind]])


def indicators_graph_of(names: Iterable[str]) -> Graph:
    """:func:`indicators_graph` from the printed names (all documents' rows, then parents, then
    targets: the first printed form of a candidate is its prefLabel)."""
    graph = Graph(identifier=INDICATORS_GRAPH)
    graph += scheme_graph()
    graph += candidate_graph(names)
    return graph


__all__ = [
    "SCHEME_IRI",
    "Concept",
    "NameRules",
    "ReferenceTableError",
    "Scheme",
    "candidate_graph",
    "candidate_key",
    "comparison_key",
    "concept_for",
    "concept_iri",
    "concept_unit",
    "indicators_graph",
    "indicators_graph_of",
    "is_change",
    "is_curated",
    "resolve",
    "scheme",
    "scheme_graph",
    "unit_iri",
]
