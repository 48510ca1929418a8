"""Document metadata: type, title, region, issuer, date, plan number, period, vision and report year.

Read from the title block at the top (or the item title of a web list page), the lines around it
(issuer, a date such as 二〇一六年四月), the footer (…人民政府办公室 / 2021年3月24日印发), the web
page's 发布时间, and for work reports the delivery line (2018年1月6日在…人民代表大会…).
"""

from __future__ import annotations

import re

from .model import Block, DocumentText, Metadata, Span
from .patterns import CN_VALUES, cn_to_int

_PLAN_TITLE = re.compile(r"(五年规划|规划纲要|远景目标纲要|发展规划|总体规划)")
_REPORT_TITLE = re.compile(r"政府工作报告|工作报告")
_REGION_PREFIX = re.compile(
    r"^(?:(?:19|20)\d\d年(?:度)?)?(?P<region>[\u4e00-\u9fff]{1,12}?(?:自治区|自治州|自治县|特别行政区|省|市|区|县|旗|盟|州))"
    r"(?=(?:(?:19|20)\d\d年(?:度)?)?(?:国民经济|政府|人民政府|经济社会|[“\"(（]?十|第))"
)
_ISSUER = re.compile(
    r"^(?P<org>[\u4e00-\u9fff（）()]{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|发展和改革委员会|发展改革委|委员会))\s*$"
)
_CN_YEAR = f"[{''.join(CN_VALUES)}]{{4}}"
_DATE_CN = re.compile(
    rf"({_CN_YEAR})年([{''.join(CN_VALUES)}十]{{1,3}})月(?:([{''.join(CN_VALUES)}十]{{1,3}})日)?"
)
_DATE_NUM = re.compile(r"((?:19|20)\d\d)\s*[年\-/.]\s*(\d{1,2})\s*(?:[月\-/.]\s*(?:(\d{1,2})\s*日?)?)?")
_PLAN_NUMBER = re.compile(
    r"第([一二三四五六七八九十]{2,3})个五年|[“\"]?([一二三四五六七八九十]{2,3})五[”\"]?(?:规划|时期)"
)
_PERIOD = re.compile(r"[（(]\s*((?:19|20)\d\d)\s*[-－—–~至]+\s*((?:19|20)\d\d)\s*年?\s*[）)]")
_VISION = re.compile(rf"({_CN_YEAR}|(?:19|20)\d\d)年远景目标")
_REVIEW_YEAR = re.compile(r"((?:19|20)\d\d)年(?:工作回顾|主要工作回顾)")
_DELIVERY = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日在[\u4e00-\u9fff]{2,20}人民代表大会")
_PRINTED = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日\s*印发")
_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|成文日期)\s*[:：]\s*((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})"
)

#: How many blocks at the top of a document may hold its title.
TITLE_SEARCH_BLOCKS = 12


def _date(year: int | None, month: int | None, day: int | None = None) -> str | None:
    if not year or not month or not 1 <= month <= 12:
        return None
    if day and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}"


def _cn_date(m: re.Match[str]) -> str | None:
    return _date(cn_to_int(m.group(1)), cn_to_int(m.group(2)), cn_to_int(m.group(3)) if m.group(3) else None)


def find_title(doc: DocumentText) -> tuple[str, Span | None]:
    """The title as printed (white space removed), joining a title broken over lines."""
    if doc.heading_hint:
        return re.sub(r"\s+", "", doc.heading_hint), None
    blocks = doc.blocks[:TITLE_SEARCH_BLOCKS]
    for k, block in enumerate(blocks):
        text = block.text
        if len(text) > 80 or not (_PLAN_TITLE.search(text) or _REPORT_TITLE.search(text)):
            continue
        parts: list[Block] = [block]
        prev = blocks[k - 1] if k > 0 else None
        if prev is not None and len(prev.text) <= 30 and re.search(r"(发展|国民经济和社会)$", prev.text):
            parts.insert(0, prev)
        span = Span.join([p.span for p in parts])
        title = re.sub(r"\s+", "", span.text)
        title = _PERIOD.sub("", title).strip("《》")
        return title, span
    first = doc.blocks[0]
    return re.sub(r"\s+", "", first.text)[:80], first.span


