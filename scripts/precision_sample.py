#!/usr/bin/env python3
"""Draw a seeded random sample of extracted parks and prose projects, each in its sentence, to be
read and judged by hand (the precision sample of issue 10).

    .venv/bin/python scripts/precision_sample.py [--seed 10] [--n 50] [DIR or FILES ...]

Every park and every prose project of the documents (default: ``../shared/corpus-wild``) is a
candidate once (its first mention); ``--n`` of each are drawn with ``random.Random(seed)`` from
the candidates in a fixed order, so the same seed on the same extraction gives the same sample and
a changed extraction gives a fresh, comparable one. Each line prints the file, the line, the name
and the sentence with the name marked 【…】.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from plangraph.pipeline import parse_file

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of the source text around ``start:end`` (a stop, or a paragraph's edge)."""
    left = max(text.rfind(ch, 0, start) for ch in "。！？；\n\n") + 1
    rights = [i for i in (text.find(ch, end) for ch in "。！？；") if i >= 0]
    return text[left : min(rights) + 1 if rights else len(text)]


def candidates(paths: list[Path]) -> dict[str, list[tuple[str, int, str, str]]]:
    found: dict[str, list[tuple[str, int, str, str]]] = {"parks": [], "projects": []}
    for path in paths:
        for doc in parse_file(path):
            things = [("parks", p) for p in doc.entities.parks]
            things += [("projects", p) for p in doc.entities.projects if p.box is None]
            source = doc.text.source.text
            for category, thing in things:
                evidence = thing.spans[0]
                text = _sentence(source, evidence.span.start, evidence.span.end)
                cut = text.find(thing.name)
                if cut >= 0:
                    text = text[:cut] + "【" + thing.name + "】" + text[cut + len(thing.name) :]
                found[category].append((path.name, evidence.line, thing.name, " ".join(text.split())))
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("paths", nargs="*", type=Path)
    args = ap.parse_args(argv)
    paths: list[Path] = []
    for p in args.paths or [SHARED / "corpus-wild"]:
        paths.extend(sorted(p.glob("*.txt")) if p.is_dir() else [p])
    found = candidates(paths)
    for category, items in found.items():
        rng = random.Random(args.seed)
        sample = rng.sample(items, min(args.n, len(items)))
        print(f"== {category}: {len(sample)} of {len(items)} (seed {args.seed})")
        for number, (file, line, name, sentence) in enumerate(sample, 1):
            print(f"{number:2}. {name}\t{file}:{line}\t{sentence[:220]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
