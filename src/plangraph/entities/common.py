"""What the entity extractors share: each block with its division and box, and sentence spans."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ..model import Block, Box, Division, ParsedDocument, Span

#: Sentence ends, for cutting evidence down to the sentence a relation was read from.
_SENTENCE_END = "。；！？!?;"


@dataclass
class BlockContext:
    """A block and where it sits: the innermost division and the enclosing box."""

    block: Block
    division: int | None
    box: Box | None


@dataclass
class DocumentContext:
    doc: ParsedDocument
    blocks: list[BlockContext] = field(default_factory=list)
    industry_labels: dict[str, str] = field(default_factory=dict)
    """A label for every industry concept the extractors point at (names candidate concepts)."""

    @property
    def region_code(self) -> str | None:
        return self.doc.metadata.region_code


def _division_finder(divisions: list[Division]):
    """The innermost division a block belongs to, by character offset: a work report prints
    several run-in headings on one long line, so the line alone cannot tell them apart."""
    ordered = sorted(divisions, key=lambda d: (_start_of(d), d.order))
    starts = [_start_of(d) for d in ordered]

    def find(block: Block) -> int | None:
        i = bisect.bisect_right(starts, block.span.start) - 1
        return ordered[i].order if i >= 0 else None

    return find


def _start_of(division: Division) -> int:
    return division.span.start if division.span else -1


def _without_heading(block: Block, headings: list[Division]) -> Block | None:
    """The text of a block without the heading it starts with; None when it is only a heading.

    A heading is structure, not a sentence of the text. A work report runs a heading straight into
    its text with no stop in between ("（一）以项目建设为中心,增强发展新动能坚持…"), so the text is
    cut after the heading: names are not read across the join."""
    for heading in headings:
        if not heading.span or not heading.span.start <= block.span.start < heading.span.end:
            continue
        if block.span.end <= heading.span.end:
            return None
        return Block(block.span.slice(heading.span.end - block.span.start), block.line)
    return block


def document_context(doc: ParsedDocument) -> DocumentContext:
    find_division = _division_finder(doc.divisions)
    box_of_block: dict[int, Box] = {}
    for box in doc.boxes:
        for block in box.blocks:
            box_of_block[id(block)] = box
    ctx = DocumentContext(doc)
    headings_by_line: dict[int, list[Division]] = {}
    for division in doc.divisions:
        headings_by_line.setdefault(division.line, []).append(division)
    for block in doc.text.blocks:
        text = block
        if id(block) not in box_of_block:
            stripped = _without_heading(block, headings_by_line.get(block.line, []))
            if stripped is None:
                continue
            text = stripped
        holder = box_of_block.get(id(block)) or _box_by_line(doc.boxes, block.line)
        ctx.blocks.append(BlockContext(text, find_division(block), holder))
    return ctx


def _box_by_line(boxes: list[Box], line: int) -> Box | None:
    for box in boxes:
        if box.line <= line <= max(box.last_line, box.line):
            return box
    return None


def sentence_around(span: Span, start: int, end: int) -> Span:
    """The sentence of ``span`` that holds characters ``start:end``."""
    text = span.text
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    return span.slice(left, right).strip()
