"""Indicator tables (主要指标): the extent of a table, its rows and every data cell.

Interface used by structure.py and rdf.py:

    table_extent(blocks, start) -> int          # how many blocks from ``start`` belong to the table
    parse_table(box) -> list[IndicatorRow]      # rows with their cells (model.IndicatorRow/Cell)

Plans print these tables in several ways once converted to text: one row per line with cells
separated by tabs, by runs of spaces or by "|"; or one cell per line (a PDF table flattened). Rows
are irregular: a merged category or attribute is printed once for several rows (the other rows have
an empty or a missing cell), two-level indicators put the first-level name in an extra column, a
unit column may be left out, a page break changes the layout in the middle of a table.

So the header is read first: it gives the columns and their roles (序号, 类别, 指标, 单位, 属性,
value columns with their year and kind, growth columns). Each data row is then *aligned* with those
columns by dynamic programming: every cell gets the column whose role fits what the cell looks like
(a number, a unit, 预期性/约束性, a name …), columns may be left out at a cost, and the name columns
may take one or more cells. When cells come one per line the same alignment also decides where each
row ends (a segmentation of the cell stream into rows of the best total score).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .model import Block, Box, IndicatorCell, IndicatorRow, Span
from .patterns import BOX_LABEL, YEAR, heading_label

# --- cells -----------------------------------------------------------------------------------


@dataclass
class _Cell:
    span: Span
    line: int
    block: int  # index of the block it comes from (within the table's blocks)
    missing: bool = False  # a line of the cell stream that the blocks do not have (_line_step)
    shares_line: bool = False  # printed on a line with other cells (a PDF's spaced row)

    @property
    def text(self) -> str:
        return self.span.text


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_SPACE_RUN = re.compile(r"[ \u3000\u00a0]{2,}")


def _separators(text: str) -> list[tuple[int, int]]:
    """(start, end) of every separator between cells of one printed row."""
    if "\t" in text:
        return [(m.start(), m.end()) for m in re.finditer(r"\t", text)]
    if _PIPE_ROW.match(text):
        return [(m.start(), m.end()) for m in re.finditer(r"\|", text)]
    return [(m.start(), m.end()) for m in _SPACE_RUN.finditer(text)]


def _is_row(text: str) -> bool:
    """A printed row: at least two cells side by side."""
    return len([c for c in _split_text(text) if c.strip()]) >= 2


def _split_text(text: str) -> list[str]:
    cuts = _separators(text)
    pieces, prev = [], 0
    for a, b in cuts:
        pieces.append(text[prev:a])
        prev = b
    pieces.append(text[prev:])
    if _PIPE_ROW.match(text):  # "| a | b |": no cell before the first or after the last bar
        pieces = pieces[1:-1]
    return pieces


def split_cells(block: Block, index: int = 0) -> list[_Cell]:
    """The cells of one printed row, empty cells kept (a merged cell prints as an empty one)."""
    text = block.text
    cuts = _separators(text)
    bounds, prev = [], 0
    for a, b in cuts:
        bounds.append((prev, a))
        prev = b
    bounds.append((prev, len(text)))
    if _PIPE_ROW.match(text):
        bounds = bounds[1:-1]
    cells = []
    for a, b in bounds:
        span = block.span.slice(a, b)
        stripped = span.strip()
        cells.append(_Cell(stripped if stripped else Span("", ()), block.line, index))
    return cells


def split_at_spaces(block: Block, index: int = 0) -> list[_Cell]:
    """The cells of a line whose cells are set apart by single spaces (a PDF's text layer)."""
    tokens = list(re.finditer(r"\S+", block.text))
    shared = len(tokens) > 1
    return [
        _Cell(block.span.slice(m.start(), m.end()), block.line, index, shares_line=shared) for m in tokens
    ]


def _join_wrapped(stream: list[_Cell]) -> list[_Cell]:
    """Cells a line break cut in two: an open bracket closed on a later line ("细颗粒物（PM" /
    "2.5" / "）浓度"), or a unit cut after its slash ("人/" / "亿元")."""
    out: list[_Cell] = []
    i = 0
    while i < len(stream):
        cell, j = stream[i], i + 1
        text = cell.text
        while (
            j < len(stream)
            and j - i <= 3
            and not stream[j].missing
            and (
                _open_brackets(text) > 0
                or bool(_UNIT_CUT.match(text))
                or (bool(_DIGIT.search(text)) and bool(_VALUE_NOTE.match(stream[j].text.strip())))
            )
        ):
            text += stream[j].text
            j += 1
        if j > i + 1:
            cell = _Cell(Span.join([c.span for c in stream[i:j]]), cell.line, cell.block)
        out.append(cell)
        i = j
    return out


#: The first line of a unit cut after its slash ("人/", "万元/"); a lone "/" is an empty cell.
_UNIT_CUT = re.compile(r"^[\u4e00-\u9fff]{1,3}[/／]$")


def _open_brackets(text: str) -> int:
    return sum(text.count(c) for c in "（(［[") - sum(text.count(c) for c in "）)］]")


# --- what a cell looks like ------------------------------------------------------------------

EMPTY, ATTR, UNIT, INT, NUM, PH, VTEXT, NAME, TEXT, MISSING = (
    "empty",
    "attr",
    "unit",
    "int",
    "num",
    "placeholder",
    "value-text",
    "name",
    "text",
    "missing",
)

ATTRIBUTES = {"预期性": "预期性", "约束性": "约束性", "预期": "预期性", "约束": "约束性"}
_PLACEHOLDERS = {"—", "——", "–", "-", "－", "/", "／", "*", "＊", "[*]", "［*］", "…", "……", "—*", "×", "无"}

_UNIT_WORD = (
    r"(?:元|美元|人民币|人|人次|户|家|个|件|项|套|所|张|床|辆|台|架|艘|吨|吨标准煤|吨标煤|标准煤|标箱|标准箱|TEU|"
    r"亩|公顷|平方米|平方公里|平方千米|立方米|千瓦|千瓦时|瓦|度|公里|千米|米|年|岁|天|日|小时|次|册|部|座|处|"
    r"条|只|头|株|千克|公斤|克|斤|升|分|级|倍|人年|百分点|个百分点|户数|GB|Mbps|kWh|km|m2|m²|m3|㎡|㎞)"
)
_UNIT = re.compile(
    rf"^(?:[%％‰‱]|[万亿千百十]*{_UNIT_WORD}(?:\s*/\s*[万亿千百十]*{_UNIT_WORD})?|微克/立方米|毫克/升|"
    rf"%/年|元/平方米|亿元/平方公里)"
    # an alternative counting word in brackets: "万套（间）" (sets or rooms of rental housing)
    r"(?:[（(][\u4e00-\u9fff][）)]?)?$"
)
#: A trailing "（亿元）" / " (%)" on an indicator name.
_UNIT_PAREN = re.compile(r"\s*[（(]\s*([^（()）]{1,12}?)\s*[）)]\s*$")
#: Words that make a text cell a value ("完成省下达任务", "与经济增长同步", "达到上级要求").
_VALUE_WORDS = re.compile(
    r"完成|统计|达到|同步|下达|任务|高于|低于|不低于|不高于|进入|持平|先进|左右|以上|以内|以下|全部|确保|"
    r"控制|保持|力争|争取|待定|翻番|翻一番|平均水平|实现|基本消除|消除|^待|^[<>≥≤＞＜≧≦]"
)
#: Endings of indicator names ("…率", "…总值", "…比重").
_NAME_ENDING = re.compile(
    r"(?:率|量|数|额|值|比重|比例|面积|指数|收入|产值|寿命|年限|强度|密度|浓度|占比|总额|效率|天数|人数)$"
)
#: Endings that a value may have too ("全部脱贫", "逐年下降"): checked after the value words.
_WEAK_NAME_ENDING = re.compile(
    r"(?:规模|能力|消耗|排放|投资|产量|里程|床位|增速|增长|下降|降低|减少|脱贫|改造|人口|支出|水平)$"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: The count printed under a category ("经济发展" / "（7项）").
_ITEM_COUNT = re.compile(r"^[（(][0-9０-９]{1,2}项[）)]$")
#: A note that a value is of another year, printed under it ("21.5" / "（2024年）").
_VALUE_NOTE = re.compile(r"^[（(](?:19|20)[0-9]{2}年?[）)]$")
_DIGIT = re.compile(r"[0-9０-９]")


def is_unit(text: str) -> bool:
    return bool(_UNIT.match(re.sub(r"\s+", "", text).strip("（）()")))


@functools.lru_cache(maxsize=8192)
def cell_kind(text: str) -> str:
    """What a cell looks like: one of EMPTY, ATTR, UNIT, INT, NUM, PH, VTEXT, NAME, TEXT."""
    t = text.strip()
    if not t:
        return EMPTY
    compact = re.sub(r"\s+", "", t)
    if compact in ATTRIBUTES or compact.rstrip("指标") in ATTRIBUTES:
        return ATTR
    if compact in _PLACEHOLDERS:
        return PH
    if is_unit(compact):
        return UNIT
    if re.fullmatch(r"[0-9]{1,3}", compact):
        return INT
    if _ITEM_COUNT.match(compact):
        return TEXT  # "（7项）" under a category: how many indicators it has
    has_paren_unit = _paren_unit(t) is not None
    if _DIGIT.search(t):
        starts_like_name = bool(re.match(r"[0-9]+[A-Za-z]", t)) or not re.match(
            r"[-+−0-9０-９.\[［(（<>≥≤＞＜~约比]", t
        )
        percent = re.search(r"[%％‰]", _UNIT_PAREN.sub("", t))  # a value's %, not a name's "（%）"
        if (has_paren_unit or (starts_like_name and len(_CJK.findall(t)) >= 5)) and not percent:
            return NAME
        return NUM
    if has_paren_unit or (len(compact) >= 3 and _NAME_ENDING.search(compact)):
        return NAME
    if _VALUE_WORDS.search(compact):
        return VTEXT
    if len(compact) >= 3 and _WEAK_NAME_ENDING.search(compact):
        return NAME
    return NAME if len(_CJK.findall(compact)) >= 5 else TEXT


def _paren_unit(text: str) -> str | None:
    m = _UNIT_PAREN.search(text)
    if m and is_unit(m.group(1)):
        return re.sub(r"\s+", "", m.group(1))
    return None


# --- the header ------------------------------------------------------------------------------

SEQ, PRE, NAME_COL, UNIT_COL, ATTR_COL, VALUE, GROWTH, NOTE = (
    "seq",
    "pre",
    "name",
    "unit",
    "attribute",
    "value",
    "growth",
    "note",
)

#: Words of column headers. The weak ones ("增长", "年") also occur in category names ("经济增长").
_HEADER_WORDS = re.compile(
    r"指标|名称|属性|性质|单位|序号|类别|分类|目标|基数|基期|完成|累计|备注|说明|绝对量|规划|预计|实际|现状|"
    r"计量|年均|增速|增长率|增幅|[（(]\s*[%％]\s*[）)]"
)
_WEAK_HEADER_WORDS = re.compile(r"增长|年|情况|数值|项目|内容|领域|类型")


def _role_of(header: str) -> str:
    h = re.sub(r"\s+", "", header)
    if not h:
        return VALUE
    if "序号" in h or h in ("编号", "No.", "NO."):
        return SEQ
    if re.search(r"属性|性质", h):
        return ATTR_COL
    if re.fullmatch(r"(?:计量)?单位", h):
        return UNIT_COL
    if re.search(r"增长|增速|累计|年均|增幅|增减|变化", h):
        return GROWTH
    if re.search(r"备注|说明", h):
        return NOTE
    if re.fullmatch(r"类别|分类|领域|类型|方面|门类|指标类别|指标类型", h):
        return PRE
    if re.search(r"指标|名称|项目|内容", h) and not YEAR.search(h):
        return NAME_COL
    return VALUE


def _header_like(text: str, strict: bool = False) -> bool:
    """Whether a cell reads like a column header ("2020年目标", "指标属性", "年均增长（%）").

    ``strict``: only the unambiguous header words count (for cells printed one per line, where the
    header must not run on into a category cell such as "经济增长")."""
    t = re.sub(r"\s+", "", text)
    if not t or cell_kind(t) == ATTR or len(t) > 20:
        return False
    if re.fullmatch(r"[“”\"「」《》\u4e00-\u9fff]*(?:19|20)[0-9]{2}年?[\u4e00-\u9fff（）()]*", t):
        return True
    if _DIGIT.search(YEAR.sub("", t).replace("十", "")):
        return False
    return bool(_HEADER_WORDS.search(t) or (not strict and _WEAK_HEADER_WORDS.search(t)))


@dataclass
class Column:
    role: str
    header: str = ""
    year: int | None = None
    kind: str = "Target"  # for value columns: "Baseline" | "Target" | "Actual"


_ACTUAL = re.compile(r"完成|实际|实现|预计|执行")
_BASELINE = re.compile(r"基数|基期|基年|现状|基准")
_TARGET = re.compile(r"目标|规划|预期|计划")


def _marked_kind(header: str) -> str | None:
    h = re.sub(r"\s+", "", header)
    for kind, pattern in (("Actual", _ACTUAL), ("Baseline", _BASELINE), ("Target", _TARGET)):
        if pattern.search(h):
            return kind
    return None


def _value_kinds(columns: list[Column], review: bool) -> None:
    """Baseline / Target / Actual for each value column: from its header words, else from its year
    (an earlier year than another value column, or a column before a target/achieved one, is the
    base); a plain final year is the target, or what was achieved in a review table."""
    values = [c for c in columns if c.role == VALUE]
    years = [c.year for c in values if c.year]
    for i, c in enumerate(values):
        marked = _marked_kind(c.header)
        if marked:
            c.kind = marked
        elif (c.year and years and c.year < max(years)) or any(
            _marked_kind(d.header) for d in values[i + 1 :]
        ):
            c.kind = "Baseline"
        else:
            c.kind = "Actual" if review else "Target"


def build_columns(header: list[_Cell], sub: list[_Cell] | None, review: bool) -> list[Column]:
    """The columns of a table from its header row and an optional second header row.

    An empty header cell continues the cell before it (a merged header). The second row holds the
    sub-headers of the merged cells ("“十三五”规划目标" over "2020年" and "年均增长"); its leading empty
    cells may have been lost, so it is aligned under the first merged value header.
    """
    texts = [c.text for c in header]
    while texts and not texts[-1]:
        texts.pop()
    sub_texts = [c.text for c in sub] if sub else []
    while sub_texts and not sub_texts[-1]:
        sub_texts.pop()
    parents, subs = _merge_header_rows(texts, sub_texts)
    columns: list[Column] = []
    for parent, s in zip(parents, subs, strict=True):
        label = f"{parent} {s}".strip() if s and s != parent else parent
        role = _role_of(s) if s and _role_of(s) in (GROWTH, NOTE, UNIT_COL, ATTR_COL) else _role_of(parent)
        if role == GROWTH and s and _role_of(s) == VALUE and YEAR.search(s):
            role = VALUE  # "年均增长" over "2020年": a value column of that year
        if columns and not parent and columns[-1].role in (NAME_COL, PRE):
            role = columns[-1].role  # "指标名称" printed over two columns
        m = YEAR.search(label)
        columns.append(Column(role, label, int(m.group(1)) if m and role == VALUE else None))
    _value_kinds(columns, review)
    return columns


def _merge_header_rows(texts: list[str], sub_texts: list[str]) -> tuple[list[str], list[str]]:
    """For each column, its header and its sub-header ("" if none)."""
    owner: list[int] = []  # for each column: index of the header cell that heads it
    for i, t in enumerate(texts):
        owner.append(i if t or not owner else owner[-1])
    parents = [texts[o] for o in owner]
    if not sub_texts:
        return parents, [""] * len(parents)
    if not sub_texts[0] and len(sub_texts) >= len(texts) - 1:
        return _pad(parents, len(sub_texts)), _pad(sub_texts, len(parents))  # printed in line
    sub_texts = _drop_leading_empty(sub_texts)
    merged = [i for i in range(1, len(texts)) if not texts[i]]
    if merged:
        # empty header cells show which headers span several columns: the sub-headers start
        # under the first spanning value header (or under the last header)
        first = next(
            (
                i
                for i, t in enumerate(texts)
                if t and _role_of(t) not in _NAME_ROLES and (i + 1 >= len(texts) or not texts[i + 1])
            ),
            max(len(texts) - len(sub_texts), 0),
        )
        parents = _pad(parents, first + len(sub_texts))
        subs = [""] * len(parents)
        for k, text in enumerate(sub_texts):
            subs[first + k] = text
        return parents, subs
    # no empty cells to go by: the sub-headers belong to the last headers that have no year
    # ("“十三五”规划目标", "预计完成情况"), shared out evenly
    first = len(texts)
    while first > 0 and _role_of(texts[first - 1]) in (VALUE, GROWTH) and not YEAR.search(texts[first - 1]):
        first -= 1
    if first == len(texts) and len(sub_texts) <= len(texts) - 1:
        # every header has its year: the second row finishes the last headers ("2020年" / "基期值")
        first = len(texts) - len(sub_texts)
        return parents, [""] * first + sub_texts
    first = min(first, len(texts) - 1)
    spanning = texts[first:]
    share, extra = divmod(len(sub_texts), len(spanning))
    parents, subs = texts[:first], [""] * first
    k = 0
    for n, text in enumerate(spanning):
        width = max(share + (1 if n >= len(spanning) - extra else 0), 1)
        for _ in range(width):
            parents.append(text)
            subs.append(sub_texts[k] if k < len(sub_texts) else "")
            k += 1
    return parents, subs


_NAME_ROLES = (SEQ, PRE, NAME_COL, UNIT_COL, ATTR_COL)


def _pad(texts: list[str], width: int) -> list[str]:
    return texts + [texts[-1] if texts else ""] * (width - len(texts))


def _drop_leading_empty(texts: list[str]) -> list[str]:
    while texts and not texts[0]:
        texts = texts[1:]
    return texts


# --- aligning a row with the columns ---------------------------------------------------------

# How well a cell of each kind fits a column of each role (log-odds-like scores, hand-set).
_FIT: dict[str, dict[str, float]] = {
    SEQ: {EMPTY: 0, ATTR: -5, UNIT: -3, INT: 2, NUM: -3, PH: -1, VTEXT: -3, NAME: -3, TEXT: -3},
    PRE: {EMPTY: 0, ATTR: -5, UNIT: -3, INT: -3, NUM: -3, PH: -3, VTEXT: -1.5, NAME: 1.0, TEXT: 0.5},
    NAME_COL: {EMPTY: 0, ATTR: -5, UNIT: -3, INT: -3, NUM: -3, PH: -3, VTEXT: -1, NAME: 1.5, TEXT: 0.8},
    UNIT_COL: {EMPTY: 0.2, ATTR: -4, UNIT: 2.5, INT: -2, NUM: -2, PH: 0.3, VTEXT: -2, NAME: -2, TEXT: -1.5},
    ATTR_COL: {EMPTY: 0.2, ATTR: 3, UNIT: -3, INT: -3, NUM: -3, PH: 0, VTEXT: -2, NAME: -3, TEXT: -2},
    VALUE: {EMPTY: 0, ATTR: -4, UNIT: -1.5, INT: 1, NUM: 1, PH: 1, VTEXT: 1, NAME: -1, TEXT: 0.2},
    GROWTH: {EMPTY: 0, ATTR: -4, UNIT: -1.5, INT: 1, NUM: 1, PH: 1, VTEXT: 0.8, NAME: -1, TEXT: 0.2},
    NOTE: {EMPTY: 0, ATTR: -2, UNIT: -1, INT: 0, NUM: 0, PH: 0, VTEXT: 0.5, NAME: 0, TEXT: 0.3},
}
# a line the blocks lack was most likely a small number that looked like a page number
for _fit in _FIT.values():
    _fit[MISSING] = _fit[INT]
#: Cost of leaving a MISSING cell out of the row (it may be only a longer gap between lines).
_DROP_MISSING = 0.3
#: Cost of leaving a column out when later cells of the row are printed.
_SKIP = {SEQ: 0.5, PRE: 0.0, NAME_COL: 6.0, UNIT_COL: 0.5, ATTR_COL: 0.8, VALUE: 1.0, GROWTH: 1.0, NOTE: 0.3}
#: Cost of a row that ends before its last columns, when rows are printed one per line.
_TRAIL_LINE = 0.05
_TRAIL_CELLS = 0.9
_EXTRA_CELL = 3.0


@dataclass
class _Slot:
    role: str
    column: Column | None
    repeat: int = 1  # how many cells it may take (the name columns take several)
    repeat_cost: float = 0.0
    continues: frozenset[str] | None = None  # kinds its second and later cells may have (None: any)


#: A value too wide for its column, wrapped onto lines of its own: "达到国家" / "要求",
#: "4.5-5," / "努力争取" / "更好结果" (printed one cell per line, the pieces are one cell).
_VALUE_PIECES = frozenset({"text", "value-text", "name"})


@dataclass
class _Aligned:
    score: float
    assignment: list[list[_Cell]]  # cells given to each slot


def _slots(columns: list[Column], one_cell_per_line: bool) -> list[_Slot]:
    """The columns as alignment slots; the name columns collapse into (pre, name)."""
    slots: list[_Slot] = []
    lead = 0
    while lead < len(columns) and columns[lead].role in (SEQ, PRE, NAME_COL):
        lead += 1
    explicit_pre = any(c.role == PRE for c in columns[:lead])
    pre_repeat = 3 if one_cell_per_line else 2
    for c in columns[:lead]:
        if c.role == SEQ:
            slots.append(_Slot(SEQ, c))
        elif c.role == PRE:
            slots.append(_Slot(PRE, c, repeat=pre_repeat))
        elif not any(s.role == NAME_COL for s in slots):
            if not explicit_pre:
                implicit = _Slot(PRE, None, repeat=pre_repeat)
                if one_cell_per_line and slots and slots[-1].role == SEQ:
                    # printed one cell per line, a category comes before the row's number, never
                    # between the number and the name (a name wrapped over two lines is one name)
                    slots.insert(len(slots) - 1, implicit)
                else:
                    slots.append(implicit)
            slots.append(_Slot(NAME_COL, c, repeat=2 if one_cell_per_line else 1, repeat_cost=1.2))
    if not any(s.role == NAME_COL for s in slots):
        slots.append(_Slot(PRE, None, repeat=pre_repeat))
        slots.append(_Slot(NAME_COL, Column(NAME_COL)))
    for c in columns[lead:]:
        if c.role in (SEQ, PRE, NAME_COL):
            continue
        if one_cell_per_line and c.role in (VALUE, GROWTH):
            slots.append(_Slot(c.role, c, repeat=3, repeat_cost=0.6, continues=_VALUE_PIECES))
        else:
            slots.append(_Slot(c.role, c))
    return slots


def align(cells: list[_Cell], slots: list[_Slot], one_cell_per_line: bool) -> _Aligned:
    """The best assignment of a row's cells to the slots, in order (see the module docstring)."""
    n, m = len(cells), len(slots)
    kinds = [MISSING if c.missing else cell_kind(c.text) for c in cells]
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for j in range(m):
        slot = slots[j]
        for i in range(n + 1):
            here = best[i][j]
            if here == neg:
                continue
            trailing = i == n
            skip = _SKIP[slot.role]
            if trailing and slot.role != NAME_COL:
                # a row printed one per line may stop early; cells one per line rarely leave one
                # out, but a missing last cell is still likelier than one missing inside the row
                skip = _TRAIL_CELLS * skip if one_cell_per_line else _TRAIL_LINE
            if here - skip > best[i][j + 1]:
                best[i][j + 1], back[i][j + 1] = here - skip, (i, j, 0)
            if i < n and kinds[i] == MISSING and here - _DROP_MISSING > best[i + 1][j]:
                best[i + 1][j], back[i + 1][j] = here - _DROP_MISSING, (i, j, -1)
            gain = 0.0
            for r in range(1, slot.repeat + 1):
                if i + r > n or (
                    r > 1 and slot.continues is not None and not _continues(cells, kinds, i + r - 1, slot)
                ):
                    break
                gain += _FIT[slot.role][kinds[i + r - 1]] - (slot.repeat_cost if r > 1 else 0.0)
                if here + gain > best[i + r][j + 1]:
                    best[i + r][j + 1], back[i + r][j + 1] = here + gain, (i, j, r)
    # cells after the last slot
    total, end = neg, n
    for i in range(n + 1):
        extra = sum(_EXTRA_CELL for k in kinds[i:] if k not in (EMPTY, MISSING))
        if best[i][m] - extra > total:
            total, end = best[i][m] - extra, i
    assignment: list[list[_Cell]] = [[] for _ in range(m)]
    i, j = end, m
    while j > 0:
        step = back[i][j]
        if step is None:
            break
        pi, pj, r = step
        if r > 0:
            assignment[pj] = cells[pi : pi + r]
        i, j = pi, pj
    return _Aligned(total, assignment)


def _continues(cells: list[_Cell], kinds: list[str], k: int, slot: _Slot) -> bool:
    """Whether cell ``k`` can be the next piece of the cell before it: the pieces of a wrapped value
    are each alone on their line, and the later ones of a kind a value's text has."""
    assert slot.continues is not None
    cell, before = cells[k], cells[k - 1]
    alone = not cell.shares_line and not before.shares_line
    return kinds[k] in slot.continues and alone and cell.line > before.line


#: Cost of a row with no value at all: pieces of a wrapped value make no row of their own.
_NO_DATA_ROW = 4.0


def _has_data(row: _Aligned, slots: list[_Slot]) -> bool:
    return any(
        c.text
        for slot, cells in zip(slots, row.assignment, strict=True)
        if slot.role in (VALUE, GROWTH)
        for c in cells
    )


def segment(cells: list[_Cell], slots: list[_Slot]) -> list[_Aligned]:
    """Cells printed one per line: the split into rows whose alignments score best in total."""
    n = len(cells)
    longest = sum(s.repeat for s in slots) + 1
    neg = float("-inf")
    best = [neg] * (n + 1)
    back: list[tuple[int, _Aligned] | None] = [None] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] == neg:
            continue
        for length in range(1, min(longest, n - i) + 1):
            row = align(cells[i : i + length], slots, one_cell_per_line=True)
            score = row.score - (0 if _has_data(row, slots) else _NO_DATA_ROW)
            if best[i] + score > best[i + length]:
                best[i + length], back[i + length] = best[i] + score, (i, row)
    rows: list[_Aligned] = []
    k = n
    while k > 0:
        step = back[k]
        if step is None:
            break
        k, row = step
        rows.append(row)
    return rows[::-1]


# --- names -----------------------------------------------------------------------------------

_STAR = "*＊★☆※"
#: "一、" / "（二）" / "3." before a category name.
_CATEGORY_LABEL = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]?|[（(][一二三四五六七八九十]+[）)]|[0-9]{1,2}[、.．])\s*"
    r"|[（(][0-9０-９]{1,2}项[）)]$"  # "经济发展（7项）": how many indicators it has
)
#: A footnote mark after a name ("地区生产总值①").
_NOTE_MARK = re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩¹²³⁴⁵⁶⁷⁸⁹*＊]+$")
_SUB_PREFIX = re.compile(r"^(?:其中|含)\s*[:：,，]?\s*")
_NUMBER_PREFIX = re.compile(r"^[0-9]{1,2}\s*[.．、]\s*(?=[\u4e00-\u9fff])")


