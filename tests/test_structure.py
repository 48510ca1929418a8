"""Headings, hierarchy, boxes and items, on small hand-written texts of each tricky case."""

from __future__ import annotations

from pathlib import Path

from plangraph.ingest import read_documents
from plangraph.structure import parse_structure

PARA = "坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，推动经济社会高质量发展。"


def structure_of(tmp_path: Path, text: str):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return parse_structure(read_documents(path)[0])


def outline(divisions) -> list[tuple[int, str, str, int | None]]:
    return [(d.level, d.label, d.title, d.parent) for d in divisions]


def test_part_chapter_section_hierarchy(tmp_path: Path) -> None:
    text = "\n\n".join(
        [
            "第一篇 总体战略",
            "第一章 发展基础",
            PARA,
            "第一节 成就",
            PARA,
            "第二节 环境",
            PARA,
            "第二章 目标",
            PARA,
            "第二篇 创新发展",
            "第一章 科技",
            PARA,
            "附件：名词解释",
            PARA,
        ]
    )
    divisions, _ = structure_of(tmp_path, text)
    assert outline(divisions) == [
        (1, "第一篇", "总体战略", None),
        (2, "第一章", "发展基础", 1),
        (3, "第一节", "成就", 2),
        (3, "第二节", "环境", 2),
        (2, "第二章", "目标", 1),
        (1, "第二篇", "创新发展", None),
        (2, "第一章", "科技", 6),
        (1, "附件", "名词解释", None),
    ]


def test_chinese_numbering_levels_follow_the_schemes_used(tmp_path: Path) -> None:
    text = "\n\n".join(
        [
            "前  言",
            PARA,
            "一、发展基础",
            "（一）经济实力",
            PARA,
            "1. 总量提升",
            PARA,
            "2.2035年远景目标",
            PARA,
            "（二）存在问题",
            PARA,
            "二、发展目标",
            PARA,
        ]
    )
    divisions, _ = structure_of(tmp_path, text)
    assert outline(divisions) == [
        (1, "前言", "前言", None),
        (1, "一、", "发展基础", None),
        (2, "（一）", "经济实力", 2),
        (3, "1.", "总量提升", 3),
        (3, "2.", "2035年远景目标", 3),
        (2, "（二）", "存在问题", 2),
        (1, "二、", "发展目标", None),
    ]


def test_run_in_headings_of_work_reports(tmp_path: Path) -> None:
    text = (
        "一、2016年工作回顾过去的一年，是极不平凡的一年。" + PARA * 3 + "\n\n"
        "（一）全力以赴稳增长，经济发展基础不断夯实。坚持把抢抓政策机遇作为重要抓手。" + PARA * 3 + "\n\n"
        "（二）以项目建设为中心，增强经济发展新动能坚持把项目建设作为头等大事，动员一切力量。"
        + PARA * 3
        + "\n"
    )
    divisions, _ = structure_of(tmp_path, text)
    assert [(d.label, d.title) for d in divisions] == [
        ("一、", "2016年工作回顾"),
        ("（一）", "全力以赴稳增长，经济发展基础不断夯实"),
        ("（二）", "以项目建设为中心，增强经济发展新动能"),
    ]
    assert divisions[1].parent == 1 and divisions[2].parent == 1
    # the mention of a run-in heading covers the heading only
    assert divisions[1].span.text == "（一）全力以赴稳增长，经济发展基础不断夯实"


def test_numbered_sentences_and_responsibility_notes(tmp_path: Path) -> None:
    text = "\n\n".join(
        [
            "一、加强组织领导（责任部门：市发改委）",
            "1. 建立协调机制，明确各部门职责分工，定期调度重点任务进展，及时解决规划实施中的重大问题。",
            "三、实施评估",
            PARA,
            "二、这一行跳回了编号",
            PARA,
        ]
    )
    divisions, _ = structure_of(tmp_path, text)
    # a numbered sentence is not a heading; numbering among siblings must move forward
    assert [(d.label, d.title) for d in divisions] == [("一、", "加强组织领导"), ("三、", "实施评估")]


def test_table_rows_are_not_headings(tmp_path: Path) -> None:
    text = "第一章 目标\n\n表1 主要指标\n\n指标\t属性\t2020年\t2025年\n1.地区生产总值\t预期性\t100\t150\n\n第二章 任务\n"
    divisions, boxes = structure_of(tmp_path, text)
    assert [d.title for d in divisions] == ["目标", "任务"]
    assert boxes[0].label == "表1" and boxes[0].kind == "indicators"


def test_box_labels_titles_and_extent(tmp_path: Path) -> None:
    text = "\n\n".join(
        [
            "第一章 产业",
            PARA,
            "专栏 4 重大工业项目",
            "1. 百万吨乙烯改扩建工程项目；2. 年产30万吨高性能聚丙烯项目；3. 五矿中板 3.8 米厚板技术改造。",
            "大力发展新材料产业。实施一批重大项目和重点工程，培育一批创新能力强的企业。",
            "表2-1：主要指标",
            "指标\t2025年\n地区生产总值\t100",
        ]
    )
    _, boxes = structure_of(tmp_path, text)
    assert [(b.label, b.title, b.kind) for b in boxes] == [
        ("专栏4", "重大工业项目", "projects"),
        ("表2-1", "主要指标", "indicators"),
    ]
    items = boxes[0].items
    assert [(i.number, i.name) for i in items] == [
        (1, "百万吨乙烯改扩建工程项目"),
        (2, "年产30万吨高性能聚丙烯项目"),
        (3, "五矿中板 3.8 米厚板技术改造"),
    ]
    assert boxes[0].last_line == 7  # the prose after it is not in the box
    assert boxes[0].division == 1


