"""PDF files with a text layer: the text in reading order, page by page, tables as tables.

The library is **pypdfium2** (Apache-2.0 / BSD-3-Clause bindings to Google's PDFium, the PDF
engine of Chromium, BSD-3-Clause; binary wheels with PDFium inside, released monthly). Measured
on the fixture PDFs of tests/fixtures/formats (20 pages of a CJK plan, Chromium's and
LibreOffice's output): every character with its box in 0.15-0.18 s with pypdfium2, 2.0-2.2 s with
pdfplumber/pdfminer.six (MIT), which also warned on every Type 3 font Chromium writes and found
no table in LibreOffice's PDF; the CJK text of both was the same. PyMuPDF is AGPL, unfit for an
MIT project. PDFium gives what the reading needs: each character's Unicode value, box, font size,
whether PDFium generated it (a space or line break it inferred), and the page's path objects
(the rules of a table). It also renders a page for the source view.

How a page is read:

1. Characters become lines (PDFium ends a line with a generated line break; a jump back in x or
   down in y also ends one). Spaces PDFium infers next to a CJK character are layout, not text.
2. Running headers and footers go: a line in the top or bottom band of the page that is a page
   number (``— 13 —``, ``·12·``, ``第3页``, ``3/20``) or that repeats on most pages.
3. Tables: the horizontal and vertical rules drawn on the page (thin path objects, or the edges
   of rectangles) make a grid; each cell takes the characters whose centre lies in it; a missing
   rule between two grid cells merges them. A table becomes one line per row, cells separated by
   tabs (a merged cell printed once), as the indicator-table reader expects.
4. Hard-wrapped lines are joined into paragraphs: a line that reaches the right margin continues
   on the next line when that one starts at the left margin (not indented) in the same font size
   -- also across a page break. A heading (larger font, or a short line) is never joined.

Each character keeps its place: the page (``page N``) and its index among PDFium's characters of
that page (the page's text, stored with the build). A PDF without a text layer (a scan) is refused
with a message saying how to proceed; OCR is not done here.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import InputError
from .base import Extracted, TextBuilder

#: A page whose text layer has fewer letters than this is an image (a scan).
MIN_LETTERS_PER_PAGE = 20
#: Top and bottom share of a page where running headers, footers and page numbers sit.
MARGIN_BAND = 0.09
#: A line of the bands printed on at least this share of pages (3 at least) is a running header.
RUNNING_SHARE = 0.5
#: Rules: a path thinner than this (points) is a line; shorter than MIN_RULE is not a rule.
RULE_THICKNESS = 2.0
MIN_RULE = 8.0
#: Coordinates within this many points are the same grid line.
SNAP = 2.5
#: A line ends "at the right margin" within this many character widths of it.
RIGHT_MARGIN_CHARS = 1.6
#: A line "starts at the left margin" within this many character widths of it.
LEFT_MARGIN_CHARS = 0.6
#: Two characters whose vertical centres are this share of the font size apart are on one line
#: (a quotation mark sits high, a comma low).
SAME_LINE = 0.45
#: A gap wider than this many character widths inside a line separates two columns.
COLUMN_GAP_CHARS = 2.5
#: Lines further apart than this many line pitches are two paragraphs.
PARAGRAPH_GAP = 1.2
#: A font this much larger than the body's marks a heading line.
HEADING_SIZE_RATIO = 1.12

#: Page numbers as printed in headers and footers.
PAGE_NUMBER = re.compile(
    r"^[\s\-—–－·•・.]*(?:第\s*)?[0-9０-９]{1,4}(?:\s*页)?(?:\s*[/／]\s*[0-9]{1,4})?[\s\-—–－·•・.]*$"
    r"|^[\s\-—–－·•]*[ivxlcIVXLC]{1,6}[\s\-—–－·•]*$"
)
_SENTENCE_END = "。！？；：!?;:”』」）)"


@dataclass
class _Char:
    index: int  # PDFium's index of the character on its page
    text: str
    left: float
    bottom: float
    right: float
    top: float
    size: float

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.bottom + self.top) / 2


@dataclass
class _Line:
    chars: list[_Char]
    hint: str = ""

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def left(self) -> float:
        return min(c.left for c in self.chars)

    @property
    def right(self) -> float:
        return max(c.right for c in self.chars)

    @property
    def top(self) -> float:
        return max(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return min(c.bottom for c in self.chars)

    @property
    def size(self) -> float:
        sizes = [c.size for c in self.chars if not c.text.isspace()]
        return statistics.median(sizes) if sizes else 0.0


@dataclass
class _Table:
    top: float
    rows: list[list[list[_Char] | None]]  # None: the cell is covered by the cell above


@dataclass
class _Page:
    number: int
    width: float
    height: float
    text: str  # one character per PDFium character index
    lines: list[_Line] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


# --- characters and lines ----------------------------------------------------------------------


def _chars(textpage: pdfium.PdfTextPage) -> tuple[str, list[_Char | None]]:
    """The page's text (one character per index) and each character with its box (None: a
    generated line break)."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    text: list[str] = []
    chars: list[_Char | None] = []
    for i in range(count):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        ch = chr(code) if 0 < code < 0x110000 else "\ufffd"
        text.append(ch)
        generated = pdfium_c.FPDFText_IsGenerated(raw, i) == 1
        if ch in "\r\n" or (generated and ch != " "):
            chars.append(None)
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)  # the advance box: gaps are real
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        c = _Char(i, ch, left, bottom, right, top, size)
        if generated:
            c.size = -1.0  # marks a generated space
        chars.append(c)
    return "".join(text), chars


