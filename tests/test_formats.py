"""HTML pages, PDF and Word files read as the documents they publish (issue 11).

Fixtures: the six real pages of ../shared/corpus-wild/original-formats/, and PDF/Word renderings
of chapters 1-4 of a corpus plan made by Chromium and LibreOffice (scripts/make_format_fixtures.py).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import shutil
from pathlib import Path

import lxml.html
import pypdfium2 as pdfium
import pytest

from formats_support import FIXTURES, PAGES, TEXT_VERSION, f1, facts, norm, parsed
from plangraph import readers
from plangraph.entities.regions import Gazetteer
from plangraph.ingest import read_documents
from plangraph.metadata import extract_metadata
from plangraph.model import Box, Division, InputError, Metadata
from plangraph.readers import base, docx, html, pdf
from plangraph.structure import parse_structure

needs_pages = pytest.mark.skipif(
    not PAGES.is_dir(), reason="../shared/corpus-wild is not beside the checkout"
)


# --- the text versions: renderings give the same structure -----------------------------------

#: (rendering, least F1 of headings, box items, indicator cells against the text version)
RENDERINGS = [
    ("liaoyang_chromium.pdf", 0.95, 0.95, 0.95),
    ("liaoyang.docx", 0.95, 0.95, 0.95),
    # LibreOffice breaks a table row across a page (the header row of 专栏1) and wraps a
    # two-level indicator's name into the row below; both are read as rows of their own
    ("liaoyang_libreoffice.pdf", 0.95, 0.95, 0.80),
]


@pytest.mark.parametrize(("name", "headings", "items", "cells"), RENDERINGS)
def test_a_rendering_builds_the_structure_of_its_text(
    name: str, headings: float, items: float, cells: float
) -> None:
    expected, found = facts(parsed(TEXT_VERSION)), facts(parsed(FIXTURES / name))
    assert len(expected.headings) >= 15 and len(expected.items) >= 100 and len(expected.cells) >= 150
    scores = (
        f1(expected.headings, found.headings),
        f1(expected.items, found.items),
        f1(expected.cells, found.cells),
    )
    assert all(s >= least for s, least in zip(scores, (headings, items, cells), strict=True)), scores
    assert parsed(FIXTURES / name).metadata.title == parsed(TEXT_VERSION).metadata.title


# --- PDF -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium_pdf() -> base.Extracted:
    return pdf.read_pdf((FIXTURES / "liaoyang_chromium.pdf").read_bytes(), "liaoyang_chromium.pdf")


def test_pdf_running_header_and_page_numbers_are_removed(chromium_pdf: base.Extracted) -> None:
    lines = chromium_pdf.text.splitlines()
    # Chromium printed the title at the top and "— N —" at the bottom of all 20 pages
    assert not any(norm(line) in {f"—{n}—" for n in range(1, 30)} for line in lines)
    title = "辽阳市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
    assert sum(1 for line in lines if norm(line) == title) == 1  # the title page's, not the header's


def test_pdf_hard_wraps_are_joined_and_tables_are_rows(chromium_pdf: base.Extracted) -> None:
    text = chromium_pdf.text
    assert "“十四五”时期（2021—2025年）是我国全面建成小康社会" in text  # one paragraph, one line
    assert "第三章 以优化营商环境为基础全面深化改革 为振兴发展注入澎湃动力\n" in text  # a wrapped heading
    assert "*地区生产总值（亿元）\t预期性\t698.8\t—\t7.5\t837.7\t2.6\n" in text


def test_pdf_every_character_points_at_its_page(chromium_pdf: base.Extracted) -> None:
    pages = chromium_pdf.page_texts
    assert len(pages) == 20
    for run in chromium_pdf.origin.runs:
        part = chromium_pdf.origin.parts[run.part]
        assert part.locator == f"page {part.page}"
        page_text = pages[part.page - 1]
        assert (
            page_text[run.offset : run.offset + run.length]
            == chromium_pdf.text[run.start : run.start + run.length]
        )
    # a cell of 专栏1 (its table runs over pages 2 and 3)
    at = chromium_pdf.text.index("698.8")
    located = chromium_pdf.origin.locate(at)
    assert located is not None and located.part.page in (2, 3)
    assert pages[located.part.page - 1][located.offset : located.offset + 5] == "698.8"


def test_a_scanned_pdf_is_refused_with_what_to_do() -> None:
    with pytest.raises(InputError) as err:
        readers.read_source_file(FIXTURES / "scanned.pdf")
    assert "scanned" in err.value.problem and "OCR" in err.value.problem and ".txt" in err.value.problem


def test_a_pdf_page_renders_for_the_source_view() -> None:
    png = pdf.render_page((FIXTURES / "liaoyang_libreoffice.pdf").read_bytes(), 1)
    assert png.startswith(b"\x89PNG")
    boxes = pdf.char_boxes((FIXTURES / "liaoyang_libreoffice.pdf").read_bytes(), 1, 0, 5)
    assert boxes and all(0 <= v <= 1 for box in boxes for v in box)


# --- Word --------------------------------------------------------------------------------------------


def test_docx_text_boxes_and_footnotes_are_read() -> None:
    data = (FIXTURES / "textbox_footnote.docx").read_bytes()
    extracted = docx.read_docx(data, "textbox_footnote.docx")
    lines = extracted.text.splitlines()
    # the 专栏 in a text box comes after the paragraph it is anchored to, once (not its fallback copy)
    anchor = lines.index("重点项目见专栏1。")
    assert lines[anchor + 1 : anchor + 4] == [
        "专栏1 芳烃及精细化工产业重点项目",
        "1.辽阳石化炼油结构调整转型升级项目。",
        "2.芳烃新材料产业园建设项目。",
    ]
    assert extracted.text.count("芳烃新材料产业园建设项目") == 1
    assert norm(lines[-1]) == norm("[1] 芳烃：指含苯环结构的碳氢化合物。")
    assert extracted.line_hints[1] == "Heading 1"
    assert any("text box" in n for n in extracted.notes) and any("footnote" in n for n in extracted.notes)
    # every character's paragraph gives it back (python-docx's Paragraph.text offsets)
    for run in extracted.origin.runs:
        locator = extracted.origin.parts[run.part].locator
        paragraph = docx.paragraph_text(data, locator)
        assert paragraph is not None
        original = paragraph[run.offset : run.offset + run.length].replace(
            "\t", " "
        )  # a tab reads as a space
        assert original == extracted.text[run.start : run.start + run.length]


#: (counter, Word's numFmt, as printed)
NUMBER_FORMATS = [
    (1, "chineseCounting", "一"),
    (10, "chineseCounting", "十"),
    (12, "chineseCounting", "十二"),
    (21, "chineseCountingThousand", "二十一"),
    (3, "decimal", "3"),
    (4, "decimalEnclosedCircle", "④"),
    (2, "ideographTraditional", "乙"),
    (9, "lowerRoman", "ix"),
    (1, "bullet", None),
]


@pytest.mark.parametrize(("n", "fmt", "printed"), NUMBER_FORMATS)
def test_word_numbering_prints_as_word_does(n: int, fmt: str, printed: str | None) -> None:
    assert docx.format_number(n, fmt) == printed


# --- HTML ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages() -> dict[str, base.Extracted]:
    return {p.name: html.read_html(p.read_bytes(), p.name) for p in sorted(PAGES.glob("*.html"))}


@needs_pages
def test_gbk_bytes_under_a_gb2312_declaration_are_decoded_and_reported(
    pages: dict[str, base.Extracted],
) -> None:
    page = pages["zhejiang_province_2026_gov_work_report_gbk.html"]
    assert page.encoding == "gb18030 (declared gb2312)"
    assert any("declares charset gb2312" in n and "0x98" in n for n in page.notes)
    assert "\ufffd" not in page.text and "浙江省省长 刘捷" in page.text


#: (page, text of the page's chrome that must not be read as the document)
CHROME = [
    ("china_national_2026_gov_work_report.html", "当前位置"),
    ("china_national_2026_gov_work_report.html", "相关新闻"),
    ("china_national_2026_gov_work_report.html", "【字体"),
    ("shanghai_city_15th_fyp_2026.html", "相关稿件"),
    ("shanghai_city_15th_fyp_2026.html", "字号："),
    ("shenzhen_city_2026_gov_work_report.html", "视力保护色"),
    ("shenzhen_city_2026_gov_work_report.html", "ICP"),
    ("shenzhen_city_15th_fyp_2026_dutenews.html", "读特小记者"),
    ("zhejiang_province_2026_gov_work_report_gbk.html", "版权所有"),
    ("zhejiang_province_2026_gov_work_report_gbk.html", "报料热线"),
    ("hangzhou_city_15th_fyp_2026.html", "语音播报"),
]


@needs_pages
@pytest.mark.parametrize(("page", "chrome"), CHROME)
def test_page_chrome_is_left_out(pages: dict[str, base.Extracted], page: str, chrome: str) -> None:
    assert chrome not in pages[page].text


@needs_pages
def test_the_first_line_is_the_pages_own_heading_without_the_portals_tail(
    pages: dict[str, base.Extracted],
) -> None:
    first = {name: page.text.splitlines()[0] for name, page in pages.items()}
    assert first["shenzhen_city_2026_gov_work_report.html"] == "2026年深圳市政府工作报告"  # not …全文发布
    assert first["zhejiang_province_2026_gov_work_report_gbk.html"] == "2026年浙江省政府工作报告"  # not …全文
    assert (
        first["china_national_2026_gov_work_report.html"] == "《政府工作报告》"
    )  # not <title>'s …_最高人民检察院
    assert (
        first["shenzhen_city_15th_fyp_2026_dutenews.html"] == "深圳市国民经济和社会发展第十五个五年规划纲要"
    )


@needs_pages
def test_an_html_table_is_rows_of_cells(pages: dict[str, base.Extracted]) -> None:
    lines = pages["shanghai_city_15th_fyp_2026.html"].text.splitlines()
    assert "1\t地区生产总值年均增速\t%\t预期性\t—\t力争达到5%左右" in lines
    assert sum(1 for line in lines if "\t" in line) == 22  # two header rows and 20 indicators
    # the 专栏 drawn as one-cell tables are read as their text
    assert any(line.startswith("专栏1") and "\t" not in line for line in lines)


@needs_pages
@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.html")) if PAGES.is_dir() else [])
def test_every_html_character_points_at_its_element(pages: dict[str, base.Extracted], name: str) -> None:
    page = pages[name]
    data = (PAGES / name).read_bytes()
    text, _, _ = html.decode_html(data, name)
    tree = lxml.html.document_fromstring(text.encode(), parser=html._parser()).getroottree()
    contents: dict[str, str] = {}
    for run in page.origin.runs:
        locator = page.origin.parts[run.part].locator
        if locator not in contents:
            contents[locator] = tree.xpath(locator)[0].text_content()
        original = contents[locator][run.offset : run.offset + run.length]
        extracted = page.text[run.start : run.start + run.length]
        # white space is collapsed as a browser does: a run of it reads as one space
        assert " ".join(original.split()) == " ".join(extracted.split()) or (
            extracted == " " and not original.strip()
        )


# --- the six real pages build as they show ------------------------------------------------------------------


def _expected() -> list[dict[str, str]]:
    path = Path(__file__).parent / "wild" / "expected_formats.tsv"
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(rows)), delimiter="\t"))


def _blocked(row: dict[str, str]) -> dict[str, str]:
    """field -> the reason it is not right yet, from the row's `blocked` column."""
    out: dict[str, str] = {}
    for clause in (row.get("blocked") or "").split(";"):
        fields, _, reason = clause.partition(":")
        for name in fields.split(","):
            if name.strip():
                out[name.strip()] = reason.strip()
    return out


