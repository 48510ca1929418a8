"""What the format tests share: the fixtures, parsed once, and the comparison of two extractions.

A converted rendering of a document is compared with its text version by the facts the scorer
counts: headings (label and title), box items (box label and item name, projects included) and
indicator cells (indicator, year, value as printed), each normalised by NFKC with white space
removed, as the scorer compares titles.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from plangraph.model import ParsedDocument
from plangraph.pipeline import parse_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "formats"
PAGES = ROOT.parent / "shared" / "corpus-wild" / "original-formats"
TEXT_VERSION = FIXTURES / "liaoyang_ch1-4.txt"


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@functools.cache
def parsed(path: Path) -> ParsedDocument:
    return parse_file(path)[0]


@dataclass
class Facts:
    headings: set[tuple[str, str]]
    items: set[tuple[str, str]]
    cells: set[tuple[str, int | None, str]]


def facts(doc: ParsedDocument) -> Facts:
    labels = {b.order: b.label or str(b.order) for b in doc.boxes}
    items = {(norm(labels[b.order]), norm(i.name)) for b in doc.boxes for i in b.items}
    items |= {(norm(labels.get(p.box, "")), norm(p.name)) for p in doc.entities.projects if p.box is not None}
    return Facts(
        {(norm(d.label), norm(d.title)) for d in doc.divisions},
        items,
        {(norm(r.name), c.year, norm(c.text)) for b in doc.boxes for r in b.rows for c in r.cells},
    )


def f1(expected: set, found: set) -> float:
    if not expected and not found:
        return 1.0
    hits = len(expected & found)
    if not hits:
        return 0.0
    precision, recall = hits / len(found), hits / len(expected)
    return 2 * precision * recall / (precision + recall)