@dataclass
class _Name:
    text: str
    span: Span | None
    unit: str | None = None
    starred: bool = False
    sub: bool = False  # printed as "其中：…", a part of the row before it


def _compact(span: Span) -> Span:
    """The span without white space, except a space between two Latin letters or digits."""
    keep = []
    text = span.text
    for i, ch in enumerate(text):
        if ch.isspace():
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()):
                continue
        keep.append(i)
    return Span("".join(text[i] for i in keep), tuple(span.offsets[i] for i in keep))


def clean_name(spans: list[Span]) -> _Name:
    """An indicator name as printed, less its star, "其中：", list number and trailing unit."""
    span = Span.join([s for s in spans if s])
    starred = False
    while span and span.text[0] in _STAR:
        starred = True
        span = span.slice(1).strip()
    sub = False
    m = _SUB_PREFIX.match(span.text)
    if m and m.end() < len(span.text):
        sub = True
        span = span.slice(m.end())
    m = _NUMBER_PREFIX.match(span.text)
    if m:
        span = span.slice(m.end())
    m = _NOTE_MARK.search(span.text)
    if m and m.start() > 0:
        span = span.slice(0, m.start())
    unit = _paren_unit(span.text)
    if unit is not None:
        m = _UNIT_PAREN.search(span.text)
        assert m is not None
        span = span.slice(0, m.start())
    m = _NOTE_MARK.search(span.text)  # "地区生产总值①（亿元）"
    if m and m.start() > 0:
        span = span.slice(0, m.start())
    span = _compact(span.strip())
    span = span.strip("：:，,、")
    return _Name(canonical_name(span.text), span if span else None, unit, starred, sub)


