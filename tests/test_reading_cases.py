"""Case tables of the layouts real documents print (tests/cases/headings.tsv, metadata.tsv): each
row is written from the real text it came from, negatives included."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from plangraph.entities.regions import Gazetteer
from plangraph.ingest import read_documents
from plangraph.metadata import extract_metadata
from plangraph.model import Block, Metadata, SourceFile
from plangraph.structure import heading_candidate

CASES = Path(__file__).parent / "cases"


def rows(name: str) -> list[dict[str, str]]:
    with (CASES / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))


def block_of(text: str, glued: bool) -> Block:
    source = SourceFile("case.txt", Path("case.txt"), text, "utf-8")
    return Block(source.span(0, len(text)), 1, mid_line=glued)


@pytest.mark.parametrize("case", rows("headings.tsv"), ids=lambda c: c["source"][:40])
def test_heading_titles(case: dict[str, str]) -> None:
    cand = heading_candidate(block_of(case["block"], case["glued"] == "1"), glued=case["glued"] == "1")
    assert (cand.title if cand else "-") == case["title"]


def unescape(text: str) -> str:
    """\\n is a line break, \\t a tab; \\r\\n stays as written (a file that writes its breaks out)."""
    return re.sub(r"(?<!\\r)\\n", "\n", text).replace("\\t", "\t")


def field(meta: Metadata, name: str) -> str:
    value: object
    if name == "period":
        value = f"{meta.period_start}-{meta.period_end}" if meta.period_start else None
    elif name == "derived":
        value = ",".join(sorted(meta.derived)) or None
    else:
        value = {
            "region": meta.region_code,
            "title": meta.title,
            "type": meta.doc_type,
            "issuer": meta.issuer,
            "report_year": meta.report_year,
            "vision": meta.vision_year,
            "date": meta.issued,
            "source": meta.region_source,
        }[name]
    return "-" if value is None else str(value)


@pytest.mark.parametrize("case", rows("metadata.tsv"), ids=lambda c: f"{c['field']}: {c['source'][:40]}")
def test_metadata(tmp_path: Path, case: dict[str, str]) -> None:
    path = tmp_path / case["file"]
    path.write_text(unescape(case["text"]), encoding="utf-8")
    meta = extract_metadata(read_documents(path)[0], Gazetteer.load())
    assert field(meta, case["field"]) == case["expected"]
