"""Projects: box items with their number, group and industry; named projects in prose."""

from __future__ import annotations

from pathlib import Path

from plangraph.entities import projects
from plangraph.entities.common import document_context
from plangraph.entities.extract import extract_entities
from plangraph.model import Block, Box, BoxItem, DocumentText, Metadata, ParsedDocument, SourceFile


def _doc(paragraphs: list[str], boxes=()) -> ParsedDocument:
    text = "\n".join(paragraphs) + "\n"
    source = SourceFile("t.txt", path=Path("t.txt"), text=text, encoding="utf-8")
    blocks, offset = [], 0
    for n, para in enumerate(paragraphs, start=1):
        blocks.append(Block(source.span(offset, offset + len(para)), n))
        offset += len(para) + 1
    meta = Metadata(doc_type="five-year-plan", title="t", region_code="211000")
    return ParsedDocument(DocumentText(source, 0, blocks, 1, len(paragraphs)), meta, boxes=list(boxes))


def test_box_items_support_the_industry_of_the_box_title():
    paragraphs = [
        "专栏5 铝合金精深加工产业重点项目",
        "1. 特大高精铝及铝合金加工材项目；2. 新建铝材深加工项目。",
    ]
    doc = _doc(paragraphs)
    line = doc.text.blocks[1]
    items = [
        BoxItem(1, "特大高精铝及铝合金加工材项目", line.span.slice(3, 17), 2),
        BoxItem(2, "新建铝材深加工项目", line.span.slice(22, 31), 2),
    ]
    box = Box(
        5,
        "专栏5",
        "铝合金精深加工产业重点项目",
        1,
        doc.text.blocks[0].span,
        None,
        "projects",
        2,
        [line],
        items,
    )
    doc.boxes.append(box)
    extract_entities(doc)
    listed = [p for p in doc.entities.projects if p.box == 5]
    assert [(p.item_number, p.name) for p in listed] == [(1, items[0].name), (2, items[1].name)]
    assert all(p.industry and p.industry[0] == "aluminium-alloy-deep-processing" for p in listed)
    assert any(g.concept == "aluminium-alloy-deep-processing" for g in doc.entities.industries)


def test_prose_projects_with_status_and_evidence_offsets():
    doc = _doc(
        [
            "兰旗机场全面建成，盖庄高速公路建成通车，城市垃圾处理厂投入试运行。",
            "重点推进望海珍珠湾、北海浴场及海蚀地貌景观区等项目建设。",
        ]
    )
    found = {p.name: p for p in projects.prose_projects(document_context(doc), [])}
    assert {"兰旗机场", "盖庄高速公路", "望海珍珠湾", "北海浴场", "海蚀地貌景观区"} <= set(found)
    assert "城市垃圾处理厂" not in found  # generic
    assert found["兰旗机场"].status == "Completed"
    assert found["望海珍珠湾"].status in ("Ongoing", "Planned")
    for project in found.values():
        ev = project.spans[0]
        assert doc.source.text[ev.span.start : ev.span.end] == project.name


def test_programmes_are_not_projects():
    doc = _doc(["实施种子工程和文化惠民工程，推进大伙房输水配套工程建设。"])
    names = [p.name for p in projects.prose_projects(document_context(doc), [])]
    assert names == ["大伙房输水配套工程"]


def test_capacity_is_read_from_the_name():
    assert projects.capacity_of("年产30万吨高性能聚丙烯项目") == "30万吨"
    assert projects.capacity_of("智能装备制造项目") is None


def test_work_report_text_after_run_in_headings_is_read():
    """A work report prints a whole chapter on one line: heading, then its text. The heading is
    skipped, the text after it is read, and each block belongs to the heading it follows."""
    from plangraph.model import Division

    first = "（一）以项目建设为中心,增强发展新动能"
    second = "（二）以改善民生为目标,提升幸福指数"
    paragraphs = [first, first + "兰旗机场全面建成。", second + "营口市康复医院开工建设。"]
    doc = _doc(paragraphs)
    doc.text.blocks = doc.text.blocks[1:]  # the first line only gives the spans of the headings
    source_line = doc.text.blocks
    for block in source_line:
        block.line = 2  # one long line in the source, cut into blocks by the structure stage
    divisions = []
    for order, block in enumerate(source_line):
        heading = first if order == 0 else second
        divisions.append(
            Division(order, 2, heading[:3], heading[3:], 2, block.span.slice(0, len(heading)), "paren_cn")
        )
    doc.divisions = divisions
    ctx = document_context(doc)
    assert [bc.division for bc in ctx.blocks] == [0, 1]
    names = {p.name for p in projects.prose_projects(ctx, [])}
    assert names == {"兰旗机场", "营口市康复医院"}


