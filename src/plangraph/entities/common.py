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
    ordered = sorted(divisions, key=lambda d: (d.line, d.order))
    lines = [d.line for d in ordered]

    def find(line: int) -> int | None:
        i = bisect.bisect_right(lines, line) - 1
        return ordered[i].order if i >= 0 else None

    return find


def document_context(doc: ParsedDocument) -> DocumentContext:
    find_division = _division_finder(doc.divisions)
    box_of_block: dict[int, Box] = {}
    for box in doc.boxes:
        for block in box.blocks:
            box_of_block[id(block)] = box
    ctx = DocumentContext(doc)
    heading_lines = {d.line for d in doc.divisions}
    for block in doc.text.blocks:
        if block.line in heading_lines and id(block) not in box_of_block:
            continue  # a heading is structure, not a sentence of the text
        box = box_of_block.get(id(block)) or _box_by_line(doc.boxes, block.line)
        ctx.blocks.append(BlockContext(block, find_division(block.line), box))
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