def _lines(chars: list[_Char]) -> list[_Line]:
    """The page's characters as printed lines, top to bottom, each left to right.

    By position, not by the order of the content stream: producers write a line in several runs
    (LibreOffice writes the quotation marks of a fallback font after the rest of the line). A
    character belongs to the line whose band holds its vertical centre; a wide gap between two
    characters of a line (an unruled table's columns) becomes three spaces, as text files print
    them."""
    rows: list[list[_Char]] = []
    centres: list[float] = []  # each row's vertical centre
    inked: list[int] = []  # how many characters (not spaces) each row has
    printed = [c for c in chars if c.size >= 0]
    for c in sorted(printed, key=lambda c: -c.cy):
        tolerance = SAME_LINE * max(c.size, c.top - c.bottom, 1.0)
        for k in range(len(rows) - 1, max(-1, len(rows) - 3), -1):
            if abs(c.cy - centres[k]) <= tolerance:
                rows[k].append(c)
                if not c.text.isspace():  # the row's centre: the mean of its characters'
                    inked[k] += 1
                    centres[k] += (c.cy - centres[k]) / inked[k]
                break
        else:
            rows.append([c])
            centres.append(c.cy)
            inked.append(1)
    # a space PDFium inferred from a gap (it judges gaps by the font) follows the character
    # before it in the content stream, on that character's line
    row_of = {c.index: k for k, row in enumerate(rows) for c in row}
    by_index = {c.index: c for c in printed}
    for c in chars:
        if c.size < 0 and (c.index - 1) in row_of:
            before = by_index[c.index - 1]
            rows[row_of[c.index - 1]].append(
                _Char(c.index, c.text, before.right, before.bottom, before.right, before.top, -1.0)
            )
    lines = []
    for row in rows:
        row.sort(key=lambda c: (c.left, c.index))
        while row and row[0].text.isspace():
            row.pop(0)
        while row and row[-1].text.isspace():
            row.pop()
        if not row:
            continue
        bottom, top = min(c.bottom for c in row), max(c.top for c in row)
        width = statistics.median(c.right - c.left for c in row) or 1.0
        out: list[_Char] = []
        for c in row:
            if out and not (c.text.isspace() or out[-1].text.isspace()):
                gap = c.left - out[-1].right
                if gap > COLUMN_GAP_CHARS * width:
                    out += [_Char(-1, " ", out[-1].right, bottom, c.left, top, -1.0)] * 3
            if c.text.isspace() and out and out[-1].text.isspace():
                continue
            out.append(c)
        lines.append(_Line(out))
    return lines


# --- tables ------------------------------------------------------------------------------------


def _rules(page: pdfium.PdfPage) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """(horizontal, vertical) rules: (position, start, end) in page coordinates."""
    horizontal, vertical = [], []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if height <= RULE_THICKNESS and width >= MIN_RULE:
            horizontal.append(((bottom + top) / 2, left, right))
        elif width <= RULE_THICKNESS and height >= MIN_RULE:
            vertical.append(((left + right) / 2, bottom, top))
        elif width >= MIN_RULE and height >= MIN_RULE:  # a rectangle: its four edges
            horizontal += [(bottom, left, right), (top, left, right)]
            vertical += [(left, bottom, top), (right, bottom, top)]
    return horizontal, vertical


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _covers(rules: list[tuple[float, float, float]], at: float, start: float, end: float) -> bool:
    """Whether a rule at ``at`` runs from ``start`` to ``end`` (most of the way)."""
    need = (end - start) * 0.6
    return any(abs(pos - at) <= SNAP and min(b, end) - max(a, start) >= need for pos, a, b in rules)


