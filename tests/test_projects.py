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
