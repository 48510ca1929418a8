"""Bytes -> decoded text -> documents made of clean blocks, each character mapped to its source.

Steps: decode (UTF-8 with or without BOM, UTF-16, GB18030/GBK, detected), mark what is not content
(web-page chrome, the table of contents, page numbers, footers), split a file that holds several
documents, and cut the content into blocks (paragraphs) — splitting very long lines at paragraph
breaks and joining paragraphs that a page break cut in two. The text of a block is clean, but every
character keeps the offset it has in the decoded file, so mentions quote the source exactly.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from contextvars import ContextVar
from dataclasses import dataclass, field
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
    """Decoded text and the encoding used; an InputError naming the file if it is not text.

    Bytes that do not decode are read as U+FFFD when they are few (see :func:`decode_source`,
    which also says where they were); this form drops that account."""
    decoded = decode_source(data, name)
    return decoded.text, decoded.encoding


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    """Where bytes were read as U+FFFD, by byte offset and line."""


#: Every byte that fails to decode is recorded here by the ``plangraph-record`` error handler.
_UNDECODED: ContextVar[list[tuple[int, int]]] = ContextVar("plangraph_undecoded")


def _record_undecoded(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    _UNDECODED.get().append((err.start, err.end))
    return "\ufffd", err.end


codecs.register_error("plangraph-record", _record_undecoded)

#: U+FFFD as each encoding writes it: a file may hold the character itself, which is no loss.
_REPLACEMENT = {"utf-8": "\ufffd".encode(), "gb18030": "\ufffd".encode("gb18030")}


def _decode_lossy(data: bytes, encoding: str, allowed: int) -> tuple[str, list[tuple[int, int]]] | None:
    """The text with each undecodable byte sequence read as U+FFFD, and where those were;
    None when more than ``allowed`` bytes fail (the file is not in this encoding)."""
    replaced = data.decode(encoding, errors="replace")  # in C: a fast upper bound of the losses
    own = data.count(_REPLACEMENT[encoding]) if encoding in _REPLACEMENT else 0
    if replaced.count("\ufffd") - own > allowed:
        return None
    token = _UNDECODED.set([])
    try:
        text = data.decode(encoding, errors="plangraph-record")
        bad = _UNDECODED.get()
    finally:
        _UNDECODED.reset(token)
    return (text, bad) if sum(end - start for start, end in bad) <= allowed else None


def _first_invalid(data: bytes, encoding: str) -> str:
    try:
        data.decode(encoding)
    except UnicodeDecodeError as err:
        return (
            f"not {encoding.upper()} (first invalid byte at offset {err.start}, {_line_at(data, err.start)})"
        )
    except LookupError:
        pass
    return f"not {encoding.upper()}"


def _line_at(data: bytes, offset: int, encoding: str = "utf-8") -> str:
    if encoding.startswith("utf-16"):
        newlines = data[:offset].decode(encoding, errors="replace").count("\n")
    else:  # in UTF-8 and GB18030 a newline is always the one byte 0x0A
        newlines = data.count(b"\n", 0, offset)
    return f"line {newlines + 1}"


def _runs(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent byte ranges merged: one bad run of bytes is one place."""
    runs: list[tuple[int, int]] = []
    for start, end in ranges:
        if runs and runs[-1][1] == start:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def _place(data: bytes, encoding: str, start: int, end: int) -> str:
    where = f"byte {start}" if end - start <= 1 else f"bytes {start}-{end - 1}"
    return f"{where} ({_line_at(data, start, encoding)})"


def _losses(data: bytes, encoding: str, count: int, places: list[tuple[int, int]], what: str) -> str:
    """ "3 bytes are not valid UTF-8 …: at bytes 41234-41236 (line 523), …" (the first few places)."""
    shown = ", ".join(_place(data, encoding, start, end) for start, end in places[:_PLACES_SHOWN])
    more = f" and {len(places) - _PLACES_SHOWN} more places" if len(places) > _PLACES_SHOWN else ""
    noun = "byte is" if count == 1 else "bytes are"
    return f"{count} {noun} {what} and read as U+FFFD (the rest of the text is kept): at {shown}{more}"


_PLACES_SHOWN = 5


def _nul_offsets(text: str, data: bytes, encoding: str) -> list[int]:
    """Byte offsets of the NUL characters of a decoded text (the first few, and then -1s)."""
    if not encoding.startswith("utf-16"):  # one byte 0x00 each, in UTF-8 and GB18030
        return [m.start() for m in re.finditer(b"\x00", data)]
    bom = 2 if encoding == "utf-16" else 0
    unit = "utf-16-be" if data.startswith(codecs.BOM_UTF16_BE) or encoding == "utf-16-be" else "utf-16-le"
    chars = [m.start() for m in re.finditer("\x00", text)]
    return [bom + len(text[:i].encode(unit, errors="surrogatepass")) for i in chars[:_PLACES_SHOWN]] + [
        -1
    ] * (len(chars) - _PLACES_SHOWN)


