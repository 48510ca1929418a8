"""What every format reader produces: the extracted text and a map back to the original file.

A reader turns an HTML page, a PDF or a Word file into plain text laid out the way the later
stages read a ``.txt`` file: one paragraph (or heading) per line, a table row as one line with its
cells separated by tabs. That extracted text is what mention offsets index into (``pg:start``,
``pg:end``, ``pg:quote``), exactly as the decoded text of a ``.txt`` file is.

Next to it the reader keeps a :class:`SourceMap`: for every run of extracted characters, the
*part* of the original it comes from and the offset in that part's own text:

- HTML: the element (its XPath, e.g. ``/html/body/div[2]/p[14]``) and offsets in its
  ``textContent``;
- PDF: the page (``page 13``, 1-based) and offsets in that page's text as PDFium numbers its
  characters;
- DOCX: the paragraph or table cell (``/w:document/w:body/w:tbl[2]/w:tr[3]/w:tc[2]/w:p[1]``) and
  offsets in the text of its runs.

Characters the reader generated (the tab between two cells, the line break between paragraphs, a
space standing for collapsed white space is mapped to the first white-space character) have no
run of their own, so a mention never points at something the original does not hold.
"""

from __future__ import annotations

import bisect
import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any

#: Space characters (Unicode category Zs) trimmed from the ends of a line or a table cell.
SPACES = "".join(chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Zs")

#: Version of the stored map (``<source>.map.json`` beside the extracted text).
MAP_VERSION = 1


@dataclass(frozen=True)
class Part:
    """A piece of the original file that has text of its own: an element, a page, a paragraph."""

    locator: str  # XPath of an HTML element or a DOCX paragraph / cell; "page N" for a PDF page
    page: int | None = None  # 1-based page number (PDF)


@dataclass(frozen=True)
class Run:
    """Extracted characters [start, start + length) are ``part``'s characters [offset, offset + length)."""

    start: int
    length: int
    part: int  # index into SourceMap.parts
    offset: int


@dataclass(frozen=True)
class Location:
    """Where one extracted character is in the original."""

    part: Part
    offset: int


@dataclass
class SourceMap:
    """From offsets of the extracted text to places in the original file."""

    format: str  # "html" | "pdf" | "docx"
    parts: list[Part] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)  # sorted by start, never overlapping
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)

    def locate(self, offset: int) -> Location | None:
        """The original place of the extracted character at ``offset`` (None: a generated one)."""
        if len(self._starts) != len(self.runs):
            self._starts = [r.start for r in self.runs]
        k = bisect.bisect_right(self._starts, offset) - 1
        if k < 0:
            return None
        run = self.runs[k]
        if offset >= run.start + run.length:
            return None
        return Location(self.parts[run.part], run.offset + offset - run.start)

    def locate_span(self, start: int, end: int) -> tuple[Location, Location] | None:
        """(first, last) original places of the extracted characters [start, end): the first and
        the last character that came from the original (generated ones at the edges skipped)."""
        first = next((loc for i in range(start, end) if (loc := self.locate(i)) is not None), None)
        if first is None:
            return None
        last = next(loc for i in range(end - 1, start - 1, -1) if (loc := self.locate(i)) is not None)
        return first, last

    def to_json(self) -> dict[str, Any]:
        return {
            "version": MAP_VERSION,
            "format": self.format,
            "parts": [[p.locator, p.page] for p in self.parts],
            "runs": [[r.start, r.length, r.part, r.offset] for r in self.runs],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceMap:
        if data.get("version") != MAP_VERSION:
            raise ValueError(f"unknown source map version {data.get('version')!r}")
        return cls(
            data["format"],
            [Part(locator, page) for locator, page in data["parts"]],
            [Run(*r) for r in data["runs"]],
        )

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))


@dataclass
class Extracted:
    """A reader's output: the text, its map, per-line hints and what the reader noticed."""

    text: str
    origin: SourceMap
    encoding: str  # what the reader decoded: "utf-8", "gb18030 (declared gb2312)", "pdf", "docx"
    line_hints: dict[int, str] = field(default_factory=dict)
    """1-based line -> how the original marked it ("h1", "bold", "Heading 2", "table", "caption"):
    hints only, the numbering printed in the text still decides what a heading is."""
    notes: list[str] = field(default_factory=list)
    """Things the user should know about the reading (a wrong declared charset, text boxes…)."""
    page_texts: list[str] = field(default_factory=list)
    """PDF: each page's own text, the text ``page N`` offsets index into."""


class TextBuilder:
    """Accumulates extracted text line by line, with the origin of every character."""

    def __init__(self, format: str):
        self.origin = SourceMap(format)
        self._part_index: dict[Part, int] = {}
        self._chunks: list[str] = []
        self._length = 0
        self._line: list[tuple[str, int | None, int]] = []  # (text, part index, offset)
        self.line_count = 0
        self.line_hints: dict[int, str] = {}

    def part(self, locator: str, page: int | None = None) -> int:
        key = Part(locator, page)
        index = self._part_index.get(key)
        if index is None:
            index = self._part_index[key] = len(self.origin.parts)
            self.origin.parts.append(key)
        return index

    def add(self, text: str, part: int | None = None, offset: int = 0) -> None:
        """Append ``text`` to the current line; with a part, its characters are that part's
        characters from ``offset`` on (without, they are generated)."""
        if text:
            self._line.append((text, part, offset))

    def trim_cell(self, start: int) -> None:
        """Drop spaces at both ends of the text added since piece ``start`` (one table cell)."""
        self._line[start:] = self._trimmed(self._line[start:])

    @property
    def pieces(self) -> int:
        """How many pieces the current line has (a mark for :meth:`trim_cell`)."""
        return len(self._line)

    @property
    def line_text(self) -> str:
        return "".join(t for t, _, _ in self._line)

    def end_line(self, hint: str = "") -> None:
        """Close the current line: spaces at its ends dropped (an indent of U+3000 or U+2003 is
        layout; tabs are kept, they are the empty cells of a table row), empty lines dropped."""
        pieces = self._trimmed(self._line)
        self._line = []
        if not pieces or not "".join(t for t, _, _ in pieces).strip():
            return
        self.line_count += 1
        if hint:
            self.line_hints[self.line_count] = hint
        for text, part, offset in pieces:
            if part is not None:
                self._add_run(self._length, len(text), part, offset)
            self._chunks.append(text)
            self._length += len(text)
        self._chunks.append("\n")
        self._length += 1

    def _add_run(self, start: int, length: int, part: int, offset: int) -> None:
        runs = self.origin.runs
        if runs:
            last = runs[-1]
            if (
                last.part == part
                and last.start + last.length == start
                and last.offset + last.length == offset
            ):
                runs[-1] = Run(last.start, last.length + length, part, last.offset)
                return
        runs.append(Run(start, length, part, offset))

    @staticmethod
    def _trimmed(line: list[tuple[str, int | None, int]]) -> list[tuple[str, int | None, int]]:
        pieces = list(line)
        while pieces:
            text, part, offset = pieces[0]
            stripped = text.lstrip(SPACES)
            if stripped:
                pieces[0] = (stripped, part, offset + len(text) - len(stripped))
                break
            pieces.pop(0)
        while pieces:
            text, part, offset = pieces[-1]
            stripped = text.rstrip(SPACES)
            if stripped:
                pieces[-1] = (stripped, part, offset)
                break
            pieces.pop()
        return pieces

    def result(self, encoding: str, notes: list[str] | None = None) -> Extracted:
        if self._line:
            self.end_line()
        return Extracted("".join(self._chunks), self.origin, encoding, self.line_hints, notes or [])