def _tables(page: pdfium.PdfPage, chars: list[_Char]) -> tuple[list[_Table], set[int]]:
    """Tables ruled on the page, and the indices of the characters they hold."""
    horizontal, vertical = _rules(page)
    if len(horizontal) < 2 or len(vertical) < 2:
        return [], set()
    tables: list[_Table] = []
    taken: set[int] = set()
    for box in _table_boxes(horizontal, vertical):
        left, bottom, right, top = box
        hs = [r for r in horizontal if bottom - SNAP <= r[0] <= top + SNAP and r[2] > left and r[1] < right]
        vs = [r for r in vertical if left - SNAP <= r[0] <= right + SNAP and r[2] > bottom and r[1] < top]
        xs = _snap([r[0] for r in vs])
        ys = _snap([r[0] for r in hs])[::-1]  # top to bottom
        if len(xs) < 3 or len(ys) < 2:
            continue  # one column: a frame around text (a 专栏 box), read as text
        inside = [c for c in chars if left <= c.cx <= right and bottom <= c.cy <= top]
        grid = _grid(xs, ys, hs, vs, inside)
        if grid is None:
            continue
        tables.append(_Table(top, grid))
        taken |= {c.index for c in inside}
    return tables, taken


def _table_boxes(
    horizontal: list[tuple[float, float, float]], vertical: list[tuple[float, float, float]]
) -> list[tuple[float, float, float, float]]:
    """Bounding boxes of groups of rules that touch each other (one group per table)."""
    rules = [(a, pos - SNAP, b, pos + SNAP) for pos, a, b in horizontal]
    rules += [(pos - SNAP, a, pos + SNAP, b) for pos, a, b in vertical]
    groups: list[list[float]] = []
    for left, bottom, right, top in sorted(rules, key=lambda r: -r[3]):
        for g in groups:
            if left <= g[2] + SNAP and right >= g[0] - SNAP and bottom <= g[3] + SNAP and top >= g[1] - SNAP:
                g[0], g[1], g[2], g[3] = min(g[0], left), min(g[1], bottom), max(g[2], right), max(g[3], top)
                break
        else:
            groups.append([left, bottom, right, top])
    merged = True
    while merged:  # groups that grew into each other
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                a, b = groups[i], groups[j]
                if a[0] <= b[2] and a[2] >= b[0] and a[1] <= b[3] and a[3] >= b[1]:
                    a[0], a[1], a[2], a[3] = (
                        min(a[0], b[0]),
                        min(a[1], b[1]),
                        max(a[2], b[2]),
                        max(a[3], b[3]),
                    )
                    del groups[j]
                    merged = True
                    break
            if merged:
                break
    return [(g[0] + SNAP, g[1] + SNAP, g[2] - SNAP, g[3] - SNAP) for g in groups]


def _grid(
    xs: list[float],
    ys: list[float],
    hs: list[tuple[float, float, float]],
    vs: list[tuple[float, float, float]],
    chars: list[_Char],
) -> list[list[list[_Char] | None]] | None:
    rows_n, cols_n = len(ys) - 1, len(xs) - 1
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # grid cell -> the cell it is merged into
    beside: set[tuple[int, int]] = set()  # merged into the cell on their left
    for r in range(rows_n):
        for c in range(cols_n):
            top, bottom = ys[r], ys[r + 1]
            left, right = xs[c], xs[c + 1]
            if c > 0 and not _covers(vs, left, bottom, top):
                owner[(r, c)] = owner.get((r, c - 1), (r, c - 1))
                beside.add((r, c))
            elif r > 0 and not _covers(hs, top, left, right):
                owner[(r, c)] = owner.get((r - 1, c), (r - 1, c))
    cells: dict[tuple[int, int], list[_Char]] = {}
    for ch in chars:
        at_col = next((k for k in range(cols_n) if xs[k] <= ch.cx <= xs[k + 1]), None)
        at_row = next((k for k in range(rows_n) if ys[k + 1] <= ch.cy <= ys[k]), None)
        if at_row is None or at_col is None:
            continue
        cells.setdefault(owner.get((at_row, at_col), (at_row, at_col)), []).append(ch)
    if not cells:
        return None
    grid: list[list[list[_Char] | None]] = []
    for r in range(rows_n):
        row: list[list[_Char] | None] = []
        for c in range(cols_n):
            if (r, c) in beside:
                continue  # a cell wider than the grid is printed once, as text files print it
            row.append(None if (r, c) in owner else sorted(cells.get((r, c), []), key=lambda ch: ch.index))
        grid.append(row)
    return [row for row in grid if any(cell for cell in row)]