def test_items_one_per_line_and_grouped_items(tmp_path: Path) -> None:
    text = "\n\n".join(
        [
            "专栏7 新兴产业重大项目",
            "新材料产业：1. 新建免处理版材项目；2. 年产5万吨石墨电极项目。",
            "数字产业：1. “AI+”应用示范基地项目；2. 人工智能重大示范应用专项。",
            "专栏8 电子商务重点项目",
            "1. MCN 电商直播孵化基地。面向各个领域提供电商孵化。\n2. 云创直播小镇项目。拥有精装直播间。",
            PARA,
        ]
    )
    _, boxes = structure_of(tmp_path, text)
    assert [(i.group, i.number, i.name) for i in boxes[0].items] == [
        ("新材料产业", 1, "新建免处理版材项目"),
        ("新材料产业", 2, "年产5万吨石墨电极项目"),
        ("数字产业", 1, "“AI+”应用示范基地项目"),
        ("数字产业", 2, "人工智能重大示范应用专项"),
    ]
    assert [(i.number, i.name, i.description) for i in boxes[1].items] == [
        (1, "MCN 电商直播孵化基地", "面向各个领域提供电商孵化"),
        (2, "云创直播小镇项目", "拥有精装直播间"),
    ]


def test_box_printed_without_its_label_is_found_and_numbered(tmp_path: Path) -> None:
    text = "\n\n".join(
        [
            "专栏2 主要指标",
            "指标\t2025年\n地区生产总值\t100",
            "钢铁产业。" + PARA,
            "钢铁产业: 1. 高纯新材料铸造生产线升级改造项目; 2. 年产 120 万吨精密型钢项目",
            "菱镁产业: 1. 菱镁资源综合利用项目",
            "第二节 主导产业",
            PARA,
            "专栏4 芳烯烃重点项目",
            "1. 百万吨乙烯改扩建工程项目；2. 乙烯焦油项目",
        ]
    )
    divisions, boxes = structure_of(tmp_path, text)
    assert [b.label for b in boxes] == ["专栏2", "专栏3", "专栏4"]
    unlabelled = boxes[1]
    assert unlabelled.title == "" and unlabelled.kind == "projects"
    assert [(i.group, i.number) for i in unlabelled.items] == [
        ("钢铁产业", 1),
        ("钢铁产业", 2),
        ("菱镁产业", 1),
    ]
    assert [d.title for d in divisions] == ["主导产业"]


def test_category_lists_in_a_project_box(tmp_path: Path) -> None:
    text = "\n\n".join(
        [
            "专栏 3：重点工业项目",
            "1、农产品加工项目：圣源食品农产品加工、宏基园菊苣糖和精制糖加工、富民农业生姜加工。",
            "2、石墨新材料项目：以石墨资源开发为基础，重点建设石墨产品研发与加工基地。",
        ]
    )
    _, boxes = structure_of(tmp_path, text)
    assert [(i.group, i.number, i.name) for i in boxes[0].items] == [
        ("农产品加工项目", 1, "圣源食品农产品加工"),
        ("农产品加工项目", 2, "宏基园菊苣糖和精制糖加工"),
        ("农产品加工项目", 3, "富民农业生姜加工"),
        (None, 2, "石墨新材料项目"),
    ]


def test_item_spans_quote_the_source(tmp_path: Path) -> None:
    text = "专栏5 重点项目\n\n1. 特大高精铝及铝合金加工材项目；2. 新建铝材深加工项目。\n"
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    _, boxes = parse_structure(read_documents(path)[0])
    for item in boxes[0].items:
        assert text[item.span.start : item.span.end] == item.name


def test_clause_items_under_group_labels(tmp_path: Path) -> None:
    text = "\n\n".join(
        [
            "专栏 13 城市建设重点项目及工程",
            "交通枢纽：建设完成站前大型公交枢纽工程、辽阳河东交通枢纽二期工程、弓长岭区城乡公共交通一体化项目建设；"
            "启动灯塔佟二堡客运站建设，农村客运站整改运营。",
            "排水工程：至2025年，完成排水专项规划及管网检测工程；北哨街（新华路-胜利路）雨污分流改造工程。",
            "园林绿地：重点进行市水系建设和城市公园、游园建设；开展硝染园、展销市场等产业载体服务功能提升工程。",
        ]
    )
    _, boxes = structure_of(tmp_path, text)
    assert [(i.group, i.name) for i in boxes[0].items] == [
        ("交通枢纽", "站前大型公交枢纽工程"),
        ("交通枢纽", "辽阳河东交通枢纽二期工程"),
        ("交通枢纽", "弓长岭区城乡公共交通一体化项目"),
        ("交通枢纽", "灯塔佟二堡客运站"),
        ("排水工程", "排水专项规划及管网检测工程"),
        ("排水工程", "北哨街（新华路-胜利路）雨污分流改造工程"),
        ("园林绿地", "市水系建设和城市公园、游园建设"),
        ("园林绿地", "开展硝染园、展销市场等产业载体服务功能提升工程"),
    ]
