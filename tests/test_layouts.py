"""Layouts of real files (../shared/corpus-wild), each as a small text written from the document it
came from: reading (chrome, tails, written-out line breaks, hard wraps), headings and levels,
boxes and indicator tables."""

from __future__ import annotations

from pathlib import Path

from plangraph.ingest import read_documents
from plangraph.structure import parse_structure


def doc_of(tmp_path: Path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_documents(path)[0]


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks]


PARA = "坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，推动经济社会高质量发展，全面建设社会主义现代化。"

# --- reading -------------------------------------------------------------------------------------


def test_library_proxy_ui_and_breadcrumbs_are_chrome(tmp_path: Path) -> None:
    # anhui 2026 (s.fjlib.net UI, one token a line) and ningxia 2026 (a breadcrumb one element a line)
    text = (
        "下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n2026年安徽省政府工作报告\n"
        "当前位置：\n首页\n>\n政务信息\n>\n宁夏要闻\n2026年宁夏回族自治区政府工作报告\n发表时间：\n"
        "2026-02-09 09:45:30\n来源：\n宁夏日报客户端\n阅读量：\n【字体：\n小\n中\n大\n】\n" + PARA + "\n"
    )
    assert texts(doc_of(tmp_path, text)) == [
        "2026年安徽省政府工作报告",
        "2026年宁夏回族自治区政府工作报告",
        PARA,
    ]


def test_a_page_tail_after_the_text_is_noise(tmp_path: Path) -> None:
    # sichuan 2026: editor, related links with hex ids, and the first paragraph repeated
    body = "\n".join([PARA] * 12)
    tail = (
        "责任编辑：\n李莎莎\n扫一扫在手机打开当前页\n相关附件>>\n相关链接>>\n"
        "abcd39f1fb7f426d9dfb6bd0fa1f2146:\n四川省第十四届人民代表大会第五次会议关于政府工作报告的决议\n"
        "打印本页\n关闭窗口\n2026年四川省人民政府工作报告\n各位代表：现在，我代表省人民政府，向大会报告工作，请予审议。\n"
    )
    doc = doc_of(tmp_path, "2026年四川省人民政府工作报告\n" + body + "\n" + tail)
    assert texts(doc)[-1] == PARA and "web page tail: related links and navigation" in {
        n.what for n in doc.noise
    }


def test_photo_captions_and_counts_are_chrome(tmp_path: Path) -> None:
    # hebei 2026 (a caption naming the report), fuping 2021 (阅读： / 241 / 评论： / 0)
    text = (
        "2026年河北省政府工作报告\n王正谱作政府工作报告。本报记者 霍艳恩摄\n阅读：\n241\n评论：\n0\n"
        + PARA
        + "\n"
    )
    assert texts(doc_of(tmp_path, text)) == ["2026年河北省政府工作报告", PARA]


def test_line_breaks_written_out_as_backslash_r_backslash_n(tmp_path: Path) -> None:
    # rongcheng 2020 and shunping 2008: one line, paragraphs apart by the characters \r\n
    text = (
        "一、2019年工作回顾 \\r\\n2019 年，是雄安新区从以规划为中心向以建设为中心的转换之年。\\r\\n"
        + PARA
        + "\\r\\n（一）征迁安置开局有力"
    )
    doc = doc_of(tmp_path, text)
    assert texts(doc) == [
        "一、2019年工作回顾",
        "2019 年，是雄安新区从以规划为中心向以建设为中心的转换之年。",
        PARA,
        "（一）征迁安置开局有力",
    ]
    assert all(b.line == 1 for b in doc.blocks)
    assert all(text[b.span.start : b.span.end] == b.text for b in doc.blocks)


