"""Word files (.docx, as Word, WPS Office and LibreOffice save them): paragraphs, tables, text
boxes, footnotes and automatic numbering.

Read with the standard library's ``zipfile`` and lxml (the same well-kept parser as HTML pages):
a .docx is a ZIP of WordprocessingML parts, and reading the XML directly reaches what the
python-docx API leaves out (text boxes, footnotes, the numbers Word prints for numbered
paragraphs) and gives every paragraph its XPath for provenance.

- **Paragraphs** in body order (content controls, ``w:sdt``, opened), one line each; a line break
  (``w:br``) ends a line too. The paragraph's style name ("Heading 1", "标题 2") or outline level
  is kept as a hint; the numbering printed in the text still decides what a heading is.
- **Automatic numbering** (``w:numPr``): the number Word prints ("第一章", "（二）", "3.") is
  generated from ``numbering.xml`` and put before the text, since a plan numbered by Word has no
  number in its text. Bullets are left out. (Generated characters have no place in the original.)
- **Tables** become one line per row, cells separated by tabs; a cell spanning columns
  (``w:gridSpan``) is printed once, a cell merged from above (``w:vMerge``) is empty.
- **Text boxes** (``w:txbxContent``: a 专栏 is often one) are read after the paragraph they are
  anchored to; the fallback copy Word keeps for old readers (``mc:Fallback``) is skipped.
- **Footnotes and endnotes** are read at the end, each as a line ``[n] text``.
- Deleted text of tracked changes (``w:del``), field codes and running headers and footers are
  not read.

Offsets: the characters of a paragraph as python-docx's ``Paragraph.text`` gives them (the text of
``w:t``, and one character for each tab, break, ``w:sym`` or no-break hyphen), so
``document.paragraphs`` or the XPath find the quoted text again.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from ..model import InputError
from .base import Extracted, TextBuilder

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


#: Elements whose content is never text of the document.
SKIPPED = frozenset(
    _w(t)
    for t in [
        "del",
        "moveFrom",
        "instrText",
        "delText",
        "delInstrText",
        "fldChar",
        "pPr",
        "rPr",
        "tblPr",
        "trPr",
        "tcPr",
        "sectPr",
        "footnotePr",
        "endnotePr",
        "commentRangeStart",
        "commentReference",
    ]
) | {"{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}

#: Counters of automatic numbering (w:numFmt) -> how a number is printed.
CN_DIGITS = "〇一二三四五六七八九"
HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
#: How many characters of a footnote's number come before its text ("[12] ").
NOTE_MARK = "[{n}] "


def _chinese(n: int) -> str:
    """一 … 九十九 (Word's chineseCounting)."""
    if n < 10:
        return CN_DIGITS[n] if n else "〇"
    tens, units = divmod(n, 10)
    if n < 100:
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[units] if units else "")
    return "".join(CN_DIGITS[int(d)] for d in str(n))


def _roman(n: int) -> str:
    values = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = ""
    for value, letters in values:
        while n >= value:
            out += letters
            n -= value
    return out


