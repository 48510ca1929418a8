"""Regular expressions for the numbering and labels Chinese plans print, shared by the stages.

Kept in one place because ingest (to recognise a table of contents), structure (headings, boxes)
and tables (column headers) all need the same notion of "a heading label".
"""

from __future__ import annotations

import re

CN_DIGITS = "零〇一二三四五六七八九十百两"
CN_NUM = f"[{CN_DIGITS}]+"
NUM = f"(?:{CN_NUM}|[0-9０-９]+)"

#: (scheme, pattern matching the label at the start of a heading). Order matters: longer first.
HEADING_LABELS: list[tuple[str, re.Pattern[str]]] = [
    ("篇", re.compile(rf"第{NUM}篇")),
    ("章", re.compile(rf"第{NUM}章")),
    ("节", re.compile(rf"第{NUM}节")),
    ("paren_cn", re.compile(rf"[（(]{CN_NUM}[）)]")),
    ("cn", re.compile(rf"{CN_NUM}(?:、|[，,．.](?![0-9]))")),
    ("paren_arabic", re.compile(r"[（(][0-9０-９]{1,2}[）)]")),
    # "1.1加强重要基础设施安全管理。" (上海 十五五: 一、 > 1. > 1.1), never an amount ("2.5亿元")
    (
        "decimal",
        re.compile(
            r"[0-9]{1,2}[.．][0-9]{1,2}(?=\s*[\u4e00-\u9fff])(?![0-9]|\s*(?:[万亿千百十个倍]|左右|以上|以下|以内|以外))"
        ),
    ),
    # "1、", "1." / "1．" but not a decimal ("2.5%"); "2.2035年远景目标" is "2." + a title.
    ("arabic", re.compile(r"[0-9０-９]{1,2}(?:、|[.．](?=[0-9]{4}年|[^0-9]))")),
]

#: Headings printed without a number.
NAMED_HEADINGS = re.compile(
    r"(前\s*言|序\s*言|引\s*言|结\s*束\s*语|结\s*语|附\s*件|附\s*录|附\s*表|名词解释)(?:[:：]?\s*(.*))?$"
)

#: A box or table label: 专栏4, 专栏 4, 表2, 表 2-1, 表2：, 附表1.
BOX_LABEL = re.compile(
    r"(专栏|附表|表)\s*([0-9０-９]{1,3}(?:\s*[-－—]\s*[0-9０-９]{1,3})?)(?![0-9０-９.．%])"
)

#: Markdown emphasis left over from conversion.
MARKDOWN_EMPHASIS = re.compile(r"\*\*")

#: A table-of-contents entry ends with a page number (arabic, or roman for front matter: "ii";
#: a gazette prints it in brackets: "（312）"), dot leaders, or both.
TOC_PAGE_SUFFIX = re.compile(
    r"(?:[.…·．]{3,}\s*(?:\d*|[ivxlcIVXLC]{1,6})|[\t ]+(?:\d{1,3}|[ivxlcIVXLC]{1,6})|[（(]\d{1,3}[）)])\s*$"
)

#: Sentence-final punctuation: a paragraph ending in one of these is complete.
SENTENCE_END = "。！？；：!?;:…”’）)》」』"

YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")


#: A line printed letter-spaced: one Chinese character at a time, with spaces (or the "??" an
#: export left where non-ASCII spaces were) between them: "序    言", "名 词 解 释", "政??府??工??作??报??告".
_LETTER_SPACED = re.compile(r"^[\u4e00-\u9fff](?:[ \t\u3000\u00a0\u2002\u2003?？]+[\u4e00-\u9fff])+$")


def compact_spaced(text: str) -> str:
    """``text`` without the spaces of letter-spacing ("名 词 解 释" -> "名词解释"); other text as is."""
    t = text.strip()
    if _LETTER_SPACED.match(t):
        return re.sub(r"[ \t\u3000\u00a0\u2002\u2003?？]+", "", t)
    return text


def heading_label(text: str) -> tuple[str, re.Match[str]] | None:
    """The numbering scheme and label match at the start of ``text`` (None if it has none)."""
    for scheme, pattern in HEADING_LABELS:
        m = pattern.match(text)
        if m:
            return scheme, m
    return None


CN_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_to_int(text: str) -> int | None:
    """Chinese numerals up to the hundreds ("十三" -> 13, "二十一" -> 21); digits pass through."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(ch in CN_VALUES for ch in text) and len(text) > 1:  # digit by digit: "二〇一六"
        return int("".join(str(CN_VALUES[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in CN_VALUES:
            current = CN_VALUES[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current