def decode_source(data: bytes, name: str) -> Decoded:
    """Decode a file's bytes: UTF-8 or UTF-16 (with or without a byte-order mark), GB18030/GBK, or
    what charset-normalizer detects. A few bytes that do not decode (at most the setting
    ``max_undecodable_share`` of the file) are read as U+FFFD, with a warning naming each offset;
    more, and the file is refused with the offset of the first bad byte. NUL bytes count as
    undecodable. Decoding is deterministic, so the copy a build keeps decodes to the same text."""
    if not data.strip():
        raise InputError(name, "the file is empty")
    allowed = max(1, int(get_settings().max_undecodable_share * len(data)))
    candidates: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            candidates = [encoding]
            break
    else:
        utf16 = _looks_like_utf16(data)
        candidates = [utf16] if utf16 else []
        candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        lossy = _decode_lossy(data, encoding, allowed)
        if lossy is None:
            continue
        text, bad = lossy
        nuls = text.count("\x00")  # valid UTF-8 and GB18030, but never content: RDF cannot carry it
        undecoded = sum(end - start for start, end in bad)
        if nuls + undecoded > allowed:
            first = _nul_offsets(text, data, encoding)[0]
            raise InputError(
                name, f"binary file ({nuls} NUL bytes, the first at byte {first}), not a text document"
            )
        warnings = []
        if bad:
            what = f"not valid {encoding.upper()}"
            warnings.append(f"{name}: {_losses(data, encoding, undecoded, _runs(bad), what)}")
        if nuls:
            offsets = [(at, at + 1) for at in _nul_offsets(text, data, encoding)]
            warnings.append(f"{name}: {_losses(data, encoding, nuls, offsets, 'NUL (not text)')}")
        if encoding in ("utf-8-sig", "utf-16"):
            text = text.lstrip("\ufeff")
        if not text.strip():
            raise InputError(name, "the file is empty (only white space)")
        return Decoded(text.replace("\x00", "\ufffd"), encoding, warnings)
    if candidates[:1] in (["utf-8-sig"], ["utf-16"]):
        raise InputError(
            name,
            f"starts with a {candidates[0]} byte-order mark but is {_first_invalid(data, candidates[0])}",
        )
    if b"\x00" in data:
        first = data.index(b"\x00")
        raise InputError(
            name,
            f"binary file ({data.count(0)} NUL bytes, the first at byte {first}), not a text document",
        )
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        reasons = "; ".join(_first_invalid(data, e) for e in ("utf-8", "gb18030"))
        raise InputError(name, f"cannot decode the text ({reasons}; not UTF-16; no other encoding fits)")
    return Decoded(str(best), best.encoding)


def _check_is_text(text: str, name: str) -> None:
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > 0.01 * min(len(text), 20000) + 2:
        raise InputError(name, "binary file (control characters), not a text document")
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise InputError(name, "no Chinese text found: not a plan or report")


_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is ("a FIFO (named pipe)"), or None."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "not a regular file")


def _cannot_open(path: Path, err: OSError) -> str:
    """Why a path cannot be read, in words: a missing file, a dangling link, a link loop, …"""
    if err.errno == errno.ELOOP:
        return "a symbolic link loop (the link leads back to itself): cannot read"
    if err.errno == errno.ENOENT:
        if path.is_symlink():
            return f"a broken symbolic link (to {os.readlink(path)!r}, which does not exist)"
        return "no such file"
    return f"cannot read: {err.strerror or err}"