def test_a_heading_alone_is_not_text():
    from plangraph.model import Division

    doc = _doc(["第三节 建设兰旗机场", "推进营口市康复医院建设。"])
    heading = doc.text.blocks[0]
    doc.divisions = [Division(0, 1, "第三节", "建设兰旗机场", 1, heading.span, "节")]
    ctx = document_context(doc)
    assert [bc.block.line for bc in ctx.blocks] == [2]


# --- error types found on the corpus, one test each ---------------------------------------------


def _prose(*paragraphs: str, parks=()) -> list[str]:
    doc = _doc(list(paragraphs))
    return [p.name for p in projects.prose_projects(document_context(doc), list(parks))]


def test_a_list_of_fields_or_of_things_in_use_names_no_project():
    assert _prose("鼓励社会资本参与基础设施、基础产业等领域重大项目。") == []
    assert _prose("发挥沈阳辽阳汽车产业协同创新联盟等平台作用。") == []
    assert _prose("服务外包、呼叫中心、结算平台等一批新兴服务业项目加快集聚。") == []


def test_items_of_a_list_of_facilities_must_name_works():
    assert _prose("加快完善5G、工业互联网、物联网等新一代信息技术基础设施。") == []
    assert _prose("完成辽阳市北城墙遗址公园改造、护城河历史文化公园改造等工程。") == [
        "辽阳市北城墙遗址公园改造",
        "护城河历史文化公园改造",
    ]
    assert _prose("稳步实施了“千村美丽、万村整洁”行动、农村饮水安全工程等一批项目。") == []


def test_the_class_word_after_deng_is_not_a_project():
    # The class after 等一批 is no project; both items are (the road repair is named by its
    # villages, as the gold annotation of 002 has it).
    assert _prose("实施东升市场周边环境改造工程、“北三村”道路维修等一批道路维修改造工程。") == [
        "东升市场周边环境改造工程",
        "“北三村”道路维修",
    ]
    names = _prose("重点推进仙人岛港区疏港铁路、仙人岛港区2#30万吨级原油码头等港口基础设施项目建设。")
    assert names == ["仙人岛港区疏港铁路", "仙人岛港区2#30万吨级原油码头"]


def test_landmarks_and_roles_are_not_projects():
    assert _prose("加强沈大高速公路、哈大铁路两侧骨干林带建设。") == []
    assert _prose("建设以 500kV 变电站为核心的输电网络。") == []
    assert _prose("发挥辽阳企业沈阳飞地研发中心作用，推进合作。") == []
    assert _prose("位于市区东北部，西侧邻大辽河营口老港区，规划总用地面积19平方公里。") == []


def test_short_proper_names_and_works_named_by_what_they_build():
    names = _prose("哈大高铁建成通车，加快光大金融大厦建设，建设沈辽鞍城际铁路项目。")
    assert names == ["哈大高铁", "光大金融大厦", "沈辽鞍城际铁路项目"]


def test_a_kind_of_base_or_platform_needs_a_place_or_a_number():
    assert _prose("打造优质水稻生产基地，建设外贸综合服务平台。") == []
    assert _prose("推进100万亩优质玉米、60万亩优质水稻生产基地建设。") == [
        "100万亩优质玉米、60万亩优质水稻生产基地"
    ]


def test_designations_and_heritage_lists_are_not_projects():
    assert _prose("推进高新区国家新型工业化示范基地建设。") == []
    assert _prose("实施保护工程，做好辽阳市非物质文化遗产代表性项目常态化集中展示工作。") == []


def test_a_name_that_goes_on_past_its_ending_is_not_cut_there():
    assert _prose("建立全市 1 小时三级医院服务中心。") == []


def test_companies_build_projects_but_are_none():
    assert _prose("加快中粮集团、和润集团粮油深加工等项目建设。") == ["和润集团粮油深加工"]


