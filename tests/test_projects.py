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