FIELDS = ("region", "type", "period", "title", "headings", "boxes", "indicator_rows")
CASES = [
    pytest.param(
        row,
        field,
        id=f"{row['file'].split('_')[0]}-{row['file'].split('_')[1]}-{row['type'][:4]}-{field}",
        marks=[pytest.mark.xfail(reason=_blocked(row)[field], strict=False)]
        if field in _blocked(row)
        else [],
    )
    for row in _expected()
    for field in FIELDS
]


@functools.cache
def _read_page(name: str) -> tuple[Metadata, list[Division], list[Box]]:
    """The metadata and structure stages on a page (the entity stage is not what is tested)."""
    text = read_documents(PAGES / name)[0]
    meta = extract_metadata(text, Gazetteer.load())
    divisions, boxes = parse_structure(text)
    return meta, divisions, boxes


def _found(row: dict[str, str], field: str) -> str:
    meta, divisions, boxes = _read_page(row["file"])
    if field == "region":
        return meta.region_code or ""
    if field == "type":
        return meta.doc_type
    if field == "period":
        if meta.doc_type == "five-year-plan":
            return f"{meta.period_start}-{meta.period_end}"
        return str(meta.report_year)
    if field == "title":
        return norm(meta.title)
    if field == "headings":
        wanted = [pair.split("=")[0] for pair in row["headings"].split(";")]
        return ";".join(f"{s}={sum(1 for d in divisions if d.scheme == s)}" for s in wanted)
    if field == "boxes":
        return str(len(boxes))
    return str(sum(len(b.rows) for b in boxes))


