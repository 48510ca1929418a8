"""Headings, their hierarchy, and boxes (专栏 / 表) with their extent and numbered items.

Input: the blocks of one document (ingest). Output: ``Division`` and ``Box`` records.

Headings come in every numbering scheme plans use (第X篇/章/节, 一、, （一）, 1、/1., （1）, 1.1,
and unnumbered 前言/附件). 篇, 章 and 节 rank by their words; the other schemes rank in the order
the document first uses them. A heading's parent is the nearest earlier heading of a higher rank,
and its level is its depth in that tree (a document that goes from 章 straight to （一） skips
nothing). Numbering must move forward among siblings, which keeps list items and stray lines out.

A box starts at its label (专栏4, 表 2-1) or, unlabelled, at a run of "group: 1. …; 2. …" lines. It
has no end marker: it runs while its blocks keep the shape its first content block set (table
rows, numbered items, "name：description" lines, "name。description" lines) and stops at a
heading, another box, or prose.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass

from .model import Block, Box, BoxItem, Division, DocumentText, Span
from .patterns import BOX_LABEL, NAMED_HEADINGS, cn_to_int, compact_spaced, heading_label
from .settings import PACKAGE_DIR
from .tables import parse_table, table_extent

#: Schemes whose words fix their place (篇 holds 章, 章 holds 节; named headings sit at the top).
FIXED_RANK = {"named": 0, "篇": 1, "章": 2, "节": 3}
#: The other schemes (一、 （一） 1. （1） 1.1) nest in the order a document first uses them.

#: Unnumbered headings that do not enclose the numbered parts after them.
PREFACES = {"前言", "序言", "引言"}

#: A heading printed on its own line is short; longer numbered blocks are run-in headings.
MAX_HEADING_CHARS = 60
#: Run-in headings ("（一）全力以赴稳增长，…。正文") end at the first full stop within this many chars.
MAX_RUN_IN_TITLE = 45
#: The longest first clause of a two-clause heading ("以供给侧结构性改革为主线，…").
MAX_FIRST_CLAUSE = 12
#: A text with fewer sentence ends than one in this many characters lost them (a plan whose
#: 。 were turned into line breaks): its headings run into their text like a glued page's.
CHARS_PER_SENTENCE_END = 500

_RESPONSIBLE_NOTE = re.compile(r"[（(]\s*(?:责任|牵头|主责|配合)(?:部门|单位)?\s*[:：][^）)]*[）)]\s*$")
_TITLE_SEPARATORS = " \t\u3000\u00a0：:、，,.．"
_GROUP_NUMBERED = re.compile(
    r"^(?P<group>[^。：:；;，,\d（(]{2,20}?)\s*[：:]\s*(?=[（(]?\d{1,2}\s*[.．、）)])"
)
_GROUP_LINE = re.compile(r"^(?P<group>[^。：:；;]{2,25})[：:]$")
_ITEM_START = re.compile(
    r"(?:^|(?<=[；;。，,\s]))\s*(?:[（(](\d{1,2})[）)]|(\d{1,2})\s*(?:、|[.．](?![0-9])))\s*"
)
_LEAD_ITEM = re.compile(r"^(?P<name>[^。：:；;，,—]{2,24})。")
_COLON_ITEM = re.compile(r"^(?P<name>[^。：:；;，,—]{2,30})[：:]\s*\S")
_LIST_END = re.compile(r"(等|等等)?(重点|重大)?(项目|工程)?[。.]?$")


def _is_table_row(text: str) -> bool:
    return "\t" in text or bool(re.search(r"\S {3,}\S", text))


@dataclass
class _Candidate:
    block: Block
    scheme: str
    number: int | None
    label: str
    title: str
    span: Span


def _clean_title(title: str) -> str:
    title = _RESPONSIBLE_NOTE.sub("", title)
    return title.strip(_TITLE_SEPARATORS).strip()


#: Section names of work reports, which end a run-in heading even without punctuation.
_REPORT_SECTION = re.compile(
    r"^.{0,20}?(?:工作回顾|工作安排|工作部署|主要目标任务|目标任务|主要任务|总体要求|工作建议|自身建设|满意政府)"
)

with (PACKAGE_DIR / "rules" / "headings.toml").open("rb") as _f:
    _RUN_IN = tomllib.load(_f)
#: Words that open the body of a paragraph: a run-in heading printed without punctuation ends
#: before them ("（一）以项目建设为中心，增强经济发展新动能坚持把项目建设作为头等大事").
_BODY_OPENERS = re.compile("|".join(_RUN_IN["body_openers"]))
_RESULT_NOUNS = re.compile("|".join(_RUN_IN["result_nouns"]))
_ADVERB = "|".join(sorted(_RUN_IN["adverbs"], key=len, reverse=True))
_PREDICATE = re.compile(rf"(?:{_ADVERB})[\u4e00-\u9fff]{{2}}")
_STARTS_ADVERB = re.compile(rf"(?:{_ADVERB})")
#: "生态是生存之本": a heading is no statement with 是; the statement starts at its subject.
_COPULA = re.compile(r"[\u4e00-\u9fff]{2}是")
_CLAUSE_BREAK = re.compile(r"[，,]|[ \u3000]+")


def _repeats_at(rest: str, p: int) -> bool:
    """The text after ``p`` repeats the words before it: the body restating the heading's topic
    ("加强水利建设|水利建设要…", "推进社区建设|推进社区建设是…", "改善民生|民生工程")."""
    return any(p >= n and rest[p - n : p] == rest[p : p + n] for n in range(2, 7))


def _glued_cut(rest: str, start: int, end: int, parallel: int | None, two_clauses: bool) -> int | None:
    """Where a heading glued to its lead sentence or body ends between ``start`` and ``end``.

    Strong cues: after a result noun (…新成效), between a repeated word (民生|民生工程), and in
    the second clause of a two-clause heading that starts with its subject, after its predicate
    (…不断夯实). Else, for a second clause of the verb-object kind (不断增强经济发展后劲), where a
    clause as long as the first would end (``parallel``); else before an adverb or a statement no
    heading ends with (稳步发展…, 严格执行…, 生态是…)."""
    verb_first = bool(_STARTS_ADVERB.match(rest, start))
    strong = [m.end() for m in _RESULT_NOUNS.finditer(rest, start, end) if m.end() < end]
    if two_clauses and not verb_first:
        # the subject before the adverb is a noun phrase of four characters or more (城乡面貌不断改善;
        # not 集聚全面开放新优势, where 全面 modifies the object)
        strong += [m.end() for m in _PREDICATE.finditer(rest, start + 4, end) if m.end() < end]
    strong += [p for p in range(start + 4, end - 1) if _repeats_at(rest, p)]
    if strong:
        return min(strong)
    if verb_first and parallel is not None:
        return min(end, parallel)
    weak = [p for p in range(start + 4, end - 1) if _STARTS_ADVERB.match(rest, p)]
    weak += [m.start() for m in _COPULA.finditer(rest, start + 6, end)]
    return min(weak) if weak else None


def run_in_title_end(rest: str, glued: bool = False) -> int | None:
    """Where the title of a run-in heading ends in ``rest`` (the text after its label).

    At a body opener, else at the first 。. In a text that lost its line breaks (``glued``: a web
    page printing a report as one line), the heading lost the break after it too and runs into
    the lead sentence or the paragraph after it; when the text up to 。 is longer than a heading's
    clauses are, the title ends at a cue of rules/headings.toml, else where a second clause as
    long as the first would end."""
    section = _REPORT_SECTION.match(rest)
    if section:
        return section.end()
    stop = rest.find("。")
    end = min(stop if stop >= 0 else MAX_RUN_IN_TITLE, MAX_RUN_IN_TITLE)
    statement = _COPULA.search(rest, 6, end) if glued else None
    if statement:  # "持续优化城乡环境生态是生存之本，…": the statement is the body
        end = statement.start()
    comma = _CLAUSE_BREAK.search(rest[: min(20, end)])
    if comma is not None and (comma.start() < 2 or (glued and comma.start() > MAX_FIRST_CLAUSE)):
        comma = None  # in a glued text, a comma this far is the body's
    search_from = comma.end() + 4 if comma else 6
    opener = _BODY_OPENERS.search(rest, search_from, end)
    clause = comma.end() if comma else 0
    first = comma.start() if comma else None
    longest = (first + _RUN_IN["lead_margin"]) if first else _RUN_IN["single_clause_chars"] + 2
    if not glued or end - clause <= longest:
        if opener:
            return opener.start()
        if 0 <= stop <= MAX_RUN_IN_TITLE or statement:
            return end
        if first is not None and first >= 4:
            # "A，B正文…" with no cue: B is about as long as A (parallel clauses)
            return min(len(rest), comma.end() + first + 4)  # type: ignore[union-attr]
        return None
    parallel = clause + first + _RUN_IN["parallel_extra"] if first is not None and first >= 4 else None
    cut = _glued_cut(rest, clause, end, parallel, two_clauses=comma is not None)
    if opener and (cut is None or opener.start() < cut):
        return opener.start()
    if cut is not None:
        return cut
    if parallel is not None:
        # "A，B正文…" with no cue: B is about as long as A (parallel clauses)
        return min(end, parallel)
    if 0 <= stop <= MAX_RUN_IN_TITLE:
        return stop
    return min(end, _RUN_IN["single_clause_chars"])


def heading_candidate(block: Block, glued: bool = False) -> _Candidate | None:
    """The block read as a heading (label, title), or None. ``glued``: the text lost the breaks
    after its headings (see ``run_in_title_end``); a block cut out of a long line always did."""
    text = block.text
    # a tab-separated row is a table row, even when its first cell looks numbered
    if _is_table_row(text) and len([c for c in re.split(r"\t| {3,}", text) if c.strip()]) > 1:
        return None
    named = NAMED_HEADINGS.match(compact_spaced(text))  # "名 词 解 释" is 名词解释
    if named and len(text) <= 30:
        label = re.sub(r"\s+", "", named.group(1))
        title = _clean_title(named.group(2) or "") or label
        if _NAMED_NUMBER.fullmatch(title):  # "附件1": the number is the label's
            label = title = label + title
        return _Candidate(block, "named", None, label, title, block.span)
    found = heading_label(text)
    if not found:
        return None
    scheme, m = found
    label = m.group(0)
    rest = text[m.end() :]
    number: int | None
    if scheme == "decimal":  # "1.1": the second number counts the siblings
        number = int(re.split(r"[.．]", label)[-1])
    else:
        number = cn_to_int(re.sub(r"[第篇章节（()）、，,．.\s]", "", label))
    run_in = (
        len(text) > MAX_HEADING_CHARS
        or (text.endswith("。") and len(text) > 25)
        or (
            (glued or block.mid_line) and len(text) > 25
        )  # a glued text: the line holds more than the heading
    )
    if not run_in:
        title = _clean_title(rest).removesuffix("。")
        span = block.span
    else:
        if scheme in ("arabic", "paren_arabic"):
            return None  # numbered sentences in prose are list items, not headings
        end = run_in_title_end(rest, glued=glued or block.mid_line)
        if end is None:
            return None
        title = _clean_title(rest[:end])
        span = block.span.slice(0, m.end() + end)
    if not title or len(title) > MAX_HEADING_CHARS:
        return None
    label = label.strip(" \t\u3000")
    return _Candidate(block, scheme, number, label, title, span)


# --- boxes -----------------------------------------------------------------------------------


@dataclass
class _OpenBox:
    box: Box
    style: str | None = None  # "table", "numbered", "colon", "lead", "list", "prose"
    intro: bool = False  # its first block was a paragraph introducing the items


def box_label(block: Block) -> tuple[str, str, Span] | None:
    """(normalised label, title, span) when the block starts a labelled box."""
    m = BOX_LABEL.match(block.text)
    if not m:
        return None
    kind, number = m.group(1), re.sub(r"\s+", "", m.group(2)).replace("－", "-").replace("—", "-")
    title = block.text[m.end() :].strip(_TITLE_SEPARATORS).strip()
    title = title.split("\t")[0].strip()
    if len(title) > 80 or title.endswith("。"):
        return None  # "表1显示……。" is prose that mentions a table
    return f"{kind}{number}", title, block.span


#: The header of a table of projects printed with its cells apart or one per line
#: ("序号 领域 重大工程"): its rows are numbered, its names may be packed several to a cell.
_ITEM_TABLE_HEADER = re.compile(r"^序号\s+\S{2,6}(?:\s+\S{2,8}){0,3}$")
#: A row's closing count of what it lists ("…等3项工程", "…等12" / "项工程").
_LISTED_COUNT = re.compile(
    r"等\s*[0-9０-９一二三四五六七八九十]+\s*(?:项|个|大)?(?:重点|重大)?(?:工程|项目|行动|平台|任务)?[。.]?$"
)


def _style_of(text: str) -> str:
    if _ITEM_TABLE_HEADER.match(text):
        return "cells"
    if _is_table_row(text):
        return "table"
    if _GROUP_NUMBERED.match(text) or _ITEM_START.match(text) or heading_label(text):
        return "numbered"
    if _GROUP_LINE.match(text):
        return "numbered"
    if _COLON_ITEM.match(text):
        return "colon"
    if _LEAD_ITEM.match(text) and not text.startswith("—"):
        return "lead"
    if text.count("、") >= 3 and _is_name_list(text):
        return "list"
    return "prose"  # a sentence, however many 、 it has ("突出稳总量、优结构、增效益、促招引，聚焦…")


def _continues_box(open_box: _OpenBox, block: Block) -> bool:
    text = block.text
    style = open_box.style
    if style == "cells":  # a table of projects one cell per line: short lines, no sentence
        return len(text) <= MAX_CELL_LINE and "。" not in text[:-1] and heading_label(text) is None
    if style == "table":
        return (
            _is_table_row(text)
            or (len(text) <= 40 and not text.endswith("。"))
            or text.startswith(("注", "备注"))
        )
    if style == "numbered":
        # items, group labels, and the unnumbered clauses right under a group line
        last = open_box.box.blocks[-1].text if open_box.box.blocks else ""
        return bool(_ITEM_START.match(text) or _group_start(text) or _GROUP_LINE.match(last))
    if style in ("colon", "lead") and (heading_label(text) or _wider_gap(open_box.box, block)):
        return False  # a numbered heading, or the space a page leaves after a box, ends it
    if style == "colon":
        return bool(_COLON_ITEM.match(text))
    if style == "lead":
        return bool(_LEAD_ITEM.match(text)) and not text.startswith("—")
    return False


def _wider_gap(box: Box, block: Block) -> bool:
    """More lines between the box's last block and ``block`` than twice the widest gap inside it:
    a page's text keeps the space around a box it printed in a frame (上海 十五五: items two lines
    apart, the body after the box ten)."""
    lines = [box.line] + [b.line for b in box.blocks]
    widest = max((b - a for a, b in itertools.pairwise(lines)), default=1)
    return block.line - lines[-1] > 2 * max(widest, 2)


# --- items -----------------------------------------------------------------------------------


_LEADING_VERBS = re.compile(
    r"^(?:重点进行|进行|建设完成|建设完善|加快推进|加快建设|推动建设|启动|新建|推进|实施|建设|完成)(?=\S{4})"
)


def _item_name(text: str) -> tuple[str, str]:
    """Split an item into its name and description ("名称。说明", "名称：说明", "名称；…", "名称，包括…")."""
    text = text.strip().rstrip("；;，,。. ")
    cut = re.search(r"[。：:；;]|，包括|,包括", text)
    if cut and cut.start() >= 2:
        return text[: cut.start()].strip(), text[cut.end() :].strip()
    return text, ""


#: A time phrase that opens a clause ("至2025年，…", "“十四五”期间，…") is not the item's name.
_TIME_PHRASE = re.compile(
    r"^(?:至|到|在)?(?:(?:19|20)\d\d年(?:底|前|末)?|“?十[一二三四五六七八九]五”?(?:期间|时期|末))$"
)
#: Names of built things end like this; "A、B、C" with such endings lists several of them.
_FACILITY_END = re.compile(r"(?:工程|项目|站|路|街|道|桥|中心|园|馆|场|厂|基地|）|\))$")


def _clause_names(clause: str) -> list[str]:
    """The item names in one clause: its first phrase (time phrases skipped), the part after an
    inner "label：", split at 、 when it lists several facilities, leading verbs and a trailing
    建设 after a facility name dropped."""
    phrases = [p.strip() for p in re.split(r"[，,。]", clause) if p.strip()]
    while phrases and _TIME_PHRASE.match(phrases[0]):
        phrases = phrases[1:]
    if not phrases:
        return []
    name = phrases[0]
    inner = re.split(r"[：:]", name, maxsplit=1)
    if len(inner) == 2 and len(inner[1]) >= 4:
        name = inner[1]
    name = _LEADING_VERBS.sub("", name).strip()
    parts = [p.strip() for p in name.split("、")]
    listed = len(parts) >= 2 and "等" not in name
    if listed and all(len(p) >= 5 and _FACILITY_END.search(re.sub(r"建设$", "", p)) for p in parts):
        names = parts
    else:
        names = [name]
    return [re.sub(r"(工程|项目|站|中心|基地)建设$", r"\1", n) for n in names]


def _clause_items(block: Block, group: str | None, first_number: int) -> list[BoxItem]:
    """Unnumbered items printed as clauses separated by ；, each named by its first phrase."""
    items: list[BoxItem] = []
    pos = 0
    for clause in re.split(r"[；;]", block.text):
        for name in _clause_names(clause.strip().rstrip("。.")):
            offset = block.text.find(name, pos)
            if len(name) < 2 or offset < 0:
                continue
            span = block.span.slice(offset, offset + len(name))
            items.append(BoxItem(first_number + len(items), name, span, block.line, group))
            pos = offset + len(name)
    return items


def _numbered_items(block: Block, group: str | None, expected: int) -> tuple[list[BoxItem], int]:
    """Items "1. …；2. …" in one block; numbering must go 1, 2, 3 (decimals are not items)."""
    text = block.text
    starts: list[tuple[int, int, int]] = []  # (match start, content start, number)
    for m in _ITEM_START.finditer(text):
        number = int(m.group(1) or m.group(2))
        if number == expected or (not starts and number == 1):
            starts.append((m.start(), m.end(), number))
            expected = number + 1
    items = []
    for k, (_, content, number) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        raw = text[content:end]
        name, description = _item_name(raw)
        if not name:
            continue
        offset = content + raw.find(name)
        items.append(
            BoxItem(
                number, name, block.span.slice(offset, offset + len(name)), block.line, group, description
            )
        )
    return items, expected


def _list_items(block: Block, first_number: int) -> list[BoxItem]:
    """One block naming many items separated by 、 ("A、B、C等项目。")."""
    text = _LIST_END.sub("", block.text.strip())
    items, pos = [], 0
    for n, part in enumerate(re.split(r"[、；;]", text)):
        name = part.strip()
        offset = block.text.find(name, pos) if name else -1
        if name and offset >= 0:
            items.append(
                BoxItem(first_number + n, name, block.span.slice(offset, offset + len(name)), block.line)
            )
            pos = offset + len(name)
    return items


def _is_name_list(text: str) -> bool:
    """ "A、B、C。": a list of names rather than a sentence (no commas, short parts)."""
    parts = [p for p in re.split(r"[、；;]", text.strip().rstrip("。.")) if p.strip()]
    return len(parts) >= 2 and "，" not in text and "," not in text and max(len(p) for p in parts) <= 60


def _expand_category(item: BoxItem, block: Block) -> list[BoxItem]:
    """ "1、农产品加工项目：A、B、C。" in a project box names a category and its projects."""
    if not item.description or not _is_name_list(item.description):
        return [item]
    start = block.text.find(item.description)
    if start < 1 or block.text[:start].rstrip()[-1:] not in "：:":
        return [item]  # only "类别：A、B" names a category; "名称。说明" is one project described
    sub = Block(block.span.slice(start, start + len(item.description)), block.line)
    group = f"{item.group}/{item.name}" if item.group else item.name
    return [BoxItem(n, it.name, it.span, it.line, group) for n, it in enumerate(_list_items(sub, 1), start=1)]


@dataclass
class _GroupStart:
    """A block that opens a group of items inside a box."""

    name: str
    items_at: int | None  # where the group's numbered items start in the block (None: a label line)
    sub: bool  # "一、X工程": a sub-group of the group line above it


def _group_start(text: str) -> _GroupStart | None:
    """ "钢铁产业: 1. …", "特色文化旅游产业：", "一、X工程" or "一、X工程：1. …"."""
    gm = _GROUP_NUMBERED.match(text)
    if gm:
        return _GroupStart(gm.group("group").strip(), gm.end(), sub=False)
    found = heading_label(text)
    if found and found[0] in ("cn", "paren_cn"):
        at = found[1].end()
        gm = _GROUP_NUMBERED.match(text[at:])
        if gm:
            return _GroupStart(gm.group("group").strip(), at + gm.end(), sub=True)
        if len(text) <= 40:
            return _GroupStart(text[at:].strip(" ：:"), None, sub=True)
    lm = _GROUP_LINE.match(text)
    return _GroupStart(lm.group("group").strip(), None, sub=False) if lm else None


def _named_item(block: Block, name: str, number: int, group: str | None) -> BoxItem:
    """An item whose name opens the block ("名称：说明" / "名称。说明")."""
    description = block.text[len(name) + 1 :].strip()
    return BoxItem(number, name, block.span.slice(0, len(name)), block.line, group, description)


#: The longest line of a table printed one cell per line.
MAX_CELL_LINE = 40
#: The longest line of a row's group cell ("现代化产" / "业体系建" / "设").
MAX_GROUP_LINE = 8


def _cell_table_items(blocks: list[Block]) -> list[BoxItem]:
    """Items of a table of projects printed one cell per line: numbered rows (1, 2, …), each a
    group cell wrapped over short lines, then its names packed several to a cell, 、-separated,
    wrapped over lines, and closed by their count ("…等3项工程")."""
    rows: list[list[Block]] = []
    expected = 1
    for block in blocks:
        text = block.text.strip()
        if _ITEM_TABLE_HEADER.match(text):
            continue  # the header, printed again after a page break
        if text.isdigit() and int(text) == expected:
            rows.append([])
            expected += 1
        elif rows:
            rows[-1].append(block)
    items: list[BoxItem] = []
    for row in rows:
        k = 0
        while k < len(row) and len(row[k].text) <= MAX_GROUP_LINE and "、" not in row[k].text:
            k += 1
        group = "".join(b.text.strip() for b in row[:k]) or None
        if k == len(row):
            continue
        names = Span.join([b.span.strip() for b in row[k:]])
        m = _LISTED_COUNT.search(names.text)
        if m:
            names = names.slice(0, m.start())
        pos = 0
        for part in re.split(r"[、，,；;]", names.text):
            name = part.strip()
            at = names.text.find(name, pos) if name else -1
            if len(name) < 2 or at < 0:
                continue
            pos = at + len(name)
            span = names.slice(at, at + len(name))
            items.append(BoxItem(len(items) + 1, name, span, row[k].line, group))
    return items


def parse_items(box: Box, style: str | None, projects: bool) -> list[BoxItem]:
    """The entries of a box. In a project box, "类别：A；B；C" lines name a group and its items."""
    items: list[BoxItem] = []
    outer: str | None = None  # a group line above numbered sub-groups ("特色文化旅游产业：")
    group: str | None = None
    expected = 1
    after_group_line = False
    if style == "cells":
        return _cell_table_items(box.blocks)
    for block in box.blocks:
        text = block.text
        if style == "table":
            break
        start = _group_start(text)
        if start:
            group = f"{outer}/{start.name}" if start.sub and outer else start.name
            expected = 1
            after_group_line = start.items_at is None
            if start.items_at is None and not start.sub:
                outer = start.name
            if start.items_at is not None:
                found, expected = _numbered_items(
                    Block(block.span.slice(start.items_at), block.line), group, 1
                )
                items.extend(found)
            continue
        if _ITEM_START.match(text):
            found, expected = _numbered_items(block, group, expected)
            for item in found:
                items.extend(_expand_category(item, block) if projects else [item])
        elif after_group_line:
            items.extend(_clause_items(block, group, 1))
        elif style == "colon" and (m := _COLON_ITEM.match(text)):
            name = m.group("name").strip()
            if projects and re.search(r"[；;]", text):
                items.extend(_clause_items(Block(block.span.slice(len(name) + 1), block.line), name, 1))
            else:
                items.append(_named_item(block, name, len(items) + 1, group))
        elif style == "lead" and (m := _LEAD_ITEM.match(text)):
            items.append(_named_item(block, m.group("name").strip(), len(items) + 1, group))
        elif style == "list":
            items.extend(_list_items(block, len(items) + 1))
        after_group_line = False
    return items


# --- the whole document ----------------------------------------------------------------------


def _box_kind(box: Box, style: str | None) -> str:
    title = box.title or ""
    if style == "table" or re.search(r"指标|完成情况", title):
        return "indicators"
    if re.search(r"项目|工程", title) or not title:
        return "projects"
    return "other"


def _infer_missing_labels(boxes: list[Box]) -> None:
    """An unlabelled box between 专栏N and 专栏N+2 is 专栏N+1."""
    for k, box in enumerate(boxes):
        if box.label:
            continue
        prev = next((b.label for b in reversed(boxes[:k]) if b.label), None)
        nxt = next((b.label for b in boxes[k + 1 :] if b.label), None)
        pm = re.fullmatch(r"(专栏|表)(\d+)", prev or "")
        nm = re.fullmatch(r"(专栏|表)(\d+)", nxt or "")
        if pm and nm and pm.group(1) == nm.group(1) and int(nm.group(2)) - int(pm.group(2)) == 2:
            box.label = f"{pm.group(1)}{int(pm.group(2)) + 1}"


class _Parser:
    def __init__(self) -> None:
        self.divisions: list[Division] = []
        self.boxes: list[Box] = []
        self.stack: list[tuple[int, Division]] = []  # (rank, division)
        self.last_number: dict[str, int] = {}
        self.open: _OpenBox | None = None
        self.ranks: dict[str, int] = dict(FIXED_RANK)  # the document's own order of its schemes
        self.glued = False  # the text lost its sentence ends, and the breaks after its headings

    def rank_of(self, scheme: str) -> int:
        """A scheme's rank in this document: 篇/章/节 by their words, any other scheme by the
        order in which the document first uses it (一、 then （一） then 1., or any other order)."""
        if scheme not in self.ranks:
            self.ranks[scheme] = max(self.ranks.values()) + 1
        return self.ranks[scheme]

    def innermost(self) -> int | None:
        return self.stack[-1][1].order if self.stack else None

    def accept_heading(self, cand: _Candidate) -> bool:
        if cand.scheme in ("篇", "章", "节", "named"):
            return True
        last = self.last_number.get(cand.scheme)
        return cand.number is not None and (cand.number == 1 or last is None or cand.number > last)

    def add_heading(self, cand: _Candidate) -> None:
        rank = self.rank_of(cand.scheme)
        # a preface holds only its own text; an appendix (附件) holds what follows it
        while self.stack and (self.stack[-1][0] >= rank or self.stack[-1][1].label in PREFACES):
            self.stack.pop()
        for scheme, r in self.ranks.items():
            if r > rank:
                self.last_number.pop(scheme, None)
        if cand.number is not None:
            self.last_number[cand.scheme] = cand.number
        parent = self.stack[-1][1] if self.stack else None
        division = Division(
            order=len(self.divisions) + 1,
            # the depth in this document's own tree: a level it skips (章 straight to （一）) is
            # no gap, and a child is always one level below its parent
            level=parent.level + 1 if parent else 1,
            label=cand.label,
            title=cand.title,
            line=cand.block.line,
            span=cand.span,
            scheme=cand.scheme,
            parent=parent.order if parent else None,
        )
        self.divisions.append(division)
        self.stack.append((rank, division))

    def open_box(
        self, label: str | None, title: str, block: Block, first_content: Block | None = None
    ) -> None:
        box = Box(
            order=len(self.boxes) + 1,
            label=label,
            title=title,
            line=block.line,
            span=block.span,
            division=self.innermost(),
            last_line=block.line,
        )
        self.boxes.append(box)
        self.open = _OpenBox(box)
        if first_content is not None:
            self.add_to_box(first_content)

    def add_to_box(self, block: Block) -> None:
        assert self.open is not None
        if self.open.style is None:
            self.open.style = _style_of(block.text)
        self.open.box.blocks.append(block)
        self.open.box.last_line = block.line

    def _next_is_heading(self, cand: _Candidate | None) -> bool:
        return cand is not None and self.accept_heading(cand)

    def close_box(self) -> None:
        if self.open is None:
            return
        if self.open.style is None and self.open.intro:
            self.open.style = "prose"  # only the introduction: a box of prose
        box, style = self.open.box, self.open.style
        box.kind = _box_kind(box, style)
        box.items = parse_items(box, style, projects=box.kind == "projects")
        if box.kind == "other" and not box.label and box.items:
            box.kind = "projects"
        self.open = None

    def feed(self, block: Block) -> None:
        labelled = box_label(block)
        if labelled:
            self.close_box()
            self.open_box(labelled[0], labelled[1], block)
            return
        cand = heading_candidate(block, self.glued)
        if self.open is not None:
            if self.open.style is None:
                if (
                    _style_of(block.text) == "prose"
                    and not self.open.intro
                    and not self._next_is_heading(cand)
                ):
                    # a box may open with a paragraph that introduces its items ("大力发展五大生产性
                    # 服务业，到2030年，…" then "1.数字服务。…"): its style is the next block's
                    self.open.intro = True
                    self.open.box.blocks.append(block)
                    self.open.box.last_line = block.line
                    return
                self.add_to_box(block)
                if self.open.style in ("list", "prose"):
                    self.close_box()
                return
            strong_heading = cand is not None and cand.scheme in ("篇", "章", "节", "named")
            if not strong_heading and _continues_box(self.open, block):
                self.add_to_box(block)
                return
            self.close_box()
        if cand is not None and self.accept_heading(cand):
            self.add_heading(cand)
            return
        if _GROUP_NUMBERED.match(block.text):  # a box printed without its label
            self.open_box(None, "", block, first_content=block)


_INDICATOR_TITLE = re.compile(r"指标|完成情况|规划表|目标表")


def _is_indicator_table(title: str, first_content: Block | None) -> bool:
    return bool(_INDICATOR_TITLE.search(title)) or (
        first_content is not None and _is_table_row(first_content.text)
    )


def _stop_at_strong_heading(blocks: list[Block], start: int, n: int) -> int:
    """A table never swallows a 篇/章/节 heading or the next box."""
    for k in range(start, start + n):
        cand = heading_candidate(blocks[k])
        if box_label(blocks[k]) or (cand and cand.scheme in ("篇", "章", "节", "named")):
            return k - start
    return n


_NAMED_NUMBER = re.compile(r"[0-9０-９一二三四五六七八九十]{1,3}")


def _named_with_title(blocks: list[Block], i: int, glued: bool) -> _Candidate | None:
    """An appendix label on a line of its own and its title on the next ("附件1" /
    "2026年省十件民生实事"), as one heading."""
    cand = heading_candidate(blocks[i], glued)
    if cand is None or cand.scheme != "named" or cand.title != cand.label or i + 1 >= len(blocks):
        return None
    nxt = blocks[i + 1]
    if not _is_title_line(nxt) or NAMED_HEADINGS.match(compact_spaced(nxt.text)) or box_label(nxt):
        return None
    span = Span.join([blocks[i].span, nxt.span])
    return _Candidate(blocks[i], "named", None, cand.label, nxt.text.strip(), span)


def _split_heading(blocks: list[Block], i: int) -> Block | None:
    """A heading whose label and title the text put on lines of their own ("第一章" / "发展基础",
    with blank lines between or not), as one block."""
    text = blocks[i].text.strip()
    found = heading_label(text)
    if found is None or found[1].end() != len(text) or i + 1 >= len(blocks):
        return None
    title = blocks[i + 1]
    if not _is_title_line(title) or _BARE_LABEL.match(title.text.strip()):
        return None
    return Block(Span.join([blocks[i].span, title.span]), blocks[i].line)


def _lost_sentence_ends(blocks: list[Block]) -> bool:
    chars = sum(len(b.text) for b in blocks)
    ends = sum(b.text.count("。") for b in blocks)
    return chars > CHARS_PER_SENTENCE_END and ends * CHARS_PER_SENTENCE_END < chars


#: A box word printed without its number or title on the same line ("专栏" / "5" / "重点项目",
#: "附表" / "“十五五”时期重大工程包").
_BARE_LABEL = re.compile(r"^(专栏|附表|表)\s*([0-9０-９]{1,3}(?:\s*[-－—]\s*[0-9０-９]{1,3})?)?$")
_BARE_NUMBER = re.compile(r"^[0-9０-９]{1,3}(?:\s*[-－—]\s*[0-9０-９]{1,3})?$")
#: The title of an indicator table printed without a label ("“十五五”时期经济社会发展主要指标").
_TABLE_TITLE = re.compile(
    r"^[^。，,；;：:]{0,30}(?:主要指标|指标体系|主要目标指标|指标表)(?:[（(][^）)]{0,12}[）)])?$"
)


def _is_title_line(block: Block) -> bool:
    t = block.text
    return 0 < len(t) <= 40 and "。" not in t and not _is_table_row(t) and heading_label(t) is None


def _box_start(blocks: list[Block], i: int) -> tuple[str | None, str, Span, int] | None:
    """A box that starts at block ``i`` and is not on one line: (label, title, span of what was
    printed, how many blocks it takes). A label, its number and its title may each have a line
    of their own; an indicator table may have only a title line."""
    text = blocks[i].text.strip()
    m = _BARE_LABEL.match(text)
    if m:
        k, number = i + 1, m.group(2)
        if number is None and k < len(blocks) and _BARE_NUMBER.match(blocks[k].text.strip()):
            number, k = blocks[k].text.strip(), k + 1
        if k < len(blocks) and _is_title_line(blocks[k]):
            label = m.group(1) + re.sub(r"\s+", "", number or "").replace("－", "-").replace("—", "-")
            span = Span.join([b.span for b in blocks[i : k + 1]])
            return label, blocks[k].text.strip(), span, k + 1 - i
        return None
    if _TABLE_TITLE.match(text) and i + 1 < len(blocks) and table_extent(blocks, i + 1):
        return None, text, blocks[i].span, 1
    return None


def parse_structure(doc: DocumentText) -> tuple[list[Division], list[Box]]:
    parser = _Parser()
    blocks = doc.blocks
    parser.glued = _lost_sentence_ends(blocks)
    i = 0
    while i < len(blocks):
        labelled = box_label(blocks[i])
        start = _box_start(blocks, i) if labelled is None or not labelled[1] else None
        used = 1
        if start is not None:
            label, title, span, used = start
            labelled = (label, title, span)  # type: ignore[assignment]
        following = blocks[i + used] if i + used < len(blocks) else None
        extent = (
            table_extent(blocks, i + used) if labelled and _is_indicator_table(labelled[1], following) else 0
        )
        if labelled and extent:
            parser.close_box()
            parser.open_box(labelled[0], labelled[1], Block(labelled[2], blocks[i].line))
            n = _stop_at_strong_heading(blocks, i + used, extent)
            box = parser.boxes[-1]
            box.blocks = blocks[i + used : i + used + n]
            box.last_line = box.blocks[-1].line if box.blocks else box.line
            box.kind = "indicators"
            box.rows = parse_table(box)
            parser.open = None
            i += used + n
            continue
        if start is not None:
            parser.close_box()
            parser.open_box(start[0], start[1], Block(start[2], blocks[i].line))
            i += used
            continue
        appendix = _named_with_title(blocks, i, parser.glued) if blocks[i].text.startswith("附") else None
        if appendix is not None:
            parser.close_box()
            parser.add_heading(appendix)
            i += 2
            continue
        split = _split_heading(blocks, i)
        if split is not None:  # "第一章" / "发展基础": a heading broken over two lines
            parser.feed(split)
            i += 2
            continue
        parser.feed(blocks[i])
        i += 1
    parser.close_box()
    _infer_missing_labels(parser.boxes)
    return parser.divisions, parser.boxes
