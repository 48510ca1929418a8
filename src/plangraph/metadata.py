"""Document metadata: type, title, region, issuer, date, plan number, period, vision and report year.

Read from the whole document: the title block at the top (or the item title of a web list page,
or the title after a wrapper such as 标题：), the lines around it (issuer, a date such as
二〇一六年四月, an approval line …人民代表大会…批准), a signature or footer (…人民政府办公室 /
2021年3月24日印发), a web page's 发布时间, and for work reports the session line (2018年1月6日在…
人民代表大会…), the speaker and the delegation phrase (我代表市政府). The region is found by
``jurisdiction.find_jurisdiction`` from all of these. What the text leaves out, a convention of the
genre fills in and marks as derived (a work report that prints no title is "2026年XX政府工作报告";
it is its government's report); what the user says (``UserMetadata``) wins and is marked as theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .entities.regions import Gazetteer
from .jurisdiction import RULES, TITLE_PLACE, find_jurisdiction, looked_for
from .model import Block, DocumentText, InputError, Metadata, Span, UserMetadata
from .patterns import CN_VALUES, cn_to_int, compact_spaced

_GENRE: dict[str, list[str]] = RULES["genre"]
_PLAN_TITLE = re.compile("|".join(_GENRE["five-year-plan"]))
_REPORT_TITLE = re.compile("|".join(_GENRE["government-work-report"]))
_CONVENTIONAL = RULES["conventional"]
_TITLE_PREFIXES = tuple(RULES["wrapper"]["title_prefixes"])
_NOTICE = re.compile(RULES["wrapper"]["notice"])
#: A title that is only the genre: "政府工作报告", "2026年政府工作报告", "工作报告".
_GENERIC_REPORT_TITLE = re.compile(r"^(?:(?:19|20)\d\d年(?:度)?)?(?:人民)?(?:政府)?工作报告$")
#: The end of a title run into the sentence after it ("…规划纲要根据《中共中央…》编制").
_TITLE_PREFIX = re.compile(
    rf"^(?P<title>.{{4,70}}?(?:{'|'.join(g for gs in _GENRE.values() for g in gs)})(?:[（(][^）)]*[）)])?)"
)
#: A title broken over lines: the first line ends like this ("北京市国民经济和社会发展" /
#: "第十五个五年规划纲要"), or is a bare place name ("中华人民共和国" / "国民经济和社会发展第六个五年计划").
_TITLE_FIRST_LINE = re.compile(r"(?:发展|国民经济和社会|和|的|中华人民共和国|[省市区县旗盟州])$")
#: A caption or a sentence about the report, never its title ("省长赵刚作政府工作报告").
_ABOUT_THE_REPORT = re.compile(r"作(?:政府)?工作报告|报告工作|向大会")
_ISSUER = re.compile(
    r"^(?P<org>[\u4e00-\u9fff（）()]{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|发展和改革委员会|发展改革委|委员会))\s*$"
)
_CN_YEAR = f"[{''.join(CN_VALUES)}]{{4}}"
_CN_NUM = f"[{''.join(CN_VALUES)}十]{{1,3}}"
_DATE_CN = re.compile(rf"({_CN_YEAR})年({_CN_NUM})月(?:({_CN_NUM})日)?")
_DATE_NUM = re.compile(r"((?:19|20)\d\d)\s*[年\-/.]\s*(\d{1,2})\s*(?:[月\-/.]\s*(?:(\d{1,2})\s*日?)?)?")
_PLAN_NUMBER = re.compile(
    r"第([一二三四五六七八九十]{1,3})个五年|[“\"]([一二三四五六七八九十]{1,3})五[”\"](?:规划|时期|计划)"
)
_PERIOD = re.compile(r"[（(]\s*((?:19|20)\d\d)\s*[-－—–~至一]+\s*((?:19|20)\d\d)\s*年?\s*[）)]")
_YEAR = rf"(?:{_CN_YEAR}|(?:19|20)\d\d)"
#: How a plan names the year of its long-range vision (二〇三五年远景目标, 展望二〇三五年,
#: 在此基础上再奋斗五年，到2035年…).
_VISION = [
    re.compile(rf"({_YEAR})年远景目标"),
    re.compile(rf"展望(?:到)?({_YEAR})年"),
    re.compile(rf"再奋斗五年[，,]?(?:到)?({_YEAR})年"),
    re.compile(rf"(?:到|为|至)({_YEAR})年[^。]{{0,30}}?基本(?:实现|建成)"),
]
_REVIEW_YEAR = re.compile(r"((?:19|20)\d\d)年(?:工作回顾|主要工作回顾)")
_DATE = rf"({_YEAR})年({_CN_NUM}|\d{{1,2}})月({_CN_NUM}|\d{{1,2}})日"
#: "2018年1月6日在营口市第十六届人民代表大会", "二〇二六年一月二十七日在甘肃省十四届人民代表大会".
_DELIVERY = re.compile(rf"{_DATE}\s*在[\u4e00-\u9fff]{{0,20}}?[{''.join(CN_VALUES)}十]{{1,4}}届")
#: "2026年1月29日北京市第十六届人民代表大会第四次会议批准".
_APPROVED = re.compile(rf"{_DATE}[^。]{{0,30}}(?:人民代表大会|人大)[^。]{{0,12}}(?:批准|通过)")
_PRINTED = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日\s*印发")
_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|成文日期)\s*[:：]\s*((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})"
)

#: How many blocks at the top of a document may hold its title.
TITLE_SEARCH_BLOCKS = 20
#: How many blocks at the top are read for the session line, dates and the plan's period.
HEAD_BLOCKS = 40


def _date(year: int | None, month: int | None, day: int | None = None) -> str | None:
    if not year or not month or not 1 <= month <= 12:
        return None
    if day and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}"


def _num(text: str | None) -> int | None:
    return cn_to_int(text) if text else None


def _date_of(m: re.Match[str]) -> str | None:
    return _date(
        _num(m.group(1)), _num(m.group(2)), _num(m.group(3)) if m.lastindex and m.lastindex >= 3 else None
    )


# --- the title ---------------------------------------------------------------------------------


@dataclass
class _Title:
    text: str
    span: Span | None
    has_place: bool
    standalone: bool  # the whole block (or blocks) is the title, not the start of a sentence
    index: int
    notice: bool = False  # a covering notice's title: ``text`` is the plan it issues


def _strip_wrapper(block: Block) -> Span:
    """A title after a wrapper's label ("标题：2021年保定市政府工作报告") is what follows it."""
    for prefix in _TITLE_PREFIXES:
        if block.text.startswith(prefix):
            return block.span.slice(len(prefix)).strip()
    return block.span


