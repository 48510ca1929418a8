"""Park names: found by their endings, kept only with a proper element, variants merged."""

from __future__ import annotations

from plangraph.entities import parks
from plangraph.entities.common import document_context
from plangraph.model import Block, DocumentText, Metadata, ParsedDocument, SourceFile


def _doc(*paragraphs: str, region: str | None = "211000") -> ParsedDocument:
    text = "\n".join(paragraphs) + "\n"
    source = SourceFile("t.txt", path=__import__("pathlib").Path("t.txt"), text=text, encoding="utf-8")
    blocks, offset = [], 0
    for n, para in enumerate(paragraphs, start=1):
        blocks.append(Block(source.span(offset, offset + len(para)), n))
        offset += len(para) + 1
    meta = Metadata(doc_type="five-year-plan", title="t", region_code=region)
    return ParsedDocument(DocumentText(source, 0, blocks, 1, len(paragraphs)), meta)


def _parks(*paragraphs: str, region: str = "211000"):
    return parks.extract_parks(document_context(_doc(*paragraphs, region=region)))


def test_names_start_after_the_verb_and_keep_their_proper_part():
    found = [m.name for m in parks.find_park_mentions("依托中南数字产业园，统筹推进综合保税区建设。")]
    assert found == ["中南数字产业园", "综合保税区"]


def test_generic_phrases_are_not_parks():
    assert _parks("引导各类开发区推行数字化改造，建设新型建材产业园和现代农业示范园区。") == []


def test_variants_merge_into_one_park_with_aliases():
    result = _parks(
        "推进佟二堡电子商务产业园建设。",
        "着力构建佟二堡全产业链型电商基地。",
        "统筹规划宏伟特种运输服务集聚区，提升特种运输服务集聚区品质。",
    )
    names = {p.name: p for p in result}
    assert "佟二堡全产业链型电商基地" in names or "佟二堡电子商务产业园" in names
    tong = next(p for p in result if p.name.startswith("佟二堡"))
    assert {tong.name, *tong.aliases} == {"佟二堡电子商务产业园", "佟二堡全产业链型电商基地"}
    special = next(p for p in result if "特种运输" in p.name)
    assert special.aliases == {"特种运输服务集聚区"}


def test_hosted_industries_come_with_the_sentence_they_were_read_from():
    (park,) = _parks("辽阳高新技术产业开发区：重点发展精细化工、新材料，打造化工新材料基地。")
    concepts = [c for c, _ in park.industries]
    assert "fine-chemical" in concepts and "new-materials" in concepts
    for _, evidence in park.industries:
        assert "重点发展" in evidence.span.text
        assert evidence.span.text == _doc_text(evidence)


def _doc_text(evidence) -> str:
    return evidence.span.text  # offsets are checked in test_projects: spans quote their source


def test_level_and_region_from_the_name():
    (park,) = _parks("建设辽阳国家现代农业示范区。")
    assert park.level == "national"
    assert park.region_code == "211000"


def test_functional_zone_categories_are_not_parks() -> None:
    from plangraph.entities.parks import accept

    for name in ("禁止开发区", "限制开发区", "重点开发区", "优化开发区"):
        assert not accept(name, [], "", "域")


# --- error types found on the corpus, one test each ---------------------------------------------


def test_adverbs_time_words_and_verbs_of_work_reports_end_no_park_name():
    found = [m.name for m in parks.find_park_mentions("特别是辽宁自贸区获批以来,全年自贸区新增企业。")]
    assert found == ["辽宁自贸区", "自贸区"]
    found = [m.name for m in parks.find_park_mentions("南翼即营口市科技创新产业园,北翼指营口新兴产业园。")]
    assert found == ["营口市科技创新产业园", "营口新兴产业园"]


def test_planning_areas_named_by_direction_are_not_parks():
    assert _parks("北部平原高效农业产业区。东南山区特色农业产业区。建设大型集聚区和核心集聚区。") == []


def test_a_bare_zone_is_an_alias_of_the_full_name_before_or_after_it():
    result = _parks("自贸区建设取得突破。", "推进辽宁自贸区营口片区建设,全年自贸区新增企业3000家。")
    assert [(p.name, p.aliases) for p in result] == [("辽宁自贸区营口片区", {"自贸区"})]


def test_a_bare_zone_does_not_merge_into_a_park_inside_it():
    result = _parks("推进高新区大学科技园建设。", "高新区实现产值100亿元。")
    assert sorted(p.name for p in result) == ["高新区", "高新区大学科技园"]


def test_a_park_named_after_its_county_is_also_called_without_it():
    result = _parks("重点建设大石桥市营口南楼经济开发区。", region="210800")
    assert [(p.name, p.aliases) for p in result] == [("大石桥市营口南楼经济开发区", {"营口南楼经济开发区"})]
    result = _parks("建设辽阳西部轻工产业物流集聚区。")
    assert [(p.name, p.aliases) for p in result] == [
        ("辽阳西部轻工产业物流集聚区", {"西部轻工产业物流集聚区"})
    ]


def test_a_count_after_two_parks_is_not_part_of_a_name():
    found = [
        m.name
        for m in parks.find_park_mentions(
            "即营口滨海温泉旅游产业集聚区和百年商埠休闲旅游集聚区两大核心旅游集聚区。"
        )
    ]
    assert found[:2] == ["营口滨海温泉旅游产业集聚区", "百年商埠休闲旅游集聚区"]
    assert "核心旅游集聚区" not in [p.name for p in _parks("百年商埠休闲旅游集聚区两大核心旅游集聚区。")]


def test_parks_that_share_only_their_district_stay_apart():
    result = _parks("建设凌河区思凯农副产品国际物流园。", "建设凌河区快递电商物流产业园。", region="210700")
    assert sorted(p.name for p in result) == ["凌河区快递电商物流产业园", "凌河区思凯农副产品国际物流园"]


def test_a_weak_ending_is_judged_by_the_whole_ending_the_name_closes_with():
    # 自贸片区 is part of a free-trade zone, named by its own proper part; a bare 片区 needs a place.
    assert parks.accept("东港自贸片区", [], "", "")
    assert not parks.accept("东港综合片区", [], "", "")


def test_an_abbreviated_zone_is_an_alias_of_its_full_name():
    # 002_aeb35f2bbea0796b.txt lines 553 and 571: 营口核翼经济开发区 and its 责任部门 note
    found = _parks("加快推进营口核翼经济开发区建设。", "(责任部门:核翼经开区)", region="210802")
    assert [(p.name, p.aliases) for p in found] == [("营口核翼经济开发区", {"核翼经开区"})]
    # hainan_province_2026_gov_work_report.txt: a grade of zones (A类) names none
    found = _parks("海口综保区进入全国A类综保区行列。", region="460000")
    assert [p.name for p in found] == ["海口综保区"]