def format_number(n: int, fmt: str) -> str | None:
    """A counter as Word prints it in ``fmt`` (None: a bullet or a format not printed)."""
    if fmt in ("decimal", "decimalZero"):
        return f"{n:02d}" if fmt == "decimalZero" else str(n)
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "chineseLegalSimplified",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
    ):
        return _chinese(n)
    if fmt == "ideographDigital":
        return "".join(CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("ideographTraditional",):
        return HEAVENLY_STEMS[(n - 1) % 10]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return CIRCLED[n - 1] if 0 < n <= len(CIRCLED) else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return None  # bullet, none, …


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    """numbering.xml: the levels of each list, and the counters while reading."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId -> ilvl -> level
    counters: dict[str, list[int]] = field(default_factory=dict)  # abstract list -> counters
    abstract_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, xml: bytes | None) -> _Numbering:
        numbering = cls()
        if not xml:
            return numbering
        root = etree.fromstring(xml)
        abstract: dict[str, dict[int, _Level]] = {}
        for a in root.iterfind("w:abstractNum", NS):
            levels = {}
            for lvl in a.iterfind("w:lvl", NS):
                level = _Level()
                for name, attr in (("numFmt", "fmt"), ("lvlText", "text")):
                    node = lvl.find(f"w:{name}", NS)
                    if node is not None:
                        setattr(level, attr, node.get(_w("val"), ""))
                start = lvl.find("w:start", NS)
                if start is not None:
                    level.start = int(start.get(_w("val"), "1") or 1)
                levels[int(lvl.get(_w("ilvl"), "0"))] = level
            abstract[a.get(_w("abstractNumId"), "")] = levels
        for num in root.iterfind("w:num", NS):
            ref = num.find("w:abstractNumId", NS)
            key = ref.get(_w("val"), "") if ref is not None else ""
            num_id = num.get(_w("numId"), "")
            numbering.levels[num_id] = abstract.get(key, {})
            numbering.abstract_of[num_id] = key
        return numbering

    def label(self, num_id: str, ilvl: int) -> str | None:
        """The next number of list ``num_id`` at level ``ilvl``, as printed."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels or num_id == "0":
            return None
        key = self.abstract_of.get(num_id, num_id)
        counters = self.counters.setdefault(key, [0] * 10)
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else levels[ilvl].start
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = 0
        text = levels[ilvl].text
        for k in range(ilvl + 1):
            level = levels.get(k, _Level())
            value = counters[k] or level.start
            printed = format_number(value, level.fmt)
            if printed is None:
                return None
            text = text.replace(f"%{k + 1}", printed)
        return text


class _Reader:
    def __init__(
        self,
        tree: etree._ElementTree,
        styles: dict[str, tuple[str, str | None]],
        numbering: _Numbering,
        builder: TextBuilder,
    ):
        self.tree = tree
        self.styles = styles  # style id -> (name, numId of the style)
        self.numbering = numbering
        self.out = builder
        self.text_boxes = 0
        self.footnote_refs: list[tuple[str, str]] = []  # (kind, id) in reading order

    # -- paragraphs --

    def paragraph(self, p: etree._Element, in_cell: bool = False) -> list[etree._Element]:
        """Write a paragraph's text; returns the text boxes anchored in it (read after it)."""
        part = self.out.part(self.tree.getpath(p))
        ppr = p.find("w:pPr", NS)
        style_id = ""
        hint = ""
        if ppr is not None:
            style = ppr.find("w:pStyle", NS)
            style_id = style.get(_w("val"), "") if style is not None else ""
            outline = ppr.find("w:outlineLvl", NS)
            if outline is not None:
                hint = f"outline {outline.get(_w('val'))}"
        name = self.styles.get(style_id, (style_id, None))[0]
        if name and name.lower() not in ("normal", "default paragraph style", "正文"):
            hint = hint or name
        label = self._number(ppr, style_id)
        if label:
            self.out.add(label + ("" if label.endswith(("、", " ", "\u3000")) or in_cell else " "))
        boxes: list[etree._Element] = []
        self._runs(p, part, [0], boxes)
        if not in_cell:
            self.out.end_line(hint)
        return boxes

    def _number(self, ppr: etree._Element | None, style_id: str) -> str | None:
        num_id, ilvl = None, 0
        if ppr is not None and (numpr := ppr.find("w:numPr", NS)) is not None:
            node = numpr.find("w:numId", NS)
            num_id = node.get(_w("val")) if node is not None else None
            level = numpr.find("w:ilvl", NS)
            ilvl = int(level.get(_w("val"), "0")) if level is not None else 0
        if num_id is None:
            num_id = self.styles.get(style_id, ("", None))[1]
        return self.numbering.label(num_id, ilvl) if num_id else None

    def _runs(self, el: etree._Element, part: int, passed: list[int], boxes: list[etree._Element]) -> None:
        """The characters of a paragraph, in order; ``passed`` counts them (python-docx's text)."""
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIPPED:
                continue
            if tag == _w("t"):
                text = child.text or ""
                self.out.add(text, part, passed[0])
                passed[0] += len(text)
            elif tag in (_w("tab"), _w("ptab")):
                self.out.add(" ", part, passed[0])  # a tab in prose is a space (tabs are table cells)
                passed[0] += 1
            elif tag in (_w("br"), _w("cr")):
                if child.get(_w("type")) in (None, "textWrapping"):
                    self.out.end_line()
                passed[0] += 1
            elif tag == _w("noBreakHyphen"):
                self.out.add("-", part, passed[0])
                passed[0] += 1
            elif tag == _w("sym"):
                code = child.get(_w("char"), "")
                with contextlib.suppress(ValueError):  # a symbol without a code is left out
                    self.out.add(chr(int(code, 16)), part, passed[0])
                passed[0] += 1
            elif tag == _w("txbxContent"):
                boxes.append(child)
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                kind = "footnote" if tag == _w("footnoteReference") else "endnote"
                self.footnote_refs.append((kind, child.get(_w("id"), "")))
            elif tag == _w("p"):  # a paragraph nested in a run's drawing: a text box of its own
                continue
            else:
                self._runs(child, part, passed, boxes)

    # -- blocks --

    def blocks(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == _w("p"):
                boxes = self.paragraph(child)
                for box in boxes:
                    self.text_boxes += 1
                    self.blocks(box)
            elif tag == _w("tbl"):
                self.table(child)
            elif tag in (_w("sdt"), _w("customXml")):
                content = child.find("w:sdtContent", NS) if tag == _w("sdt") else child
                if content is not None:
                    self.blocks(content)

    def table(self, tbl: etree._Element) -> None:
        for tr in tbl.iterfind("w:tr", NS):
            first = True
            for tc in tr.iterfind("w:tc", NS):
                if not first:
                    self.out.add("\t")
                first = False
                tcpr = tc.find("w:tcPr", NS)
                merge = tcpr.find("w:vMerge", NS) if tcpr is not None else None
                if merge is not None and merge.get(_w("val")) in (None, "continue"):
                    continue  # merged with the cell above: empty here
                mark = self.out.pieces
                for k, p in enumerate(tc.iter(_w("p"))):
                    if k and self.out.line_text and not self.out.line_text.endswith("\t"):
                        last = self.out.line_text[-1]
                        if last.isascii() and last.isalnum():
                            self.out.add(" ")
                    self.paragraph(p, in_cell=True)
                self.out.trim_cell(mark)
            self.out.end_line("table")


def _styles(xml: bytes | None) -> dict[str, tuple[str, str | None]]:
    if not xml:
        return {}
    root = etree.fromstring(xml)
    styles = {}
    for style in root.iterfind("w:style", NS):
        name = style.find("w:name", NS)
        num = style.find("w:pPr/w:numPr/w:numId", NS)
        styles[style.get(_w("styleId"), "")] = (
            name.get(_w("val"), "") if name is not None else "",
            num.get(_w("val")) if num is not None else None,
        )
    return styles


def read_docx(data: bytes, name: str) -> Extracted:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise InputError(name, f"not a readable Word file (a broken ZIP): {err}") from err
    with archive:
        names = set(archive.namelist())

        def part(path: str) -> bytes | None:
            return archive.read(path) if path in names else None

        document = part("word/document.xml")
        if document is None:
            raise InputError(name, "not a Word document (no word/document.xml inside)")
        try:
            tree = etree.ElementTree(etree.fromstring(document))
        except etree.XMLSyntaxError as err:
            raise InputError(name, f"the Word document's XML is broken: {err}") from err
        builder = TextBuilder("docx")
        reader = _Reader(
            tree, _styles(part("word/styles.xml")), _Numbering.parse(part("word/numbering.xml")), builder
        )
        body = tree.getroot().find("w:body", NS)
        if body is not None:
            reader.blocks(body)
        notes = []
        if reader.text_boxes:
            notes.append(f"{reader.text_boxes} text box(es) read after the paragraph each is anchored to")
        written = _notes(reader, builder, part("word/footnotes.xml"), part("word/endnotes.xml"))
        if written:
            notes.append(f"{written} footnote(s) or endnote(s) read at the end of the document as [n] lines")
    return builder.result("docx", notes)


def _notes(reader: _Reader, builder: TextBuilder, footnotes: bytes | None, endnotes: bytes | None) -> int:
    trees = {
        kind: etree.ElementTree(etree.fromstring(xml))
        for kind, xml in (("footnote", footnotes), ("endnote", endnotes))
        if xml
    }
    written = 0
    for n, (kind, note_id) in enumerate(reader.footnote_refs, start=1):
        tree = trees.get(kind)
        if tree is None:
            continue
        note = tree.getroot().find(f"w:{kind}[@w:id='{note_id}']", NS)
        if note is None:
            continue
        note_reader = _Reader(tree, reader.styles, reader.numbering, builder)
        builder.add(NOTE_MARK.format(n=n))
        for k, p in enumerate(note.iterfind("w:p", NS)):
            if k:
                builder.end_line("footnote")
            note_reader.paragraph(p, in_cell=True)
        builder.end_line("footnote")
        written += 1
    return written


def paragraph_text(data: bytes, xpath: str) -> str | None:
    """The text of the Word paragraph at ``xpath`` (as a mention's pg:sourcePart names it), as
    python-docx's Paragraph.text gives it: the offsets of pg:partStart/pg:partEnd."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = "word/footnotes.xml" if xpath.startswith("/w:footnotes") else "word/document.xml"
        if xpath.startswith("/w:endnotes"):
            part = "word/endnotes.xml"
        root = etree.fromstring(archive.read(part))
    prefixes = dict(NS)  # a text box's path has wps:, mc:, a: (declared where they are used)
    for el in root.iter():
        if isinstance(el.tag, str):
            prefixes.update((k, v) for k, v in el.nsmap.items() if k and k not in prefixes)
    try:
        found = root.getroottree().xpath(xpath, namespaces=prefixes)
    except etree.XPathError:
        return None
    if not isinstance(found, list) or not found or not isinstance(found[0], etree._Element):
        return None
    out: list[str] = []
    _paragraph_chars(found[0], out)
    return "".join(out)


def _paragraph_chars(el: etree._Element, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED or tag in (_w("txbxContent"), _w("p")):
            continue
        if tag == _w("t"):
            out.append(child.text or "")
        elif tag in (_w("tab"), _w("ptab")):
            out.append("\t")
        elif tag in (_w("br"), _w("cr")):
            out.append("\n")
        elif tag == _w("noBreakHyphen"):
            out.append("-")
        elif tag == _w("sym"):
            try:
                out.append(chr(int(child.get(_w("char"), ""), 16)))
            except ValueError:
                out.append("?")
        else:
            _paragraph_chars(child, out)