# --- pages ---------------------------------------------------------------------------------------


def _read_page(page: pdfium.PdfPage, number: int) -> _Page:
    width, height = page.get_size()
    textpage = page.get_textpage()
    text, chars = _chars(textpage)
    real = [c for c in chars if c is not None]
    tables, taken = _tables(page, real)
    lines = _lines([c for c in real if c.index not in taken])
    return _Page(number, width, height, text, lines, tables)


def _band_key(line: _Line) -> str:
    """A header or footer line without its page number, to find it repeated on other pages."""
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s+", "", line.text))


def _remove_running_lines(pages: list[_Page]) -> None:
    def in_band(page: _Page, line: _Line) -> bool:
        return line.bottom >= page.height * (1 - MARGIN_BAND) or line.top <= page.height * MARGIN_BAND

    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_band_key(line) for line in page.lines if in_band(page, line)})
    repeated = {key for key, n in counts.items() if n >= max(3, RUNNING_SHARE * len(pages))}
    for page in pages:
        page.lines = [
            line
            for line in page.lines
            if not (in_band(page, line) and (PAGE_NUMBER.match(line.text) or _band_key(line) in repeated))
        ]


@dataclass
class _Layout:
    left: float
    right: float
    char: float  # a body character's width
    size: float  # the body font size
    pitch: float  # the distance between two lines of a body paragraph


def _layout(pages: list[_Page]) -> _Layout:
    lines = [line for page in pages for line in page.lines]
    if not lines:
        return _Layout(0, 0, 10, 10, 12)
    size = statistics.median(line.size for line in lines)
    lefts = Counter(round(line.left) for line in lines)
    left = float(min(x for x, n in lefts.items() if n >= 0.2 * max(lefts.values())))
    rights = sorted(line.right for line in lines)
    right = rights[int(0.9 * (len(rights) - 1))]
    steps = [
        a.bottom - b.bottom
        for page in pages
        for a, b in itertools.pairwise(page.lines)
        if abs(a.size - size) < 0.5 and abs(b.size - size) < 0.5 and a.bottom > b.bottom
    ]
    pitch = statistics.median(steps) if steps else 1.5 * size
    return _Layout(left, right, size, size, pitch)


def _continues(a: _Line, b: _Line, layout: _Layout, same_page: bool) -> bool:
    """Whether line ``b`` continues the paragraph of line ``a`` (a hard wrap): it follows at the
    paragraph's line pitch (a wider gap is the space between paragraphs), in the same font."""
    if a.hint != b.hint or b.hint == "table" or abs(a.size - b.size) > 0.5:
        return False
    if (
        a.hint != "large"
        and same_page
        and a.bottom - b.bottom > PARAGRAPH_GAP * layout.pitch * max(a.size, 1) / max(layout.size, 1)
    ):
        return False
    reaches_right = a.right >= layout.right - RIGHT_MARGIN_CHARS * max(a.size, layout.char)
    if a.hint == "large":  # a heading wrapped in its large font, centred or not
        return reaches_right
    starts_left = b.left <= layout.left + LEFT_MARGIN_CHARS * layout.char
    return reaches_right and starts_left


# --- the reader ----------------------------------------------------------------------------------


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise InputError(name, "the PDF is encrypted with a password: save a copy without one") from err
        raise InputError(name, f"cannot read the PDF: {err}") from err


def page_texts_of(data: bytes) -> list[str]:
    """The text of each page, one character per PDFium character index."""
    document = pdfium.PdfDocument(data)
    try:
        return [_chars(page.get_textpage())[0] for page in document]
    finally:
        document.close()


