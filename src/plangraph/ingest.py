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
import tomllib
import unicodedata
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
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


#: White space around a line's text: every Unicode space (paragraphs are indented with U+3000
#: IDEOGRAPHIC SPACE or U+2003 EM SPACE), a byte-order mark, a zero-width space; not the tab.
_SPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace() and ch != "\t") + "\ufeff\u200b"


def _clean_span(span: Span) -> Span:
    """Drop markdown emphasis markers and surrounding white space, keeping offsets."""
    if "**" in span.text:
        span = _without(span, MARKDOWN_EMPHASIS)
    if "\t" in span.text.strip():
        # a table row: leading and trailing tabs are its empty first and last cells
        return span.strip(_SPACE)
    return span.strip(_SPACE + "\t")


def _without(span: Span, pattern: re.Pattern[str]) -> Span:
    """The span with every match of ``pattern`` cut out, offsets kept (one pass: linear in the
    length of the line, however many matches it holds)."""
    parts, prev = [], 0
    for m in pattern.finditer(span.text):
        parts.append(span.slice(prev, m.start()))
        prev = m.end()
    parts.append(span.slice(prev))
    return Span.join([p for p in parts if p])


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


def read_documents(path: Path | str, data: bytes | None = None) -> list[DocumentText]:
    """The documents of one file, as clean blocks (InputError if it cannot be read).

    A text file is decoded (:func:`read_source`); an HTML page, a PDF or a Word file is read by
    its reader (``plangraph.readers``) into text laid out the same way, so every later step is
    the same for all formats. ``data``: the file's bytes when the caller read them already."""
    from .readers import read_source_file

    source = read_source_file(path, data)
    lines = source_lines(source)
    noise = find_line_noise(lines)
    noise_lines = {i for a, b, _ in noise for i in range(a, b + 1)}
    width = wrap_width(lines)
    segments = split_documents(source, {lines[i].number for i in noise_lines})
    docs = []
    for index, seg in enumerate(segments):
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
