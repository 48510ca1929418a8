"""Compare targets and priorities across plans, places and years.

- :func:`compare_plans`: two plans: industries added and dropped, targets both set;
- :func:`compare_indicator`: one indicator in many documents: a row per value (place, period,
  year, kind, printed value, amount in the concept's unit, evidence), a place x year pivot,
  CSV and JSON;
- :func:`priorities`: places (or documents) x industries, with the sentences that set each goal.

All read values through :mod:`plangraph.observations`, so they compare the same things: indicators
meet through their concept (国内生产总值 and 地区生产总值 are GDP), amounts through their units.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

from . import indicators
from .evidence import Evidence, dedupe, mentions_of, statement_quotes, with_role
from .observations import (
    PLACEHOLDER_CHARS,
    DocumentInfo,
    Observed,
    Quantity,
    documents_info,
    read_observations,
)
from .reading.display import text_table
from .reading.labels import label_or_name, node_labels
from .reading.names import UnknownEntity, expand_iri, resolve, resolve_document, resolve_industry, suggest
from .reading.nodes import NodeRef, describe
from .reading.sparql import select_rows
from .reading.terms import iri_ref, local_name
from .trace import industry_tree
from .vocab import PG, normalise_name

#: Cells that only mark an empty place in a table.
_PLACEHOLDER = " \t—–-－―*＊/／…"


@dataclass
class TargetValue:
    year: str | None
    text: str
    value: Decimal | None
    kind: str
    in_default_unit: Decimal | None = None  # the amount in its concept's default unit

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
        """B minus A, when both are numbers in the same unit, or convert to one (亿立方米 and
        万立方米 subtract in the concept's unit)."""
        same_unit = not (self.unit_a and self.unit_b and self.unit_a != self.unit_b)
        if self.a.value is not None and self.b.value is not None and same_unit:
            return self.b.value - self.a.value
        if self.a.in_default_unit is not None and self.b.in_default_unit is not None:
            return self.b.in_default_unit - self.a.in_default_unit
        return None

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
        table = [("indicator", "unit", "A target", "B target", "change")]
        for c in self.indicators:
            a = f"{c.a.text} ({c.a.year})" if c.a.year else c.a.text
            b = f"{c.b.text} ({c.b.year})" if c.b.year else c.b.text
            table.append((c.indicator.label, c.unit or "", a, b, _decimal_text(c.change) or ""))
        lines += text_table(table)
        lines += [
            "",
            f"indicators only in A ({len(self.indicators_only_a)}): {names(self.indicators_only_a)}",
            f"indicators only in B ({len(self.indicators_only_b)}): {names(self.indicators_only_b)}",
        ]
        return "\n".join(lines)


def _plan_industries(store: ox.Store, doc: str) -> set[str]:
    d = iri_ref(doc)
    rows = select_rows(
        store,
        f"""SELECT DISTINCT ?i WHERE {{
              {{ {d} pg:promotesIndustry ?i }} UNION {{ ?x pg:document {d} ; pg:promotesIndustry ?i }} }}""",
    )
    return {i for (i,) in rows if isinstance(i, str)}


def _plan_targets(store: ox.Store, doc: str) -> dict[str, tuple[TargetValue, str | None]]:
    """Indicator (its concept, where it has one, so 国内生产总值 meets 地区生产总值) -> (its target in
    this plan, unit). The latest target year wins; a table cell beats a sentence, then the table
    order. Indicators with values but no target get their latest value."""
    best: dict[str, tuple[tuple, TargetValue, str | None]] = {}
    for obs in read_observations(store, documents=[doc]):
        key_node = obs.concept or obs.indicator
        rank = (obs.kind == "Target", obs.year or 0, not obs.in_sentence, obs.iri)
        target = TargetValue(
            str(obs.year) if obs.year else None, obs.text, obs.value, obs.kind, obs.quantity.in_default_unit
        )
        unit = obs.unit_printed or obs.quantity.unit_text
        if key_node not in best or rank > best[key_node][0]:
            best[key_node] = (rank, target, unit)
    return {node: (t, unit) for node, (_, t, unit) in best.items()}


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


# --- one indicator across documents, places and years ----------------------------------------


@dataclass(frozen=True)
class ConceptRef:
    """An indicator concept as a comparison shows it."""

    iri: str
    label: str
    measure: str  # Level | Growth | Reduction ("" when the scheme does not say)
    unit: str | None  # IRI of its pg:defaultUnit
    unit_label: str | None
    change_of: str | None  # the level concept of a growth or reduction concept
    changes: tuple[str, ...] = ()  # the growth / reduction concepts of a level concept

    def to_json(self) -> dict:
        return {
            "iri": self.iri,
            "label": self.label,
            "measure": self.measure,
            "unit": self.unit_label,
            "change_of": self.change_of,
            "changes": list(self.changes),
        }


@dataclass
class ComparedValue:
    """One row of a comparison: a value of the indicator in one document, with where it was read."""

    document: DocumentInfo
    document_label: str
    place: NodeRef | None
    indicator: NodeRef  # as printed in the document
    year: int | None
    text: str
    kind: str  # Baseline | Target | Actual
    source: str  # "table", "growth column" or "sentence"
    amount: Decimal | None
    upper: Decimal | None
    unit: str | None  # label of the unit of amount
    qualifier: str | None
    cumulative: bool
    form: str | None
    comparable: Decimal | None  # in the concept's default unit, for charts (a range: its middle)
    evidence: Evidence | None
    mention: str | None

    def to_json(self) -> dict:
        return {
            "document": self.document.iri,
            "document_label": self.document_label,
            "source_file": self.document.source_file,
            "period": self.document.period,
            "place": self.place.to_json() if self.place else None,
            "indicator": self.indicator.to_json(),
            "year": self.year,
            "text": self.text,
            "kind": self.kind,
            "source": self.source,
            "amount": _decimal_text(self.amount),
            "upper": _decimal_text(self.upper),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "cumulative": self.cumulative,
            "form": self.form,
            "comparable": _decimal_text(self.comparable),
            "evidence": self.evidence.to_json() if self.evidence else None,
            "mention": self.mention,
        }


#: Columns of the CSV download (and of ``plangraph targets --format csv``).
CSV_COLUMNS = (
    "place",
    "period",
    "document",
    "source_file",
    "indicator",
    "year",
    "kind",
    "source",
    "value_text",
    "amount",
    "upper",
    "unit",
    "qualifier",
    "cumulative",
    "form",
    "comparable",
    "comparable_unit",
    "line",
    "quote",
    "mention",
)


@dataclass
class IndicatorComparison:
    concept: ConceptRef
    rows: list[ComparedValue]

    @property
    def places(self) -> list[str]:
        return list(dict.fromkeys(r.place.label if r.place else "" for r in self.rows))

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.rows if r.year is not None})

    def pivot(self) -> list[tuple[str, dict[int, list[ComparedValue]]]]:
        """Place x year: the values of each place for each year, targets and actuals apart."""
        table: dict[str, dict[int, list[ComparedValue]]] = {}
        for row in self.rows:
            if row.year is not None:
                place = row.place.label if row.place else ""
                table.setdefault(place, {}).setdefault(row.year, []).append(row)
        return list(table.items())

    def to_json(self) -> dict:
        return {
            "concept": self.concept.to_json(),
            "places": self.places,
            "years": self.years,
            "count": len(self.rows),
            "rows": [r.to_json() for r in self.rows],
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for r in self.rows:
            writer.writerow(
                [
                    r.place.label if r.place else "",
                    r.document.period,
                    r.document_label,
                    r.document.source_file,
                    r.indicator.label,
                    r.year or "",
                    r.kind,
                    r.source,
                    r.text,
                    _decimal_text(r.amount) or "",
                    _decimal_text(r.upper) or "",
                    r.unit or "",
                    r.qualifier or "",
                    "yes" if r.cumulative else "",
                    r.form or "",
                    _decimal_text(r.comparable) or "",
                    self.concept.unit_label or "" if r.comparable is not None else "",
                    r.evidence.line if r.evidence and r.evidence.line else "",
                    r.evidence.quote if r.evidence else "",
                    r.mention or "",
                ]
            )
        return out.getvalue()

    def format_table(self) -> str:
        """Place x year, each cell the printed values with their kind (T target, B baseline,
        A actual; * read from a sentence), then the values row by row with their evidence."""
        head = f"{self.concept.label}" + (f" ({self.concept.unit_label})" if self.concept.unit_label else "")
        lines = [
            head,
            f"{len(self.rows)} value(s) in {len({r.document.iri for r in self.rows})} document(s)",
            "",
        ]
        years = self.years
        grid = [("place", *(str(y) for y in years))]
        for place, by_year in self.pivot():
            grid.append((place or "—", *("; ".join(_cell(v) for v in by_year.get(y, [])) for y in years)))
        lines += text_table(grid, max_width=36)
        lines.append("")
        rows = [("place", "period", "year", "kind", "printed", "comparable", "indicator", "where")]
        for r in self.rows:
            where = (
                f"{r.document.source_file}:{r.evidence.line}"
                if r.evidence and r.evidence.line
                else r.document.source_file
            )
            rows.append(
                (
                    r.place.label if r.place else "",
                    r.document.period,
                    str(r.year or ""),
                    r.kind
                    + (
                        " (sentence)"
                        if r.source == "sentence"
                        else " (growth column)"
                        if r.source == "growth column"
                        else ""
                    ),
                    r.text,
                    _decimal_text(r.comparable) or "",
                    r.indicator.label,
                    where,
                )
            )
        lines += text_table(rows, max_width=40)
        return "\n".join(lines)


_KIND_MARK = {"Target": "T", "Baseline": "B", "Actual": "A"}


def _cell(value: ComparedValue) -> str:
    mark = _KIND_MARK.get(value.kind, "?") + ("*" if value.source == "sentence" else "")
    return f"{value.text} {mark}"


def resolve_concept(store: ox.Store, text: str) -> str:
    """The indicator concept a person means: its IRI or key, one of its labels, a printed
    indicator name (compared as the scheme compares them), or the name of an indicator node."""
    iri = expand_iri(text)
    if iri and select_rows(
        store, f"SELECT ?c WHERE {{ BIND({iri_ref(iri)} AS ?c) ?c a pg:IndicatorConcept }} LIMIT 1"
    ):
        return iri
    concepts = _concept_labels(store)
    by_key = {iri.rsplit("/", 1)[-1]: iri for iri in concepts}
    if text.strip() in by_key:
        return by_key[text.strip()]
    wanted = normalise_name(text)
    exact = [c for c, names in concepts.items() if wanted in {normalise_name(n) for n in names}]
    if exact:
        return sorted(exact)[0]
    key = indicators.resolve(text)
    if key and str(indicators.concept_iri(key)) in concepts:
        return str(indicators.concept_iri(key))
    index = [(c, "IndicatorConcept", n) for c, names in concepts.items() for n in names]
    raise UnknownEntity(text, "indicator", suggest(text, index))


def _concept_labels(store: ox.Store) -> dict[str, list[str]]:
    rows = select_rows(
        store,
        """SELECT ?c ?l WHERE { ?c a pg:IndicatorConcept .
             { ?c skos:prefLabel ?l } UNION { ?c skos:altLabel ?l } UNION { ?c skos:notation ?l } }""",
    )
    found: dict[str, list[str]] = defaultdict(list)
    for concept, label in rows:
        found[concept].append(label)
    # a printed indicator name is a name of its concept too
    for concept, label in select_rows(
        store, "SELECT DISTINCT ?c ?l WHERE { ?i a pg:Indicator ; pg:indicatorConcept ?c ; rdfs:label ?l }"
    ):
        found[concept].append(label)
    return found


def concept_ref(store: ox.Store, iri: str) -> ConceptRef:
    ref = iri_ref(iri)
    rows = select_rows(
        store,
        f"""SELECT ?label ?measure ?unit ?of WHERE {{
              OPTIONAL {{ {ref} skos:prefLabel ?label FILTER(lang(?label) = "zh") }}
              OPTIONAL {{ {ref} pg:measure ?measure }} OPTIONAL {{ {ref} pg:defaultUnit ?unit }}
              OPTIONAL {{ {ref} pg:changeOf ?of }} }} LIMIT 1""",
    )
    label, measure, unit, of = rows[0] if rows else (None, None, None, None)
    changes = tuple(sorted(c for (c,) in select_rows(store, f"SELECT ?c WHERE {{ ?c pg:changeOf {ref} }}")))
    unit_label = node_labels(store, [unit]).get(unit) if isinstance(unit, str) else None
    return ConceptRef(
        iri,
        label or local_name(iri),
        local_name(measure) if isinstance(measure, str) else "",
        unit if isinstance(unit, str) else None,
        unit_label,
        of if isinstance(of, str) else None,
        changes,
    )


def _comparable(quantity: Quantity, default_unit: str | None) -> Decimal | None:
    """The amount in the concept's default unit (the middle of a range), when it converts."""
    if quantity.amount is None:
        return None
    if quantity.in_default_unit is not None:
        factor = quantity.in_default_unit / quantity.amount if quantity.amount else Decimal(1)
        base = quantity.in_default_unit
    elif default_unit is None or quantity.unit in (None, default_unit):
        factor, base = Decimal(1), quantity.amount
    else:
        return None
    if quantity.upper is not None:
        return (base + quantity.upper * factor) / 2
    return base


def _documents_for(
    store: ox.Store,
    infos: dict[str, DocumentInfo],
    documents: Iterable[str] | None,
    places: Iterable[str] | None,
) -> set[str] | None:
    """The documents asked for (by name) and the documents about the places asked for (a place
    and everything within it); None when nothing narrows them."""
    chosen: set[str] | None = None
    if documents:
        chosen = {resolve_document(store, d) for d in documents}
    if places:
        inside: set[str] = set()
        for name in places:
            region = resolve(store, name, ["Region"], "region")
            inside |= {
                r for (r,) in select_rows(store, f"SELECT ?r WHERE {{ ?r pg:within* {iri_ref(region)} }}")
            }
        about = {d for d, info in infos.items() if info.place in inside}
        chosen = about if chosen is None else chosen & about
    return chosen


def parse_years(text: str | None) -> set[int] | None:
    """ "2020-2025", "2020,2025" or "2025" -> the years; None for no restriction."""
    if not text or not text.strip():
        return None
    years: set[int] = set()
    for part in re.split(r"[,，\s]+", text.strip()):
        match = re.fullmatch(r"(\d{4})(?:\s*[-–—~]\s*(\d{4}))?", part)
        if not match:
            raise ValueError(f"not a year or a range of years: {part!r} (e.g. 2020-2025)")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first or last - first > 200:
            raise ValueError(f"not a range of years: {part!r}")
        years |= set(range(first, last + 1))
    return years


def compare_indicator(
    store: ox.Store,
    indicator: str,
    *,
    documents: Iterable[str] | None = None,
    places: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
) -> IndicatorComparison:
    """Every value of an indicator in the chosen documents (all by default), documents about the
    chosen places, and years: table cells, targets stated in sentences and, for a growth
    concept, the growth columns of its level's rows. Each with its place, period, kind, the
    amount in the concept's unit where it converts, and the sentence it was read from."""
    concept = concept_ref(store, resolve_concept(store, indicator))
    infos = documents_info(store)
    chosen = _documents_for(store, infos, documents, places)
    wanted_years = set(years) if years is not None else None
    found = read_observations(store, documents=chosen, concepts=[concept.iri])
    rows: list[tuple[Observed, str, Quantity, str]] = [
        (o, o.text, o.quantity, "sentence" if o.in_sentence else "table") for o in found
    ]
    if concept.measure in ("Growth", "Reduction"):
        # a row named for the change prints it in its growth column too (地区生产总值增长: — — 7.5%左右)
        rows += _growth_columns(found)
    if concept.change_of and concept.measure == "Growth":
        # and so does its level's row (国内生产总值: 1513.8 2100, 年均增长 7%)
        rows += _growth_columns(read_observations(store, documents=chosen, concepts=[concept.change_of]))
    if wanted_years is not None:
        rows = [r for r in rows if r[0].year in wanted_years]
    rows = [r for r in rows if r[0].document in infos and r[1].strip(PLACEHOLDER_CHARS)]
    # the printed indicators and the places, labelled by the one label rule (their types are known)
    indicator_iris = {o.indicator for o, *_ in rows}
    place_iris = {p for p in (infos[o.document].place for o, *_ in rows) if p}
    names = node_labels(store, indicator_iris | place_iris)
    refs = {i: NodeRef(i, label_or_name(names, i), "Indicator") for i in indicator_iris}
    refs.update({p: NodeRef(p, label_or_name(names, p), "Region") for p in place_iris})
    units = node_labels(store, {q.unit for _, _, q, _ in rows if q.unit})
    quotes = _evidence(store, [o for o, *_ in rows])
    compared = []
    for obs, text, quantity, source in rows:
        info = infos[obs.document]
        compared.append(
            ComparedValue(
                document=info,
                document_label=info.title,
                place=refs.get(info.place) if info.place else None,
                indicator=refs[obs.indicator],
                year=obs.year,
                text=text,
                kind=obs.kind,
                source=source,
                amount=quantity.amount,
                upper=quantity.upper,
                unit=units.get(quantity.unit) if quantity.unit else quantity.unit_text,
                qualifier=quantity.qualifier,
                cumulative=quantity.cumulative,
                form=quantity.form,
                comparable=_comparable(quantity, concept.unit),
                evidence=quotes.get(obs.iri),
                mention=obs.mention,
            )
        )
    compared.sort(
        key=lambda r: (
            r.place.label if r.place else "~",
            r.document.period_end or (r.document.report_year or 0) + 1,
            r.document.iri,
            r.year or 0,
            ("Baseline", "Actual", "Target").index(r.kind)
            if r.kind in ("Baseline", "Actual", "Target")
            else 3,
            r.source,
        )
    )
    return IndicatorComparison(concept, compared)


def _growth_columns(level_values: list[Observed]) -> list[tuple[Observed, str, Quantity, str]]:
    """The growth column of each row of the level concept, once a row: with the latest target
    (or actual) cell of that row, whose year it is for."""
    best: dict[tuple, Observed] = {}
    for obs in level_values:
        if obs.growth is None or obs.growth_text is None or obs.kind not in ("Target", "Actual"):
            continue
        key = (obs.document, obs.table, obs.indicator, obs.kind, obs.growth_text)
        if key not in best or (obs.year or 0) > (best[key].year or 0):
            best[key] = obs
    return [(o, o.growth_text or "", o.growth or Quantity(), "growth column") for o in best.values()]


def _evidence(store: ox.Store, observed: list[Observed]) -> dict[str, Evidence]:
    """The quote of each value: its own mention (the cell, or the clause of a stated target)."""
    mentions = mentions_of(store, {o.iri for o in observed})
    return {iri: found[0] for iri, found in mentions.items() if found}


# --- priorities: which places promote which industries ---------------------------------------


@dataclass
class PriorityMatrix:
    """Places (or documents) x industries: which promote which, with the sentences that say so."""

    by: str  # "place" or "document"
    rows: list[NodeRef]
    industries: list[NodeRef]
    cells: dict[tuple[str, str], list[Evidence]]
    row_documents: dict[str, list[str]] = field(default_factory=dict)  # row -> documents read

    def promoted(self, row: str, industry: str) -> bool:
        return (row, industry) in self.cells

    def to_json(self) -> dict:
        return {
            "by": self.by,
            "rows": [r.to_json() for r in self.rows],
            "industries": [i.to_json() for i in self.industries],
            "cells": [
                {"row": row, "industry": ind, "evidence": [e.to_json() for e in evidence]}
                for (row, ind), evidence in sorted(self.cells.items())
            ],
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([self.by, *(i.label for i in self.industries)])
        for row in self.rows:
            writer.writerow(
                [row.label, *("yes" if self.promoted(row.iri, i.iri) else "" for i in self.industries)]
            )
        return out.getvalue()

    def format_table(self) -> str:
        grid = [(self.by, *(i.label for i in self.industries))]
        for row in self.rows:
            grid.append(
                (row.label, *("●" if self.promoted(row.iri, i.iri) else "·" for i in self.industries))
            )
        return "\n".join(text_table(grid, max_width=20))


def priorities(
    store: ox.Store,
    *,
    industries: Iterable[str] | None = None,
    documents: Iterable[str] | None = None,
    places: Iterable[str] | None = None,
    by: str = "place",
    top: int = 20,
) -> PriorityMatrix:
    """Which places (``by="place"``) or documents promote which industries. ``industries``: the
    ones asked for (each with the narrower ones, which count as it), else the ``top`` promoted
    by the most rows. Every cell has the sentences that set the goal."""
    if by not in ("place", "document"):
        raise ValueError(f"by is 'place' or 'document', not {by!r}")
    infos = documents_info(store)
    chosen = _documents_for(store, infos, documents, places)
    answer = select_rows(
        store,
        """SELECT DISTINCT ?x ?d ?ind WHERE { ?x pg:promotesIndustry ?ind .
             { ?x pg:document ?d } UNION { ?x pg:sourceFile ?f BIND(?x AS ?d) } }""",
    )
    promoted = [(x, d, i) for x, d, i in answer if d in infos and (chosen is None or d in chosen)]
    asked: dict[str, str] = {}  # industry -> the industry asked for it counts as
    if industries:
        for name in industries:
            root = resolve_industry(store, name)
            for node, _ in industry_tree(store, root):
                asked.setdefault(node, root)

    def row_of(doc: str) -> str | None:
        return infos[doc].place if by == "place" else doc

    hits: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for x, d, ind in promoted:
        row = row_of(d)
        column = asked.get(ind) if asked else ind
        if row and column:
            hits[(row, column)].add((x, ind))
    if asked:
        columns = list(dict.fromkeys(asked.values()))
    else:
        counts: dict[str, int] = defaultdict(int)
        for _row, column in hits:
            counts[column] += 1
        columns = sorted(counts, key=lambda c: -counts[c])[:top]
        hits = {k: v for k, v in hits.items() if k[1] in columns}
    quotes = statement_quotes(store, {x for found in hits.values() for x, _ in found})
    cells = {}
    for (row, column), found in hits.items():
        evidence = [e for x, ind in sorted(found) for e in quotes.get((x, str(PG.promotesIndustry), ind), [])]
        cells[(row, column)] = dedupe(with_role(evidence, "pg:promotesIndustry"))
    rows = sorted({row for row, _ in hits} | {r for d in (chosen or infos) if (r := row_of(d)) is not None})
    refs = describe(store, set(rows) | set(columns))
    row_documents: dict[str, list[str]] = defaultdict(list)
    for d in sorted(chosen or infos):
        row = row_of(d)
        if row:
            row_documents[row].append(d)
    if by == "document":  # a document is shown as its place and period: 营口市 2016–2020
        places = describe(store, {p for r in rows if (p := infos[r].place)})
        for r in rows:
            at = infos[r].place
            place = places[at].label if at else ""
            refs[r] = NodeRef(r, f"{place} {infos[r].period}".strip() or refs[r].label, refs[r].type)
    ordered_rows = sorted((refs[r] for r in rows if r), key=lambda r: r.label)
    return PriorityMatrix(by, ordered_rows, [refs[c] for c in columns], cells, dict(row_documents))
