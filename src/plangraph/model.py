"""The records that flow between the stages of the pipeline.

ingest -> ``SourceFile`` and ``DocumentText`` (blocks of clean text, each character mapped back to
its offset in the source file); structure/tables/metadata -> ``Division``, ``Box``, ``IndicatorRow``,
``Metadata``; entities -> ``Place``, ``IndustryGoal``, ``Park``, ``Project`` and ``Relation``;
rdf -> triples. Every extracted thing carries a ``Span`` so it can quote its source exactly.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .readers.base import Extracted


class InputError(Exception):
    """A source file that cannot be read as a plan (names the file and the problem)."""

    def __init__(self, file: str | Path, problem: str):
        self.file = str(file)
        self.problem = problem
        super().__init__(f"{file}: {problem}")


@dataclass(frozen=True)
class Span:
    """A piece of text and, for each of its characters, the offset of that character in the source.

    Offsets are indices into ``SourceFile.text`` (the decoded file). A span joined across a page
    break has a gap in its offsets; ``start``/``end`` still delimit the source text it came from.
    """

    text: str
    offsets: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.text) != len(self.offsets):
            raise ValueError("a span needs one offset per character")

    def __len__(self) -> int:
        return len(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def start(self) -> int:
        return self.offsets[0]

    @property
    def end(self) -> int:
        """Offset just after the last character (exclusive)."""
        return self.offsets[-1] + 1

    def slice(self, i: int, j: int | None = None) -> Span:
        return Span(self.text[i:j], self.offsets[i:j])

    def strip(self, chars: str | None = None) -> Span:
        stripped_left = len(self.text) - len(self.text.lstrip(chars))
        right = len(self.text.rstrip(chars))
        if right <= stripped_left:
            return Span("", ())
        return self.slice(stripped_left, right)

    def find(self, sub: str, start: int = 0) -> int:
        return self.text.find(sub, start)

    def sub_span(self, sub: str, start: int = 0) -> Span | None:
        """The span of the first occurrence of ``sub`` at or after ``start`` (None if absent)."""
        i = self.text.find(sub, start)
        return None if i < 0 or not sub else self.slice(i, i + len(sub))

    @staticmethod
    def join(parts: list[Span]) -> Span:
        return Span("".join(p.text for p in parts), tuple(o for p in parts for o in p.offsets))


@dataclass
class SourceFile:
    """One input file, decoded. ``text`` is what mention offsets index into.

    For an HTML page, a PDF or a Word file ``text`` is the text a reader extracted (see
    ``plangraph.readers``) and ``extraction`` keeps how: the map from its offsets back to the
    element, page or paragraph of the original, and the reader's hints and notes.
    """

    name: str
    path: Path
    text: str
    encoding: str
    line_starts: list[int] = field(default_factory=list)
    extraction: Extracted | None = None
    warnings: list[str] = field(default_factory=list)
    """What reading lost or changed (bytes that did not decode, text outside every document)."""

    @property
    def format(self) -> str:
        """ "text", or the converted format: "html", "pdf", "docx"."""
        return self.extraction.origin.format if self.extraction else "text"

    def line_hint(self, number: int) -> str:
        """How the original marked line ``number`` ("h2", "bold", "Heading 1", "table"; "" if not)."""
        return self.extraction.line_hints.get(number, "") if self.extraction else ""

    def __post_init__(self) -> None:
        if not self.line_starts:
            self.line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]

    @property
    def line_count(self) -> int:
        return len(self.line_starts) - (1 if self.text.endswith("\n") else 0)

    def line_of(self, offset: int) -> int:
        """1-based line number of the character at ``offset``."""
        return bisect.bisect_right(self.line_starts, offset)

    def line_text(self, number: int) -> str:
        start = self.line_starts[number - 1]
        end = self.line_starts[number] if number < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def span(self, start: int, end: int) -> Span:
        return Span(self.text[start:end], tuple(range(start, end)))

    def quote(self, start: int, end: int) -> str:
        return self.text[start:end]


@dataclass
class Block:
    """A paragraph of content: one source line, a piece of a very long line, or lines joined
    across a page break. ``line`` is the 1-based line where it starts. ``hint`` is how a converted
    original marked it ("h2", "bold", a Word style such as "Heading 1"): a hint only, the
    numbering printed in the text still decides what is a heading."""

    span: Span
    line: int
    hint: str = ""
    mid_line: bool = False
    """The block starts inside a source line: a page that lost its line breaks (one line per
    report), cut at its paragraph breaks. Such a text lost the break after each heading too."""

    @property
    def text(self) -> str:
        return self.span.text


@dataclass
class NoiseRange:
    first_line: int
    last_line: int
    what: str


@dataclass
class DocumentText:
    """One logical document of a source file (a web page may hold several), cleaned."""

    source: SourceFile
    index: int
    blocks: list[Block]
    first_line: int
    last_line: int
    noise: list[NoiseRange] = field(default_factory=list)
    heading_hint: str = ""
    """Text that introduced the document inside a multi-document file (e.g. a news item title)."""


# --- structure -------------------------------------------------------------------------------


@dataclass
class Division:
    """A heading-delimited part. ``parent`` is the ``order`` of the enclosing division (None = top)."""

    order: int
    level: int
    label: str  # as printed: "第二章", "一、" -> "一", "（一）", "1."
    title: str
    line: int
    span: Span  # the heading as printed (label and title)
    scheme: str  # numbering scheme: "篇", "章", "节", "cn", "paren_cn", "arabic", "paren_arabic", "named"
    parent: int | None = None


@dataclass
class BoxItem:
    """A numbered (or listed) entry of a box: usually a project."""

    number: int | None
    name: str
    span: Span
    line: int
    group: str | None = None
    description: str = ""


@dataclass
class IndicatorCell:
    header: str  # column header as printed, e.g. "2020年目标"
    year: int | None
    text: str  # as printed
    value_kind: str  # "Baseline" | "Target" | "Actual"
    span: Span | None
    line: int


@dataclass
class IndicatorRow:
    name: str
    line: int
    span: Span | None
    category: str | None = None
    parent: str | None = None  # first-level name of a two-level indicator
    unit: str | None = None
    attribute: str | None = None  # "预期性" | "约束性"
    growth: str | None = None
    cells: list[IndicatorCell] = field(default_factory=list)
    growth_actual: str | None = None  # growth / cumulative column of the achieved (完成) values
    starred: bool = False  # printed with a leading "*" (usually: a target set by the upper level)


@dataclass
class StatedTarget:
    """A target a document states in a sentence: "地区生产总值增长6%左右" (``targets.py``)."""

    indicator: str  # the indicator as printed, with its verb of change: "地区生产总值增长"
    value_text: str  # the value as printed: "6%左右", "与经济增长同步"
    year: int  # the year the target is for
    span: Span  # the clause it was read from (its evidence)
    line: int
    indicator_span: Span | None = None


@dataclass
class Box:
    """A 专栏 / 表: label, title, extent and contents."""

    order: int
    label: str | None  # "专栏4", "表2", "表2-1"; None when printed without a label
    title: str
    line: int
    span: Span  # label and title as printed
    division: int | None  # order of the enclosing division
    kind: str = "other"  # "projects" | "indicators" | "other"
    last_line: int = 0
    blocks: list[Block] = field(default_factory=list)
    items: list[BoxItem] = field(default_factory=list)
    rows: list[IndicatorRow] = field(default_factory=list)


@dataclass(frozen=True)
class UserMetadata:
    """What the user says about a document when its text is silent (``plangraph build --region``,
    or a table of a ``plangraph.toml`` manifest). What it gives wins over what the text says, and
    the graph records it as asserted by the user."""

    region: str | None = None  # a GB/T 2260 code ("150702") or a place name ("海拉尔区")
    doc_type: str | None = None  # "five-year-plan" | "government-work-report" | "other"
    year: int | None = None  # a plan's first year, or a work report's year of delivery
    title: str | None = None
    origin: str = ""  # where it was said: "--region" or the manifest's path


@dataclass
class Metadata:
    doc_type: str  # "five-year-plan" | "government-work-report" | "other"
    title: str
    title_span: Span | None = None
    region_name: str | None = None  # as printed in the title, e.g. "营口市"
    region_code: str | None = None
    issuer: str | None = None
    issued: str | None = None  # "YYYY-MM-DD" or "YYYY-MM"
    plan_number: int | None = None
    period_start: int | None = None
    period_end: int | None = None
    vision_year: int | None = None
    report_year: int | None = None
    region_source: str | None = None
    """What told the region: "title", "session line", "speaker line", "delegation", "issuer",
    "headings", "file name", "body" or "user"."""
    region_span: Span | None = None  # where the text tells it (kept as the mention of the evidence)
    issuer_span: Span | None = None  # where an issuer not printed as such was inferred from
    derived: set[str] = field(default_factory=set)
    """Fields set by a convention of the genre rather than printed: "title" (a work report that
    prints none gets 2026年XX政府工作报告), "issuer" (a work report is its government's)."""
    user_asserted: set[str] = field(default_factory=set)
    """Fields the user gave (``UserMetadata``): "region", "doc_type", "year", "title"."""
    user_origin: str = ""  # where the user said it ("--region", a manifest's path)


# --- entities --------------------------------------------------------------------------------


@dataclass
class Region:
    """A gazetteer entry: GB/T 2260 code, names and place in the hierarchy."""

    code: str
    name: str  # full official name, e.g. "营口市"
    level: str  # "Province", "PrefectureCity", "District", "County", "CountyLevelCity", "Town", ...
    parent: str | None  # parent's code
    short_names: tuple[str, ...] = ()


@dataclass
class Place:
    """A region named in a document."""

    region: Region
    span: Span
    line: int


@dataclass
class Evidence:
    """Where a relation was read: a span of the document (the sentence or the box line)."""

    span: Span
    line: int


@dataclass
class IndustryGoal:
    """An industry the document sets as a development goal, at one place of the text."""

    name: str  # the wording of the text, e.g. "镁质材料"
    concept: str  # concept key of the industry scheme (or a candidate key)
    span: Span
    line: int
    division: int | None  # order of the division that sets the goal (None: the document)


@dataclass
class Park:
    name: str  # canonical name (aliases merged)
    kind: str  # "开发区", "产业园", "产业基地", "保税区", ...
    spans: list[Evidence]
    aliases: set[str] = field(default_factory=set)
    level: str | None = None  # "national" | "provincial"
    region_code: str | None = None  # pg:within
    industries: list[tuple[str, Evidence]] = field(default_factory=list)  # (concept key, evidence)


@dataclass
class Amount:
    """A quantity the text prints for a project: its investment or its capacity."""

    text: str  # as printed, e.g. "20亿元", "30 万吨"
    value: Decimal  # in ``unit``, multipliers applied (20亿元 -> 2000000000 元)
    unit: str  # "元", "吨", "千瓦", "标箱" …
    evidence: Evidence  # the sentence or box line it was read from


@dataclass
class Project:
    name: str
    spans: list[Evidence]
    box: int | None = None  # order of the box that lists it
    item_number: int | None = None
    group: str | None = None
    industry: tuple[str, Evidence] | None = None  # (concept key, evidence)
    status: str | None = None  # "Planned" | "Ongoing" | "Completed"
    location: tuple[str, str, Evidence] | None = None  # ("park"|"region", park name or region code, evidence)
    capacity: str | None = None
    status_evidence: Evidence | None = None  # the clause the status was read from
    investment: Amount | None = None  # 总投资20亿元
    capacity_amount: Amount | None = None  # the capacity as a number with its unit


@dataclass
class Entities:
    places: list[Place] = field(default_factory=list)
    industries: list[IndustryGoal] = field(default_factory=list)
    parks: list[Park] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    industry_labels: dict[str, str] = field(default_factory=dict)
    """A label for every industry concept key the records above use (names candidate concepts)."""


@dataclass
class ParsedDocument:
    """Everything extracted from one document, ready to become triples."""

    text: DocumentText
    metadata: Metadata
    divisions: list[Division] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    entities: Entities = field(default_factory=Entities)
    targets: list[StatedTarget] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def source(self) -> SourceFile:
        return self.text.source