def read_pdf(data: bytes, name: str) -> Extracted:
    document = _open(data, name)
    try:
        pages = [_read_page(document[k], k + 1) for k in range(len(document))]
    finally:
        document.close()
    letters = sum(1 for p in pages for line in p.lines for c in line.chars if c.text.isalnum())
    letters += sum(1 for p in pages for t in p.tables for row in t.rows for cell in row for c in cell or [])
    if letters < MIN_LETTERS_PER_PAGE * max(len(pages), 1) / 4:
        raise InputError(
            name,
            f"a scanned PDF: its {len(pages)} page(s) have no text layer (only {letters} letters), and "
            "plangraph does not do OCR. Run OCR first (for example `ocrmypdf -l chi_sim in.pdf out.pdf`) "
            "and build the result, or give the text as a .txt file",
        )
    _remove_running_lines(pages)
    layout = _layout(pages)
    for page in pages:
        for line in page.lines:
            if line.size >= HEADING_SIZE_RATIO * layout.size:
                line.hint = "large"
    builder = TextBuilder("pdf")
    previous: _Line | None = None
    previous_page = 0
    for page in pages:
        part = builder.part(f"page {page.number}", page.number)
        # a table goes before the first line below its top
        ordered: list[_Line | _Table] = list(page.lines)
        for table in page.tables:
            at = next(
                (k for k, item in enumerate(ordered) if isinstance(item, _Line) and item.top < table.top),
                len(ordered),
            )
            ordered.insert(at, table)
        for item in ordered:
            if isinstance(item, _Table):
                if previous is not None:
                    builder.end_line(previous.hint)
                previous = None
                _write_table(builder, item, part)
                continue
            same_page = previous is not None and previous_page == page.number
            if previous is not None and not _continues(previous, item, layout, same_page):
                builder.end_line(previous.hint)
            elif previous is not None:
                _join_space(builder, previous, item)
            _write_chars(builder, item, part)
            previous, previous_page = item, page.number
    if previous is not None:
        builder.end_line(previous.hint)
    extracted = builder.result("pdf")
    extracted.page_texts = [page.text for page in pages]
    return extracted


def _join_space(builder: TextBuilder, a: _Line, b: _Line) -> None:
    """Joining a hard wrap: nothing between CJK text, a space between two Latin words."""
    last, first = a.chars[-1].text, b.chars[0].text
    if last.isascii() and last.isalnum() and first.isascii() and first.isalnum():
        builder.add(" ")


def _write_table(builder: TextBuilder, table: _Table, part: int) -> None:
    for row in table.rows:
        for k, cell in enumerate(row):
            if k:
                builder.add("\t")
            mark = builder.pieces
            previous: _Line | None = None
            for line in _lines(cell or []):
                if previous is not None:
                    _join_space(builder, previous, line)  # a line break inside the cell
                _write_chars(builder, line, part)
                previous = line
            builder.trim_cell(mark)
        builder.end_line("table")


def _write_chars(builder: TextBuilder, line: _Line, part: int) -> None:
    for c in line.chars:
        if c.index < 0:
            builder.add(c.text)  # a space standing for a gap
        else:
            builder.add(c.text, part, c.index)


#: Scale of a rendered page for the source view (1 = 72 dpi).
RENDER_SCALE = 1.6


def render_page(data: bytes, number: int) -> bytes:
    """PNG of page ``number`` (1-based), for the source view."""
    document = pdfium.PdfDocument(data)
    try:
        image = document[number - 1].render(scale=RENDER_SCALE).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def char_boxes(data: bytes, number: int, start: int, end: int) -> list[tuple[float, float, float, float]]:
    """Boxes of the characters [start, end) of page ``number``, as shares of the page's width and
    height from its top left (left, top, width, height), one per line of the quote."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[number - 1]
        width, height = page.get_size()
        textpage = page.get_textpage()
        count = textpage.count_chars()
        boxes: list[list[float]] = []
        for i in range(max(start, 0), min(end, count)):
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            if right <= left:
                continue
            last = boxes[-1] if boxes else None
            if last is not None and abs(last[1] - top) < 2 and left >= last[2] - 2:
                last[2] = max(last[2], right)
                last[3] = min(last[3], bottom)
            else:
                boxes.append([left, top, right, bottom])
    finally:
        document.close()
    return [(x0 / width, 1 - y1 / height, (x1 - x0) / width, (y1 - y0) / height) for x0, y1, x1, y0 in boxes]
