"""HTML pages: the document a portal page publishes, without the portal around it.

Parsed with lxml (libxml2's HTML parser: BSD licence, maintained for twenty years, tolerant of
the broken markup portals serve, wheels with libxml2 inside). The steps:

1. **Decode.** The charset a page declares (``<meta charset>`` or ``http-equiv``) is looked up
   the way browsers do (the WHATWG Encoding Standard's label table: ``gb2312`` means GBK, read
   with the GB18030 decoder) and then *checked against the bytes*: a page that declares one
   charset and is written in another is decoded by what fits, and a note says so.
2. **Find the content.** Every element is weighed by the letters of its text that are not link
   text. From ``<body>`` down, the reader follows the child that holds most of its parent's
   weight (or the first of two near-identical copies, as pages with a desktop and a mobile
   layout carry); where no child dominates, that element is the content. Menus, headers,
   footers and side bars fall outside it.
3. **Find the title.** The page's own heading for the content (the ``<h1>``, or the element that
   best matches the start of ``<title>``) just before the content, never the ``<title>`` itself
   (that is the portal's: "…全文_中华人民共和国最高人民检察院"). A headline tail of the portal's
   ("全文", "全文发布") is left out. It becomes the first line unless the content starts with it.
4. **Read the content** in document order: every block element a line, ``<br>`` a line break,
   white space collapsed as a browser does; scripts, hidden elements, forms and link lists
   (share bars, related news) left out. A ``<table>`` of data becomes one line per row with its
   cells separated by tabs, a merged cell (rowspan/colspan) printed once and empty elsewhere, so
   the indicator-table reader gets the rows and cells the page has. A table used as a frame (one
   cell, or cells holding whole paragraphs) is read as the text it frames.

Every character keeps its place: the element it is in (XPath) and its offset in that element's
``textContent``.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from importlib import resources

import lxml.html
from lxml import etree

from ..model import InputError
from .base import Extracted, TextBuilder

# --- rules as data ---------------------------------------------------------------------------

#: WHATWG Encoding Standard (https://encoding.spec.whatwg.org/#names-and-labels): labels whose
#: bytes browsers decode with a larger charset than the label names. Python's codec of the label
#: itself would reject pages browsers show correctly.
BROWSER_ENCODINGS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "iso-ir-58": "gb18030",
    "gb_2312-80": "gb18030",
    "gb_2312": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "euc-kr": "cp949",
}

#: Elements whose content is never document text (their characters still count for offsets).
NOT_TEXT = frozenset(
    [
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "video",
        "audio",
        "button",
        "select",
        "option",
        "textarea",
        "input",
        "map",
        "nav",
        "aside",
        "footer",
    ]
)

#: Elements that start and end a line of text.
BLOCKS = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "menu",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
        "body",
        "html",
    ]
)
HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
BOLD = frozenset(["b", "strong"])

#: A child holding this share of its parent's text weight is where the content continues.
DOMINANT_SHARE = 0.75
#: Two children whose opening text shares this much are two layouts of the same content.
DUPLICATE_SIMILARITY = 0.6
#: How many letters of each are compared.
SIMILARITY_LETTERS = 20_000
#: A container whose text is at least this share link text, with 2+ links, is a list of links.
LINK_LIST_SHARE = 0.5
#: A table cell holding more letters than this is a frame around paragraphs, not a data cell.
FRAME_CELL_LETTERS = 400
#: Text with this many non-blank lines and no markup to lay it out is laid out by its line breaks.
PREFORMATTED_MIN_LINES = 10
#: How far before the content the page's heading is looked for (ancestor levels).
HEADING_SEARCH_LEVELS = 4
#: A heading line is at most this long (letters).
MAX_HEADING_LETTERS = 120

WHITE = " \t\n\r\f\xa0"


def _headline_affixes() -> tuple[list[str], list[str]]:
    """Tails and heads portals add to a document's title in their headline (``headline_affixes.txt``)."""
    tails: list[str] = []
    heads: list[str] = []
    text = resources.files("plangraph.readers").joinpath("headline_affixes.txt").read_text(encoding="utf-8")
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        kind, _, value = line.partition(" ")
        (tails if kind == "tail" else heads).append(value.strip())
    return sorted(tails, key=len, reverse=True), sorted(heads, key=len, reverse=True)