def _title_candidate(blocks: list[Block], k: int) -> _Title | None:
    span = _strip_wrapper(blocks[k])
    text = compact_spaced(span.text)
    if not (_PLAN_TITLE.search(text) or _REPORT_TITLE.search(text)) or _ABOUT_THE_REPORT.search(text):
        return None
    standalone = len(text) <= 80 and not re.search(r"[，,。；;！!]", text.rstrip("。"))
    if not standalone:
        m = _TITLE_PREFIX.match(text)
        if m is None or re.search(r"[，,。；;]", m.group("title")):
            return None
        text = m.group("title")
        span = span.sub_span(text) or span
    else:
        prev = blocks[k - 1] if k > 0 else None
        if prev is not None and len(prev.text) <= 30 and _TITLE_FIRST_LINE.search(prev.text):
            span = Span.join([prev.span, span])
    title = re.sub(r"\s+", "", compact_spaced(span.text) if standalone else text)
    title = _PERIOD.sub("", title).strip("《》·.。 ")
    for prefix in _TITLE_PREFIXES:
        title = title.removeprefix(prefix)
    notice = _NOTICE.match(title)
    if notice:
        title = notice.group("title")
    national = any(title.startswith(n) for n in RULES["national"]["title_names"])
    return _Title(title, span, bool(TITLE_PLACE.match(title)) or national, standalone, k, bool(notice))