def test_pdf_text_hard_wrapped_with_a_footer_inside_the_paragraph(tmp_path: Path) -> None:
    # beijing 十五五: lines wrapped at ~29 characters mid-word, page footers inside paragraphs
    wrapped = [
        "“十五五”时期,在基本实现社会主义现代化进程中具有承前",
        "启后的重要地位,是基本实现社会主义现代化夯实基础、全面发力",
        "的关键时期。北京作为首都,各方面工作具有代表性、指向性,在",
        "— 9 —",
        "社会主义现代化建设大局中承担着重要使命和责任。",
    ]
    filler = ["第一章 总体要求", *(wrapped[:3] * 20)]
    doc = doc_of(tmp_path, "\n".join(["序 言", *wrapped, *filler]) + "\n")
    first = texts(doc)[1]
    assert first.startswith("“十五五”时期,在基本实现社会主义现代化进程中具有承前启后的重要地位")
    assert first.endswith("承担着重要使命和责任。") and "— 9 —" not in first


def test_indentations_inside_a_line_start_paragraphs(tmp_path: Path) -> None:
    # national 11th plan: headings and text run together with runs of spaces
    text = "     第一篇  指导原则和发展目标     第一章  全面建设小康社会的关键时期     “十五”时期是不平凡的五年，我国综合国力明显增强，人民生活明显改善\n"
    assert texts(doc_of(tmp_path, text)) == [
        "第一篇  指导原则和发展目标",
        "第一章  全面建设小康社会的关键时期",
        "“十五”时期是不平凡的五年，我国综合国力明显增强，人民生活明显改善",
    ]


def test_table_of_contents_with_bracketed_or_roman_page_numbers(tmp_path: Path) -> None:
    toc = "目  录\n\n前言 ii\n第一章 基本任务（315）\n第二章 社会总产品（316）\n\n"
    doc = doc_of(tmp_path, toc + "第一章 基本任务\n\n" + PARA + "\n")
    assert texts(doc) == ["第一章 基本任务", PARA]


# --- headings ------------------------------------------------------------------------------------


def test_levels_are_depths_and_schemes_rank_as_the_document_uses_them(tmp_path: Path) -> None:
    # sichuan 2026: 一、 then （一） under one part, 一是… prose under another; shanghai 十五五: 一、 > 1. > 1.1
    text = "\n\n".join(
        [
            "一、2025年工作回顾",
            PARA,
            "（一）稳增长",
            PARA,
            "二、2026年工作安排",
            PARA,
            "1.全面推进韧性安全城市建设",
            PARA,
            "1.1加强重要基础设施安全管理。",
            PARA,
            "1.2提升城市防灾能力。",
            PARA,
        ]
    )
    divisions, _ = parse_structure(doc_of(tmp_path, text))
    assert [(d.level, d.label, d.parent) for d in divisions] == [
        (1, "一、", None),
        (2, "（一）", 1),
        (1, "二、", None),
        (2, "1.", 3),
        (3, "1.1", 4),
        (3, "1.2", 4),
    ]
    assert divisions[4].title == "加强重要基础设施安全管理"
    assert all(d.level == 1 or divisions[d.parent - 1].level == d.level - 1 for d in divisions)


def test_a_heading_broken_over_two_lines(tmp_path: Path) -> None:
    text = "第一章\n\n发展基础\n\n" + PARA + "\n\n一、\n主要成就\n\n" + PARA + "\n"
    divisions, _ = parse_structure(doc_of(tmp_path, text))
    assert [(d.level, d.label, d.title) for d in divisions] == [
        (1, "第一章", "发展基础"),
        (2, "一、", "主要成就"),
    ]


# --- boxes and tables ------------------------------------------------------------------------------


def test_box_with_an_introduction_before_its_numbered_items(tmp_path: Path) -> None:
    # hangzhou 十五五 专栏9
    text = "\n".join(
        [
            "第十二章 发展服务业",
            "专栏9 生产性服务业五大领域提质发展工程",
            "大力发展五大生产性服务业，到2030年，全市服务业增加值突破2万亿元，生产性服务业增加值占比提高。",
            "1.数字服务。大力发展云服务、信息安全、算力服务、人形机器人服务、工业互联网服务。",
            "2.科技服务。发挥概念验证中心与杭州技术转移转化中心等平台作用，大力发展研发设计服务。",
            "3.金融服务。优化钱塘江金融港湾空间布局，提升钱塘江金融港湾发展能级。",
            "第二节 加快生活性服务业品质化发展",
            PARA,
        ]
    )
    _, boxes = parse_structure(doc_of(tmp_path, text))
    assert [(b.label, [i.name for i in b.items]) for b in boxes] == [
        ("专栏9", ["数字服务", "科技服务", "金融服务"])
    ]