def test_parks_are_not_projects_and_routes_keep_their_start():
    from plangraph.model import Park

    zone = Park("营口港口金融创新试验区", "试验区", [])
    ftz = Park("自贸区", "自贸区", [])
    assert _prose("推进营口港口金融创新试验区、光大金融大厦等项目建设。", parks=[zone]) == ["光大金融大厦"]
    assert _prose("加快实施自贸区至营口港铁路专用线工程。", parks=[ftz]) == ["自贸区至营口港铁路专用线工程"]


def test_rebuild_words_before_a_work_ending_stay_in_the_name():
    assert _prose("加快推进沈白高铁、京哈高速改扩建工程建设。") == ["沈白高铁", "京哈高速改扩建工程"]
    assert _prose("建成投产华晨宝马铁西新工厂项目。") == ["华晨宝马铁西新工厂项目"]


def test_a_number_of_facilities_is_not_one_project():
    assert _prose("新建5座220千伏变电站。") == []


# --- links in prose: industry, park, investment, capacity, status with evidence ----------------


def _prose_projects(*paragraphs: str, parks=()):
    doc = _doc(list(paragraphs))
    return {p.name: p for p in projects.prose_projects(document_context(doc), list(parks))}


def test_an_investment_in_a_projects_clause_is_a_number_in_yuan():
    # 003_c4b0b8e4100e97f5.txt line 3: the amount before the project, in its clause
    found = _prose_projects("投资100亿元的环渤海大数据产业园项目开工建设。")
    amount = found["环渤海大数据产业园项目"].investment
    assert amount is not None and amount.value == 10_000_000_000 and amount.unit == "元"
    assert amount.text == "100亿元" and "投资100亿元" in amount.evidence.span.text


def test_one_amount_for_a_clause_of_several_projects_belongs_to_none():
    found = _prose_projects("推进A1号码头、B2号码头等项目建设，总投资50亿元。")
    assert found and all(p.investment is None for p in found.values())


def test_capacity_is_a_number_in_its_unit():
    found = _prose_projects("建成30 万吨原油码头。")
    amount = found["30 万吨原油码头"].capacity_amount
    assert amount is not None and amount.value == 300_000 and amount.unit == "吨"


def test_status_comes_with_its_clause_as_evidence():
    project = _prose_projects("兰旗机场全面建成，盖庄高速公路建成通车。")["兰旗机场"]
    assert project.status == "Completed"
    assert project.status_evidence is not None and project.status_evidence.span.text == "兰旗机场全面建成"


def test_a_work_serves_the_sector_its_head_or_its_name_says():
    found = _prose_projects("加快推进沈白高铁建设。", "建设辉山乳业光伏发电示范项目。")
    assert found["沈白高铁"].industry[0] == "transport"
    assert found["辉山乳业光伏发电示范项目"].industry[0] == "solar-power"


def test_a_park_named_in_the_projects_clause_is_where_it_is():
    from plangraph.model import Park

    park = Park("营口经济技术开发区", "开发区", [])
    found = _prose_projects("在营口经济技术开发区建设华晨宝马新工厂项目。", parks=[park])
    assert found["华晨宝马新工厂项目"].location[:2] == ("park", "营口经济技术开发区")


def test_investment_capacity_and_status_are_typed_triples_with_their_sentence():
    from rdflib import Literal
    from rdflib.namespace import RDF, XSD

    from plangraph.rdf import document_graph
    from plangraph.vocab import PG, PROV

    doc = _doc(["投资100亿元的环渤海大数据产业园项目开工建设，建成30 万吨原油码头。"])
    extract_entities(doc)
    _, graph = document_graph(doc)
    value = Literal("10000000000", datatype=XSD.decimal)
    (node,) = set(graph.subjects(PG.investment, value))
    assert (node, PG.investmentCurrency, Literal("元")) in graph
    statements = set(graph.subjects(RDF.object, value))
    assert statements and all((s, PROV.wasDerivedFrom, None) in graph for s in statements)
    (dock,) = set(graph.subjects(PG.capacityValue, Literal("300000", datatype=XSD.decimal)))
    assert (dock, PG.capacityUnit, Literal("吨")) in graph
    status = {s for s in graph.subjects(RDF.predicate, PG.status) if (s, RDF.subject, dock) in graph}
    assert status, "the status of the dock is reified with its clause"
