"""Bytes -> decoded text -> documents made of clean blocks, each character mapped to its source.

Steps: decode (UTF-8 with or without BOM, UTF-16, GB18030/GBK, detected), mark what is not content
(web-page chrome, the table of contents, page numbers, footers), split a file that holds several
documents, and cut the content into blocks (paragraphs) — splitting very long lines at paragraph
breaks and joining paragraphs that a page break cut in two. The text of a block is clean, but every
character keeps the offset it has in the decoded file, so mentions quote the source exactly.
"""

from __future__ import annotations

import codecs
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from .model import Block, DocumentText, InputError, NoiseRange, SourceFile, Span
from .patterns import (
    BOX_LABEL,
    MARKDOWN_EMPHASIS,
    NAMED_HEADINGS,
    SENTENCE_END,
    TOC_PAGE_SUFFIX,
    heading_label,
)
from .settings import PACKAGE_DIR, get_settings

# --- decoding --------------------------------------------------------------------------------

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def _text_quality(text: str) -> float:
    """Share of characters that are CJK, ASCII printable or ordinary white space."""
    good = sum(
        1
        for ch in text
        if "\u4e00" <= ch <= "\u9fff"
        or " " <= ch <= "~"
        or ch in "\n\r\t\u3000"
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
    )
    return good / max(len(text), 1)


def _looks_like_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: NUL bytes, and one byte order decodes to sensible text."""
    sample = data[: 4000 - (4000 % 2)] if len(data) > 4000 else data[: len(data) - len(data) % 2]
    if b"\x00" not in sample or len(sample) < 4:
        return None
    best, best_quality = None, 0.9
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            quality = _text_quality(sample.decode(encoding))
        except UnicodeDecodeError:
            continue
        if quality > best_quality:
            best, best_quality = encoding, quality
    return best


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decoded text and the encoding used; an InputError naming the file if it is not text."""
    if not data.strip():
        raise InputError(name, "the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff"), encoding
            except UnicodeDecodeError as err:
                raise InputError(
                    name, f"starts with a {encoding} byte-order mark but is not {encoding}: {err}"
                ) from err
    utf16 = _looks_like_utf16(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise InputError(name, "binary file (contains NUL bytes), not a text document")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, encoding
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(name, "cannot decode the text (not UTF-8, UTF-16 or GB18030)")
    return str(best), best.encoding


def _check_is_text(text: str, name: str) -> None:
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > 0.01 * min(len(text), 20000) + 2:
        raise InputError(name, "binary file (control characters), not a text document")
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise InputError(name, "no Chinese text found: not a plan or report")


def read_source(path: Path | str) -> SourceFile:
    """Read and decode one file, or raise InputError naming it and the problem."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from err
    limit = get_settings().max_file_bytes
    if size > limit:
        raise InputError(path, f"too large ({size} bytes; limit max_file_bytes={limit})")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from err
    text, encoding = decode_bytes(data, str(path))
    _check_is_text(text, str(path))
    return SourceFile(name=name, path=path, text=text, encoding=encoding)


# --- lines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the text as printed: a source line, or a piece of one where the text marks line
    breaks some other way (a lone CR, or the literal characters ``\r\n`` a careless export left
    in a one-line file). ``number`` is the source line it is on, ``start`` its offset."""

    number: int
    start: int
    text: str


#: A line break written out as the characters backslash-r backslash-n (a spreadsheet cell saved
#: with its escapes), or a lone carriage return (old Mac line ends inside a CRLF file).
_ESCAPED_BREAK = re.compile(r"(?:\\r)?\\n|\r(?!\n)")
#: How many escaped breaks make a file use them as its line breaks (one could be a quoted escape).
MIN_ESCAPED_BREAKS = 3


def source_lines(source: SourceFile) -> list[Line]:
    """The lines of a source file as printed, each with its source line number and offset."""
    escaped = len(_ESCAPED_BREAK.findall(source.text)) >= MIN_ESCAPED_BREAKS
    lines: list[Line] = []
    for number in range(1, source.line_count + 1):
        start = source.line_starts[number - 1]
        raw = source.line_text(number)
        if not escaped:
            lines.append(Line(number, start, raw.rstrip("\r")))
            continue
        prev = 0
        for m in _ESCAPED_BREAK.finditer(raw):
            lines.append(Line(number, start + prev, raw[prev : m.start()]))
            prev = m.end()
        lines.append(Line(number, start + prev, raw[prev:].rstrip("\r")))
    return lines


# --- noise -----------------------------------------------------------------------------------


def _load_rules() -> dict:
    with (PACKAGE_DIR / "rules" / "reading.toml").open("rb") as f:
        return tomllib.load(f)


_RULES = _load_rules()


def _compile(section: str) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in _RULES[section]["patterns"]]


