"""Compare headings and boxes of the structure stage with the public gold, without building RDF.

.venv/bin/python scripts/eval_structure.py [GOLD_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from plangraph.ingest import read_documents
from plangraph.structure import parse_structure
from plangraph.vocab import normalise_name

GOLD = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval/gold")
CORPUS = Path("data/corpus")

for gold_file in sorted(GOLD.glob("*.json")):
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    docs = read_documents(CORPUS / gold["doc"])
    divisions, boxes = parse_structure(docs[0])
    pred = {(normalise_name(d.title), d.line) for d in divisions}
    want = [(normalise_name(h["title"]), h["line"], h["level"], h["label"]) for h in gold["headings"]]
    missed = [w for w in want if not any(p[0] == w[0] and abs(p[1] - w[1]) <= 2 for p in pred)]
    extra = [
        d
        for d in divisions
        if not any(normalise_name(d.title) == w[0] and abs(d.line - w[1]) <= 2 for w in want)
    ]
    print(
        f"== {gold['doc']}: headings gold {len(want)} pred {len(divisions)} missed {len(missed)} extra {len(extra)}"
    )
    for w in missed:
        print("   missed", w)
    for d in extra:
        print("   extra ", d.line, d.scheme, d.label, d.title[:40])
    print(f"   boxes gold {len(gold['boxes'])} pred {len(boxes)}")
    for b in boxes:
        g = next((x for x in gold["boxes"] if x["label"] == b.label), None)
        gi = len(g["items"]) if g else None
        names = {normalise_name(i["name"]) for i in g["items"]} if g else set()
        hit = sum(1 for it in b.items if normalise_name(it.name) in names)
        print(
            f"   box {b.label} {b.title[:20]!r} line {b.line}-{b.last_line} kind {b.kind} items {len(b.items)} gold {gi} hit {hit}"
        )
