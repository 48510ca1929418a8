"""Reading indicator values back from the graph: table cells and stated targets, with the values
read as values, the concept they measure, the document, place and period they belong to, and the
sentence they came from. What :mod:`plangraph.compare` compares.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .reading.sparql import select_rows, values_block
from .reading.terms import local_name

#: Cells that only mark an empty place in a table.
PLACEHOLDER_CHARS = " \t—–-－―*＊/／…[]［］"


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Quantity:
    """A pg:Quantity as read: the parts of a printed value."""

    amount: Decimal | None = None
    upper: Decimal | None = None
    in_default_unit: Decimal | None = None
    unit: str | None = None  # IRI of the pg:Unit
    unit_text: str | None = None
    qualifier: str | None = None  # local name: AtLeast, ...
    cumulative: bool = False
    form: str | None = None  # local name: AssignedByHigherLevel, ...

    @property
    def is_numeric(self) -> bool:
        return self.amount is not None


@dataclass
class Observed:
    """One value of an indicator in one document: a table cell or a target stated in a sentence."""

    iri: str
    document: str
    indicator: str  # the pg:Indicator (the printed name)
    concept: str | None  # the pg:IndicatorConcept it stands for
    year: int | None
    text: str  # pg:valueText, as printed
    value: Decimal | None  # pg:value (numeric cells only)
    kind: str  # Baseline | Target | Actual
    in_sentence: bool  # a pg:StatedTarget
    table: str | None
    quantity: Quantity = field(default_factory=Quantity)
    growth_text: str | None = None
    growth: Quantity | None = None
    unit_printed: str | None = None  # the row's pg:unit in this document
    line: int | None = None
    mention: str | None = None
    quote: str | None = None

    @property
    def is_set(self) -> bool:
        """A value the document actually gives: not a placeholder like "—"."""
        return bool(self.text.strip(PLACEHOLDER_CHARS))


_QUANTITY = """OPTIONAL {{ ?{q} pg:amount ?{q}a }} OPTIONAL {{ ?{q} pg:upperAmount ?{q}up }}
    OPTIONAL {{ ?{q} pg:amountInDefaultUnit ?{q}d }} OPTIONAL {{ ?{q} pg:unitOfMeasure ?{q}u }}
    OPTIONAL {{ ?{q} pg:unitText ?{q}t }} OPTIONAL {{ ?{q} pg:qualifier ?{q}ql }}
    OPTIONAL {{ ?{q} pg:cumulative ?{q}c }} OPTIONAL {{ ?{q} pg:targetForm ?{q}f }}"""

_QUANTITY_VARS = ("a", "up", "d", "u", "t", "ql", "c", "f")


def _query(filters: str) -> str:
    quantity_vars = " ".join(f"?{q}{v}" for q in ("q", "g") for v in _QUANTITY_VARS)
    return f"""SELECT ?o ?d ?i ?concept ?year ?text ?value ?kind ?cls ?table ?growth ?unit ?line ?m ?quote
                      {quantity_vars} WHERE {{ GRAPH ?graph {{
        {filters}
        VALUES ?cls {{ pg:Observation pg:StatedTarget }}
        ?o a ?cls ; pg:document ?d ; pg:indicator ?i .
        {"" if "?i pg:indicatorConcept ?concept ." in filters else "OPTIONAL { ?i pg:indicatorConcept ?concept }"}
        OPTIONAL {{ ?o pg:year ?year }} OPTIONAL {{ ?o pg:valueText ?text }}
        OPTIONAL {{ ?o pg:value ?value }} OPTIONAL {{ ?o pg:valueKind ?kind }}
        OPTIONAL {{ ?o pg:table ?table }} OPTIONAL {{ ?o pg:growthText ?growth }}
        OPTIONAL {{ ?i pg:unit ?unit }} OPTIONAL {{ ?o pg:line ?line }}
        OPTIONAL {{ ?o pg:mention ?m . ?m pg:quote ?quote }}
        OPTIONAL {{ ?o pg:parsedValue ?q . {_QUANTITY.format(q="q")} }}
        OPTIONAL {{ ?o pg:parsedGrowth ?g . {_QUANTITY.format(q="g")} }}
    }} }}"""


def _quantity(parts: tuple) -> Quantity:
    amount, upper, default, unit, text, qualifier, cumulative, form = parts
    return Quantity(
        amount=_decimal(amount),
        upper=_decimal(upper),
        in_default_unit=_decimal(default),
        unit=unit if isinstance(unit, str) else None,
        unit_text=text,
        qualifier=local_name(qualifier) if isinstance(qualifier, str) else None,
        cumulative=str(cumulative).lower() == "true",
        form=local_name(form) if isinstance(form, str) else None,
    )


def read_observations(
    store: ox.Store, documents: Iterable[str] | None = None, concepts: Iterable[str] | None = None
) -> list[Observed]:
    """The values of the given documents (all when None), of the indicators standing for the
    given concepts (all when None): each once, in document, table and line order."""
    filters = []
    for variable, iris in (("d", documents), ("concept", concepts)):
        if iris is not None:
            wanted = sorted(set(iris))
            if not wanted:
                return []
            filters.append(values_block(variable, wanted))
    if concepts is not None:  # the concept is then required, not OPTIONAL
        filters.append("?i pg:indicatorConcept ?concept .")
    found: dict[str, Observed] = {}
    width = len(_QUANTITY_VARS)
    for row in select_rows(store, _query("\n".join(filters))):
        o, d, i, concept, year, text, value, kind, cls, table, growth, unit, line, m, quote = row[:15]
        value_parts, growth_parts = row[15 : 15 + width], row[15 + width :]
        if o in found:
            continue
        found[o] = Observed(
            iri=o,
            document=d,
            indicator=i,
            concept=concept if isinstance(concept, str) else None,
            year=int(str(year)[:4]) if year is not None and str(year)[:4].isdigit() else None,
            text=str(text if text is not None else value if value is not None else ""),
            value=_decimal(value),
            kind=local_name(kind) if isinstance(kind, str) else "",
            in_sentence=local_name(cls) == "StatedTarget",
            table=table if isinstance(table, str) else None,
            quantity=_quantity(value_parts),
            growth_text=growth,
            growth=_quantity(growth_parts)
            if growth_parts[0] is not None or growth_parts[-1] is not None
            else None,
            unit_printed=unit,
            line=line if isinstance(line, int) else None,
            mention=m if isinstance(m, str) else None,
            quote=quote,
        )
    return sorted(found.values(), key=lambda v: (v.document, v.table or "~", v.line or 0, v.iri))


@dataclass(frozen=True)
class DocumentInfo:
    """What a comparison shows of a document: where and when."""

    iri: str
    title: str
    source_file: str
    kind: str  # FiveYearPlan | WorkReport | Document
    place: str | None  # IRI of the pg:Region
    period_start: int | None
    period_end: int | None
    report_year: int | None

    @property
    def period(self) -> str:
        """2016–2020 for a plan, the year a work report is delivered in for a report."""
        if self.period_start and self.period_end:
            return f"{self.period_start}–{self.period_end}"
        if self.report_year:
            return str(self.report_year + 1)
        return ""


def _year(value: object) -> int | None:
    text = str(value)[:4] if value is not None else ""
    return int(text) if text.isdigit() else None


def documents_info(store: ox.Store) -> dict[str, DocumentInfo]:
    """Every document with its place and period."""
    rows = select_rows(
        store,
        """SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?f) AS ?file) (GROUP_CONCAT(DISTINCT STR(?c)) AS ?classes)
                  (SAMPLE(?r) AS ?region) (SAMPLE(?s) AS ?start) (SAMPLE(?e) AS ?end) (SAMPLE(?y) AS ?year) WHERE {
             ?d pg:sourceFile ?f . OPTIONAL { ?d a ?c } OPTIONAL { ?d dcterms:title ?t }
             OPTIONAL { ?d pg:jurisdiction ?r } OPTIONAL { ?d pg:periodStart ?s }
             OPTIONAL { ?d pg:periodEnd ?e } OPTIONAL { ?d pg:reportYear ?y } } GROUP BY ?d""",
    )
    found = {}
    for d, title, file, classes, region, start, end, year in rows:
        names = {local_name(c) for c in str(classes or "").split()}
        kind = next((k for k in ("FiveYearPlan", "WorkReport") if k in names), "Document")
        found[d] = DocumentInfo(d, title or file, file, kind, region, _year(start), _year(end), _year(year))
    return found