def test_label_and_title_on_lines_of_their_own_and_names_packed_in_cells(tmp_path: Path) -> None:
    # beijing 十五五 附表: label, title, header, then numbered rows one cell per line
    text = "\n".join(
        [
            "附表",
            "“十五五”时期重大工程包",
            "序号 领域 重大工程",
            "1",
            "全国政治",
            "中心建设",
            "中央政务环境与服务提升、核心区老城保护更新、核",
            "心区宜居品质提升等3项工程",
            "2",
            "美丽北京",
            "建设",
            "再生水利用提升、垃圾综合处理等2",
            "项工程",
        ]
    )
    _, boxes = parse_structure(doc_of(tmp_path, text))
    (box,) = boxes
    assert (box.label, box.title, box.kind) == ("附表", "“十五五”时期重大工程包", "projects")
    assert [(i.group, i.name) for i in box.items] == [
        ("全国政治中心建设", "中央政务环境与服务提升"),
        ("全国政治中心建设", "核心区老城保护更新"),
        ("全国政治中心建设", "核心区宜居品质提升"),
        ("美丽北京建设", "再生水利用提升"),
        ("美丽北京建设", "垃圾综合处理"),
    ]


def test_indicator_table_with_only_a_title_and_cells_apart_by_single_spaces(tmp_path: Path) -> None:
    # beijing 十五五: no label, single-space cells, wrapped names and values, a footer and the
    # header again after the page break
    text = "\n".join(
        [
            "“十五五”时期经济社会发展主要指标",
            "类别 序号 指标 2025年 2030年目标 属性",
            "创新",
            "发展",
            "(5项)",
            "1",
            "全社会研究与试验发展经费支出占地区生",
            "产总值比重(%)",
            "6左右∗ >6 预期性",
            "3 地区生产总值年均增速(%) 5.4",
            "4.5-5,",
            "努力争取",
            "更好结果",
            "预期性",
            "12 细颗粒物年均浓度(微克/立方米) 27",
            "达到国家",
            "要求",
            "约束性",
            "— 12 —",
            "类别 序号 指标 2025年 2030年目标 属性",
            "29 食品药品安全",
            "食品安全抽检合格率(%) >98.5∗ >98.7",
            "药品抽检合格率(%) >99∗ >99",
            "约束性",
            "注:1.【 】为5年累计数,带∗为预计数。",
        ]
    )
    _, boxes = parse_structure(doc_of(tmp_path, text))
    (box,) = boxes
    assert (box.label, box.kind) == (None, "indicators")
    got = [(r.category, r.parent, r.name, r.unit, [(c.year, c.text) for c in r.cells]) for r in box.rows]
    assert got == [
        (
            "创新发展",
            None,
            "全社会研究与试验发展经费支出占地区生产总值比重",
            "%",
            [(2025, "6左右∗"), (2030, ">6")],
        ),
        ("创新发展", None, "地区生产总值年均增速", "%", [(2025, "5.4"), (2030, "4.5-5,努力争取更好结果")]),
        ("创新发展", None, "细颗粒物年均浓度", "微克/立方米", [(2025, "27"), (2030, "达到国家要求")]),
        ("创新发展", "食品药品安全", "食品安全抽检合格率", "%", [(2025, ">98.5∗"), (2030, ">98.7")]),
        ("创新发展", "食品药品安全", "药品抽检合格率", "%", [(2025, ">99∗"), (2030, ">99")]),
    ]


