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
from dataclasses import dataclass
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
from .settings import get_settings

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


# --- noise -----------------------------------------------------------------------------------

_CHROME = re.compile(
    r"^\s*(?:当前位置|您的位置|你的位置|首页\s*[>＞»]|发布时间|发布日期|信息来源|来源[:：]|浏览次数|阅读次数|"
    r"点击[数量率]|【?\s*字号|字体[:：]|分享[:：到]?|打印|关闭窗口|关闭|收藏|扫一扫|返回顶部|上一篇|下一篇|"
    r"责任编辑|编辑[:：]|版权所有|Copyright|©|ICP|备案号|主办单位|承办单位|网站地图|联系我们|投稿|"
    r"联系电话|\S{0,6}热线|确定|确认|跳转到|尾页|共\s*\d+\s*页)"
)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页|\d{1,3}|[-—–]?\s*[IVXLivxl]+\s*[-—–]?)\s*$"
)
_PHONE = re.compile(r"^\s*[\d\s\-—()（）]{7,}\s*$")
_TOC_TITLE = re.compile(r"^\s*目\s*录\s*$")
_DATE_LINE = re.compile(r"^\s*(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*$")


def _is_heading_like(text: str) -> bool:
    t = text.strip().lstrip("*").strip()
    return bool(heading_label(t) or NAMED_HEADINGS.match(t) or BOX_LABEL.match(t))


def _toc_noise(lines: list[str]) -> list[NoiseRange]:
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
        found.append(NoiseRange(i + 1, last + 1, "table of contents"))
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


def _nearest_text(lines: list[str], i: int, step: int) -> str | None:
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].strip():
            return lines[j].strip()
        j += step
    return None


def _among_table_cells(lines: list[str], i: int) -> bool:
    """A lone number between short cell-like lines is a table cell printed one per line, not a
    page number (a page number sits between paragraphs)."""
    around = [_nearest_text(lines, i, -1), _nearest_text(lines, i, 1)]
    return any(t is not None and len(t) <= 20 and "。" not in t and not _is_heading_like(t) for t in around)


def _line_noise(lines: list[str]) -> list[NoiseRange]:
    found = []
    for i, line in enumerate(lines):
        t = line.strip()
        if not t:
            continue
        what = None
        if _PAGE_NUMBER.match(t) and not _among_table_cells(lines, i):
            what = "page number"
        elif len(t) < 40 and _CHROME.match(t):
            what = "web page chrome"
        elif _PHONE.match(t):
            what = "contact number"
        if what:
            found.append(NoiseRange(i + 1, i + 1, what))
    return found


def find_noise(source: SourceFile) -> list[NoiseRange]:
    lines = [source.line_text(n) for n in range(1, source.line_count + 1)]
    return sorted(_toc_noise(lines) + _line_noise(lines), key=lambda r: r.first_line)


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


def _clean_span(span: Span) -> Span:
    """Drop markdown emphasis markers and surrounding white space, keeping offsets."""
    if "**" in span.text:
        keep = [i for i in range(len(span.text)) if not _in_match(MARKDOWN_EMPHASIS, span.text, i)]
        span = Span("".join(span.text[i] for i in keep), tuple(span.offsets[i] for i in keep))
    if "\t" in span.text.strip():
        # a table row: leading and trailing tabs are its empty first and last cells
        return span.strip(" \r\n\u3000\u00a0\ufeff")
    return span.strip(" \t\r\n\u3000\u00a0\ufeff")


def _in_match(pattern: re.Pattern[str], text: str, i: int) -> bool:
    return any(m.start() <= i < m.end() for m in pattern.finditer(text))


def _split_long(span: Span) -> list[Span]:
    if len(span.text) <= LONG_LINE:
        return [span]
    cuts = sorted(
        {m.start() for m in _INLINE_BREAK.finditer(span.text)}
        | {m.start() for m in _INLINE_HEADING_BREAK.finditer(span.text)}
    )
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


def make_blocks(source: SourceFile, first: int, last: int, noise_lines: set[int]) -> list[Block]:
    blocks: list[Block] = []
    pending_gap = False  # blank lines (only) since the previous block
    for number in range(first, last + 1):
        if number in noise_lines:
            pending_gap = False
            continue
        start = source.line_starts[number - 1]
        raw = source.line_text(number)
        span = _clean_span(source.span(start, start + len(raw)))
        if not span:
            pending_gap = pending_gap or bool(blocks)
            continue
        pieces = _split_long(span)
        head = pieces[0]
        if blocks and pending_gap and _continues(blocks[-1].text, head.text):
            blocks[-1] = Block(Span.join([blocks[-1].span, head]), blocks[-1].line)
            pieces = pieces[1:]
        for piece in pieces:
            blocks.append(Block(piece, source.line_of(piece.start), source.line_hint(number)))
        pending_gap = False
    return blocks


def read_documents(path: Path | str) -> list[DocumentText]:
    """The documents of one file, as clean blocks (InputError if it cannot be read).

    A text file is decoded (:func:`read_source`); an HTML page, a PDF or a Word file is read by
    its reader (``plangraph.readers``) into text laid out the same way, so every later step is
    the same for all formats."""
    from .readers import read_source_file

    source = read_source_file(path)
    noise = find_noise(source)
    segments = split_documents(source)
    noise_lines = {n for r in noise for n in range(r.first_line, r.last_line + 1)}
    docs = []
    for index, seg in enumerate(segments):
        # a news item's title line is the document's title, not body text
        skip = {seg.first} if seg.hint else set()
        blocks = make_blocks(source, seg.first, seg.last, noise_lines | skip)
        if not blocks:
            continue
        doc_noise = [r for r in noise if seg.first <= r.first_line <= seg.last]
        docs.append(DocumentText(source, index, blocks, seg.first, seg.last, doc_noise, seg.hint))
    if not docs:
        raise InputError(path, "no content found (only blank lines, navigation or a table of contents)")
    return docs
