"""Extraction -> triples of the public vocabulary, one named graph per document.

Every extracted node gets a ``pg:mention`` to a ``pg:Mention`` (document, line, start, end, quote).
Every extracted relation (supports, hosts, located in, promotes, park within) is kept as a plain
triple and also reified (``rdf:Statement`` with ``prov:wasDerivedFrom`` the mention it was read
from), so simple queries stay simple and every relation can still show its sentence.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef

from . import indicators, units, values, vocab
from .model import (
    Box,
    Division,
    Evidence,
    IndicatorCell,
    IndicatorRow,
    Park,
    ParsedDocument,
    Project,
    Span,
    StatedTarget,
)
from .vocab import DCTERMS, PG, PROV, RDF, RDFS, SKOS, XSD

DOC_CLASSES = {
    "five-year-plan": PG.FiveYearPlan,
    "government-work-report": PG.WorkReport,
}
DOC_SLUGS = {"five-year-plan": "plan", "government-work-report": "report"}
#: How ``Metadata.derived`` and ``Metadata.user_asserted`` name their fields in the graph.
METADATA_FIELDS = {
    "region": "region",
    "title": "title",
    "issuer": "issuer",
    "doc_type": "type",
    "year": "year",
}
_NUMBER = re.compile(r"^[+\-−]?\d+(?:\.\d+)?$")


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def integer(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def gyear(year: int) -> Literal:
    return Literal(f"{year:04d}", datatype=XSD.gYear)


def issued_literal(date: str) -> Literal:
    return Literal(date, datatype=XSD.date if len(date) == 10 else XSD.gYearMonth)


def numeric_value(text: str) -> Literal | None:
    """``pg:value`` only for cells that are a plain number ("2100", "7.5", "-3")."""
    t = text.strip().replace("−", "-").rstrip("%").strip()
    if not _NUMBER.match(t):
        return None
    try:
        return Literal(Decimal(t), datatype=XSD.decimal)
    except InvalidOperation:
        return None


def document_iri(doc: ParsedDocument) -> URIRef:
    meta = doc.metadata
    region = meta.region_code or vocab.name_key(meta.region_name or doc.source.name)
    slug = DOC_SLUGS.get(meta.doc_type, "doc")
    if meta.doc_type == "five-year-plan" and meta.period_start and meta.period_end:
        period = f"{meta.period_start}-{meta.period_end}"
    elif meta.doc_type == "government-work-report" and meta.report_year:
        period = str(meta.report_year + 1)  # the year it was delivered, as in its title
    else:
        period = vocab.name_key(meta.title)
    return vocab.document_iri(region, slug, period)


class DocumentGraph:
    """Builds the named graph of one document."""

    def __init__(self, doc: ParsedDocument, iri: URIRef | None = None):
        """``iri`` overrides the document's own IRI (a build gives clashing documents unique ones)."""
        self.doc = doc
        self.iri = iri or document_iri(doc)
        self.graph = Graph(identifier=vocab.document_graph(self.iri))
        self.region_code = doc.metadata.region_code or "000000"
        self.park_nodes: dict[str, URIRef] = {}

    # --- helpers -----------------------------------------------------------------------------

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.graph.add((s, p, o))

    def mention(self, span: Span, line: int | None = None) -> URIRef:
        """A pg:Mention for a span (its quote is the source text between its offsets)."""
        start, end = span.start, span.end
        m = vocab.mention_iri(self.iri, start, end)
        if (m, RDF.type, PG.Mention) not in self.graph:
            self.add(m, RDF.type, PG.Mention)
            self.add(m, PG.document, self.iri)
            self.add(m, PG.line, integer(line or self.doc.source.line_of(start)))
            self.add(m, PG.start, integer(start))
            self.add(m, PG.end, integer(end))
            self.add(m, PG.quote, Literal(self.doc.source.quote(start, end)))
            if self.doc.source.extraction is not None:
                self.add_origin(m, start, end)
        return m

    def add_origin(self, m: URIRef, start: int, end: int) -> None:
        """Where a mention of a converted file (HTML, PDF, Word) is in the original."""
        assert self.doc.source.extraction is not None
        located = self.doc.source.extraction.origin.locate_span(start, end)
        if located is None:
            return
        first, last = located
        self.add(m, PG.sourcePart, Literal(first.part.locator))
        self.add(m, PG.partStart, integer(first.offset))
        if last.part != first.part:
            self.add(m, PG.endPart, Literal(last.part.locator))
        self.add(m, PG.partEnd, integer(last.offset + 1))
        if first.part.page is not None:
            self.add(m, PG.page, integer(first.part.page))
            if last.part.page is not None and last.part.page != first.part.page:
                self.add(m, PG.endPage, integer(last.part.page))

    def mentioned(self, node: URIRef, span: Span | None, line: int | None = None) -> URIRef | None:
        if not span:
            return None
        m = self.mention(span, line)
        self.add(node, PG.mention, m)
        return m

    def relation(self, s: URIRef, p: URIRef, o: URIRef | Literal, evidence: Evidence | None) -> None:
        """The plain triple, and its reification pointing at the mention it was read from."""
        self.add(s, p, o)
        if evidence is None or not evidence.span:
            return
        m = self.mention(evidence.span, evidence.line)
        key = hashlib.sha1(f"{s} {p} {o} {m}".encode()).hexdigest()[:16]
        st = vocab.statement_iri(self.iri, key)
        self.add(st, RDF.type, RDF.Statement)
        self.add(st, RDF.subject, s)
        self.add(st, RDF.predicate, p)
        self.add(st, RDF.object, o)
        self.add(st, PROV.wasDerivedFrom, m)

    # --- the parts -----------------------------------------------------------------------------

    def build(self) -> Graph:
        self.add_document()
        division_iris = self.add_divisions(self.doc.divisions)
        for box in self.doc.boxes:
            self.add_box(box, division_iris)
        for target in self.doc.targets:
            self.add_stated_target(target)
        self.add_entities(division_iris)
        return self.graph

    def add_document(self) -> None:
        d, meta, doc = self.iri, self.doc.metadata, self.doc
        self.add(d, RDF.type, DOC_CLASSES.get(meta.doc_type, PG.Document))
        self.add(d, RDF.type, PG.Document)
        self.add(d, PG.sourceFile, Literal(doc.source.name))
        if doc.source.extraction is not None:  # read from HTML, PDF or Word: its media type
            from .readers import format_named

            fmt = format_named(doc.source.format)
            if fmt is not None:
                self.add(d, DCTERMS["format"], Literal(fmt.media_type))
        self.add(d, DCTERMS.title, zh(meta.title))
        if meta.region_code:
            region = vocab.region_iri(meta.region_code)
            evidence = (
                Evidence(meta.region_span, doc.source.line_of(meta.region_span.start))
                if meta.region_span
                else None
            )
            self.relation(d, PG.jurisdiction, region, evidence)  # reified with its evidence
            if meta.region_source:
                self.add(d, PG.jurisdictionSource, Literal(meta.region_source))
        if meta.issuer:
            org = vocab.organisation_iri(meta.issuer)
            span = meta.issuer_span
            self.relation(
                d, DCTERMS.publisher, org, Evidence(span, doc.source.line_of(span.start)) if span else None
            )
            self.add(org, RDF.type, PG.Organization)
            self.add(org, RDFS.label, zh(meta.issuer))
        self.add_metadata_provenance()
        if meta.issued:
            self.add(d, DCTERMS.issued, issued_literal(meta.issued))
        if meta.plan_number:
            self.add(d, PG.planNumber, integer(meta.plan_number))
        if meta.period_start:
            self.add(d, PG.periodStart, gyear(meta.period_start))
        if meta.period_end:
            self.add(d, PG.periodEnd, gyear(meta.period_end))
        if meta.vision_year:
            self.add(d, PG.visionYear, gyear(meta.vision_year))
        if meta.report_year:
            self.add(d, PG.reportYear, gyear(meta.report_year))
        self.mentioned(d, meta.title_span)

    def add_metadata_provenance(self) -> None:
        """Which metadata a convention of the genre set, and which the user gave."""
        d, meta = self.iri, self.doc.metadata
        for name in sorted(meta.derived):
            self.add(d, PG.derivedByRule, Literal(METADATA_FIELDS[name]))
        for name in sorted(meta.user_asserted):
            self.add(d, PG.assertedByUser, Literal(METADATA_FIELDS[name]))
        if meta.user_asserted and meta.user_origin:
            self.add(d, PG.userSource, Literal(meta.user_origin))

    def add_divisions(self, divisions: list[Division]) -> dict[int, URIRef]:
        iris = {d.order: vocab.division_iri(self.iri, d.order) for d in divisions}
        for d in divisions:
            node = iris[d.order]
            self.add(node, RDF.type, PG.Division)
            self.add(node, PG.document, self.iri)
            self.add(node, DCTERMS.isPartOf, iris[d.parent] if d.parent else self.iri)
            self.add(node, PG.number, Literal(d.label))
            self.add(node, DCTERMS.title, zh(d.title))
            self.add(node, PG.level, integer(d.level))
            self.add(node, PG.order, integer(d.order))
            self.add(node, PG.line, integer(d.line))
            self.add(node, PG.headingScheme, Literal(d.scheme))
            self.mentioned(node, d.span, d.line)
        return iris

    def add_box(self, box: Box, division_iris: dict[int, URIRef]) -> None:
        node = vocab.box_iri(self.iri, box.order)
        self.add(node, RDF.type, PG.Box)
        self.add(node, PG.document, self.iri)
        self.add(
            node, DCTERMS.isPartOf, division_iris.get(box.division, self.iri) if box.division else self.iri
        )
        if box.label:
            self.add(node, PG.number, Literal(box.label))
        if box.title:
            self.add(node, DCTERMS.title, zh(box.title))
        self.add(node, PG.order, integer(box.order))
        self.add(node, PG.line, integer(box.line))
        self.add(node, PG.lastLine, integer(box.last_line or box.line))
        self.mentioned(node, box.span, box.line)
        if box.kind != "projects":  # project items become pg:Project entities (add_entities)
            for k, item in enumerate(box.items, start=1):
                it = vocab.box_item_iri(node, k)
                self.add(it, RDF.type, PG.BoxItem)
                self.add(it, RDFS.label, zh(item.name))
                self.add(it, PG.listedIn, node)
                if item.number is not None:
                    self.add(it, PG.itemNumber, integer(item.number))
                if item.group:
                    self.add(it, PG.group, Literal(item.group))
                if item.description:
                    self.add(it, PG.description, Literal(item.description))
                self.mentioned(it, item.span, item.line)
        for r, row in enumerate(box.rows, start=1):
            self.add_row(node, box, r, row)

    def add_row(self, box_node: URIRef, box: Box, r: int, row: IndicatorRow) -> None:
        ind = vocab.indicator_iri(row.name)
        self.add(ind, RDF.type, PG.Indicator)
        self.add(ind, RDFS.label, zh(row.name))
        if row.unit:
            self.add(ind, PG.unit, Literal(row.unit))
        if row.category:
            self.add(ind, PG.category, Literal(row.category))
        self.add(ind, PG.indicatorConcept, indicators.concept_iri(indicators.concept_for(row.name)))
        if row.parent:
            parent = vocab.indicator_iri(row.parent)
            self.add(parent, RDF.type, PG.Indicator)
            self.add(parent, RDFS.label, zh(row.parent))
            self.add(parent, PG.indicatorConcept, indicators.concept_iri(indicators.concept_for(row.parent)))
            # Reified with the row's mention: each plan groups its indicators its own way, so the
            # union of the graphs may hold one parent per plan, each traceable to its plan.
            self.relation(ind, PG.parentIndicator, parent, Evidence(row.span, row.line) if row.span else None)
        self.mentioned(ind, row.span, row.line)
        for c, cell in enumerate(row.cells, start=1):
            self.add_cell(box_node, box, r, c, ind, row, cell)

    def add_cell(
        self, box_node: URIRef, box: Box, r: int, c: int, ind: URIRef, row: IndicatorRow, cell: IndicatorCell
    ) -> None:
        o = vocab.observation_iri(self.iri, box.order, r, c)
        self.add(o, RDF.type, PG.Observation)
        self.add(o, PG.document, self.iri)
        self.add(o, PG.indicator, ind)
        self.add(o, PG.table, box_node)
        if cell.year:
            self.add(o, PG.year, gyear(cell.year))
        self.add(o, PG.valueText, Literal(cell.text))
        value = numeric_value(cell.text)
        if value is not None:
            self.add(o, PG.value, value)
        self.add(o, PG.valueKind, PG[cell.value_kind])
        if row.attribute in ("预期性", "约束性"):
            self.add(o, PG.attribute, PG.Expected if row.attribute == "预期性" else PG.Binding)
        growth = row.growth_actual if cell.value_kind == "Actual" and row.growth_actual else row.growth
        if growth:
            self.add(o, PG.growthText, Literal(growth))
        self.add(o, PG.line, integer(cell.line))
        self.mentioned(o, cell.span, cell.line)
        concept = indicators.concept_for(row.name)
        self.add_quantity(o, PG.parsedValue, "value", values.parse_value(cell.text, row.unit), concept)
        if growth:
            parsed = values.parse_growth(growth, row.unit, indicators.is_change(concept))
            self.add_quantity(o, PG.parsedGrowth, "growth", parsed, None)

    def add_quantity(
        self, owner: URIRef, link: URIRef, part: str, parsed: values.ParsedValue, concept: str | None
    ) -> None:
        """A printed value read as a value (nothing for a placeholder or an unreadable cell);
        ``concept``: the indicator concept, whose default unit the amount is also given in."""
        if parsed.placeholder or (parsed.amount is None and parsed.form is None):
            return
        q = vocab.quantity_iri(owner, part)
        self.add(owner, link, q)
        self.add(q, RDF.type, PG.Quantity)
        expected = indicators.concept_unit(concept) if concept else None
        unit = units.implied_unit(parsed.unit, expected)
        if parsed.amount is not None:
            self.add(q, PG.amount, Literal(parsed.amount, datatype=XSD.decimal))
            if expected is not None and unit is not None:
                converted = units.convert(parsed.amount, unit, expected)
                if converted is not None:
                    self.add(q, PG.amountInDefaultUnit, Literal(values.tidy(converted), datatype=XSD.decimal))
        if parsed.upper is not None:
            self.add(q, PG.upperAmount, Literal(parsed.upper, datatype=XSD.decimal))
        if unit is not None:
            self.add(q, PG.unitOfMeasure, indicators.unit_iri(unit.key))
        if parsed.unit_text:
            self.add(q, PG.unitText, Literal(parsed.unit_text))
        if parsed.qualifier:
            self.add(q, PG.qualifier, PG[parsed.qualifier])
        if parsed.cumulative:
            self.add(q, PG.cumulative, Literal(True))
        if parsed.estimate:
            self.add(q, PG.estimate, Literal(True))
        if parsed.form:
            self.add(q, PG.targetForm, PG[parsed.form])

    def add_stated_target(self, target: StatedTarget) -> None:
        """A target stated in a sentence: a pg:StatedTarget (not typed pg:Observation, which
        stays the cells of tables) with the clause as its mention."""
        node = vocab.stated_target_iri(self.iri, target.span.start, target.span.end)
        ind = vocab.indicator_iri(target.indicator)
        concept = indicators.concept_for(target.indicator)
        self.add(ind, RDF.type, PG.Indicator)
        self.add(ind, RDFS.label, zh(target.indicator))
        self.add(ind, PG.indicatorConcept, indicators.concept_iri(concept))
        self.mentioned(ind, target.indicator_span, target.line)
        self.add(node, RDF.type, PG.StatedTarget)
        self.add(node, PG.document, self.iri)
        self.add(node, PG.indicator, ind)
        self.add(node, PG.year, gyear(target.year))
        self.add(node, PG.valueText, Literal(target.value_text))
        self.add(node, PG.valueKind, PG.Target)
        self.add(node, PG.line, integer(target.line))
        self.mentioned(node, target.span, target.line)
        self.add_quantity(node, PG.parsedValue, "value", values.parse_value(target.value_text), concept)

    # --- entities ------------------------------------------------------------------------------

    def add_entities(self, division_iris: dict[int, URIRef]) -> None:
        ents = self.doc.entities
        for place in ents.places:
            self.mentioned(vocab.region_iri(place.region.code), place.span, place.line)
        for goal in ents.industries:
            industry = vocab.industry_iri(goal.concept)
            where = division_iris.get(goal.division, self.iri) if goal.division else self.iri
            evidence = Evidence(goal.span, goal.line)
            self.relation(where, PG.promotesIndustry, industry, evidence)
            self.mentioned(industry, goal.span, goal.line)
        for park in ents.parks:
            self.add_park(park)
        for project in ents.projects:
            self.add_project(project)

    def park_iri(self, name: str) -> URIRef:
        """The node of a park this document names (by its name or an alias)."""
        return self.park_nodes.get(vocab.normalise_name(name)) or vocab.park_iri(self.region_code, name)

    def add_park(self, park: Park) -> None:
        # a park is identified within the region it lies in, so plans of a city and of its
        # districts name the same park node
        node = vocab.park_iri(park.region_code or self.region_code, park.name)
        for name in {park.name, *park.aliases}:
            self.park_nodes[vocab.normalise_name(name)] = node
        self.add(node, RDF.type, PG.Park)
        self.add(node, RDFS.label, zh(park.name))
        for alias in sorted(park.aliases - {park.name}):
            self.add(node, SKOS.altLabel, zh(alias))
        if park.kind:
            self.add(node, PG.parkKind, Literal(park.kind))
        if park.level in ("national", "provincial"):
            self.add(node, PG.parkLevel, PG.National if park.level == "national" else PG.Provincial)
        first = park.spans[0] if park.spans else None
        if park.region_code:
            self.relation(node, PG.within, vocab.region_iri(park.region_code), first)
        for ev in park.spans:
            self.mentioned(node, ev.span, ev.line)
        for concept, ev in park.industries:
            self.relation(node, PG.hostsIndustry, vocab.industry_iri(concept), ev)

    def add_project(self, project: Project) -> None:
        node = vocab.project_iri(self.region_code, project.name)
        self.add(node, RDF.type, PG.Project)
        self.add(node, RDFS.label, zh(project.name))
        if project.box is not None:
            # the project's own mention (its line in the box) is the evidence of the listing
            first_listing = (node, PG.listedIn, None) not in self.graph
            self.add(node, PG.listedIn, vocab.box_iri(self.iri, project.box))
            # one node per project (region + name): a project listed in two boxes keeps the number
            # and group of its first listing, which would otherwise be ambiguous
            if project.item_number is not None and first_listing:
                self.add(node, PG.itemNumber, integer(project.item_number))
            if project.group and first_listing:
                self.add(node, PG.group, Literal(project.group))
        for ev in project.spans:
            self.mentioned(node, ev.span, ev.line)
        if project.industry:
            concept, ev = project.industry
            self.relation(node, PG.supportsIndustry, vocab.industry_iri(concept), ev)
        if project.status in ("Planned", "Ongoing", "Completed"):
            # the status is a reading of its clause: reified with it, like the other relations
            self.relation(node, PG.status, PG[project.status], project.status_evidence)
        if project.capacity:
            self.add(node, PG.capacity, Literal(project.capacity))
        if project.capacity_amount:
            amount = project.capacity_amount
            self.add(node, PG.capacityValue, Literal(amount.value, datatype=XSD.decimal))
            self.add(node, PG.capacityUnit, Literal(amount.unit))
        if project.investment:
            amount = project.investment
            value = Literal(amount.value, datatype=XSD.decimal)
            self.relation(node, PG.investment, value, amount.evidence)
            self.add(node, PG.investmentCurrency, Literal(amount.unit))
            self.add(node, PG.investmentText, Literal(amount.text))
        if project.location:
            kind, key, ev = project.location
            target = self.park_iri(key) if kind == "park" else vocab.region_iri(key)
            self.relation(node, PG.locatedIn, target, ev)


def document_graph(doc: ParsedDocument) -> tuple[URIRef, Graph]:
    builder = DocumentGraph(doc)
    return builder.iri, builder.build()