def test_one_cell_per_line_with_header_cells_cut_and_a_group_over_its_rows(tmp_path: Path) -> None:
    # hangzhou 十五五: "2025年" / "预计", "年均/" / "累计", a category with its count, and
    # 每千人口拥有医护人员数 over two numbered-less sub-rows; shanghai: a unit cut after its slash
    cells = ["类别", "序号", "指标名称", "2025年", "预计", "2030年", "目标", "年均/", "累计", "属性"]
    cells += [
        "民生福祉",
        "（10项）",
        "15",
        "每千人口拥有医护人员数",
        "执业医师数（人）",
        "4.9",
        "5.0",
        "—",
        "预期性",
    ]
    cells += ["注册护士数（人）", "5.92", "6.02", "—", "预期性"]
    cells += ["16", "养老机构护理型床位占比（%）", "71", "75", "—", "预期性"]
    text = "“十五五”时期经济社会发展主要指标\n\n" + "\n\n".join(cells) + "\n"
    _, boxes = parse_structure(doc_of(tmp_path, text))
    (box,) = boxes
    got = [
        (r.category, r.parent, r.name, r.unit, [(c.year, c.value_kind, c.text) for c in r.cells])
        for r in box.rows
    ]
    assert got == [
        (
            "民生福祉",
            "每千人口拥有医护人员数",
            "执业医师数",
            "人",
            [(2025, "Actual", "4.9"), (2030, "Target", "5.0")],
        ),
        (
            "民生福祉",
            "每千人口拥有医护人员数",
            "注册护士数",
            "人",
            [(2025, "Actual", "5.92"), (2030, "Target", "6.02")],
        ),
        ("民生福祉", None, "养老机构护理型床位占比", "%", [(2025, "Actual", "71"), (2030, "Target", "75")]),
    ]


def test_one_cell_per_line_with_wrapped_names_units_and_brackets(tmp_path: Path) -> None:
    # shanghai 十五五 表1: a name wrapped over two lines, a unit cut after its slash, a name cut
    # inside its brackets, a unit with an alternative counting word
    cells = ["序号", "指标", "单位", "属性", "“十五五”目标", "2030年", "年均［累计］"]
    cells += ["12", "新增供应保障性租赁住房", "万套（间）", "预期性", "—", "［25—27］"]
    cells += ["14", "社区公共服务设施15分钟步行", "可达覆盖率", "%", "预期性", "95", "—"]
    cells += [
        "17",
        "细颗粒物（PM",
        "2.5",
        "）浓度",
        "微克/立方米",
        "约束性",
        "完成国家审核衔接后确定的目标",
        "—",
    ]
    cells += ["20", "单位生产总值生产安全事故死亡率", "人/", "亿元", "约束性", "< 0.006", "—"]
    text = "表1 上海“十五五”经济社会发展主要指标\n\n" + "\n\n".join(cells) + "\n"
    _, boxes = parse_structure(doc_of(tmp_path, text))
    (box,) = boxes
    got = [(r.name, r.unit, [(c.year, c.text) for c in r.cells], r.growth) for r in box.rows]
    assert got == [
        ("新增供应保障性租赁住房", "万套（间）", [(2030, "—")], "［25—27］"),
        ("社区公共服务设施15分钟步行可达覆盖率", "%", [(2030, "95")], None),
        ("细颗粒物（PM2.5）浓度", "微克/立方米", [(2030, "完成国家审核衔接后确定的目标")], None),
        ("单位生产总值生产安全事故死亡率", "人/亿元", [(2030, "< 0.006")], None),
    ]


def test_appendix_label_and_its_title_on_lines_of_their_own(tmp_path: Path) -> None:
    # guangdong 2026: 附件1 / 2026年省十件民生实事, then 附件2 / 名词解释
    text = "\n".join(
        [
            "三、2026年工作安排",
            PARA,
            "附件1",
            "2026年省十件民生实事",
            PARA,
            "附件2",
            "名词解释",
            "1.“四上”企业：",
        ]
    )
    divisions, _ = parse_structure(doc_of(tmp_path, text))
    assert [(d.label, d.title) for d in divisions][:4] == [
        ("三、", "2026年工作安排"),
        ("附件1", "2026年省十件民生实事"),
        ("附件2", "附件2"),
        ("名词解释", "名词解释"),
    ]
