"""Indicators compared across documents: the concept scheme, values read as values, units that
convert, and targets stated in sentences. Cases are tables of real rows and sentences
(``tests/cases/indicator_*.tsv``, ``prose_targets.tsv``), the last tests run on the corpus build."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from plangraph import indicators, targets, units, values
from plangraph.model import Block, DocumentText, Metadata, ParsedDocument, SourceFile
from plangraph.reftables import ReferenceTableError, read_table
from plangraph.settings import get_settings
from plangraph.store import open_store, select

CASES = Path(__file__).parent / "cases"


def case_rows(name: str) -> list[list[str]]:
    rows = []
    for line in (CASES / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


# --- values ----------------------------------------------------------------------------------

VALUE_CASES = case_rows("indicator_values.tsv")


@pytest.mark.parametrize("case", VALUE_CASES, ids=[f"{c[1]} {c[2]}" for c in VALUE_CASES])
def test_values_read_as_values(case: list[str]) -> None:
    kind, _source, printed, row_unit, amount, upper, unit, qualifier, cumulative, estimate, form = (
        case + [""] * 11
    )[:11]
    parse = values.parse_growth if kind == "growth" else values.parse_value
    parsed = parse(printed, row_unit or None)
    if kind == "placeholder":
        assert parsed.placeholder and parsed.amount is None, parsed
        return
    assert not parsed.placeholder
    assert parsed.amount == (Decimal(amount) if amount else None), parsed
    assert parsed.upper == (Decimal(upper) if upper else None), parsed
    assert (parsed.unit.key if parsed.unit else "") == unit, parsed
    assert (parsed.qualifier or "") == qualifier, parsed
    assert parsed.cumulative == (cumulative == "yes"), parsed
    assert parsed.estimate == (estimate == "yes"), parsed
    assert (parsed.form or "") == form, parsed


def test_a_cumulative_change_of_a_rate_row_is_in_percent_not_points() -> None:
    # 辽阳 十四五, 专栏2: 单位地区生产总值能源消耗下降率 (%) … [14]; 营口 十三五, 表2: 常住人口城镇化率 (%) … [5.8]
    assert values.parse_growth("[14]", "%", row_is_change=True).unit == units.units()["percent"]
    assert values.parse_growth("[5.8]", "%").unit == units.units()["percentage-point"]


def test_the_value_cases_come_from_many_documents() -> None:
    sources = {c[1].split(":")[0] for c in VALUE_CASES}
    assert {"C000", "C001", "C002", "C004", "BJ15", "SH15", "HZ15", "WR26"} <= sources


# --- names -> concepts -----------------------------------------------------------------------

NAME_CASES = case_rows("indicator_names.tsv")


@pytest.mark.parametrize("case", NAME_CASES, ids=[c[1] for c in NAME_CASES])
def test_printed_names_stand_for_their_concept(case: list[str]) -> None:
    _source, printed, concept = [*case, ""][:3]
    assert (indicators.resolve(printed) or "") == concept, indicators.comparison_key(printed)


def test_every_label_of_the_scheme_resolves_to_its_concept() -> None:
    scheme = indicators.scheme()
    for concept in scheme.concepts.values():
        for label in (concept.label, *concept.alt_labels):
            assert indicators.resolve(label) == concept.key, (label, indicators.comparison_key(label))
        if concept.of:
            assert scheme.concepts[concept.of].measure == "level", concept.key


def test_an_unknown_indicator_becomes_a_candidate_keyed_by_its_comparison_form() -> None:
    assert indicators.concept_for("三次产业结构") == indicators.candidate_key("三次产业结构")
    assert indicators.candidate_key("全市三次产业结构") == indicators.candidate_key("三次产业结构")
    graph = indicators.candidate_graph(["三次产业结构", "地区生产总值"])
    candidates = set(graph.subjects(predicate=None, object=indicators.PG.CandidateIndicatorConcept))
    assert candidates == {indicators.concept_iri(indicators.candidate_key("三次产业结构"))}


def test_the_published_scheme_is_generated_from_the_tables() -> None:
    """ontology/indicators.ttl is what scripts/build_schemes.py makes of the tables."""
    published = Graph().parse(get_settings().ontology_dir / "indicators.ttl", format="turtle")
    expected = Graph().parse(data=indicators.scheme_graph().serialize(format="turtle"), format="turtle")
    assert isomorphic(published, expected), "run scripts/build_schemes.py"


def test_every_concept_names_its_sources_and_its_unit() -> None:
    scheme = indicators.scheme()
    assert {"N14", "NBS"} <= set(scheme.sources)
    for concept in scheme.concepts.values():
        assert concept.sources, concept.key
        assert concept.unit in units.units(), concept.key


# --- units -----------------------------------------------------------------------------------


def test_units_of_one_base_convert() -> None:
    table = units.units()
    assert units.convert(Decimal("4.7"), table["wan-yuan"], table["yuan"]) == Decimal("47000")
    assert units.convert(Decimal("1513.8"), table["yi-yuan"], table["wan-yuan"]) == Decimal("15138000")
    assert units.convert(Decimal("32"), table["yi-jin"], table["wan-tonne"]) == Decimal("160")
    assert units.convert(Decimal("1"), table["yuan"], table["percent"]) is None


def test_a_unit_printed_without_what_it_is_per_is_read_as_the_concepts() -> None:
    table = units.units()
    # 锦州 prints 全员劳动生产率 in 万元, 营口 in 万元/人; 万元地区生产总值用水量 in 立方米
    assert units.implied_unit(table["wan-yuan"], table["wan-yuan-per-person"]) is table["wan-yuan-per-person"]
    assert units.implied_unit(table["m3"], table["m3-per-wan-yuan"]) is table["m3-per-wan-yuan"]
    assert units.implied_unit(table["wan-yuan"], table["yuan"]) is table["wan-yuan"]  # converts instead
    assert units.unit_for("年") is units.unit_for("岁")


def test_every_unit_has_a_ucum_code_and_printed_forms_belong_to_one_unit() -> None:
    for unit in units.units().values():
        assert unit.ucum, unit.key
    assert units.unit_for("（%）") is units.unit_for("％")


def test_a_malformed_reference_table_names_its_file_and_line(tmp_path: Path) -> None:
    table = tmp_path / "units.tsv"
    table.write_text("# comment\nyuan\t元\tyuan\n", encoding="utf-8")
    with pytest.raises(ReferenceTableError, match=r"units.tsv line 2: expected at least 7"):
        read_table(table, 7)


# --- targets in sentences --------------------------------------------------------------------


def _document(text: str, year: int, source: str) -> ParsedDocument:
    """One paragraph as a document: a work report delivered in ``year``, or a plan ending then."""
    src = SourceFile("case.txt", Path("case.txt"), text, "utf-8")
    block = Block(src.span(0, len(text)), 1)
    report = source.split(":")[0] in ("C003", "WR26", "WRC")
    meta = Metadata(doc_type="government-work-report" if report else "five-year-plan", title="case")
    if report:
        meta.report_year = year - 1
    else:
        meta.period_start, meta.period_end = year - 4, year
    return ParsedDocument(DocumentText(src, 0, [block], 1, 1), meta)


PROSE_CASES = case_rows("prose_targets.tsv")


@pytest.mark.parametrize("case", PROSE_CASES, ids=[c[0] for c in PROSE_CASES])
def test_targets_stated_in_sentences(case: list[str]) -> None:
    source, doc_year, target_year, excerpt, expected = [*case, *[""] * 5][:5]
    found = targets.find_targets(_document(excerpt, int(doc_year), source))
    wanted = [tuple(item.split("=")) for item in expected.split(" ; ") if item]
    got = [(t.indicator, t.value_text, indicators.resolve(t.indicator) or "") for t in found]
    assert got == wanted
    for t in found:
        assert t.year == int(target_year)
        assert t.span.text in excerpt and t.value_text in t.span.text
        # the indicator's own mention quotes it exactly, when it is printed as such
        assert t.indicator_span is None or t.indicator_span.text == t.indicator


def test_the_prose_cases_cover_the_provincial_reports() -> None:
    places = {c[0].split(":")[1] for c in PROSE_CASES if c[0].startswith("WR26:")}
    assert len(places) >= 25


def test_a_trigger_broken_over_lines_keeps_its_plan_period() -> None:
    # 广东省2026年政府工作报告, lines 46-48: the web page breaks the trigger over three lines
    lines = [
        "“十五五”时期经济社会发展的",
        "主要目标",
        "是：地区生产总值年均增长5%左右，高质量发展取得显著成效。",
    ]
    text = "\n".join(lines)
    src = SourceFile("gd.txt", Path("gd.txt"), text, "utf-8")
    blocks, start = [], 0
    for number, line in enumerate(lines, 1):
        blocks.append(Block(src.span(start, start + len(line)), number))
        start += len(line) + 1
    meta = Metadata(doc_type="government-work-report", title="政府工作报告", report_year=2025)
    found = targets.find_targets(ParsedDocument(DocumentText(src, 0, blocks, 1, 3), meta))
    assert [(t.indicator, t.value_text, t.year, t.line) for t in found] == [
        ("地区生产总值年均增长", "5%左右", 2030, 3)
    ]


# --- on the corpus build ---------------------------------------------------------------------

#: The headline indicators of the issue: every plan that states them links them to one concept.
HEADLINE = ("gdp", "urban-disposable-income", "rural-disposable-income", "rd-intensity", "urbanisation-rate")


def _cells(build: Path) -> dict[str, dict[str, list[tuple]]]:
    """concept key -> source file -> (year, printed, amount in the concept's default unit)."""
    store = open_store(build)
    rows = select(
        store,
        """PREFIX pg: <https://w3id.org/plangraph/ontology#>
        SELECT DISTINCT ?concept ?file ?o ?year ?text ?amount WHERE {
          ?o a pg:Observation ; pg:document ?d ; pg:indicator ?i ; pg:year ?year ; pg:valueText ?text .
          ?d pg:sourceFile ?file . ?i pg:indicatorConcept ?concept .
          OPTIONAL { ?o pg:parsedValue/pg:amountInDefaultUnit ?amount } }""",
    )
    found: dict[str, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for concept, file, _o, year, text, amount in rows:
        key = concept.value.rsplit("/", 1)[1]
        found[key][file.value].append((year.value, text.value, Decimal(amount.value) if amount else None))
    return found


def test_headline_indicators_meet_across_the_plans_that_state_them(corpus_build: Path) -> None:
    cells = _cells(corpus_build)
    plans = ("000_eff48e12d0f87c70.txt", "001_cb27c06e08f47c2d.txt", "004_b18dca5de18b2533.txt")
    for concept in HEADLINE:
        for plan in plans:
            assert cells[concept][plan], (concept, plan)
    # 站前区 prints GDP and urban income too (in 亿元 and 万元): they compare with the others in 元
    assert ("2020", "4.7", Decimal("47000")) in cells["urban-disposable-income"]["002_aeb35f2bbea0796b.txt"]
    assert ("2020", "43726", Decimal("43726")) in cells["urban-disposable-income"]["000_eff48e12d0f87c70.txt"]
    assert ("2020", "2100", Decimal("2100")) in cells["gdp"]["000_eff48e12d0f87c70.txt"]
    assert cells["gdp"]["002_aeb35f2bbea0796b.txt"]
    for concept in HEADLINE:  # every numeric cell has an amount in the concept's unit
        for plan_cells in cells[concept].values():
            for _year, text, amount in plan_cells:
                if values.parse_value(text).is_numeric:
                    assert amount is not None, (concept, text)


def test_the_three_work_reports_have_their_yearly_targets(corpus_build: Path) -> None:
    store = open_store(corpus_build)
    rows = select(
        store,
        """PREFIX pg: <https://w3id.org/plangraph/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT DISTINCT ?title ?year ?concept ?text ?quote WHERE {
          ?t a pg:StatedTarget ; pg:document ?d ; pg:year ?year ; pg:valueText ?text ;
             pg:indicator/pg:indicatorConcept ?concept ; pg:mention/pg:quote ?quote .
          ?d a pg:WorkReport ; dcterms:title ?title }""",
    )
    by_report: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for title, year, concept, text, quote in rows:
        by_report[title.value].add((year.value, concept.value.rsplit("/", 1)[1], text.value))
        assert text.value in quote.value
    assert ("2017", "gdp-growth", "7%") in by_report["2017年营口市政府工作报告"]
    assert ("2018", "gdp-growth", "7.5%") in by_report["2018年营口市政府工作报告"]
    assert ("2018", "gdp-growth", "8%") in by_report["2018年盖州市政府工作报告"]
    assert ("2017", "disposable-income-growth", "与经济发展同步") in by_report["2017年营口市政府工作报告"]
    assert len(by_report) == 3 and all(len(v) >= 5 for v in by_report.values())
    # and none of them is a table cell: the work reports have no indicator tables
    cells = select(
        store,
        """PREFIX pg: <https://w3id.org/plangraph/ontology#>
        SELECT ?o WHERE { ?o a pg:Observation ; pg:document ?d . ?d a pg:WorkReport }""",
    )
    assert list(cells) == []