_CHROME = _compile("chrome")
_CHROME_MAX = int(_RULES["chrome"]["max_chars"])
_TAIL = _compile("tail")
_TAIL_SHARE = float(_RULES["tail"]["last_share"])
_TAIL_MAX_AFTER = int(_RULES["tail"]["max_line_after"])
_CAPTION = _compile("caption")
_CAPTION_MAX = int(_RULES["caption"]["max_chars"])
_STAMP = _compile("stamp")

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]+\s*\d{1,3}\s*[-—–]+|第\s*\d{1,3}\s*页|\d{1,3}|[-—–]?\s*[IVXLivxl]+\s*[-—–]?)\s*$"
)
#: A page number framed as a footer ("— 12 —", "- 3 -", "第 5 页"): never a table cell.
_PAGE_FOOTER = re.compile(r"^\s*(?:[-—–]+\s*\d{1,3}\s*[-—–]+|第\s*\d{1,3}\s*页)\s*$")
_PHONE = re.compile(r"^\s*[\d\s\-—()（）]{7,}\s*$")
_TOC_TITLE = re.compile(r"^\s*目\s*录\s*$")
_DATE_LINE = re.compile(r"^\s*(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*$")
#: A teaser a news site prints before the text, cut off with dots ("……", "......").
_TEASER_END = re.compile(r"(?:\.{3,}|…{2,})\s*$")


def is_chrome(text: str) -> bool:
    """A short line of web-page furniture: a breadcrumb, a stamp, a button, a caption."""
    t = text.strip()
    if not t:
        return False
    if len(t) < _CHROME_MAX and any(p.match(t) for p in _CHROME):
        return True
    if len(t) <= _CAPTION_MAX and any(p.search(t) for p in _CAPTION):
        return True
    return any(p.match(t) for p in _STAMP)


def _is_heading_like(text: str) -> bool:
    t = text.strip().lstrip("*").strip()
    return bool(heading_label(t) or NAMED_HEADINGS.match(t) or BOX_LABEL.match(t))


def _toc_noise(lines: list[str]) -> list[tuple[int, int, str]]:
    """Tables of contents: a 目录 line and the heading-like entries after it."""
    found = []
    for i, line in enumerate(lines):
        if not _TOC_TITLE.match(line):
            continue
        entries = []  # indices of TOC entries
        j = i + 1
        while j < len(lines):
            t = lines[j].strip()
            if not t:
                j += 1
                continue
            if len(t) > 80 or (t.endswith("。") and len(t) > 30):
                break
            entries.append(j)
            j += 1
        if not entries:
            continue
        with_pages = [k for k in entries if TOC_PAGE_SUFFIX.search(lines[k])]
        if len(with_pages) >= 0.5 * len(entries):
            last = with_pages[-1]
        else:
            last = _toc_end_without_pages(lines, entries)
        found.append((i, last, "table of contents"))
    return found


def _toc_end_without_pages(lines: list[str], entries: list[int]) -> int:
    """The last TOC entry when entries carry no page numbers: the body starts where the first
    entry's heading is printed again, or at the first entry followed by a paragraph."""
    first = re.sub(r"\s+", "", lines[entries[0]])
    for k in entries[1:]:
        if re.sub(r"\s+", "", lines[k]) == first:
            return max(e for e in entries if e < k)
    for n, k in enumerate(entries):
        following = next((x for x in range(k + 1, len(lines)) if lines[x].strip()), None)
        if following is not None and following not in entries:
            return entries[n - 1] if n > 0 else k
    return entries[-1]