def doc_type_of(title: str) -> str:
    if _REPORT_TITLE.search(title):
        return "government-work-report"
    if _PLAN_TITLE.search(title):
        return "five-year-plan"
    return "other"


def _raw_lines(doc: DocumentText) -> list[str]:
    src = doc.source
    return [src.line_text(n) for n in range(doc.first_line, min(doc.last_line, src.line_count) + 1)]


def find_issuer_and_date(doc: DocumentText, title_line: int | None) -> tuple[str | None, str | None]:
    lines = _raw_lines(doc)
    issuer = date = None
    # the footer of an official document: "…人民政府办公室" and "2021年3月24日印发"
    for k in range(len(lines) - 1, max(-1, len(lines) - 40), -1):
        m = _PRINTED.search(lines[k])
        if m:
            date = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            for j in range(k - 1, max(-1, k - 6), -1):
                im = _ISSUER.match(lines[j].strip())
                if im:
                    issuer = im.group("org")
                    break
            break
    # the title page: issuer and date printed under the title
    start = (title_line - doc.first_line) if title_line else 0
    for line in lines[max(0, start) : start + 12]:
        t = line.strip().strip("*")
        if issuer is None and (im := _ISSUER.match(t)):
            issuer = im.group("org")
        if date is None and len(t) <= 20:
            m = _DATE_CN.fullmatch(t) or None
            if m:
                date = _cn_date(m)
            elif (n := _DATE_NUM.fullmatch(t.rstrip("日"))) and "年" in t:
                date = _date(int(n.group(1)), int(n.group(2)), int(n.group(3)) if n.group(3) else None)
    text = "\n".join(lines[:80])
    if date is None and (m := _DELIVERY.search(text)):
        date = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if date is None and (m := _PUBLISHED.search(text)):
        date = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return issuer, date


def region_name_of(title: str) -> str | None:
    m = _REGION_PREFIX.match(title)
    return m.group("region") if m else None


def extract_metadata(doc: DocumentText) -> Metadata:
    title, title_span = find_title(doc)
    doc_type = doc_type_of(title)
    title_line = doc.source.line_of(title_span.start) if title_span else doc.first_line
    issuer, issued = find_issuer_and_date(doc, title_line)
    meta = Metadata(
        doc_type=doc_type,
        title=title,
        title_span=title_span,
        region_name=region_name_of(title),
        issuer=issuer,
        issued=issued,
    )
    head = " ".join(b.text for b in doc.blocks[:40])
    if doc_type == "five-year-plan":
        _plan_period(meta, title, head)
    elif doc_type == "government-work-report":
        _report_year(meta, title, head)
    return meta


def _plan_period(meta: Metadata, title: str, head: str) -> None:
    m = _PLAN_NUMBER.search(title) or _PLAN_NUMBER.search(head)
    if m:
        meta.plan_number = cn_to_int(m.group(1) or m.group(2))
    p = _PERIOD.search(title) or _PERIOD.search(head)
    if p and int(p.group(2)) - int(p.group(1)) == 4:
        meta.period_start, meta.period_end = int(p.group(1)), int(p.group(2))
    elif meta.plan_number:
        # from the 3rd plan (1966-1970) on, the Nth covers 1966 + 5 (N - 3) .. + 4 (十三五: 2016-2020)
        meta.period_start = 1966 + 5 * (meta.plan_number - 3)
        meta.period_end = meta.period_start + 4
    v = _VISION.search(title) or _VISION.search(head)
    if v:
        meta.vision_year = cn_to_int(v.group(1))


def _report_year(meta: Metadata, title: str, head: str) -> None:
    review = _REVIEW_YEAR.search(head)
    if review:
        meta.report_year = int(review.group(1))
        return
    m = re.search(r"((?:19|20)\d\d)年", title)
    if m:
        meta.report_year = int(m.group(1)) - 1  # a report delivered in year N reviews year N-1