@needs_pages
@pytest.mark.parametrize(("row", "field"), CASES)
def test_a_real_page_builds_as_it_shows(row: dict[str, str], field: str) -> None:
    expected = norm(row[field]) if field == "title" else row[field]
    assert _found(row, field) == expected


# --- a folder of mixed formats builds, and the source view shows the original --------------------------------


@pytest.fixture(scope="module")
def mixed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from plangraph.pipeline import build

    folder = tmp_path_factory.mktemp("mixed")
    for name in ("liaoyang_ch1-4.txt", "liaoyang_chromium.pdf", "liaoyang.docx", "textbox_footnote.docx"):
        shutil.copyfile(FIXTURES / name, folder / name)
    if PAGES.is_dir():
        shutil.copyfile(PAGES / "zhejiang_province_2026_gov_work_report_gbk.html", folder / "zhejiang.html")
    out = tmp_path_factory.mktemp("build") / "b"
    report = build([folder], out, progress=False)
    assert report.written, report.problems
    return out


def test_a_folder_of_txt_html_pdf_and_docx_builds(mixed_build: Path) -> None:
    report = json.loads((mixed_build / "report.json").read_text(encoding="utf-8"))
    built = {d["file"] for d in report["documents"]}
    assert {"liaoyang_ch1-4.txt", "liaoyang_chromium.pdf", "liaoyang.docx"} <= built
    assert report["validation"]["conforms"]
    assert not PAGES.is_dir() or "zhejiang.html" in built
    extracted = mixed_build / "sources" / "extracted"
    assert (extracted / "liaoyang_chromium.pdf.txt").is_file() and (
        extracted / "liaoyang_chromium.pdf.map.json"
    ).is_file()
    assert not (extracted / "liaoyang_ch1-4.txt.txt").exists()  # a text file is its own text


