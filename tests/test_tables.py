"""Indicator tables: hand-written fixtures of each printed format, and the tables of the corpus.

The fixtures (tests/fixtures/tables/) go through the real ingest. The one-cell-per-line fixture and
the corpus file 002 are also read "raw" (every non-blank line a block, see ``raw_blocks``): ingest
currently takes a line holding only a small integer for a page number, which drops such cells.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plangraph.ingest import read_documents, read_source
from plangraph.model import Block, Box, IndicatorRow
from plangraph.structure import parse_structure
from plangraph.tables import (
    ATTR,
    INT,
    NAME,
    NUM,
    PH,
    TEXT,
    UNIT,
    VTEXT,
    _Cell,
    build_columns,
    canonical_name,
    cell_kind,
    clean_name,
    parse_table,
    table_extent,
)

FIXTURES = Path(__file__).parent / "fixtures" / "tables"
CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def raw_blocks(path: Path) -> list[Block]:
    """Every non-blank line as one block (leading tabs kept), offsets into the decoded file."""
    source = read_source(path)
    blocks = []
    for number in range(1, source.line_count + 1):
        start = source.line_starts[number - 1]
        text = source.line_text(number).rstrip()
        left = len(text) - len(text.lstrip(" \u3000\u00a0\ufeff"))
        if text.strip():
            blocks.append(Block(source.span(start + left, start + len(text)), number))
    return blocks


def ingest_blocks(path: Path) -> list[Block]:
    return read_documents(path)[0].blocks


def read_table(blocks: list[Block], label: str) -> tuple[Box, int]:
    """The table whose label block starts with ``label``: its box (as structure builds it) and the
    index of its label block."""
    at = next(i for i, b in enumerate(blocks) if b.text.replace(" ", "").startswith(label))
    n = table_extent(blocks, at + 1)
    title = blocks[at].text
    box = Box(0, label, title, blocks[at].line, blocks[at].span, None, blocks=blocks[at + 1 : at + 1 + n])
    box.rows = parse_table(box)
    return box, at


def row(rows: list[IndicatorRow], name: str) -> IndicatorRow:
    return next(r for r in rows if r.name == name)


def cells(r: IndicatorRow) -> dict[tuple[int | None, str], str]:
    return {(c.year, c.value_kind): c.text for c in r.cells}


def source_text(path: Path) -> str:
    return read_source(path).text


# --- cells, names, headers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty"),
        ("预期性", ATTR),
        ("约束性", ATTR),
        ("亿元", UNIT),
        ("万元/人", UNIT),
        ("微克/立方米", UNIT),
        ("%", UNIT),
        ("12", INT),
        ("1513.8", NUM),
        ("[5.8]", NUM),
        ("年均增长 20%", NUM),
        ("—", PH),
        ("/", PH),
        ("[*]", PH),
        ("完成省下达任务", VTEXT),
        ("与经济增长同步", VTEXT),
        (">全市平均增速", VTEXT),
        ("地区生产总值（亿元）", NAME),
        ("PM2.5 年平均浓度", NAME),
        ("每千人口拥有 3 岁以下婴幼儿托位数", NAME),
        ("森林覆盖率", NAME),
        ("综合", TEXT),
    ],
)
def test_cell_kind(text: str, kind: str) -> None:
    assert cell_kind(text) == kind


def test_clean_name_drops_star_sub_prefix_and_unit_but_keeps_inner_brackets() -> None:
    source = "*研究与试验发展（R&D）经费投入强度（%）"
    from plangraph.model import Span

    name = clean_name([Span(source, tuple(range(100, 100 + len(source))))])
    assert name.text == "研究与试验发展（R&D）经费投入强度"
    assert name.unit == "%"
    assert name.starred
    assert name.span is not None and name.span.start == 101 and name.span.text == name.text

    sub = clean_name([Span("其中：集装箱运量（万标箱）", tuple(range(13)))])
    assert (sub.text, sub.unit, sub.sub) == ("集装箱运量", "万标箱", True)

    spaced = clean_name([Span("主要污 染物排 放减少 （%）", tuple(range(15)))])
    assert (spaced.text, spaced.unit) == ("主要污染物排放减少", "%")
    # the span skips the spaces, so it still quotes only characters of the name
    assert spaced.span is not None and spaced.span.text == "主要污染物排放减少"


def test_canonical_name_is_width_independent() -> None:
    assert canonical_name("研究与试验发展(R&D)经费投入强度") == canonical_name(
        "研究与试验发展（R&D）经费投入强度"
    )
    assert canonical_name("劣Ⅴ类水体比例") == canonical_name("劣V类水体比例") == "劣V类水体比例"


def _cells(*texts: str) -> list[_Cell]:
    from plangraph.model import Span

    return [_Cell(Span(t, tuple(range(len(t)))) if t else Span("", ()), 1, 0) for t in texts]


def test_two_row_header_lines_up_under_the_merged_headers() -> None:
    # leading empty cells of the second row lost (ingest strips the line): aligned under the
    # first merged value header, which the empty cell after it shows
    header = _cells("指标", "属性", "2015年 基数", "“十三五”规划 目标", "", "预计完成情况")
    sub = _cells("2020年", "累计或 年均增长 (%)", "2020年", "累计或 年均增长 (%)")
    cols = build_columns(header, sub, review=True)
    assert [(c.role, c.year, c.kind if c.role == "value" else None) for c in cols] == [
        ("name", None, None),
        ("attribute", None, None),
        ("value", 2015, "Baseline"),
        ("value", 2020, "Target"),
        ("growth", None, None),
        ("value", 2020, "Actual"),
        ("growth", None, None),
    ]


def test_header_without_empty_cells_shares_the_second_row_out() -> None:
    header = _cells("序号", "主要指标", "单位", "2010 年", "“十二五”完成情况")
    cols = build_columns(header, _cells("绝对量", "年均增长(%)"), review=True)
    assert [c.role for c in cols] == ["seq", "name", "unit", "value", "value", "growth"]
    assert cols[3].kind == "Baseline" and cols[4].kind == "Actual" and cols[4].year is None


def test_value_kinds_from_years_and_words() -> None:
    cols = build_columns(_cells("指标", "属性", "2020 年", "2025 年", "年均增速 [累计]"), None, review=False)
    assert [(c.year, c.kind) for c in cols if c.role == "value"] == [(2020, "Baseline"), (2025, "Target")]
    cols = build_columns(
        _cells("指标名称", "单位", "2020年规划目标", "2020年实际完成", "完成情况"), None, True
    )
    assert [(c.year, c.kind) for c in cols if c.role == "value"] == [
        (2020, "Target"),
        (2020, "Actual"),
        (None, "Actual"),
    ]


# --- the printed formats ---------------------------------------------------------------------


def test_tabs_merged_cells_two_level_names_and_page_break() -> None:
    path = FIXTURES / "tabs_merged.txt"
    blocks = ingest_blocks(path)
    box, at = read_table(blocks, "表1")
    rows = box.rows
    assert box.blocks[-1].text.startswith("注：")  # the footnote ends the table
    assert blocks[at + 1 + len(box.blocks)].text == "第二章 创新驱动"
    assert [r.name for r in rows] == [
        "地区生产总值",
        "固定资产投资",
        "一般公共预算收入",  # after the page break: an extra empty name column
        "常住人口城镇化率",
        "户籍人口城镇化率",
        "港口吞吐量",
        "集装箱运量",
        "研究与试验发展（R&D）经费投入强度",
        "城镇新增就业人数",
        "耕地保有量",
        "化学需氧量",
        "氨氮",
    ]
    gdp = row(rows, "地区生产总值")
    assert (gdp.category, gdp.unit, gdp.attribute, gdp.growth) == ("经济发展", "亿元", "预期性", "7%")
    assert cells(gdp) == {(2020, "Baseline"): "1500.5", (2025, "Target"): "2100"}
    assert cells(row(rows, "一般公共预算收入")) == {(2020, "Baseline"): "104.2", (2025, "Target"): "139"}
    # the first-level name and the attribute are merged cells: printed on the first sub-row only
    hukou = row(rows, "户籍人口城镇化率")
    assert (hukou.parent, hukou.attribute, hukou.unit, hukou.growth) == ("城镇化率", "预期性", "%", "[4.1]")
    box_row = row(rows, "集装箱运量")  # "其中：" makes it a part of the row above
    assert (box_row.parent, box_row.attribute, box_row.unit) == ("港口吞吐量", "预期性", "万标箱")
    assert row(rows, "城镇新增就业人数").starred
    assert cells(row(rows, "城镇新增就业人数")) == {(2020, "Baseline"): "—", (2025, "Target"): "—"}
    assert row(rows, "城镇新增就业人数").growth == "[7.75]"
    assert row(rows, "耕地保有量").growth == "*"
    ammonia = row(rows, "氨氮")
    assert (ammonia.category, ammonia.parent, ammonia.attribute) == (
        "生态文明",
        "主要污染物排放总量减少",
        "约束性",
    )


def test_spans_and_lines_quote_the_source_exactly() -> None:
    path = FIXTURES / "tabs_merged.txt"
    text = source_text(path)
    lines = text.split("\n")
    box, _ = read_table(ingest_blocks(path), "表1")
    for r in box.rows:
        assert r.span is not None
        assert text[r.span.start : r.span.end].replace(" ", "") == r.name
        assert r.name in lines[r.line - 1]
        for c in r.cells:
            assert c.span is not None and text[c.span.start : c.span.end] == c.text
            assert c.text in lines[c.line - 1].split("\t")


def test_run_of_spaces_with_seq_and_unit_columns() -> None:
    box, _ = read_table(ingest_blocks(FIXTURES / "spaces_unit_column.txt"), "表2")
    rows = box.rows
    assert [r.name for r in rows] == [
        "地区生产总值",
        "城镇化率",
        "空气质量优良天数",
        "城镇居民人均可支配收入",
    ]
    gdp = rows[0]
    assert (gdp.unit, gdp.attribute, gdp.growth) == ("亿元", "预期性", "6.5")
    assert cells(gdp) == {(2020, "Baseline"): "152", (2025, "Target"): "210"}
    # no unit printed: the values still land in their columns
    days = row(rows, "空气质量优良天数")
    assert (days.unit, days.attribute) == (None, "约束性")
    assert cells(days) == {(2020, "Baseline"): "274", (2025, "Target"): "310"}
    assert cells(rows[3])[(2025, "Target")] == "与经济增长同步"


def test_numbered_groups_and_footnote_marks() -> None:
    box, _ = read_table(ingest_blocks(FIXTURES / "numbered_groups.txt"), "表4")
    assert [(r.category, r.name, r.unit) for r in box.rows] == [
        ("经济发展", "地区生产总值", "亿元"),  # "①" refers to the footnote
        ("经济发展", "城镇化率", "%"),
        ("民生福祉", "居民人均可支配收入", "元"),  # unit column empty: the unit in the name
        ("民生福祉", "每千人口拥有执业（助理）医师数", "人"),  # "（助理）" is part of the name
    ]
    assert all(r.parent is None for r in box.rows)
    assert cells(box.rows[2]) == {(2020, "Baseline"): "30000", (2025, "Target"): "42000"}


def test_one_cell_per_line() -> None:
    path = FIXTURES / "cells_per_line.txt"
    blocks = raw_blocks(path)
    box, at = read_table(blocks, "表2-1")
    rows = box.rows
    assert box.blocks[-1].text == "注:[]为五年累计数据"
    assert blocks[at + 1 + len(box.blocks)].text == "(二)存在问题"
    assert [(r.category, r.name, r.unit, r.attribute) for r in rows] == [
        ("综合实力", "地区生产总值年均增速", "%", "预期性"),  # category printed over two lines
        ("综合实力", "一般公共预算收入", "亿元", "预期性"),
        ("高质量发展", "高新技术企业数量", None, "预期性"),  # no unit cell
        ("高质量发展", "五年新增科技成果转化数量", None, "预期性"),
        ("生态文明", "PM2.5年平均浓度", "微克/立方米", "约束性"),
        ("生态文明", "空气质量优良天数", None, "约束性"),
    ]
    assert cells(rows[0]) == {(2020, "Baseline"): "2.4", (2025, "Target"): ">全市平均增速"}
    assert cells(rows[2]) == {(2020, "Baseline"): "9", (2025, "Target"): "14"}
    assert cells(rows[3]) == {(2020, "Baseline"): "[4]", (2025, "Target"): "[20]"}
    assert cells(rows[5]) == {(2020, "Baseline"): "274", (2025, "Target"): "310"}
    assert [c.line for c in rows[5].cells] == [87, 89]


def test_one_cell_per_line_through_ingest_keeps_rows_and_columns() -> None:
    """Lines missing from the blocks (ingest drops lone small numbers as page numbers) are gaps in
    the line numbers: the cells around them still land in their own columns."""
    path = FIXTURES / "cells_per_line.txt"
    box, _ = read_table(ingest_blocks(path), "表2-1")
    full, _ = read_table(raw_blocks(path), "表2-1")
    assert [r.name for r in box.rows] == [r.name for r in full.rows]
    for got, want in zip(box.rows, full.rows, strict=True):
        assert set(cells(got).items()) <= set(cells(want).items())
        assert (got.unit, got.attribute, got.category) == (want.unit, want.attribute, want.category)


def test_two_level_header_with_target_and_actual_growth() -> None:
    box, _ = read_table(ingest_blocks(FIXTURES / "two_level_header.txt"), "专栏1")
    rows = box.rows
    assert len(rows) == 5
    gdp = row(rows, "地区生产总值")
    assert cells(gdp) == {(2015, "Baseline"): "698.8", (2020, "Target"): "—", (2020, "Actual"): "837.7"}
    assert (gdp.growth, gdp.growth_actual, gdp.starred) == ("7.5", "2.6", True)
    assert [c.header for c in gdp.cells] == ["2015年 基数", "“十三五”规划 目标 2020年", "预计完成情况 2020年"]
    urban = row(rows, "常住人口城镇化率")  # an extra name column: the last cell is left out
    assert urban.parent == "城镇化率" and not urban.starred
    assert cells(urban) == {(2015, "Baseline"): "61.8", (2020, "Target"): "66", (2020, "Actual"): "62.8"}
    assert (urban.growth, urban.growth_actual) == ("0.8", None)
    jobs = row(rows, "城镇新增就业人数")
    assert (jobs.growth, jobs.growth_actual) == ("[5]", "[8]")
    water = row(rows, "劣V类水体比例")  # name, then an empty sub-name cell
    assert water.parent is None and water.attribute == "约束性"
    assert cells(water) == {(2015, "Baseline"): "22.22", (2020, "Target"): "22.22", (2020, "Actual"): "0"}


def test_two_level_header_with_leading_tabs_kept_finds_every_parent() -> None:
    box, _ = read_table(raw_blocks(FIXTURES / "two_level_header.txt"), "专栏1")
    assert row(box.rows, "户籍人口城镇化率").parent == "城镇化率"


def test_columns_without_a_year_give_no_cells() -> None:
    box, _ = read_table(ingest_blocks(FIXTURES / "review_no_year.txt"), "表1")
    rows = box.rows
    assert [(r.category, r.name, r.attribute) for r in rows] == [
        ("经济总量", "地区生产总值", "预期性"),
        ("经济总量", "一般公共预算收入", "预期性"),
        ("人口资源环境", "常住人口", "约束性"),
        ("人口资源环境", "森林覆盖率", "约束性"),
    ]
    # "“十二五”规划目标" and "“十二五”完成情况" carry no year: only the 2010 column is observed
    assert [[(c.year, c.value_kind, c.text) for c in r.cells] for r in rows] == [
        [(2010, "Baseline", "800")],
        [(2010, "Baseline", "65.8")],
        [(2010, "Baseline", "230")],
        [(2010, "Baseline", "44")],
    ]


def test_markdown_pipe_table() -> None:
    box, _ = read_table(ingest_blocks(FIXTURES / "pipes.txt"), "表3")
    assert [(r.name, r.unit, r.attribute) for r in box.rows] == [
        ("地区生产总值", "亿元", "预期性"),
        ("森林覆盖率", "%", "约束性"),
        ("营商便利度", None, "预期性"),
    ]
    assert cells(box.rows[2]) == {(2020, "Baseline"): "—", (2025, "Target"): "进入全省先进行列"}


def test_prose_after_a_title_is_no_table() -> None:
    path = FIXTURES / "tabs_merged.txt"
    blocks = ingest_blocks(path)
    at = next(i for i, b in enumerate(blocks) if b.text.startswith("第一章"))
    assert table_extent(blocks, at + 1) == 0


def test_a_table_of_projects_is_no_indicator_table() -> None:
    blocks = ingest_blocks(FIXTURES / "projects_table.txt")
    at = next(i for i, b in enumerate(blocks) if b.text.startswith("专栏3"))
    assert table_extent(blocks, at + 1) == 0


def test_structure_uses_the_table_stage() -> None:
    _, boxes = parse_structure(read_documents(FIXTURES / "tabs_merged.txt")[0])
    box = next(b for b in boxes if b.label and b.label.replace(" ", "") == "表1")
    assert box.kind == "indicators"
    assert len(box.rows) == 12


# --- the corpus ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_tables() -> dict[tuple[str, str], Box]:
    found = {}
    for name in ("000", "001", "004"):
        path = next(CORPUS.glob(f"{name}_*.txt"))
        _, boxes = parse_structure(read_documents(path)[0])
        for b in boxes:
            if b.kind == "indicators" and b.label:
                found[(name, b.label.replace(" ", ""))] = b
    return found


def test_corpus_000(corpus_tables: dict[tuple[str, str], Box]) -> None:
    t1, t2 = corpus_tables[("000", "表1")], corpus_tables[("000", "表2")]
    assert len(t1.rows) == 25 and sum(len(r.cells) for r in t1.rows) == 0  # no year in its columns
    assert row(t1.rows, "人口自然增长率").category == "人口资源环境"
    assert len(t2.rows) == 39 and sum(len(r.cells) for r in t2.rows) == 78
    assert cells(row(t2.rows, "国内生产总值")) == {(2015, "Baseline"): "1513.8", (2020, "Target"): "2100"}
    assert cells(row(t2.rows, "森林蓄积量")) == {(2015, "Baseline"): "0.0269", (2020, "Target"): "0.0296"}
    assert row(t2.rows, "细颗粒物（PM2.5）未达标地级及以上城市年均浓度下降").parent == "空气质量"
    assert row(t2.rows, "达到或好于III类水体比例").unit == "%"
    assert t2.last_line == 284


def test_corpus_004(corpus_tables: dict[tuple[str, str], Box]) -> None:
    t1, t2 = corpus_tables[("004", "专栏1")], corpus_tables[("004", "专栏2")]
    assert len(t1.rows) == 31 and len(t2.rows) == 38
    assert sum(len(r.cells) for r in t1.rows) == 87
    assert cells(row(t1.rows, "农村贫困人口脱贫")) == {
        (2015, "Baseline"): "26492",
        (2020, "Target"): "贫困人口全部脱贫",
        (2020, "Actual"): "全部脱贫",
    }
    assert cells(row(t1.rows, "氨氮")) == {(2015, "Baseline"): "—"}
    assert row(t1.rows, "氨氮").growth_actual == "-18.94"
    assert cells(row(t2.rows, "城镇调查失业率")) == {
        (2020, "Baseline"): "6.0 左右",
        (2025, "Target"): "5.5 左右",
    }
    assert row(t2.rows, "常住（含瞬时）人口数").unit == "万人"
    assert row(t2.rows, "装备制造业重点产业链本地配套率").attribute is None


def test_corpus_001(corpus_tables: dict[tuple[str, str], Box]) -> None:
    t1, t2 = corpus_tables[("001", "表1")], corpus_tables[("001", "表2")]
    assert len(t1.rows) == 9 and len(t2.rows) == 31
    assert cells(row(t1.rows, "地区生产总值")) == {(2010, "Baseline"): "912.6"}
    assert row(t1.rows, "地区生产总值").growth_actual == "8.2"
    assert row(t1.rows, "城镇居民人均可支配收入").unit == "元"
    assert row(t2.rows, "常住人口城镇化率").parent == "城镇化率"
    assert cells(row(t2.rows, "新增建设用地规模")) == {
        (2015, "Baseline"): "—",
        (2020, "Target"): "完成省下 达目标",
    }
    assert row(t2.rows, "劣V类水体比例").parent is None


def test_corpus_002_one_cell_per_line() -> None:
    blocks = raw_blocks(next(CORPUS.glob("002_*.txt")))
    t1, _ = read_table(blocks, "表1-1")
    t2, _ = read_table(blocks, "表2-1")
    assert len(t1.rows) == 18 and len(t2.rows) == 16
    assert sum(len(r.cells) for r in t1.rows) == 36 and sum(len(r.cells) for r in t2.rows) == 32
    assert cells(row(t1.rows, "地区生产总值")) == {(2020, "Target"): "207", (2020, "Actual"): "152"}
    assert row(t1.rows, "人均期望寿命").unit is None
    assert cells(row(t1.rows, "人均期望寿命")) == {(2020, "Target"): "78", (2020, "Actual"): "78"}
    assert row(t1.rows, "常住人口").category == "社会民生"
    assert cells(row(t2.rows, "空气质量优良天数")) == {(2020, "Baseline"): "274", (2025, "Target"): "310"}
    assert t2.blocks[-1].text == "注:[]为五年累计数据"
