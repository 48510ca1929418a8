"""Compare the indicator cells of the tables stage with the gold, the way score.py counts them.

.venv/bin/python scripts/eval_tables.py [--gold DIR] [--show] [--raw] [FILE ...]

A cell is (normalised indicator name, year of the column, normalised value text); placeholder
cells and columns without a year are left out on both sides, exactly as in score.py (whose
``norm`` and ``placeholder`` are imported). Files without gold (e.g. 001, 002) are listed with
--show so their rows can be read. --raw reads every non-blank line as a block (leading tabs kept,
nothing dropped as noise) instead of going through ingest, to tell the table stage's errors from
those of the stages before it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

from plangraph.ingest import read_documents, read_source
from plangraph.model import Block, DocumentText
from plangraph.structure import parse_structure

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT.parent / "shared" / "eval" / "gold"
CORPUS = ROOT / "data" / "corpus"


def load_scorer(gold_dir: Path):
    spec = importlib.util.spec_from_file_location("score", gold_dir.parent / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def raw_document(path: Path) -> DocumentText:
    """Every non-blank line as a block, leading tabs kept and nothing dropped as noise: what the
    tables stage sees when ingest keeps table cells intact (for comparison with the real ingest)."""
    source = read_source(path)
    blocks = []
    for number in range(1, source.line_count + 1):
        start = source.line_starts[number - 1]
        raw = source.line_text(number)
        text = raw.rstrip()
        left = len(text) - len(text.lstrip(" \u3000\u00a0\ufeff"))
        span = source.span(start + left, start + len(text))
        if span and span.text.strip():
            blocks.append(Block(span, number))
    return DocumentText(source, 0, blocks, 1, source.line_count)


def predicted_rows(path: Path, raw: bool = False):
    rows = []
    for doc in [raw_document(path)] if raw else read_documents(path):
        _, boxes = parse_structure(doc)
        for box in boxes:
            if box.kind == "indicators":
                rows.extend((box, row) for row in box.rows)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--show", action="store_true", help="print every parsed row")
    ap.add_argument("--raw", action="store_true", help="blocks straight from the lines (see raw_document)")
    args = ap.parse_args()
    score = load_scorer(args.gold)
    golds = {
        json.loads(p.read_text("utf-8"))["doc"]: json.loads(p.read_text("utf-8"))
        for p in args.gold.glob("*.json")
    }
    files = [Path(f) for f in args.files] or sorted(CORPUS.glob("*.txt"))
    tp_all = gold_all = pred_all = 0
    for path in files:
        rows = predicted_rows(path, args.raw)
        pred = Counter()
        for _, row in rows:
            for cell in row.cells:
                if cell.year and not score.placeholder(cell.text):
                    pred[(score.norm(row.name), str(cell.year), score.norm(cell.text))] += 1
        print(f"== {path.name}: {len(rows)} rows, {sum(len(r.cells) for _, r in rows)} cells")
        if args.show or path.name not in golds:
            for box, row in rows:
                cells = " | ".join(f"{c.year or '-'}:{c.value_kind[0]}:{c.text}" for c in row.cells)
                print(
                    f"   {box.label} L{row.line} [{row.category}] {row.parent + ' / ' if row.parent else ''}"
                    f"{row.name} ({row.unit}) {row.attribute or ''} {'*' if row.starred else ''} :: {cells}"
                    f" :: g={row.growth} ga={row.growth_actual}"
                )
        gold = golds.get(path.name)
        if gold is None:
            continue
        want = Counter()
        for grow in gold.get("indicators", []):
            for col, val in (grow.get("values") or {}).items():
                m = re.search(r"(19|20)\d\d", str(col))
                if m and not score.placeholder(val):
                    want[(score.norm(grow["name"]), m.group(0), score.norm(val))] += 1
        tp = sum((want & pred).values())
        ng, npred = sum(want.values()), sum(pred.values())
        tp_all, gold_all, pred_all = tp_all + tp, gold_all + ng, pred_all + npred
        print(f"   cells: gold {ng} pred {npred} tp {tp} -> {score.prf(tp, ng, npred)}")
        for key in sorted((want - pred).elements()):
            print("   missed", key)
        for key in sorted((pred - want).elements()):
            print("   extra ", key)
    if gold_all:
        print("ALL", score.prf(tp_all, gold_all, pred_all))


if __name__ == "__main__":
    main()