def find_title(doc: DocumentText) -> tuple[str, Span | None]:
    """The document's own title as printed (white space removed), joining a title broken over
    lines; ("", None) when the text prints none."""
    if doc.heading_hint:
        return re.sub(r"\s+", "", doc.heading_hint), None
    found = [
        t for k in range(min(len(doc.blocks), TITLE_SEARCH_BLOCKS)) if (t := _title_candidate(doc.blocks, k))
    ]
    if not found:
        return "", None
    # a title naming its place over a bare one (a site's "2021年阜平县政府工作报告" over the
    # report's own "政府工作报告"), a whole line over the start of a sentence; of the same title
    # printed twice (a portal's heading, then the document's), the one nearer the text
    # the plan's own title over the covering notice that issues it
    best = max(found, key=lambda t: (t.has_place, not t.notice, t.standalone, -found.index(t)))
    same = [t for t in found if t.text == best.text and t.standalone == best.standalone]
    chosen = same[-1]
    return chosen.text, chosen.span


def doc_type_of(title: str) -> str:
    if _REPORT_TITLE.search(title):
        return "government-work-report"
    if _PLAN_TITLE.search(title):
        return "five-year-plan"
    return "other"


#: What only a work report says: it addresses the delegates and reviews the year's work.
_REPORT_CUES = re.compile(r"各位代表|工作回顾|向大会(?:作|报告)")
#: What only a plan says of itself.
_PLAN_CUES = re.compile(r"本规划|本纲要|本计划|规划期|计划期")


def _doc_type_of_text(doc: DocumentText) -> str:
    """The genre of a document that prints no title, from what it says of itself."""
    text = "".join(b.text for b in doc.blocks)
    report, plan = len(_REPORT_CUES.findall(text)), len(_PLAN_CUES.findall(text))
    if report >= 2 and report > plan:
        return "government-work-report"
    if plan or _PLAN_TITLE.search("".join(b.text for b in doc.blocks[:HEAD_BLOCKS])):
        return "five-year-plan"
    return "other"


# --- issuer and date ---------------------------------------------------------------------------


def _raw_lines(doc: DocumentText) -> list[str]:
    """The document's lines as printed, noise included (the 发布时间 of a web page is noise but
    dates it); a line break written out as \\r\\n counts as one."""
    src = doc.source
    text = src.text[src.line_starts[doc.first_line - 1] :]
    if doc.last_line < len(src.line_starts):
        text = text[: src.line_starts[doc.last_line] - src.line_starts[doc.first_line - 1]]
    return re.split(r"\r?\n|\r|(?:\\r)?\\n", text)


def find_issuer_and_date(doc: DocumentText, title_line: int | None) -> tuple[str | None, str | None]:
    lines = [line.strip().strip("*") for line in _raw_lines(doc)]
    issuer = date = None
    # the footer of an official document: "…人民政府办公室" and "2021年3月24日印发"
    for k in range(len(lines) - 1, max(-1, len(lines) - 40), -1):
        m = _PRINTED.search(lines[k])
        if m:
            date = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            for j in range(k - 1, max(-1, k - 6), -1):
                im = _ISSUER.match(lines[j])
                if im:
                    issuer = im.group("org")
                    break
            break
    # the title page (issuer and date printed under the title) and a notice's signature above it
    start = max(0, (title_line - doc.first_line) if title_line else 0)
    near = list(range(start, min(len(lines), start + 12))) + list(range(max(0, start - 12), start))
    for k in near:
        t = lines[k].strip("（）()")
        if issuer is None and (im := _ISSUER.match(t)):
            issuer = im.group("org")
        if date is None and len(t) <= 20:
            m = _DATE_CN.fullmatch(t)
            if m:
                date = _date_of(m)
            elif (n := _DATE_NUM.fullmatch(t.rstrip("日"))) and "年" in t:
                date = _date(int(n.group(1)), int(n.group(2)), int(n.group(3)) if n.group(3) else None)
    text = "".join(lines[:80])
    for pattern in (_DELIVERY, _APPROVED):
        if date is None and (m := pattern.search(text)):
            date = _date_of(m)
    if date is None and (m := _PUBLISHED.search("\n".join(lines[:80]))):
        date = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return issuer, date