def canonical_name(text: str) -> str:
    """One spelling per indicator, whatever the width of its characters: an indicator is one node
    across documents, and "（R&D）" / "(R&D)", "Ⅴ类" / "V类" must not give it two labels. NFKC, with
    Chinese parentheses kept."""
    return unicodedata.normalize("NFKC", text).replace("(", "（").replace(")", "）")


# --- reading a table -------------------------------------------------------------------------

_NOTE = re.compile(r"^(?:注|备注|说明|资料来源|数据来源)\s*[0-9０-９]?\s*[:：]|^注\s*[①1]")
_NOTE_MORE = re.compile(r"^[②③④⑤⑥⑦⑧⑨⑩]|^[（(][2-9][）)]")
_TABLE_UNIT = re.compile(r"^[（(]?\s*(?:计量)?单位\s*[:：]\s*(\S.{0,20}?)\s*[）)]?$")
_CONTINUED = re.compile(r"^续表|^（续）|^\(续\)")
#: Longest line that can be a single cell of a table printed one cell per line.
MAX_CELL_CHARS = 40


@dataclass
class _Layout:
    one_cell_per_line: bool
    header_blocks: list[int]  # indices of the header blocks
    header: list[_Cell]
    sub: list[_Cell] | None
    first_data: int  # index of the first block after the header
    unit: str | None = None
    spaced: bool = False  # cells set apart by single spaces, several or one to a line