def _nearest_text(lines: list[str], i: int, step: int, skip: set[int]) -> str | None:
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].strip() and j not in skip:
            return lines[j].strip()
        j += step
    return None


def _among_table_cells(lines: list[str], i: int, chrome: set[int]) -> bool:
    """A lone number between short cell-like lines is a table cell printed one per line, not a
    page number (a page number sits between paragraphs, a count between page chrome)."""
    around = [_nearest_text(lines, i, -1, chrome), _nearest_text(lines, i, 1, chrome)]
    return any(t is not None and len(t) <= 20 and "。" not in t and not _is_heading_like(t) for t in around)


#: A breadcrumb's first element or separator ("首页", ">", "当前位置：").
_BREADCRUMB = re.compile(r"^(?:首页|[>＞»]|(?:当前位置|您的位置|你的位置)[:：]?)$")
#: A breadcrumb element: a short section name ("政务信息", "云南要闻").
_BREADCRUMB_ITEM = re.compile(r"^[一-鿿]{2,8}$")


def _chrome_lines(lines: list[str]) -> set[int]:
    """Page furniture; the one- or two-character buttons printed among it (大 / 中 / 小); the
    section names of a breadcrumb printed one per line (首页 / > / 政务信息 / > / 宁夏要闻); and
    the count after a "阅读：" label."""
    chrome = {i for i, line in enumerate(lines) if is_chrome(line)}
    crumbs = {i for i in chrome if _BREADCRUMB.match(lines[i].strip())}
    grew = True
    while grew:
        grew = False
        for i, line in enumerate(lines):
            t = line.strip()
            if i in chrome or not t:
                continue
            before, after = _nearest_index(lines, i, -1), _nearest_index(lines, i, 1)
            near_chrome = any(k is not None and k in chrome for k in (before, after))
            button = len(t) <= 2 and not _PAGE_NUMBER.match(t) and near_chrome
            crumb = before in crumbs and bool(_BREADCRUMB_ITEM.match(t))
            count = t.isdigit() and before in chrome and lines[before].strip()[-1:] in ":："
            if button or crumb or count:
                chrome.add(i)
                if crumb:
                    crumbs.add(i)
                grew = True
    return chrome


def _nearest_index(lines: list[str], i: int, step: int) -> int | None:
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].strip():
            return j
        j += step
    return None


def _tail_start(lines: list[str]) -> int | None:
    """Where a web page's tail (related links, navigation) starts, if the file has one."""
    first = int(len(lines) * (1 - _TAIL_SHARE))
    for i in range(first, len(lines)):
        t = lines[i].strip()
        is_tail = len(t) < _CHROME_MAX and any(p.match(t) for p in _TAIL)
        if is_tail and all(len(x.strip()) <= _TAIL_MAX_AFTER for x in lines[i + 1 :]):
            # the tail starts with the furniture just before it (责任编辑： / 李莎莎 / 扫一扫…)
            while i > first and _is_furniture(lines[i - 1]):
                i -= 1
            return i
    return None


def _is_furniture(line: str) -> bool:
    t = line.strip()
    return not t or is_chrome(t) or (len(t) <= 6 and t[-1] not in SENTENCE_END)


def _teasers(lines: list[str], chrome: set[int]) -> set[int]:
    """A news site's teaser: a line cut off with dots right after the page chrome at the top."""
    found = set()
    for i, line in enumerate(lines[:40]):
        before = _nearest_index(lines, i, -1)
        if _TEASER_END.search(line) and before is not None and before in chrome:
            found.add(i)
    return found