def region_name_of(title: str) -> str | None:
    m = TITLE_PLACE.match(title)
    return m.group("name") if m else None


# --- the whole record --------------------------------------------------------------------------


def extract_metadata(
    doc: DocumentText, gazetteer: Gazetteer | None = None, user: UserMetadata | None = None
) -> Metadata:
    """Everything the document says about itself, what its genre implies, and what the user
    said (which wins). ``region_code`` stays None when nothing tells it (see
    ``check_jurisdiction``); a region the user names that does not exist is an InputError."""
    gazetteer = gazetteer or Gazetteer.load()
    title, title_span = find_title(doc)
    doc_type = doc_type_of(title) if title else _doc_type_of_text(doc)
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
    found = find_jurisdiction(doc, title, title_span, gazetteer)
    if found is not None:
        meta.region_code, meta.region_source, meta.region_span = found.region.code, found.source, found.span
        meta.region_name = meta.region_name or found.region.name
    head = " ".join(b.text for b in doc.blocks[:HEAD_BLOCKS])
    if user is not None:
        _apply_user(meta, user, gazetteer, doc)
    user_year = user.year if user is not None else None
    if meta.doc_type == "five-year-plan":
        _plan_period(meta, title, head, doc, user_year)
    elif meta.doc_type == "government-work-report":
        _report_year(meta, title, head, user_year)
        _report_conventions(meta, doc, gazetteer)
    if not meta.title:
        meta.title = _fallback_title(meta, doc, gazetteer)
    return meta


def _apply_user(meta: Metadata, user: UserMetadata, gazetteer: Gazetteer, doc: DocumentText) -> None:
    meta.user_origin = user.origin
    if user.region:
        region = gazetteer.get(user.region.strip()) or gazetteer.resolve(user.region)
        if region is None:
            raise InputError(
                doc.source.path,
                f"{user.origin or 'the user'} gives region {user.region!r}, which is no GB/T 2260 code or "
                "region name plangraph knows",
            )
        meta.region_code, meta.region_name = region.code, region.name
        meta.region_source, meta.region_span = "user", None
        meta.user_asserted.add("region")
    if user.doc_type:
        meta.doc_type = user.doc_type
        meta.user_asserted.add("doc_type")
    if user.title:
        meta.title, meta.title_span = user.title, None
        meta.user_asserted.add("title")
    if user.year:
        meta.user_asserted.add("year")


def _plan_period(meta: Metadata, title: str, head: str, doc: DocumentText, user_year: int | None) -> None:
    m = _PLAN_NUMBER.search(title) or _PLAN_NUMBER.search(head)
    if m:
        meta.plan_number = cn_to_int(m.group(1) or m.group(2))
    p = _PERIOD.search(title) or _PERIOD.search(head)
    if user_year:
        # the user gives the plan's first year
        meta.period_start, meta.period_end = user_year, user_year + 4
        meta.plan_number = meta.plan_number or (user_year - 1966) // 5 + 3
    elif p and int(p.group(2)) - int(p.group(1)) == 4:
        meta.period_start, meta.period_end = int(p.group(1)), int(p.group(2))
    elif meta.plan_number:
        # from the 3rd plan (1966-1970) on, the Nth covers 1966 + 5 (N - 3) .. + 4 (十三五: 2016-2020)
        meta.period_start = 1966 + 5 * (meta.plan_number - 3)
        meta.period_end = meta.period_start + 4
    meta.vision_year = _vision_year(meta.period_end, [title, *(b.text for b in doc.blocks)])


def _vision_year(period_end: int | None, texts: list[str]) -> int | None:
    """The first long-range year (at least five years after the plan ends) a vision phrase names."""
    if not period_end:
        return None
    for pattern in _VISION:
        for text in texts:
            for m in pattern.finditer(text):
                year = cn_to_int(m.group(1))
                if year and year >= period_end + 5:
                    return year
    return None


