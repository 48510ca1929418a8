"""Case tables of the entity extractors (tests/cases/*.tsv): a sentence of a real document and the
names the extractor must find in it, and those it must not.

Columns, tab-separated, with a header line and ``#`` comment lines:

    source    where the text was read: a corpus file and its line (``001_cb27c06e.txt:803``,
              ``wild/jiangsu_province_2026_gov_work_report.txt:42``)
    region    GB/T 2260 code of the document's jurisdiction (the extractor's context)
    text      the sentence or paragraph as printed
    expected  names that must be found, ``|``-separated (may be empty)
    absent    names that must not be found, ``|``-separated (may be empty)
    note      what the row shows
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from plangraph.entities.extract import extract_entities
from plangraph.entities.regions import Gazetteer
from plangraph.model import Block, DocumentText, Metadata, ParsedDocument, SourceFile

CASES_DIR = Path(__file__).parent / "cases"
COLUMNS = ["source", "region", "text", "expected", "absent", "note"]


@dataclass(frozen=True)
class Case:
    source: str
    region: str
    text: str
    expected: tuple[str, ...]
    absent: tuple[str, ...]
    note: str


def read_cases(name: str) -> list[Case]:
    path = CASES_DIR / f"{name}.tsv"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    if rows[0] != COLUMNS:
        raise ValueError(f"{path}: the header must be {COLUMNS}")
    cases = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS):
            raise ValueError(f"{path} row {number}: {len(row)} cells, expected {len(COLUMNS)}")
        source, region, text, expected, absent, note = row
        split = lambda cell: tuple(n for n in cell.split("|") if n)  # noqa: E731
        cases.append(Case(source, region, text, split(expected), split(absent), note))
    return cases


def case_params(name: str) -> list:
    return [pytest.param(case, id=f"{case.source}") for case in read_cases(name)]


def document(paragraphs: list[str], region: str | None) -> ParsedDocument:
    """A parsed document of one block per paragraph, with the given jurisdiction, entities extracted."""
    text = "\n".join(paragraphs) + "\n"
    source = SourceFile("case.txt", path=Path("case.txt"), text=text, encoding="utf-8")
    blocks, offset = [], 0
    for number, paragraph in enumerate(paragraphs, start=1):
        blocks.append(Block(source.span(offset, offset + len(paragraph)), number))
        offset += len(paragraph) + 1
    meta = Metadata(doc_type="five-year-plan", title="", region_code=region or None)
    doc = ParsedDocument(DocumentText(source, 0, blocks, 1, len(paragraphs)), meta)
    extract_entities(doc)
    return doc


def found_names(doc: ParsedDocument, category: str) -> set[str]:
    """Every name the extractor gives things of one category (labels and aliases)."""
    e = doc.entities
    if category == "projects":
        return {p.name for p in e.projects if p.box is None}
    if category == "parks":
        return {n for p in e.parks for n in (p.name, *p.aliases)}
    if category == "industries":
        from plangraph.entities import industries as ind

        names = set()
        for goal in e.industries:
            names |= {goal.name, ind.display_name(goal.name)}
            concept = ind.scheme().get(goal.concept)
            if concept:
                names |= {concept.label, *concept.alt_labels}
        return names
    if category == "places":
        gazetteer = Gazetteer.load()
        return {n for p in e.places for n in (p.span.text, *gazetteer.all_names(p.region.code))}
    raise ValueError(category)


def check(case: Case, category: str) -> None:
    doc = document([case.text], case.region)
    names = found_names(doc, category)
    missing = [n for n in case.expected if n not in names]
    wrong = [n for n in case.absent if n in names]
    assert not missing and not wrong, (
        f"{case.source} ({case.note}): missing {missing}, wrongly found {wrong}; found {sorted(names)}"
    )