def _line_noise(lines: list[str]) -> list[tuple[int, int, str]]:
    found = []
    chrome = _chrome_lines(lines)
    teasers = _teasers(lines, chrome)
    for i, line in enumerate(lines):
        t = line.strip()
        if not t:
            continue
        what = None
        if i in chrome:
            what = "web page chrome"
        elif i in teasers:
            what = "teaser of a news page"
        elif _PAGE_FOOTER.match(t) or (_PAGE_NUMBER.match(t) and not _among_table_cells(lines, i, chrome)):
            what = "page number"
        elif _PHONE.match(t):
            what = "contact number"
        if what:
            found.append((i, i, what))
    tail = _tail_start(lines)
    if tail is not None:
        found.append((tail, len(lines) - 1, "web page tail: related links and navigation"))
    return found


def find_line_noise(lines: list[Line]) -> list[tuple[int, int, str]]:
    """Noise as (first, last, what) over indices of ``lines``."""
    texts = [line.text for line in lines]
    return sorted(_toc_noise(texts) + _line_noise(texts))


def find_noise(source: SourceFile) -> list[NoiseRange]:
    """Noise as ranges of source lines (a range inside one long line names that line)."""
    lines = source_lines(source)
    return [NoiseRange(lines[a].number, lines[b].number, what) for a, b, what in find_line_noise(lines)]


# --- several documents in one file -----------------------------------------------------------

_DOC_TITLE = re.compile(r"(政府工作报告|规划纲要|远景目标纲要|五年规划|发展规划|工作报告)")
_LIST_BULLET = re.compile(r"^\s*[•·●▪■◆\-*]\s*")
_BRACKET_TAG = re.compile(r"^【[^】]{1,20}】")


@dataclass
class _Segment:
    first: int
    last: int
    hint: str


def _news_items(source: SourceFile) -> list[_Segment]:
    """A web list page: bullet title lines, each followed by its body and a date line."""
    items = []
    n = source.line_count
    for i in range(1, n + 1):
        line = source.line_text(i)
        if not _LIST_BULLET.match(line) or len(line.strip()) > 120:
            continue
        end = i + 1
        while end <= n and not _LIST_BULLET.match(source.line_text(end)):
            if _DATE_LINE.match(source.line_text(end)):
                break
            end += 1
        body = sum(len(source.line_text(k)) for k in range(i + 1, min(end, n + 1)))
        title = _BRACKET_TAG.sub("", _LIST_BULLET.sub("", line).strip()).strip()
        items.append((i, min(end, n + 1) - 1, title, body))
    docs = [_Segment(a, b, t) for a, b, t, body in items if _DOC_TITLE.search(t) and body > 2000]
    return docs if len(items) >= 2 else []


def split_documents(source: SourceFile) -> list[_Segment]:
    """The line ranges of the documents in a file (most files hold one)."""
    items = _news_items(source)
    if items:
        return items
    return [_Segment(1, source.line_count, "")]


# --- blocks ----------------------------------------------------------------------------------

#: Lines longer than this are split at paragraph breaks printed as white space inside the line.
LONG_LINE = 300
_INLINE_BREAK = re.compile(r"(?<=[。！？；：!?;:”])[ \t\u3000\u00a0]+(?=\S)")
_INLINE_HEADING_BREAK = re.compile(
    r"[ \t\u3000\u00a0]+(?=(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、))"
)


#: White space around a line's text: every Unicode space (paragraphs are indented with U+3000
#: IDEOGRAPHIC SPACE or U+2003 EM SPACE), a byte-order mark, a zero-width space; not the tab.
_SPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace() and ch != "\t") + "\ufeff\u200b"


def _clean_span(span: Span) -> Span:
    """Drop markdown emphasis markers and surrounding white space, keeping offsets."""
    if "**" in span.text:
        keep = [i for i in range(len(span.text)) if not _in_match(MARKDOWN_EMPHASIS, span.text, i)]
        span = Span("".join(span.text[i] for i in keep), tuple(span.offsets[i] for i in keep))
    if "\t" in span.text.strip():
        # a table row: leading and trailing tabs are its empty first and last cells
        return span.strip(_SPACE)
    return span.strip(_SPACE + "\t")


def _in_match(pattern: re.Pattern[str], text: str, i: int) -> bool:
    return any(m.start() <= i < m.end() for m in pattern.finditer(text))