def read_bytes(path: Path | str) -> bytes:
    """The bytes of a regular file, at most ``max_file_bytes`` of them, or InputError.

    Devices, FIFOs, sockets and folders are refused before anything is read (the check is made on
    the opened file, so a file swapped after the check is caught too; a FIFO is opened without
    waiting for a writer). The size limit applies to the bytes read, not to what the file
    system reports (``/proc`` files report 0)."""
    path = Path(path)
    limit = get_settings().max_file_bytes
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise InputError(path, _cannot_open(path, err)) from err
    info = os.fstat(fd)
    kind = _not_regular(info.st_mode)
    if kind is not None:
        os.close(fd)
        raise InputError(path, f"{kind}, not a regular file: refused without reading it")
    with os.fdopen(fd, "rb", buffering=0) as f:
        if info.st_size > limit:
            raise InputError(path, f"too large ({info.st_size} bytes; limit max_file_bytes={limit})")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = f.read(min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    if size > limit:
        raise InputError(path, f"too large (more than {limit} bytes read; limit max_file_bytes={limit})")
    return b"".join(chunks)


def read_source(path: Path | str, data: bytes | None = None) -> SourceFile:
    """Read and decode one file, or raise InputError naming it and the problem. What decoding
    had to replace is in the source's ``warnings``. ``data``: the file's bytes, when the caller
    has read them already (:func:`read_bytes`; a build keeps a copy of exactly those)."""
    path = Path(path)
    decoded = decode_source(read_bytes(path) if data is None else data, str(path))
    _check_is_text(decoded.text, str(path))
    return SourceFile(
        name=path.name, path=path, text=decoded.text, encoding=decoded.encoding, warnings=decoded.warnings
    )


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


#: Characters a news item's body needs to be a document of its own (shorter items are news).
_MIN_DOCUMENT_CHARS = 2000
#: A document's own title is a short line of its own, never a sentence of the body.
_MAX_TITLE_LINE = 80


def _plain(line: str) -> str:
    """A line without markdown emphasis (whose ``**`` would read as a list bullet) or edge space."""
    return MARKDOWN_EMPHASIS.sub("", line).strip()


def _is_title_line(line: str) -> bool:
    t = _plain(line)
    return len(t) <= _MAX_TITLE_LINE and bool(_DOC_TITLE.search(t)) and not _LIST_BULLET.match(t)


def _gap_documents(source: SourceFile, items: list[_Segment], noise_lines: set[int]) -> list[_Segment]:
    """The stretches between a list page's news items that hold a document of their own (a file
    of several plans pasted around a news list): from a document title on a short line of its own
    (with the line before it when the title is printed on two), and a document's worth of text."""
    found = []
    bounds = [0, *(n for seg in items for n in (seg.first, seg.last)), source.line_count + 1]
    for first, last in zip(bounds[::2], bounds[1::2], strict=True):
        content = [n for n in range(first + 1, last) if n not in noise_lines and source.line_text(n).strip()]
        start = next((i for i, n in enumerate(content) if _is_title_line(source.line_text(n))), None)
        if start is None:
            continue
        before = _plain(source.line_text(content[start - 1])) if start > 0 else ""
        if before and len(before) <= 40 and not _LIST_BULLET.match(before) and before[-1] not in SENTENCE_END:
            start -= 1  # "**营口市国民经济和社会发展" / "第十三个五年规划纲要"
        body = content[start:]
        if sum(len(source.line_text(n).strip()) for n in body) > _MIN_DOCUMENT_CHARS:
            found.append(_Segment(body[0], body[-1], ""))
    return found


def _outside(source: SourceFile, segments: list[_Segment], noise_lines: set[int]) -> tuple[int, str]:
    """Characters of content in no segment, and the line ranges that hold them ("5-12, 23-155")."""
    chars, ranges = 0, []
    bounds = [0, *(n for seg in segments for n in (seg.first, seg.last)), source.line_count + 1]
    for first, last in zip(bounds[::2], bounds[1::2], strict=True):
        content = [n for n in range(first + 1, last) if n not in noise_lines and source.line_text(n).strip()]
        if content:
            chars += sum(len(source.line_text(n).strip()) for n in content)
            ranges.append(f"{content[0]}-{content[-1]}" if len(content) > 1 else str(content[0]))
    return chars, ", ".join(ranges)


def split_documents(source: SourceFile, noise_lines: set[int] | None = None) -> list[_Segment]:
    """The line ranges of the documents in a file (most files hold one). A file split into
    several says so in ``source.warnings``, with the lines that belong to none of them."""
    noise_lines = noise_lines or set()
    items = _news_items(source)
    if not items:
        return [_Segment(1, source.line_count, "")]
    segments = sorted(items + _gap_documents(source, items, noise_lines), key=lambda seg: seg.first)
    parts = "; ".join(
        f"lines {seg.first}-{seg.last} {seg.hint or source.line_text(seg.first).strip()[:30]!r}"
        for seg in segments
    )
    note = f"{source.path}: a list page of several documents, read as {len(segments)}: {parts}"
    chars, lines = _outside(source, segments, noise_lines)
    if chars:
        note += (
            f"; {chars} characters on lines {lines} are in none of them "
            "(short news items, navigation, the page's own text) and were not read"
        )
    source.warnings.append(note)
    return segments


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
        span = _without(span, MARKDOWN_EMPHASIS)
    if "\t" in span.text.strip():
        # a table row: leading and trailing tabs are its empty first and last cells
        return span.strip(" \r\n\u3000\u00a0\ufeff")
    return span.strip(" \t\r\n\u3000\u00a0\ufeff")


def _without(span: Span, pattern: re.Pattern[str]) -> Span:
    """The span with every match of ``pattern`` cut out, offsets kept (one pass: linear in the
    length of the line, however many matches it holds)."""
    parts, prev = [], 0
    for m in pattern.finditer(span.text):
        parts.append(span.slice(prev, m.start()))
        prev = m.end()
    parts.append(span.slice(prev))
    return Span.join([p for p in parts if p])


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
            blocks.append(Block(piece, source.line_of(piece.start)))
        pending_gap = False
    return blocks


def read_documents(path: Path | str, data: bytes | None = None) -> list[DocumentText]:
    """The documents of one file, as clean blocks (InputError if it cannot be read); ``data`` as
    for :func:`read_source`."""
    source = read_source(path, data)
    noise = find_noise(source)
    noise_lines = {n for r in noise for n in range(r.first_line, r.last_line + 1)}
    segments = split_documents(source, noise_lines)
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