# --- decoding --------------------------------------------------------------------------------


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` element (read by lxml from the bytes taken as
    Latin-1, which keeps every ASCII tag intact whatever the real encoding)."""
    head = data[: 64 * 1024].decode("latin-1")
    try:
        root = lxml.html.document_fromstring(head.encode("utf-8"), parser=_parser())
    except (etree.ParserError, ValueError):
        return None
    for meta in root.iter("meta"):
        if meta.get("charset"):
            return meta.get("charset", "").strip().lower() or None
        if (meta.get("http-equiv") or "").strip().lower() == "content-type":
            message = Message()
            message["content-type"] = meta.get("content") or ""
            charset = message.get_param("charset")
            if isinstance(charset, str) and charset.strip():
                return charset.strip().lower()
    return None


def _first_bad_byte(data: bytes, encoding: str) -> int | None:
    try:
        data.decode(encoding)
    except UnicodeDecodeError as err:
        return err.start
    return None


def decode_html(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """(text, encoding used, notes) of an HTML page."""
    from ..ingest import decode_bytes

    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff"), encoding, []
    declared = declared_charset(data)
    notes: list[str] = []
    if declared:
        try:
            label = codecs.lookup(declared).name
        except LookupError:
            notes.append(f"the page declares an unknown charset {declared!r}; the encoding was detected")
        else:
            candidates = [label]
            browser = BROWSER_ENCODINGS.get(declared) or BROWSER_ENCODINGS.get(label)
            if browser and codecs.lookup(browser).name != label:
                candidates.append(codecs.lookup(browser).name)
            bad = _first_bad_byte(data, label)
            for encoding in candidates:
                if _first_bad_byte(data, encoding) is None:
                    if encoding != label:
                        notes.append(
                            f"the page declares charset {declared} but its bytes are not {declared} "
                            f"(byte 0x{data[bad or 0]:02x} at offset {bad}); decoded as {encoding}, "
                            "as browsers do"
                        )
                    return (
                        data.decode(encoding),
                        encoding if encoding == label else f"{encoding} (declared {declared})",
                        notes,
                    )
            notes.append(
                f"the page declares charset {declared} but its bytes are not {declared} "
                f"(byte 0x{data[bad or 0]:02x} at offset {bad}); the encoding was detected"
            )
    text, encoding = decode_bytes(data, name)
    return text, encoding, notes


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=True)


# --- weighing elements -----------------------------------------------------------------------


def _letters(text: str | None) -> int:
    """Characters that carry content: letters (CJK included) and digits."""
    if not text:
        return 0
    return sum(1 for ch in text if ch.isalnum())


def _is_element(node: object) -> bool:
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def _hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = (el.get("style") or "").lower()
    for declaration in style.split(";"):
        prop, _, value = declaration.partition(":")
        prop, value = prop.strip(), value.strip().replace(" ", "")
        if (prop == "display" and value.startswith("none")) or (
            prop == "visibility" and value.startswith("hidden")
        ):
            return True
    return False


@dataclass
class _Weight:
    letters: int = 0  # letters of the text that is not inside a link
    links: int = 0  # letters inside links
    anchors: int = 0  # number of links


def _weigh(root: etree._Element) -> dict[etree._Element, _Weight]:
    """Text weight of every element, children before parents (post-order)."""
    weights: dict[etree._Element, _Weight] = {}
    order = [el for el in root.iter() if _is_element(el)]
    for el in reversed(order):
        w = _Weight()
        if el.tag in NOT_TEXT:
            weights[el] = w
            continue
        in_link = el.tag == "a"
        own = _letters(el.text)
        for child in el:
            if _is_element(child):
                cw = weights[child]
                w.letters += cw.letters
                w.links += cw.links
                w.anchors += cw.anchors
            own += _letters(child.tail)
        if in_link:
            w.links += own + w.letters
            w.letters = 0
            w.anchors += 1
        else:
            w.letters += own
        weights[el] = w
    return weights


def _opening(el: etree._Element, limit: int = 400) -> str:
    """The first ``limit`` letters of an element's text (NFKC)."""
    letters: list[str] = []
    for text in el.itertext():
        letters += [ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum()]
        if len(letters) >= limit:
            break
    return "".join(letters[:limit])


def _shingles(el: etree._Element) -> set[str]:
    text = _opening(el, SIMILARITY_LETTERS)
    return {text[i : i + 8] for i in range(max(len(text) - 7, 0))}


def _similar(a: etree._Element, b: etree._Element) -> bool:
    """Whether two elements hold the same text: most 8-letter pieces of the smaller are in the larger."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return False
    return len(sa & sb) / min(len(sa), len(sb)) >= DUPLICATE_SIMILARITY


def find_content(body: etree._Element, weights: dict[etree._Element, _Weight]) -> etree._Element:
    """The element that holds the page's main text (see the module docstring)."""
    node = body
    while True:
        kids = sorted(
            (c for c in node if _is_element(c) and weights[c].letters > 0),
            key=lambda c: weights[c].letters,
            reverse=True,
        )
        if not kids:
            return node
        total = weights[node].letters
        best = kids[0]
        if weights[best].letters >= DOMINANT_SHARE * total:
            node = best
            continue
        pair = kids[:2]
        if (
            len(pair) == 2
            and sum(weights[c].letters for c in pair) >= DOMINANT_SHARE * total
            and _similar(pair[0], pair[1])
        ):
            # two layouts (desktop, mobile) of one text: the first in document order
            node = min(pair, key=lambda c: list(node).index(c))
            continue
        return node


# --- reading text ----------------------------------------------------------------------------


class _Reader:
    """Walks elements in document order and writes lines into a TextBuilder.

    ``stack`` holds the open block elements with how many characters of their ``textContent``
    have been passed: a character's place is (innermost block, its count there).
    """

    def __init__(
        self, tree: etree._ElementTree, builder: TextBuilder, weights: dict[etree._Element, _Weight]
    ):
        self.tree = tree
        self.out = builder
        self.weights = weights
        self.stack: list[list] = []  # [element, part index or None, characters passed]
        self.in_heading = 0
        self.in_bold = 0
        self.line_bold = True  # every letter of the line so far is bold
        self.line_hint = ""
        self.preformatted = 0  # inside <pre> or text laid out by its line breaks

    # -- offsets --

    def _open(self, el: etree._Element) -> None:
        self.stack.append([el, None, 0])

    def _close(self) -> None:
        _, _, passed = self.stack.pop()
        if self.stack:  # the parent has passed its child's characters too
            self.stack[-1][2] += passed

    def _skip(self, el: etree._Element) -> None:
        """Pass over an element's characters without reading them."""
        n = len(el.text_content()) if _is_element(el) else 0
        if self.stack:
            self.stack[-1][2] += n

    def _part(self) -> int:
        entry = self.stack[-1]
        if entry[1] is None:
            entry[1] = self.out.part(self.tree.getpath(entry[0]))
        return entry[1]

    # -- text --

    def text(self, text: str | None) -> None:
        if not text:
            return
        if self.preformatted:
            self._preformatted_text(text)
            return
        part = self._part()
        base = self.stack[-1][2]
        i, n = 0, len(text)
        while i < n:
            if text[i] in WHITE:
                j = i
                while j < n and text[j] in WHITE:
                    j += 1
                line = self.out.line_text
                if line and not line.endswith((" ", "\t")):
                    self.out.add(" ", part, base + i)
                i = j
            else:
                j = i
                while j < n and text[j] not in WHITE:
                    j += 1
                self.out.add(text[i:j], part, base + i)
                if not self.in_bold and any(ch.isalnum() for ch in text[i:j]):
                    self.line_bold = False
                i = j
        self.stack[-1][2] += n

    def _preformatted_text(self, text: str) -> None:
        """Line breaks are line breaks; other white space collapses as usual."""
        self.preformatted -= 1
        for k, piece in enumerate(text.split("\n")):
            if k:
                self.stack[-1][2] += 1
                self.end_line()
            self.text(piece)
        self.preformatted += 1

    def end_line(self) -> None:
        hint = self.line_hint
        if not hint and self.line_bold and self.out.line_text.strip():
            hint = "bold"
        self.out.end_line(hint)
        self.line_hint = ""
        self.line_bold = True

    # -- elements --

    def read(self, root: etree._Element) -> None:
        """The text of ``root`` (its offsets count from the start of its ``textContent``)."""
        self._open(root)
        self._inside(root)
        self.end_line()
        self.stack.pop()

    def _inside(self, el: etree._Element) -> None:
        """The text and the children of an element, in document order."""
        bold = el.tag in BOLD or _bold_style(el)
        pre = el.tag == "pre" or _laid_out_by_line_breaks(el)
        self.in_bold += bold
        self.preformatted += pre
        self.text(el.text)
        for child in el:
            if _is_element(child):
                self.element(child)
            self.text(child.tail)
        self.in_bold -= bold
        self.preformatted -= pre

    def _is_link_list(self, el: etree._Element) -> bool:
        w = self.weights[el]
        return w.anchors >= 2 and w.links >= LINK_LIST_SHARE * (w.links + w.letters)

    def element(self, el: etree._Element) -> None:
        tag = el.tag
        if (
            tag in NOT_TEXT
            or _hidden(el)
            or (tag in BLOCKS and tag not in ("td", "th") and self._is_link_list(el))
        ):
            self._skip(el)
            return
        if tag == "table" and is_data_table(el):
            self.end_line()
            self.table(el)
            return
        if tag == "br":
            if not self.in_heading:
                self.end_line()
            return
        block = tag in BLOCKS
        if block:
            self.end_line()
            self._open(el)
            if tag in HEADINGS:
                self.in_heading += 1
                self.line_hint = tag
        self._inside(el)
        if block:
            if tag in HEADINGS:
                self.line_hint = self.line_hint or tag
            self.end_line()
            if tag in HEADINGS:
                self.in_heading -= 1
            self._close()

    def table(self, table: etree._Element) -> None:
        """One line per row, cells separated by tabs; a merged cell is printed once."""
        self._open(table)
        caption = table.find("caption")
        if caption is not None:
            self.cell(caption)
            self.out.end_line("caption")
        covered: dict[tuple[int, int], bool] = {}  # grid positions taken by rowspans from above
        for r, row in enumerate(_rows(table)):
            col = 0
            first = True
            for cell in row:
                while covered.get((r, col)):
                    self.out.add("\t")
                    col += 1
                if not first:
                    self.out.add("\t")
                first = False
                self.cell(cell)
                span_cols = _span(cell.get("colspan"))
                span_rows = _span(cell.get("rowspan"))
                for dr in range(1, span_rows):
                    for dc in range(span_cols):
                        covered[(r + dr, col + dc)] = True
                for _ in range(span_cols - 1):
                    self.out.add("\t")
                col += span_cols
            while covered.get((r, col)):
                self.out.add("\t")
                col += 1
            self.out.end_line("table")
        self._close_table(table)

    def _close_table(self, table: etree._Element) -> None:
        # the table's characters are passed whole: rows were read through their cells' offsets
        self.stack.pop()
        if self.stack:
            self.stack[-1][2] += len(table.text_content())

    def cell(self, cell: etree._Element) -> None:
        """A cell's text on the current line (its own line breaks become spaces)."""
        self.stack.append([cell, None, 0])
        mark = self.out.pieces
        for piece in _cell_pieces(cell):
            if isinstance(piece, str):
                self.text(piece)
            else:
                self._skip(piece)
        self.out.trim_cell(mark)
        self.stack.pop()


def _cell_pieces(cell: etree._Element) -> Iterator[str | etree._Element]:
    """A cell's text nodes in order, and the elements to pass over (scripts, hidden ones)."""
    yield cell.text or ""
    for child in cell:
        if _is_element(child):
            if child.tag in NOT_TEXT or _hidden(child):
                yield child
            else:
                yield from _cell_pieces(child)
        yield child.tail or ""


def _laid_out_by_line_breaks(el: etree._Element) -> bool:
    """Text that only its line breaks lay out: many lines in an element with no paragraph or
    <br> inside (a portal's stylesheet shows it with ``white-space: pre-wrap``; collapsed, it
    would be one paragraph of the whole document)."""
    if any(_is_element(c) and (c.tag in BLOCKS or c.tag == "br") for c in el):
        return False
    texts = [el.text or "", *((c.tail or "") for c in el)]
    lines = sum(1 for t in texts for line in t.split("\n") if line.strip())
    return lines >= PREFORMATTED_MIN_LINES


def _bold_style(el: etree._Element) -> bool:
    style = (el.get("style") or "").lower().replace(" ", "")
    return "font-weight:bold" in style or "font-weight:700" in style


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _rows(table: etree._Element) -> list[list[etree._Element]]:
    """The rows of a table (not of tables nested in its cells), each a list of its cells."""
    rows = []
    for tr in table.iter("tr"):
        owner = next((a for a in tr.iterancestors("table")), None)
        if owner is not table:
            continue
        rows.append([c for c in tr if _is_element(c) and c.tag in ("td", "th")])
    return [r for r in rows if r]


def is_data_table(table: etree._Element) -> bool:
    """A table of rows and columns, not a frame drawn around text (one cell, or a cell that holds
    paragraphs or a table of its own)."""
    rows = _rows(table)
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return False
    for row in rows:
        for cell in row:
            if cell.find(".//table") is not None:
                return False
            if _letters(cell.text_content()) > FRAME_CELL_LETTERS:
                return False
    return True


# --- the title -------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


def _common_run(a: str, b: str) -> int:
    """Length of the longest common substring (both short: a heading and a <title>)."""
    best = 0
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0] * (len(b) + 1)
        for j, other in enumerate(b, start=1):
            if ch == other:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def _preceding(content: etree._Element) -> Iterator[etree._Element]:
    """Elements before the content, nearest first, up to a few ancestor levels that have any
    (wrappers around the content alone do not count)."""
    node = content
    levels = 0
    while levels < HEADING_SEARCH_LEVELS:
        parent = node.getparent()
        if parent is None:
            return
        siblings = [s for s in node.itersiblings(preceding=True) if _is_element(s)]
        yield from siblings
        levels += bool(siblings)
        node = parent


@dataclass
class _Heading:
    element: etree._Element
    score: tuple[int, int, int]


def find_heading(
    content: etree._Element, page_title: str, weights: dict[etree._Element, _Weight]
) -> etree._Element | None:
    """The element that heads the content: the best match of the page's <title> among headings and
    short blocks just before the content (an <h1>-<h3> preferred), else the nearest heading."""
    title = _normal(page_title)
    best: _Heading | None = None
    for distance, top in enumerate(_preceding(content)):
        if top.tag in NOT_TEXT or _hidden(top):
            continue
        for el in top.iter():
            if not _is_element(el) or el.tag in NOT_TEXT or el.tag == "a":
                continue
            if el.tag not in HEADINGS and el.tag not in BLOCKS:
                continue
            text = _normal(_heading_text(el))
            if not 4 <= len(text) <= MAX_HEADING_LETTERS or weights[el].links > weights[el].letters:
                continue
            overlap = _common_run(text, title) if title else 0
            matches = overlap >= min(len(text), 6) or overlap >= 0.6 * len(text)
            is_heading = el.tag in ("h1", "h2", "h3")
            if not matches and not is_heading:
                continue
            score = (overlap if matches else 0, int(is_heading), -distance)
            if best is None or score > best.score:
                best = _Heading(el, score)
    return best.element if best else None


def _heading_text(el: etree._Element) -> str:
    """The first line of an element's text: its own text and inline children, up to a block."""
    parts = [el.text or ""]
    for child in el:
        if _is_element(child) and (child.tag in BLOCKS or child.tag in NOT_TEXT or child.tag == "small"):
            break
        if _is_element(child):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return "".join(parts).strip()


# --- the reader ------------------------------------------------------------------------------


def read_html(data: bytes, name: str) -> Extracted:
    text, encoding, notes = decode_html(data, name)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=_parser())
    except (etree.ParserError, ValueError) as err:
        raise InputError(name, f"cannot parse the HTML: {err}") from err
    tree = root.getroottree()
    body = root.find("body")
    if body is None:
        body = root
    weights = _weigh(root)
    content = find_content(body, weights)
    page_title = root.findtext(".//title") or ""
    heading = find_heading(content, page_title, weights)

    builder = TextBuilder("html")
    if heading is not None and not _opens_with(content, _heading_text(heading)):
        _write_heading(tree, heading, builder, weights)
    reader = _Reader(tree, builder, weights)
    reader.read(content)
    return builder.result(encoding, notes)


def _opens_with(content: etree._Element, heading: str) -> bool:
    """Whether the content prints the heading itself among its first lines."""
    wanted = _normal(heading)
    return bool(wanted) and wanted in _opening(content, 3 * MAX_HEADING_LETTERS)


def _write_heading(
    tree: etree._ElementTree,
    heading: etree._Element,
    builder: TextBuilder,
    weights: dict[etree._Element, _Weight],
) -> None:
    """The heading as the first line, headline affixes of the portal left out."""
    tails, heads = _headline_affixes()
    part = builder.part(tree.getpath(heading))
    reader = _Reader(tree, builder, weights)
    reader.stack.append([heading, part, 0])
    reader.in_heading += 1
    reader.text(heading.text)
    for child in heading:
        if _is_element(child) and (child.tag in BLOCKS or child.tag in NOT_TEXT or child.tag == "small"):
            break
        if _is_element(child):
            for piece in _cell_pieces(child):
                if isinstance(piece, str):
                    reader.text(piece)
                else:
                    reader._skip(piece)
        reader.text(child.tail)
    pieces = builder._line  # trim the portal's headline affixes from the ends of the line
    line = "".join(t for t, _, _ in pieces).strip()
    for tail in tails:
        if line.endswith(tail) and len(line) > len(tail) + 2:
            _cut_end(
                pieces,
                len(tail)
                + (len("".join(t for t, _, _ in pieces)) - len("".join(t for t, _, _ in pieces).rstrip())),
            )
            break
    line = "".join(t for t, _, _ in pieces).strip()
    for head in heads:
        if line.startswith(head) and len(line) > len(head) + 2:
            _cut_start(
                pieces,
                len(head)
                + (len("".join(t for t, _, _ in pieces)) - len("".join(t for t, _, _ in pieces).lstrip())),
            )
            break
    builder.end_line("title")


def _cut_end(pieces: list[tuple[str, int | None, int]], n: int) -> None:
    while n > 0 and pieces:
        text, part, offset = pieces[-1]
        if len(text) <= n:
            pieces.pop()
            n -= len(text)
        else:
            pieces[-1] = (text[:-n], part, offset)
            n = 0


def _cut_start(pieces: list[tuple[str, int | None, int]], n: int) -> None:
    while n > 0 and pieces:
        text, part, offset = pieces[0]
        if len(text) <= n:
            pieces.pop(0)
            n -= len(text)
        else:
            pieces[0] = (text[n:], part, offset + n)
            n = 0


def element_text(data: bytes, name: str, xpath: str) -> str | None:
    """The textContent of the element at ``xpath`` (as a mention's pg:sourcePart names it)."""
    text, _, _ = decode_html(data, name)
    root = lxml.html.document_fromstring(text.encode("utf-8"), parser=_parser())
    try:
        found = root.getroottree().xpath(xpath)
    except etree.XPathError:
        return None
    if not isinstance(found, list) or not found or not _is_element(found[0]):
        return None
    return str(found[0].text_content())
