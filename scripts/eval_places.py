#!/usr/bin/env python3
"""Measure the place extractor against the gold "places" lists, without the full pipeline.

    .venv/bin/python scripts/eval_places.py                       # corpus files that have gold
    .venv/bin/python scripts/eval_places.py --all --show          # every corpus file, list places
    .venv/bin/python scripts/eval_places.py --no-meta             # infer the jurisdiction
    .venv/bin/python scripts/eval_places.py --pipeline            # real ingest + metadata stages

By default each corpus file is read as one document, one Block per non-empty line, and the
document's jurisdiction comes from the gold metadata (as the metadata stage would give it) unless
--no-meta. With --pipeline the project's own stages read the file (ingest splits documents and drops
noise, metadata finds the jurisdiction); the places of all documents of a file are pooled, as the
scorer does.
Scoring follows ../shared/eval/score.py: a predicted place is a distinct region, matched to a gold
name by its full name or one of its alternative names, strictly and then fuzzily.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import sys
from pathlib import Path

from plangraph.entities.places import document_context, extract_places
from plangraph.entities.regions import Gazetteer
from plangraph.model import Block, DocumentText, Metadata, ParsedDocument, Place, SourceFile
from plangraph.settings import get_settings

GOLD_DIRS = (Path(__file__).resolve().parents[2] / "shared" / "eval" / "gold", Path("/work/shared/eval/gold"))


def load_scorer_similar():
    """``similar`` from the shared scorer, so fuzzy matching is the scorer's own."""
    for gold_dir in GOLD_DIRS:
        path = gold_dir.parent / "score.py"
        if path.exists():
            spec = importlib.util.spec_from_file_location("score", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module.similar, module.norm
    return (lambda a, b: difflib.SequenceMatcher(None, a, b).ratio() >= 0.85), str.strip


def read_document(path: Path, region_code: str | None) -> ParsedDocument:
    text = path.read_text(encoding="utf-8")
    source = SourceFile(name=path.name, path=path, text=text, encoding="utf-8")
    blocks = []
    for number, start in enumerate(source.line_starts, start=1):
        line = source.line_text(number) if number <= source.line_count else ""
        if line.strip():
            blocks.append(Block(span=source.span(start, start + len(line)), line=number))
    doc_text = DocumentText(source=source, index=0, blocks=blocks, first_line=1, last_line=source.line_count)
    return ParsedDocument(
        text=doc_text, metadata=Metadata(doc_type="other", title="", region_code=region_code)
    )


def gold_region_code(meta: dict, gazetteer: Gazetteer) -> str | None:
    parent = gazetteer.resolve(meta.get("parent_region") or "")
    context = gazetteer.context_for(parent.code) if parent else []
    region = gazetteer.resolve(meta.get("region") or "", context)
    return region.code if region else None


def score(gold_names: list[str], predicted: list[set[str]], similar) -> tuple[int, int]:
    """(strict matches, fuzzy matches) with one-to-one greedy matching, as score.py does."""
    used: set[int] = set()
    strict, left = 0, []
    for g in gold_names:
        hit = next((i for i, ps in enumerate(predicted) if i not in used and g in ps), None)
        if hit is None:
            left.append(g)
        else:
            used.add(hit)
            strict += 1
    fuzzy = strict
    for g in left:
        hit = next(
            (i for i, ps in enumerate(predicted) if i not in used and any(similar(g, p) for p in ps)), None
        )
        if hit is not None:
            used.add(hit)
            fuzzy += 1
    return strict, fuzzy


def prf(tp: int, n_gold: int, n_pred: int) -> str:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P={p:.3f} R={r:.3f} F1={f:.3f} (tp={tp} gold={n_gold} pred={n_pred})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true", help="also run corpus files without gold")
    ap.add_argument("--show", action="store_true", help="list the places found")
    ap.add_argument("--no-meta", action="store_true", help="infer the jurisdiction from the text")
    ap.add_argument("--pipeline", action="store_true", help="read files with the project's own stages")
    args = ap.parse_args(argv)
    similar, norm = load_scorer_similar()
    gold_dir = next((d for d in GOLD_DIRS if d.is_dir()), None)
    gazetteer = Gazetteer.load()
    totals = [0, 0, 0, 0]  # strict tp, fuzzy tp, gold, predicted
    for path in sorted(get_settings().corpus_dir.glob("*.txt")):
        gold_file = gold_dir / f"{path.stem}.json" if gold_dir else None
        gold = json.loads(gold_file.read_text(encoding="utf-8")) if gold_file and gold_file.exists() else None
        if gold is None and not args.all:
            continue
        if args.pipeline:
            from plangraph.pipeline import parse_file  # the whole extraction, as a build runs it

            docs = parse_file(path)
            places = [p for d in docs for p in d.entities.places]
            context = [d.metadata.region_code for d in docs]
        else:
            code = None if args.no_meta or gold is None else gold_region_code(gold["meta"], gazetteer)
            doc = read_document(path, code)
            places = extract_places(doc, gazetteer)
            context = document_context(doc, gazetteer)
        regions: dict[str, Place] = {}
        for place in places:
            regions.setdefault(place.region.code, place)
        print(f"== {path.name}: context {context}, {len(places)} mentions of {len(regions)} regions")
        if args.show:
            for c, p in sorted(regions.items(), key=lambda kv: kv[1].line):
                print(f"   {c:>9} {p.region.name:<10} {p.region.level:<15} line {p.line}: {p.span.text}")
        if gold is None:
            continue
        predicted = [{norm(n) for n in gazetteer.all_names(c)} for c in regions]
        gold_names = list(dict.fromkeys(norm(p["name"]) for p in gold.get("places", [])))
        strict, fuzzy = score(gold_names, predicted, similar)
        print("   strict", prf(strict, len(gold_names), len(predicted)))
        print("   fuzzy ", prf(fuzzy, len(gold_names), len(predicted)))
        missed = [
            g for g in gold_names if not any(g in ps or any(similar(g, x) for x in ps) for ps in predicted)
        ]
        extra = [
            gazetteer.get(c).name
            for c, ps in zip(regions, predicted, strict=True)
            if not any(g in ps or any(similar(g, x) for x in ps) for g in gold_names)
        ]
        print("   missed:", " ".join(missed))
        print("   extra: ", " ".join(extra))
        totals = [
            a + b for a, b in zip(totals, (strict, fuzzy, len(gold_names), len(predicted)), strict=True)
        ]
    if totals[2]:
        print("ALL strict", prf(totals[0], totals[2], totals[3]))
        print("ALL fuzzy ", prf(totals[1], totals[2], totals[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
