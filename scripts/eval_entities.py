#!/usr/bin/env python3
"""Compare extracted industries, parks and prose projects with the gold annotations, per document.

    .venv/bin/python scripts/eval_entities.py [--gold ../shared/eval/gold] [--show]

Parses each gold document with ``pipeline.parse_file`` and scores names the way
``../shared/eval/score.py`` does (strict and fuzzy, labels and aliases), without building RDF, so
extraction rules can be tuned quickly. ``--show`` lists misses and extras.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from plangraph.entities import industries as ind
from plangraph.pipeline import parse_file
from plangraph.settings import PROJECT_ROOT, get_settings

DEFAULT_GOLD = PROJECT_ROOT.parent / "shared" / "eval" / "gold"


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


def predicted(docs) -> dict[str, list[set[str]]]:
    industries: dict[str, set[str]] = {}
    parks, projects = [], {}
    for doc in docs:
        for goal in doc.entities.industries:
            industries.setdefault(goal.concept, set()).add(goal.name)
        for park in doc.entities.parks:
            parks.append({park.name, *park.aliases})
        for project in doc.entities.projects:
            if project.box is None:
                projects.setdefault(project.name, {project.name})
            else:
                projects[project.name] = None  # listed in a box: not a prose project
    return {
        "industries": [_industry_labels(k, v) for k, v in industries.items()],
        "parks": parks,
        "projects": [v for v in projects.values() if v is not None],
    }


def score(sc, gold_names: list[str], pred_sets: list[set[str]]):
    gold_names = list(dict.fromkeys(sc.norm(n) for n in gold_names if n))
    pred_sets = [{sc.norm(p) for p in ps} for ps in pred_sets]
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
    extra = [sorted(ps, key=len)[-1] for i, ps in enumerate(pred_sets) if i not in used]
    return sc.prf(tp, len(gold_names), len(pred_sets)), missed, extra


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args(argv)
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