def _is_continued(text: str) -> bool:
    """ "续表", "表1（续）": the same table goes on after a page break."""
    t = re.sub(r"\s+", "", text)
    return bool(_CONTINUED.match(t) or (BOX_LABEL.match(t) and "续" in t[:10]))


def _is_note(text: str) -> bool:
    return bool(_NOTE.match(text.strip()))


def _stops_table(text: str) -> bool:
    """A block that is never part of a table: a heading, a box label, prose."""
    t = text.strip()
    if BOX_LABEL.match(t) and not _is_row(t) and not _is_continued(t):
        return True
    if _is_row(t):
        return False
    found = heading_label(t)
    if found and found[0] not in ("arabic", "decimal"):
        return True
    if found and re.match(r"[0-9]{1,2}[、.．]\s*[\u4e00-\u9fff]", t):
        return True
    return len(t) > MAX_CELL_CHARS or "。" in t[:-1] or t.endswith("。")


def _layout(blocks: list[Block]) -> _Layout | None:
    """Where the header is, and whether rows are printed one per line or one cell per line."""
    i = 0
    unit = None
    while i < len(blocks) and (_TABLE_UNIT.match(blocks[i].text.strip()) or _CONTINUED.match(blocks[i].text)):
        m = _TABLE_UNIT.match(blocks[i].text.strip())
        unit = m.group(1) if m and is_unit(m.group(1)) else unit  # one unit for every row
        i += 1
    if i >= len(blocks):
        return None
    if _is_row(blocks[i].text):
        header = split_cells(blocks[i], i)
        if sum(_header_like(c.text) for c in header) < max(2, len([c for c in header if c.text]) // 2):
            return None
        sub = None
        nxt = i + 1
        if nxt < len(blocks) and _is_sub_header(blocks[nxt]):
            sub = split_cells(blocks[nxt], nxt)
            nxt += 1
        return _Layout(False, list(range(i, nxt)), header, sub, nxt, unit)
    spaced = split_at_spaces(blocks[i], i)
    if len(spaced) >= 3 and all(_header_like(c.text, strict=True) for c in spaced):
        # a PDF's text layer: cells set apart by single spaces, and a cell too wide for its column
        # wrapped onto lines of its own ("类别 序号 指标 2025年 2030年目标 属性")
        top, sub = _split_cell_header(spaced)
        return _Layout(True, [i], top, sub, i + 1, unit, spaced=True)
    # one cell per line: the header cells come first
    k = i
    while k < len(blocks) and not _is_row(blocks[k].text) and _header_like(blocks[k].text, strict=True):
        k += 1
    if k - i < 2:
        return None
    header = _join_header_pieces([_Cell(blocks[j].span, blocks[j].line, j) for j in range(i, k)])
    top, sub = _split_cell_header(header)
    return _Layout(True, list(range(i, k)), top, sub, k, unit)


#: The second line of a header cell too wide for its column: the kind of a year's values
#: ("2025年" / "预计", "2030年" / "目标").
_HEADER_KIND = re.compile(r"^(?:预计|目标|规划|计划|基数|基期|完成|实际|现状|预期)(?:值|数)?$")


def _join_header_pieces(cells: list[_Cell]) -> list[_Cell]:
    """Header cells printed one per line that a line break cut: "2025年" / "预计" is the column
    "2025年预计", "年均/" / "累计" is "年均/累计"."""
    out: list[_Cell] = []
    for cell in cells:
        text = re.sub(r"\s+", "", cell.text)
        if out:
            prev = re.sub(r"\s+", "", out[-1].text)
            year_then_kind = bool(re.fullmatch(r"(?:19|20)\d\d年?", prev)) and _HEADER_KIND.match(text)
            if year_then_kind or prev.endswith(("/", "／")):
                out[-1] = _Cell(Span.join([out[-1].span, cell.span]), out[-1].line, out[-1].block)
                continue
        out.append(cell)
    return out


_SUB_HEADER = re.compile(r"^(?:(?:19|20)[0-9]{2}\s*年?|绝对[量值数]|总量|数值|目标值?|完成值?)$")


def _split_cell_header(cells: list[_Cell]) -> tuple[list[_Cell], list[_Cell] | None]:
    """A two-row header printed one cell per line: the second row ("2020年", "年均增长", …) comes
    after a header without a year ("“十三五”规划目标") and is made of years, growths, amounts only."""
    for p in range(1, len(cells)):
        rest = cells[p:]
        if not all(_SUB_HEADER.match(re.sub(r"\s+", "", c.text)) or _role_of(c.text) == GROWTH for c in rest):
            continue
        before = cells[:p]
        if any(_role_of(c.text) == VALUE and not YEAR.search(c.text) for c in before):
            return before, rest
        return cells, None
    return cells, None


def _is_sub_header(block: Block) -> bool:
    """A second header row ("2020年⇥年均增长"): header words only, and not a category row."""
    cells = [c.text for c in split_cells(block) if c.text]
    if not cells or not all(_header_like(t) for t in cells):
        return False
    return len(cells) >= 2 or bool(YEAR.search(cells[0]))


@dataclass
class _State:
    category: str | None = None
    parent: str | None = None
    parent_attribute: str | None = None
    last_top: IndicatorRow | None = None  # the last row that is not a sub-row
    name_spans: list[Span] = field(default_factory=list)  # as printed, of the last row


@dataclass
class _Table:
    columns: list[Column]
    slots: list[_Slot]
    pre_is_category: bool  # a single cell before the name is a category (not a first-level name)
    unit: str | None
    pre_joined: bool = False  # all cells before the name make one category
    pre_may_be_category: bool = False  # decide by the look of the cell
    rows: list[IndicatorRow] = field(default_factory=list)
    state: _State = field(default_factory=_State)


def _header_key(cells: list[_Cell]) -> str:
    return "".join(re.sub(r"\s+", "", c.text) for c in cells)


def _single_cell_row(text: str) -> str:
    """A row with one printed cell: "category", "parent" (a first-level indicator) or "other"."""
    t = text.strip()
    kind = cell_kind(t)
    if kind == NAME and (_paren_unit(t) or _NAME_ENDING.search(re.sub(r"\s+", "", t))):
        return "parent"
    if kind in (TEXT, NAME):
        return "category"
    return "other"


#: Headers of a table of projects, not of indicators.
_PROJECT_HEADERS = re.compile(
    r"项目名称|工程名称|建设内容|建设规模|建设地点|总投资|建设性质|建设年限|起止年限|责任单位|实施主体"
)


def _indicator_columns(columns: list[Column]) -> bool:
    """Columns of an indicator table: values of a year (or an attribute column), and no project
    headers (a table of projects with its investment per year is no indicator table)."""
    if any(_PROJECT_HEADERS.search(re.sub(r"\s+", "", c.header)) for c in columns):
        return False
    has_year = any(c.role == VALUE and c.year for c in columns)
    return has_year or any(c.role == ATTR_COL for c in columns)


def _parse(blocks: list[Block], title: str = "") -> tuple[list[IndicatorRow], int]:
    """The rows of a table and the number of blocks it spans (0 when the blocks are no table)."""
    layout = _layout(blocks)
    if layout is None:
        return [], 0
    review = bool(re.search(r"完成|回顾", title))
    columns = build_columns(layout.header, layout.sub, review)
    if not _indicator_columns(columns):
        return [], 0
    slots = _slots(columns, layout.one_cell_per_line)
    lead = [c for c in columns if c.role in (PRE, NAME_COL)]
    explicit_pre = any(c.role == PRE for c in columns)
    if layout.one_cell_per_line:
        return _parse_cells(blocks, layout, columns, slots)
    table = _Table(columns, slots, explicit_pre, layout.unit, pre_joined=explicit_pre)
    header_key = _header_key(layout.header)
    data = _data_blocks(blocks, layout.first_data)
    has_category_rows = any(
        not _is_row(blocks[k].text) and _single_cell_row(blocks[k].text) == "category" for k in data
    )
    # "指标名称" over two columns and no category rows: the first column holds the categories
    table.pre_is_category = explicit_pre or (len(lead) >= 2 and not has_category_rows)
    table.pre_may_be_category = not has_category_rows
    last_used = layout.first_data - 1
    for k in data:
        block = blocks[k]
        text = block.text.strip()
        if not _is_row(text):
            if _is_continued(text) or _is_rule(text):
                continue
            if k - 1 == last_used and _continues_name(table, text):
                _extend_name(table, block)
                last_used = k
                continue
            kind = _single_cell_row(text)
            if kind == "category":
                table.state = _State(category=_CATEGORY_LABEL.sub("", re.sub(r"\s+", "", text)))
            elif kind == "parent":  # a first-level indicator on a row of its own
                table.state.parent, table.state.parent_attribute = clean_name([block.span]).text, None
                table.state.last_top = None
            continue
        cells = split_cells(block, k)
        if _is_rule(text):
            continue
        if _header_key(cells) == header_key or all(
            _header_like(c.text, strict=True) for c in cells if c.text
        ):
            continue  # the header printed again after a page break
        aligned = align(cells, slots, one_cell_per_line=False)
        row = _make_row(table, aligned, leading_empty=not cells[0].text)
        if row is not None:
            table.rows.append(row)
            last_used = k
    return table.rows, _with_note(blocks, last_used + 1) if table.rows else 0


def _with_note(blocks: list[Block], end: int) -> int:
    """The end of a table whose last row is block ``end - 1``: its footnote ("注：…") belongs to it."""
    if end < len(blocks) and _is_note(blocks[end].text):
        end += 1
        while end < len(blocks) and _NOTE_MORE.match(blocks[end].text.strip()):
            end += 1
    return end


def _is_rule(text: str) -> bool:
    """A markdown table's rule row ("|---|:---:|")."""
    t = text.strip()
    return bool(re.fullmatch(r"[|:\-—–+=\s]{3,}", t)) and ("|" in t or bool(re.search(r"[-—–=]{3,}", t)))


def _continues_name(table: _Table, text: str) -> bool:
    """A lone "降低（%）" after a row whose name has no unit: the end of that name, wrapped."""
    last = table.rows[-1] if table.rows else None
    return last is not None and last.unit is None and _paren_unit(text) is not None and len(text) <= 20


def _extend_name(table: _Table, block: Block) -> None:
    row = table.rows[-1]
    spans = [*table.state.name_spans, block.span]
    name = clean_name(spans)
    row.name, row.span, row.unit = name.text, name.span, name.unit or row.unit
    table.state.name_spans = spans


def _data_blocks(blocks: list[Block], first: int) -> list[int]:
    """Indices of the blocks after the header that may belong to the table (until a note or prose)."""
    out = []
    for k in range(first, len(blocks)):
        text = blocks[k].text.strip()
        if _is_note(text) or _stops_table(text):
            break
        out.append(k)
    return out


def _parse_cells(
    blocks: list[Block], layout: _Layout, columns: list[Column], slots: list[_Slot]
) -> tuple[list[IndicatorRow], int]:
    """A table printed one cell per line."""
    table = _Table(columns, slots, True, layout.unit, pre_joined=True)
    header_key = _header_key(layout.header)
    stream: list[_Cell] = []
    data = _data_blocks(blocks, layout.first_data)
    step = _line_step([blocks[k].line for k in layout.header_blocks + data])
    for k in data:
        if stream:
            for n in range(1, (blocks[k].line - stream[-1].line) // step):
                stream.append(_Cell(Span("", ()), stream[-1].line + n * step, k, missing=True))
        if layout.spaced:
            stream.extend(split_at_spaces(blocks[k], k))
        else:
            stream.append(_Cell(blocks[k].span.strip(), blocks[k].line, k))
    # a repeated header (page break) is taken out of the stream
    stream = _join_wrapped(_drop_repeated_header(stream, header_key))
    last_used = layout.first_data - 1
    for aligned in segment(stream, slots):
        row = _make_row(table, aligned, leading_empty=False)
        if row is None:
            continue
        table.rows.append(row)
        last_used = max(c.block for cells in aligned.assignment for c in cells)
    return table.rows, _with_note(blocks, last_used + 1) if table.rows else 0


def _line_step(lines: list[int]) -> int:
    """How many lines apart cells printed one per line usually are (2 with blank lines between).

    A longer gap means lines the blocks do not have: a cell that an earlier stage took for noise
    (a lone "85" looks like a page number), or only more blank lines at a page break. Either way
    the alignment gets a MISSING cell there, which it may fill a column with or leave out."""
    gaps = Counter(b - a for a, b in itertools.pairwise(lines) if b > a)
    return max(gaps.most_common(1)[0][0], 1) if gaps else 1


def _drop_repeated_header(stream: list[_Cell], header_key: str) -> list[_Cell]:
    out: list[_Cell] = []
    i = 0
    while i < len(stream):
        joined, j = "", i
        while j < len(stream) and len(joined) < len(header_key) and _header_like(stream[j].text):
            joined += re.sub(r"\s+", "", stream[j].text)
            j += 1
        if j > i + 1 and joined == header_key:
            while out and out[-1].missing:
                out.pop()  # the line before a repeated header was the page's number, not a cell
            i = j
            continue
        out.append(stream[i])
        i += 1
    return out


def _make_row(table: _Table, aligned: _Aligned, leading_empty: bool) -> IndicatorRow | None:
    """An IndicatorRow from an aligned row (None when it has no name or no data cell)."""
    state = table.state
    by_role: dict[str, list[tuple[_Slot, list[_Cell]]]] = {}
    for slot, cells in zip(table.slots, aligned.assignment, strict=True):
        by_role.setdefault(slot.role, []).append((slot, cells))
    pre_cells = [c for _, cells in by_role.get(PRE, []) for c in cells]
    name_cells = [c for _, cells in by_role.get(NAME_COL, []) for c in cells if c.text]
    printed_pre = [c for c in pre_cells if c.text]
    own_first_cell = bool(printed_pre)  # the row prints its first column (no merged cell above)
    if not name_cells and printed_pre:
        name_cells, printed_pre = [printed_pre[-1]], printed_pre[:-1]  # "name⇥(empty sub-name)"
    if not name_cells:
        return None
    sub_parent = None
    if (
        table.pre_joined
        and len(name_cells) == 2
        and _is_group_and_member(name_cells[0].text, name_cells[1].text)
    ):
        # one cell per line: "每千人口拥有医护人员数" / "执业医师数（人）" is a first-level
        # indicator and its first sub-row
        sub_parent, name_cells = clean_name([name_cells[0].span]).text, name_cells[1:]
    has_seq = any(sl.role == SEQ for sl in table.slots)
    numbered = any(c.text for _, cells in by_role.get(SEQ, []) for c in cells)
    name = clean_name([c.span for c in name_cells])
    if not name.text:
        return None
    state.name_spans = [c.span for c in name_cells]
    data = [
        (slot.column, _one_cell(cells))
        for slot, cells in zip(table.slots, aligned.assignment, strict=True)
        if cells and slot.role in (VALUE, GROWTH, UNIT_COL, ATTR_COL) and slot.column is not None
    ]
    if not any(cell.text for _, cell in data):
        # a row without data: a category ("一、经济发展") or a first-level indicator heading the
        # rows below it
        if _single_cell_row(name.text) == "category" and not name.unit:
            table.state = _State(category=_CATEGORY_LABEL.sub("", name.text))
        else:
            state.parent, state.parent_attribute, state.last_top = name.text, None, None
        return None
    attribute = next(
        (_attribute_of(c.text) for col, c in data if col.role == ATTR_COL and cell_kind(c.text) == ATTR),
        None,
    )
    attr_printed = any(col.role == ATTR_COL and c.text for col, c in data)
    has_attr_col = any(c.role == ATTR_COL for c in table.columns)
    category, parent = _category_and_parent(table, printed_pre)
    inherited: str | None = None  # the attribute of the group a sub-row joins
    if parent is None and sub_parent is not None:
        parent = sub_parent
    elif parent is None and table.pre_joined and has_seq and not numbered and state.parent:
        parent = state.parent  # a sub-row has no number of its own
    if parent is None and name.sub and state.last_top is not None:
        parent, inherited = state.last_top.name, state.last_top.attribute  # "其中：…"
    elif (
        parent is None
        and not own_first_cell
        and state.parent
        and (leading_empty or (has_attr_col and not attr_printed))
    ):
        parent, inherited = state.parent, state.parent_attribute  # merged first-level cell
    if category is not None:
        state.category = category
    if parent is None:
        state.parent, state.parent_attribute = None, None
    else:
        if parent != state.parent:  # a new group of sub-rows
            state.parent, state.parent_attribute = parent, attribute or inherited
        # a merged attribute cell is printed on the first sub-row only
        attribute = attribute or state.parent_attribute or inherited
        state.parent_attribute = state.parent_attribute or attribute
    unit = next(
        (re.sub(r"\s+", "", c.text) for col, c in data if col.role == UNIT_COL and cell_kind(c.text) == UNIT),
        None,
    )
    row = IndicatorRow(
        name=name.text,
        line=name_cells[0].line,
        span=name.span,
        category=state.category,
        parent=parent,
        unit=unit or name.unit or table.unit,
        attribute=attribute,
        starred=name.starred,
    )
    _fill_values(row, data)
    if parent is None:
        state.last_top = row
    return row


def _one_cell(cells: list[_Cell]) -> _Cell:
    """A value printed over several lines, as one cell (its text joined, its span gapped)."""
    if len(cells) == 1:
        return cells[0]
    printed = [c for c in cells if c.text]
    return _Cell(Span.join([c.span for c in printed]), cells[0].line, cells[0].block) if printed else cells[0]


#: The longest first-level indicator name that ends in no indicator-name ending ("食品药品安全").
GROUP_NAME_CHARS = 8


def _is_group_and_member(first: str, second: str) -> bool:
    """A name cell without a unit ending like an indicator name, then one with its unit: a
    first-level indicator and its sub-indicator, not one name wrapped over two lines."""
    compact = re.sub(r"\s+", "", first)
    # a name wrapped over two lines fills its column on the first ("全社会研究与试验发展经费支出占地区生");
    # a first-level name is short or ends like a name ("食品药品安全", "每千人口拥有医护人员数")
    return (
        _paren_unit(second) is not None
        and _paren_unit(first) is None
        and (bool(_NAME_ENDING.search(compact)) or len(compact) <= GROUP_NAME_CHARS)
    )


def _attribute_of(text: str) -> str:
    """预期性 or 约束性, from a cell that cell_kind calls ATTR ("约束性", "预期性指标", "约束")."""
    t = re.sub(r"\s+", "", text)
    return ATTRIBUTES[t if t in ATTRIBUTES else t.rstrip("指标")]


def _category_and_parent(table: _Table, printed_pre: list[_Cell]) -> tuple[str | None, str | None]:
    """Read the cells before the name: a category, a first-level indicator, or both."""
    if not printed_pre:
        return None, None
    if table.pre_joined:  # one cell per line, or a 类别 column: a category, maybe wrapped
        last = printed_pre[-1].text.strip()
        if last[:1] in _STAR or _paren_unit(last):  # "*城镇化率": a first-level indicator
            return _joined(printed_pre[:-1]) or None, clean_name([printed_pre[-1].span]).text
        return _joined(printed_pre), None
    if len(printed_pre) >= 2:
        return _joined(printed_pre[:-1]), clean_name([printed_pre[-1].span]).text
    only = printed_pre[0]
    if table.pre_is_category or (table.pre_may_be_category and not _looks_indicator(only.text)):
        return _joined([only]), None
    return None, clean_name([only.span]).text


def _looks_indicator(text: str) -> bool:
    t = re.sub(r"\s+", "", text).lstrip(_STAR)
    return bool(_paren_unit(t) or _NAME_ENDING.search(t) or t.startswith(tuple(_STAR)))


def _joined(cells: list[_Cell]) -> str:
    """Category cells as one category (its item count "（7项）" and numbering left out)."""
    return _CATEGORY_LABEL.sub("", "".join(re.sub(r"\s+", "", c.text) for c in cells))


#: A growth cell that says nothing (a dash or a slash); "*" and "[*]" do say something (set above).
_NO_GROWTH = {"—", "——", "–", "-", "－", "/", "／", "…"}


def _fill_values(row: IndicatorRow, data: list[tuple[Column, _Cell]]) -> None:
    """The value cells of a row, and its growth columns (planned and achieved)."""
    last_kind: str | None = None
    for col, cell in data:
        if col.role == VALUE:
            last_kind = col.kind
            # a column without a year ("“十二五”规划目标") gives no observation: an observation is
            # the value of an indicator in a year (the shapes require pg:year)
            if cell.text and col.year is not None:
                row.cells.append(
                    IndicatorCell(col.header, col.year, cell.text, col.kind, cell.span, cell.line)
                )
        elif col.role == GROWTH and cell.text and cell.text not in _NO_GROWTH:
            # after an achieved value: the achieved growth when its header says so, or when the
            # planned growth came first ("规划目标 | 年均增长 | 预计完成 | 年均增长")
            if last_kind == "Actual" and (_ACTUAL.search(col.header) or row.growth is not None):
                row.growth_actual = row.growth_actual or cell.text
            else:
                row.growth = row.growth or cell.text


# --- interface -------------------------------------------------------------------------------


def _candidate_blocks(blocks: list[Block], start: int) -> list[Block]:
    """The blocks from ``start`` that might belong to the table: rows, short cells and a note."""
    out = []
    for block in blocks[start:]:
        text = block.text.strip()
        if _is_note(text):
            out.append(block)
            for more in blocks[start + len(out) :]:
                if not _NOTE_MORE.match(more.text.strip()):
                    break
                out.append(more)
            break
        if out and _stops_table(text):
            break
        out.append(block)
    return out


def table_extent(blocks: list[Block], start: int) -> int:
    """The number of blocks from ``start`` that belong to the table (rows, wrapped cells, notes)."""
    _, used = _parse(_candidate_blocks(blocks, start))
    return used


def parse_table(box: Box) -> list[IndicatorRow]:
    """Every data row of an indicator table, with its cells."""
    rows, _ = _parse(box.blocks, box.title)
    return rows
