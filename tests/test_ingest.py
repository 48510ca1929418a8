"""Reading text: decoding, noise, blocks with exact source offsets, page breaks, several documents."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from plangraph.ingest import decode_bytes, find_noise, read_documents, read_source
from plangraph.model import InputError

PLAN = "第一章 总体要求\n\n坚持稳中求进工作总基调，推动高质量发展。\n"


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def assert_offsets_exact(doc_blocks, text: str) -> None:
    for block in doc_blocks:
        for ch, offset in zip(block.span.text, block.span.offsets, strict=True):
            assert text[offset] == ch


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-8", PLAN.encode("utf-8")),
        ("utf-8-sig", codecs.BOM_UTF8 + PLAN.encode("utf-8")),
        ("gb18030", PLAN.encode("gbk")),
        ("utf-16", PLAN.encode("utf-16")),  # with a byte-order mark
        ("utf-16-le", PLAN.encode("utf-16-le")),  # without one
    ],
)
def test_decodes_common_encodings(tmp_path: Path, encoding: str, data: bytes) -> None:
    source = read_source(write(tmp_path, f"{encoding}.txt", data))
    assert source.text == PLAN
    assert "\ufeff" not in source.text


def test_empty_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.txt", b"")
    with pytest.raises(InputError, match=r"empty\.txt: the file is empty"):
        read_source(path)


def test_binary_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, "picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"picture\.png: binary file"):
        read_source(path)


def test_text_without_chinese_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no Chinese text"):
        read_source(write(tmp_path, "english.txt", "Hello world\n" * 20))


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(InputError, match=r"cannot decode|binary"):
        decode_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0xFD]) * 50 + b"\x00", "bad.txt")


def test_markdown_emphasis_is_dropped_but_offsets_stay_exact(tmp_path: Path) -> None:
    text = "**某某市国民经济和社会发展\n第十四个五年规划纲要**\n\n第一章 总体要求\n\n推动**高质量**发展。\n"
    path = write(tmp_path, "md.txt", text)
    doc = read_documents(path)[0]
    assert [b.text for b in doc.blocks] == [
        "某某市国民经济和社会发展",
        "第十四个五年规划纲要",
        "第一章 总体要求",
        "推动高质量发展。",
    ]
    assert_offsets_exact(doc.blocks, text)


def test_page_break_inside_a_word_is_repaired(tmp_path: Path) -> None:
    first = (
        "全面建成小康社会取得决定性成就，人民生活水平显著提高，我们要坚持不懈，继续奋斗，在新的起点上坚定信"
    )
    text = f"第一章 回顾\n\n{first}\n\n心，奋发有为，开创新局面。\n\n第二章 目标\n"
    doc = read_documents(write(tmp_path, "break.txt", text))[0]
    joined = [b for b in doc.blocks if "坚定信心" in b.text]
    assert len(joined) == 1 and joined[0].line == 3
    # the span keeps a gap in its offsets: the quote between start and end is the source text
    span = joined[0].span
    assert text[span.start : span.end].replace("\n\n", "") == span.text
    assert_offsets_exact(doc.blocks, text)
    assert [b.text for b in doc.blocks][-1] == "第二章 目标"


def test_heading_is_not_joined_to_the_paragraph_after_it(tmp_path: Path) -> None:
    text = "第一章 发展基础和发展环境\n\n经过五年的努力，经济实力显著增强。\n"
    doc = read_documents(write(tmp_path, "h.txt", text))[0]
    assert [b.text for b in doc.blocks] == ["第一章 发展基础和发展环境", "经过五年的努力，经济实力显著增强。"]


def test_table_of_contents_with_page_numbers_is_noise(tmp_path: Path) -> None:
    toc = "目  录\n\n第一章 发展基础\t1\n第一节 成就\t2\n第二章 目标………………5\n\n"
    body = "第一章 发展基础\n\n经济总量稳步提升，结构持续优化，发展质量效益显著提高，人民生活水平明显改善。\n"
    source = read_source(write(tmp_path, "toc.txt", toc + body))
    noise = find_noise(source)
    assert noise[0].what == "table of contents" and (noise[0].first_line, noise[0].last_line) == (1, 5)
    doc = read_documents(source.path)[0]
    assert doc.blocks[0].line == 7 and doc.blocks[0].text == "第一章 发展基础"


def test_table_of_contents_without_page_numbers_ends_where_the_body_starts(tmp_path: Path) -> None:
    toc = "目  录\n\n一、站在新起点\n（一）发展基础\n二、新理念\n\n"
    body = "前  言\n\n“十四五”时期是我区在全面建成小康社会基础上开启全面建设社会主义现代化新征程的第一个五年。\n\n一、站在新起点\n"
    doc = read_documents(write(tmp_path, "toc2.txt", toc + body))[0]
    assert doc.blocks[0].text == "前  言"
    assert doc.blocks[-1].text == "一、站在新起点"


def test_web_chrome_and_page_numbers_are_noise(tmp_path: Path) -> None:
    text = "当前位置:首页 > 政务公开\n\n发布时间:2025-02-25\n\n【字号:\n\n分享:\n\n第一章 总体要求\n\n- 12 -\n\n推动发展。\n"
    doc = read_documents(write(tmp_path, "web.txt", text))[0]
    assert [b.text for b in doc.blocks] == ["第一章 总体要求", "推动发展。"]


def test_very_long_line_is_split_into_paragraphs(tmp_path: Path) -> None:
    body = (
        "各位代表：现在我代表市政府报告工作。 一、2016年工作回顾过去的一年极不平凡。" + "经济平稳发展。" * 60
    )
    body += " (一)全力以赴稳增长,经济发展基础不断夯实。坚持项目建设。"
    doc = read_documents(write(tmp_path, "long.txt", "2017年某某市政府工作报告\n\n" + body + "\n"))[0]
    starts = [b.text[:4] for b in doc.blocks]
    assert "一、20" in starts and "(一)全" in starts
    assert all(b.line == 3 for b in doc.blocks[1:])


def test_a_web_list_page_with_several_reports_is_split(tmp_path: Path) -> None:
    report = "各位代表：现在，我代表市政府向大会报告工作。" + "全市经济稳中有进，发展质量不断提升。" * 150
    news = "招商引资成果丰硕，签约项目二十个。" * 10
    text = (
        f"• 【投资某市】2017年某市政府工作报告\n\n    {report}\n\n    2025-07-19\n\n"
        f"  • 【某市招商】企业商会成立\n\n    {news}\n\n    2025-07-18\n\n"
        f"  • 【投资某县】2018年某县政府工作报告\n\n    {report}\n\n    2025-07-16\n\n"
        "有想补充的信息?点我投稿\n\n共 3 页\n"
    )
    docs = read_documents(write(tmp_path, "list.txt", text))
    assert [d.heading_hint for d in docs] == ["2017年某市政府工作报告", "2018年某县政府工作报告"]
    assert all("招商引资成果" not in b.text for d in docs for b in d.blocks)
    assert docs[1].blocks[0].line == 15


def test_lone_numbers_between_table_cells_are_cells_not_page_numbers(tmp_path: Path) -> None:
    text = (
        "表1 主要指标\n\n指标名称\n\n单位\n\n2025年\n\n地区生产总值\n\n亿元\n\n207\n\n城镇化率\n\n%\n\n12\n\n"
    )
    text += (
        "经济总量稳步提升，结构持续优化，发展质量效益显著提高，人民生活水平明显改善，社会保持稳定。\n\n3\n\n"
    )
    text += "生态环境持续改善，绿色发展方式和生活方式逐步形成，资源利用效率显著提升，城乡面貌焕然一新。\n"
    doc = read_documents(write(tmp_path, "cells.txt", text))[0]
    texts = [b.text for b in doc.blocks]
    assert "207" in texts and "12" in texts
    assert "3" not in texts  # a real page number between two paragraphs


def test_table_rows_keep_their_empty_first_cell(tmp_path: Path) -> None:
    text = "表2 主要指标\n\n指标\t属性\t2025年\n城镇化率\t常住人口城镇化率\t预期性\t70\n\t户籍人口城镇化率\t约束性\t56\n"
    doc = read_documents(write(tmp_path, "tabs.txt", text))[0]
    assert doc.blocks[-1].text == "\t户籍人口城镇化率\t约束性\t56"
    assert_offsets_exact(doc.blocks, text)
