#!/usr/bin/env python3
"""Compare extracted industries, parks and prose projects with the gold annotations, per document.

    .venv/bin/python scripts/eval_entities.py [--gold ../shared/eval/gold] [--show]
    .venv/bin/python scripts/eval_entities.py --doc data/corpus/003_c4b0b8e4100e97f5.txt

Parses each gold document with ``pipeline.parse_file`` and scores names the way
``../shared/eval/score.py`` does (strict and fuzzy, labels and aliases), without building RDF, so
extraction rules can be tuned quickly. ``--show`` lists misses and extras (with the line each
extra was first read from). ``--doc`` prints what is extracted from any document, gold or not,
to judge by the annotation guidelines.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from plangraph.entities import industries as ind
from plangraph.pipeline import parse_file
from plangraph.settings import get_settings

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "shared" / "eval" / "gold"


def _scorer(gold_dir: Path):
    spec = importlib.util.spec_from_file_location("score", gold_dir.parent / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _industry_labels(key: str, names: set[str]) -> set[str]:
    concept = ind.scheme().get(key)
    if concept:
        return {concept.label, *concept.alt_labels}
    return {form for n in names for form in (ind.display_name(n), n, ind.display_name(n) + "产业")}


def predicted(docs) -> dict[str, list[tuple[set[str], str]]]:
    """Per category: (every label of one predicted node, "line:name" of its first reading)."""
    industries: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    parks = []
    projects: dict[str, tuple[set[str], str] | None] = {}
    for doc in docs:
        for goal in doc.entities.industries:
            industries.setdefault(goal.concept, set()).add(goal.name)
            first.setdefault(goal.concept, f"{goal.line}:{goal.name}")
        for park in doc.entities.parks:
            parks.append(({park.name, *park.aliases}, f"{park.spans[0].line}:{park.name}"))
        for project in doc.entities.projects:
            if project.box is None:
                projects.setdefault(project.name, ({project.name}, f"{project.spans[0].line}:{project.name}"))
            else:
                projects[project.name] = None  # listed in a box: not a prose project
    return {
        "industries": [(_industry_labels(k, v), first[k]) for k, v in industries.items()],
        "parks": parks,
        "projects": [v for v in projects.values() if v is not None],
    }


def score(sc, gold_names: list[str], predictions: list[tuple[set[str], str]]):
    gold_names = list(dict.fromkeys(sc.norm(n) for n in gold_names if n))
    pred_sets = [{sc.norm(p) for p in ps} for ps, _ in predictions]
    used: set[int] = set()
    missed = []
    tp = 0
    for g in gold_names:
        hit = next((i for i, ps in enumerate(pred_sets) if i not in used and g in ps), None)
        if hit is None:
            hit = next(
                (i for i, ps in enumerate(pred_sets) if i not in used and any(sc.similar(g, p) for p in ps)),
                None,
            )
        if hit is None:
            missed.append(g)
        else:
            used.add(hit)
            tp += 1
    extra = [where for i, (_, where) in enumerate(predictions) if i not in used]
    return sc.prf(tp, len(gold_names), len(pred_sets)), missed, extra


def dump(path: Path) -> int:
    for doc in parse_file(path):
        print(f"== {doc.metadata.title}")
        for cat, found in predicted([doc]).items():
            print(f"  {cat} ({len(found)}):", " | ".join(where for _, where in found))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--doc", type=Path, help="print what is extracted from this document")
    args = ap.parse_args(argv)
    if args.doc:
        return dump(args.doc)
    sc = _scorer(args.gold)
    totals: dict[str, list[int]] = {}
    for gold_file in sorted(args.gold.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        docs = parse_file(get_settings().corpus_dir / gold["doc"])
        pred = predicted(docs)
        for cat in ("industries", "parks", "projects"):
            result, missed, extra = score(sc, [x["name"] for x in gold.get(cat, [])], pred[cat])
            t = totals.setdefault(cat, [0, 0, 0])
            t[0] += result["tp"]
            t[1] += result["gold"]
            t[2] += result["pred"]
            print(
                f"{gold['doc'][:12]} {cat:11} P {result['p']:.2f} R {result['r']:.2f} F1 {result['f1']:.2f}"
                f"  (gold {result['gold']}, pred {result['pred']})"
            )
            if args.show:
                print("   missed:", " | ".join(missed))
                print("   extra: ", " | ".join(extra))
    for cat, (tp, ng, npred) in totals.items():
        r = sc.prf(tp, ng, npred)
        print(f"ALL {cat:11} P {r['p']:.2f} R {r['r']:.2f} F1 {r['f1']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