#: An indentation inside a line: a paragraph (or a heading) that starts there, in a text whose
#: line breaks were lost ("序言　　世纪之交，…", "第一篇  指导原则和发展目标     第一章  …").
_INDENT = re.compile(r"\u3000{2,}| {4,}")


def _indent_cuts(text: str) -> set[int]:
    """Indentations inside a line that start a paragraph: before a heading, after a heading
    followed by prose, or after a sentence."""
    cuts: set[int] = set()
    cells = [c for c in re.split(r"\u3000{2,}| {4,}|\t", text) if c.strip()]
    short = sum(len(c.strip()) <= 20 for c in cells)
    if len(cells) >= 3 and short >= 0.6 * len(cells) and not any(map(_is_heading_like, cells)):
        return cuts  # a table row with its cells set apart by spaces
    for m in _INDENT.finditer(text):
        before, after = text[: m.start()].strip(), text[m.end() :].strip()
        if not before or not after:
            continue
        last_break = max(before.rfind(c) for c in "。！？；")
        own = before[last_break + 1 :].strip()
        heading_before = _is_heading_like(own) and len(own) <= 40
        prose_after = len(after) >= 30 and bool(re.search(r"[，,。]", after[:60]))
        if _is_heading_like(after) or before[-1] in SENTENCE_END or (heading_before and prose_after):
            cuts.add(m.start())
    return cuts


def _split_long(span: Span) -> list[Span]:
    cuts_at = _indent_cuts(span.text) if _INDENT.search(span.text.strip()) else set()
    if len(span.text) <= LONG_LINE and not cuts_at:
        return [span]
    if len(span.text) > LONG_LINE:
        cuts_at |= {m.start() for m in _INLINE_BREAK.finditer(span.text)}
        cuts_at |= {m.start() for m in _INLINE_HEADING_BREAK.finditer(span.text)}
    cuts = sorted(cuts_at)
    pieces, prev = [], 0
    for cut in [*cuts, len(span.text)]:
        piece = span.slice(prev, cut).strip(" \t\u3000\u00a0")
        if piece:
            pieces.append(piece)
        prev = cut
    return pieces


def _is_table_row(text: str) -> bool:
    t = text.strip()
    return "\t" in t or bool(re.search(r"\S {3,}\S", t)) or (t.startswith("|") and t.endswith("|"))


_LIST_LIKE = re.compile(r"[；;]|[：:].{5,}")
#: "钢铁产业: 1. …" or "1、…": the start of a list entry, never the rest of a cut paragraph.
_STARTS_LIST = re.compile(r"^(?:[^。：:；;，,]{2,20}[：:]\s*[（(]?[0-9]|[0-9]{1,2}\s*[、.．])")


def _continues(prev: str, nxt: str) -> bool:
    """Whether a page break cut a paragraph between ``prev`` and ``nxt``.

    A short line or a numbered line is usually a heading, unless it is a list ("1. …；2. 后期管")
    or a "label：content" line, which a heading never is.
    """
    if prev[-1] in SENTENCE_END or _is_table_row(prev) or _is_table_row(nxt) or BOX_LABEL.match(prev):
        return False
    if not _LIST_LIKE.search(prev) and (len(prev) < 40 or (_is_heading_like(prev) and len(prev) < 60)):
        return False
    return not (_is_heading_like(nxt) or nxt[0] in "—-•·（(" or _STARTS_LIST.match(nxt))


#: Lines of a hard-wrapped text whose width is within this many half-width columns of the wrap
#: width are full lines (line-breaking rules keep a closing mark or an opening one off a line end).
WRAP_SLACK = 6
#: Share of lines that must be full for a text to count as hard-wrapped.
WRAP_SHARE = 0.4
_HALF_WIDTH_AS_FULL = ",;:()!?"  # ASCII punctuation a PDF text layer printed in full-width glyphs


def display_width(text: str) -> int:
    """Columns a line takes when printed: 2 for a Chinese character or full-width mark, 1 for a
    Latin letter or digit (ASCII punctuation standing in for full-width marks counts 2)."""
    return sum(
        2 if ch in _HALF_WIDTH_AS_FULL or unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text
    )


