"""Document metadata from title blocks, footers, web chrome and delivery lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from plangraph.ingest import read_documents
from plangraph.metadata import extract_metadata
from plangraph.settings import get_settings

BODY = "\n\n第一章 总体要求\n\n坚持稳中求进工作总基调，推动经济社会高质量发展，全面建设社会主义现代化。\n"


def meta_of(tmp_path: Path, text: str):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return extract_metadata(read_documents(path)[0])


def test_title_broken_over_lines_with_issuer_and_chinese_date(tmp_path: Path) -> None:
    text = (
        "**某某市国民经济和社会发展\n第十三个五年规划纲要\n(2016-2020年)**\n\n某某市人民政府\n\n二〇一六年四月"
        + BODY
    )
    m = meta_of(tmp_path, text)
    assert m.title == "某某市国民经济和社会发展第十三个五年规划纲要"
    assert (m.doc_type, m.region_name, m.issuer, m.issued) == (
        "five-year-plan",
        "某某市",
        "某某市人民政府",
        "2016-04",
    )
    assert (m.plan_number, m.period_start, m.period_end, m.vision_year) == (13, 2016, 2020, None)
    assert m.title_span is not None and m.title_span.text.startswith("某某市国民经济")


def test_fourteenth_plan_with_vision_year_and_footer(tmp_path: Path) -> None:
    text = (
        "某某区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
        + BODY
        + "\n抄送：市委办公室。\n\n某某区人民政府办公室\n\n2021年3月24日印发\n"
    )
    m = meta_of(tmp_path, text)
    assert (m.region_name, m.plan_number, m.period_start, m.period_end, m.vision_year) == (
        "某某区",
        14,
        2021,
        2025,
        2035,
    )
    assert (m.issuer, m.issued) == ("某某区人民政府办公室", "2021-03-24")


def test_web_page_publication_date(tmp_path: Path) -> None:
    text = "当前位置:首页 > 政务公开\n\n某某县“十四五”规划纲要\n\n发布时间:2025-02-25\n" + BODY
    m = meta_of(tmp_path, text)
    assert m.issued == "2025-02-25" and m.region_name == "某某县" and m.plan_number == 14


def test_work_report_year_and_delivery_date(tmp_path: Path) -> None:
    text = "2018年某某市政府工作报告\n\n2018年1月6日在某某市第十六届人民代表大会第一次会议上\n\n一、2017年工作回顾\n\n过去的一年。\n"
    m = meta_of(tmp_path, text)
    assert (m.doc_type, m.region_name, m.report_year, m.issued) == (
        "government-work-report",
        "某某市",
        2017,
        "2018-01-06",
    )


@pytest.mark.parametrize(
    ("file", "title", "region", "period"),
    [
        ("000_eff48e12d0f87c70.txt", "营口市国民经济和社会发展第十三个五年规划纲要", "营口市", (2016, 2020)),
        (
            "001_cb27c06e08f47c2d.txt",
            "锦州市国民经济和社会发展的第十三个五年规划纲要",
            "锦州市",
            (2016, 2020),
        ),
        (
            "002_aeb35f2bbea0796b.txt",
            "站前区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
            "站前区",
            (2021, 2025),
        ),
        (
            "004_b18dca5de18b2533.txt",
            "辽阳市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
            "辽阳市",
            (2021, 2025),
        ),
    ],
)
def test_corpus_plans(file: str, title: str, region: str, period: tuple[int, int]) -> None:
    m = extract_metadata(read_documents(get_settings().corpus_dir / file)[0])
    assert (m.title, m.region_name, (m.period_start, m.period_end)) == (title, region, period)


def test_corpus_work_reports() -> None:
    docs = read_documents(get_settings().corpus_dir / "003_c4b0b8e4100e97f5.txt")
    metas = [extract_metadata(d) for d in docs]
    assert [(m.title, m.region_name, m.report_year) for m in metas] == [
        ("2017年营口市政府工作报告", "营口市", 2016),
        ("2018年营口市政府工作报告", "营口市", 2017),
        ("2018年盖州市政府工作报告", "盖州市", 2017),
    ]