def test_mentions_of_converted_files_say_where_they_are_in_the_original(mixed_build: Path) -> None:
    from plangraph.store import open_store, select

    store = open_store(mixed_build)
    rows = list(
        select(
            store,
            """SELECT ?file ?quote ?part ?ps ?pe ?page ?format WHERE {
                ?m pg:document ?d ; pg:quote ?quote ; pg:sourcePart ?part ; pg:partStart ?ps ; pg:partEnd ?pe .
                OPTIONAL { ?m pg:page ?page }
                ?d pg:sourceFile ?file ; dcterms:format ?format .
                FILTER NOT EXISTS { ?m pg:endPart ?other }
            }""",
        )
    )
    files = {str(r["file"].value) for r in rows}
    assert {"liaoyang_chromium.pdf", "liaoyang.docx"} <= files
    assert not any(str(r["file"].value).endswith(".txt") for r in rows)
    checked = 0
    for r in rows[:: max(1, len(rows) // 300)]:
        path = mixed_build / "sources" / str(r["file"].value)
        text = readers.part_text(path, str(r["part"].value))
        assert text is not None
        quote = text[int(r["ps"].value) : int(r["pe"].value)]
        # the original holds the quote (PDF line ends and HTML white space aside)
        assert norm(quote) == norm(str(r["quote"].value)) or str(r["file"].value).endswith(".pdf")
        if r["page"] is not None:
            assert str(r["part"].value) == f"page {r['page'].value}"
            assert str(r["format"].value) == "application/pdf"
        checked += 1
    assert checked > 50


def test_the_source_view_shows_the_pdf_page_with_the_quote(mixed_build: Path) -> None:
    from fastapi.testclient import TestClient

    from plangraph.store import open_store, select
    from plangraph.web.app import create_app

    store = open_store(mixed_build)
    mention = next(
        str(r["m"].value)
        for r in select(
            store,
            """SELECT ?m WHERE { ?p a pg:Project ; pg:mention ?m . ?m pg:page 18 ; pg:document ?d .
                ?d pg:sourceFile "liaoyang_chromium.pdf" } LIMIT 1""",
        )
    )
    with TestClient(create_app(mixed_build)) as client:
        page = client.get("/source", params={"mention": mention})
        assert page.status_code == 200
        assert "page.png?doc=" in page.text and "pdf-mark" in page.text
        src = re.search(r'src="(/source/page\.png[^"]+)"', page.text)
        assert src is not None
        image = client.get(src.group(1).replace("&amp;", "&"))
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        with pdfium.PdfDocument(str(mixed_build / "sources" / "liaoyang_chromium.pdf")) as document:
            assert len(document) == 20
        bad = client.get("/source/page.png", params={"doc": "https://example.org/x", "page": "1"})
        assert bad.status_code == 404


#: (file name, first bytes, what the error says)
REFUSED = [
    ("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Word 97-2003"),
    ("plan.pdf", "政府工作报告\n一、工作回顾\n".encode(), "named like a PDF"),
    ("plan.docx", b"PK\x03\x04not really a zip" + b"\x00" * 100, "named like a DOCX"),
    ("plan.rtf", b"{\\rtf1\\ansi " + "政府工作报告".encode("gbk"), "RTF"),
]


@pytest.mark.parametrize(("name", "data", "problem"), REFUSED)
def test_a_file_of_an_unreadable_format_is_refused_by_name(
    tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        readers.read_source_file(path)
    assert problem in err.value.problem and err.value.file == str(path)


def test_an_html_page_saved_as_pdf_is_read_as_html(tmp_path: Path) -> None:
    page = "<!DOCTYPE html><html><head><title>x</title></head><body><h1>营口市政府工作报告</h1><p>一、工作回顾</p></body></html>"
    path = tmp_path / "report.pdf"  # the national report was once stored this way (SOURCES.md)
    path.write_text(page, encoding="utf-8")
    source = readers.read_source_file(path)
    assert source.format == "html" and source.text.splitlines()[:2] == ["营口市政府工作报告", "一、工作回顾"]
