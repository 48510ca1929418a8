"""Recognising administrative places in plan text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plangraph.entities.places import document_context, extract_places, find_places
from plangraph.entities.regions import Gazetteer
from plangraph.model import Block, DocumentText, Metadata, ParsedDocument, SourceFile, Span
from plangraph.settings import get_settings

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "gold"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def names(text: str, context: list[str], gazetteer: Gazetteer) -> list[str]:
    return [region.name for _, _, region in find_places(text, context, gazetteer)]


def test_precision_and_recall_on_a_written_paragraph(gazetteer: Gazetteer) -> None:
    text = (
        "营口市位于辽宁省南部，下辖站前区、西市区、鲅鱼圈区、老边区，代管盖州市和大石桥市。"
        "加强与沈阳、大连的区域合作，开发新区，提升城区市场活力；营口港是东北地区重要的出海口。"
        "推动熊岳镇、高坎镇建设特色小镇，发展现代农业，打造宜居滨海城市。"
    )
    expected = {
        "营口市", "辽宁省", "站前区", "西市区", "鲅鱼圈区", "老边区", "盖州市", "大石桥市",
        "沈阳市", "大连市", "熊岳镇", "高坎镇",
    }  # fmt: skip
    found = names(text, gazetteer.context_for("210800"), gazetteer)
    true_positives = len(set(found) & expected)
    precision, recall = true_positives / len(set(found)), true_positives / len(expected)
    assert (precision, recall) == (1.0, 1.0), sorted(set(found) ^ expected)
    # 营口港 names the port, but 营口 there is still the city (the gold lists it that way)
    assert found.count("营口市") == 2


def test_offsets_point_at_the_printed_name(gazetteer: Gazetteer) -> None:
    text = "支持佟二堡皮草小镇和灯塔市发展"
    hits = find_places(text, gazetteer.context_for("211000"), gazetteer)
    assert [(text[s:e], r.code) for s, e, r in hits] == [("佟二堡", "211081101"), ("灯塔市", "211081")]


def test_common_words_are_not_places(gazetteer: Gazetteer) -> None:
    context = gazetteer.context_for("210800")
    assert names("深化区域合作，加强合作交流，建设开发区和新区", context, gazetteer) == []
    # the full name is the place where the text places it: 甘南州 just before is context enough
    assert names("甘南州合作市", [], gazetteer) == ["甘南藏族自治州", "合作市"]


def test_longest_name_wins(gazetteer: Gazetteer) -> None:
    hits = find_places("大石桥市", gazetteer.context_for("210800"), gazetteer)
    assert [(s, e, r.code) for s, e, r in hits] == [(0, 4, "210882")]


def test_towns_only_in_their_own_city_or_province(gazetteer: Gazetteer) -> None:
    text = "佟二堡电商产业园和小北河镇"
    assert names(text, gazetteer.context_for("211000"), gazetteer) == ["佟二堡镇", "小北河镇"]
    # outside the city a short town name is not read; a full one still is within the province
    assert names(text, gazetteer.context_for("210800"), gazetteer) == ["小北河镇"]
    assert names(text, gazetteer.context_for("110000"), gazetteer) == []
    assert names(text, [], gazetteer) == []


def test_words_around_a_name_show_it_is_not_meant(gazetteer: Gazetteer) -> None:
    nowhere: list[str] = []
    assert names("建设宜居滨海城市", nowhere, gazetteer) == []  # not 海城市
    assert names("规范入海口排污口", nowhere, gazetteer) == []  # not 海口
    assert names("加大东部山区投入", gazetteer.context_for("210100"), gazetteer) == []  # not 大东区
    assert names("融入沈阳经济区", nowhere, gazetteer) == []  # a planning region
    assert names("徐州街改造工程", nowhere, gazetteer) == []  # a street
    assert names("新城区和老城区", gazetteer.context_for("210800"), gazetteer) == []
    assert names("实施老边河治理", gazetteer.context_for("210800"), gazetteer) == []  # a river


def test_places_printed_together_give_each_other_context(gazetteer: Gazetteer) -> None:
    assert [
        r.code for _, _, r in find_places("鞍山市铁西区", gazetteer.context_for("211000"), gazetteer)
    ] == [
        "210300",
        "210303",
    ]


def test_word_like_town_names_only_inside_lists_of_places(gazetteer: Gazetteer) -> None:
    gaizhou = gazetteer.context_for("210881")
    listed = names("加快推进双台、万福、九寨等一批特色小镇建设", gaizhou, gazetteer)
    assert listed == ["双台镇", "万福镇", "九寨镇"]
    assert names("万福临门，九寨风光", gaizhou, gazetteer) == []
    assert names("红旗镇、熊岳镇、九寨镇、二台农场等", gazetteer.context_for("210800"), gazetteer) == [
        "红旗镇",
        "熊岳镇",
        "九寨镇",
    ]  # 二台农场 is a farm, not 二台乡


def make_document(lines: list[str], meta: Metadata) -> ParsedDocument:
    text = "\n".join(lines) + "\n"
    source = SourceFile(name="t.txt", path=Path("t.txt"), text=text, encoding="utf-8")
    blocks = []
    for number, line in enumerate(lines, start=1):
        if line:
            start = source.line_starts[number - 1]
            blocks.append(Block(span=source.span(start, start + len(line)), line=number))
    # a paragraph split by a page break: lines 4 and 6 joined into one block with a gap
    joined = Span.join([blocks[-2].span, blocks[-1].span])
    blocks[-2:] = [Block(span=joined, line=blocks[-2].line)]
    return ParsedDocument(text=DocumentText(source, 0, blocks, 1, len(lines)), metadata=meta)


def test_extract_places_maps_mentions_to_source_lines() -> None:
    lines = [
        "辽阳市国民经济和社会发展规划",
        "",
        "推进佟二堡、小北河等特色镇建设。",
        "加强与南",
        "",
        "通市合作。",
    ]
    doc = make_document(lines, Metadata(doc_type="five-year-plan", title=lines[0], region_code="211000"))
    places = extract_places(doc)
    found = [(p.region.name, p.line, doc.source.quote(p.span.start, p.span.end)) for p in places]
    assert found[:3] == [("辽阳市", 1, "辽阳市"), ("佟二堡镇", 3, "佟二堡"), ("小北河镇", 3, "小北河")]
    # the name split by the page break is found; its span starts on line 4
    nantong = places[3]
    assert (nantong.region.name, nantong.line, nantong.span.text) == ("南通市", 4, "南通市")


def test_jurisdiction_from_the_title_when_metadata_has_no_code() -> None:
    lines = ["营口市站前区国民经济和社会发展第十四个五年规划", "", "八田地街道", "", "x", "y"]
    doc = make_document(lines, Metadata(doc_type="five-year-plan", title=""))
    assert document_context(doc) == ["210802", "210800", "210000"]


@pytest.mark.skipif(not GOLD_DIR.is_dir(), reason="the shared gold annotations are not beside the checkout")
def test_places_against_the_public_gold(gazetteer: Gazetteer) -> None:
    """The extractor on the corpus documents that have gold, scored as the scorer does (strictly)."""
    tp = n_gold = n_pred = 0
    for gold_file in sorted(GOLD_DIR.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        path = get_settings().corpus_dir / gold["doc"]
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        code = gazetteer.resolve(gold["meta"]["region"], gazetteer.context_for("210000"))
        doc = make_document([*lines, "", ""], Metadata(doc_type="other", title="", region_code=code.code))
        predicted = [set(gazetteer.all_names(c)) for c in {p.region.code for p in extract_places(doc)}]
        gold_names = {p["name"] for p in gold["places"]}
        tp += sum(any(g in p for p in predicted) for g in gold_names)
        n_gold, n_pred = n_gold + len(gold_names), n_pred + len(predicted)
    assert n_gold, "no gold file matched a corpus document"
    precision, recall = tp / n_pred, tp / n_gold
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.85, (precision, recall)