def _delivery_year(title: str, head: str) -> int | None:
    m = _DELIVERY.search(head.replace(" ", ""))
    if m:
        return cn_to_int(m.group(1))
    y = re.search(r"((?:19|20)\d\d)年", title)
    return int(y.group(1)) if y else None


def _report_year(meta: Metadata, title: str, head: str, user_year: int | None) -> None:
    if user_year:
        meta.report_year = user_year - 1  # the user gives the year it was delivered
        return
    review = _REVIEW_YEAR.search(head)
    if review:
        meta.report_year = int(review.group(1))
        return
    delivered = _delivery_year(title, head)
    if delivered:
        meta.report_year = delivered - 1  # a report delivered in year N reviews year N-1


def _region_label(code: str, gazetteer: Gazetteer) -> str:
    region = gazetteer.get(code)
    return region.name if region else code


def _report_conventions(meta: Metadata, doc: DocumentText, gazetteer: Gazetteer) -> None:
    """A work report is its government's (issuer), and one that prints no title of its own gets
    the conventional "2026年XX政府工作报告"; both are marked as derived."""
    if meta.region_code is None:
        return
    nation = gazetteer.nation()
    national = nation is not None and meta.region_code == nation.code
    name = _region_label(meta.region_code, gazetteer)
    if meta.issuer is None:
        meta.issuer = (
            _CONVENTIONAL["national_issuer"]
            if national
            else _CONVENTIONAL["report_issuer"].format(region=name)
        )
        meta.issuer_span = _delegation_span(doc)
        meta.derived.add("issuer")
    generic = not meta.title or _GENERIC_REPORT_TITLE.match(meta.title)
    if generic and "title" not in meta.user_asserted and meta.report_year:
        year = meta.report_year + 1
        form = _CONVENTIONAL["national_report_title"] if national else _CONVENTIONAL["report_title"]
        meta.title = form.format(year=year, region=name)
        meta.derived.add("title")


_DELEGATION_PHRASE = re.compile(r"我代表[\u4e00-\u9fff]{0,20}?(?:人民政府|政府|国务院)")


def _delegation_span(doc: DocumentText) -> Span | None:
    """Where a report says whose it is: "我代表市政府"."""
    for block in doc.blocks[:60]:
        m = _DELEGATION_PHRASE.search(block.text)
        if m:
            return block.span.slice(m.start(), m.end())
    return None


def _fallback_title(meta: Metadata, doc: DocumentText, gazetteer: Gazetteer) -> str:
    """A title for a document that prints none and is not a work report: a plan's conventional
    "XX国民经济和社会发展第N个五年规划纲要" (计划 before the 11th), marked as derived; else the
    start of its first line."""
    if meta.doc_type == "five-year-plan" and meta.plan_number and meta.region_code:
        kind = "规划" if meta.plan_number >= 11 else "计划"
        number = _chinese_number(meta.plan_number)
        meta.derived.add("title")
        name = _region_label(meta.region_code, gazetteer)
        return f"{name}国民经济和社会发展第{number}个五年{kind}纲要"
    first = doc.blocks[0]
    return re.sub(r"\s+", "", first.text)[:80]


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else digits[tens] + "十") + (digits[ones] if ones else "")


# --- when nothing tells ------------------------------------------------------------------------


def check_jurisdiction(meta: Metadata, doc: DocumentText) -> None:
    """Refuse a document whose region neither its text nor the user tells: the message names the
    file, says what was looked for and shows how to say it."""
    if meta.region_code is not None:
        return
    name = doc.source.name
    printed = (
        f" (its title names {meta.region_name!r}, which is not in the gazetteer)" if meta.region_name else ""
    )
    raise InputError(
        doc.source.path,
        f"cannot tell which region {meta.title!r} is about{printed}: looked for {looked_for()}. "
        f"Say it with `plangraph build --region 150702 {name}` (a GB/T 2260 code or a region name), "
        f'or in a plangraph.toml beside the file: ["{name}"] region = "150702"',
    )