def wrap_width(lines: list[Line]) -> int | None:
    """The width a PDF's text layer hard-wrapped its paragraphs at ("承前\n启后"), or None.

    In such a text most lines have about the same width and end without punctuation."""
    texts = [t for line in lines if (t := line.text.strip())]
    if len(texts) < 50:
        return None
    widths = Counter(display_width(t) for t in texts)

    def band(w: int) -> int:
        return sum(n for k, n in widths.items() if w - WRAP_SLACK <= k <= w)

    width = max(widths, key=lambda w: (band(w), w))
    full = [t for t in texts if width - WRAP_SLACK <= display_width(t) <= width]
    open_ended = sum(1 for t in full if t[-1] not in SENTENCE_END)
    if not 30 <= width <= 120 or len(full) < WRAP_SHARE * len(texts) or open_ended < 0.6 * len(full):
        return None
    return width


def _is_full(text: str, width: int | None) -> bool:
    """A line that runs to the wrap width without ending its sentence: its paragraph goes on.
    A line with spaces inside is a table row whose cells are set apart by them (Chinese prose
    has no spaces), however wide."""
    return (
        width is not None
        and display_width(text) >= width - WRAP_SLACK
        and text[-1] not in SENTENCE_END
        and " " not in text.strip()
    )


def make_blocks(
    lines: list[Line], source: SourceFile, noise: set[int], width: int | None = None
) -> list[Block]:
    """The blocks of ``lines`` (noise left out): one per line, long lines split at paragraph
    breaks, a paragraph cut by a page break or hard-wrapped at ``width`` joined again."""
    blocks: list[Block] = []
    pending_gap = False  # blank lines (only) since the previous block
    wrapped = False  # the previous line ran to the wrap width: this one continues its paragraph
    for i, line in enumerate(lines):
        if i in noise:
            pending_gap = False
            continue
        span = _clean_span(source.span(line.start, line.start + len(line.text)))
        if not span:
            pending_gap = pending_gap or bool(blocks)
            wrapped = False
            continue
        pieces = list(enumerate(_split_long(span)))
        head = pieces[0][1]
        if blocks and (
            (wrapped and not _is_table_row(head.text))
            or (pending_gap and _continues(blocks[-1].text, head.text))
        ):
            blocks[-1] = replace(blocks[-1], span=Span.join([blocks[-1].span, head]))
            pieces = pieces[1:]
        for k, piece in pieces:
            blocks.append(Block(piece, source.line_of(piece.start), source.line_hint(line.number), k > 0))
        pending_gap = False
        wrapped = _is_full(span.text, width)
    return blocks


def read_documents(path: Path | str) -> list[DocumentText]:
    """The documents of one file, as clean blocks (InputError if it cannot be read).

    A text file is decoded (:func:`read_source`); an HTML page, a PDF or a Word file is read by
    its reader (``plangraph.readers``) into text laid out the same way, so every later step is
    the same for all formats."""
    from .readers import read_source_file

    source = read_source_file(path)
    lines = source_lines(source)
    noise = find_line_noise(lines)
    noise_lines = {i for a, b, _ in noise for i in range(a, b + 1)}
    width = wrap_width(lines)
    docs = []
    for index, seg in enumerate(split_documents(source)):
        # a news item's title line is the document's title, not body text
        inside = [i for i, line in enumerate(lines) if seg.first <= line.number <= seg.last]
        skip = {i for i in inside if lines[i].number == seg.first} if seg.hint else set()
        seg_lines = [lines[i] for i in inside]
        seg_noise = {k for k, i in enumerate(inside) if i in noise_lines or i in skip}
        blocks = make_blocks(seg_lines, source, seg_noise, width)
        if not blocks:
            continue
        doc_noise = [
            NoiseRange(lines[a].number, lines[b].number, what)
            for a, b, what in noise
            if seg.first <= lines[a].number <= seg.last
        ]
        docs.append(DocumentText(source, index, blocks, seg.first, seg.last, doc_noise, seg.hint))
    if not docs:
        raise InputError(path, "no content found (only blank lines, navigation or a table of contents)")
    return docs
