#!/usr/bin/env python3
"""Dump the entity names extracted from documents, one per line, and diff two dumps.

    .venv/bin/python scripts/entity_names.py dump OUT.tsv [FILES or DIRS ...]
    .venv/bin/python scripts/entity_names.py diff OLD.tsv NEW.tsv [--category parks]

``dump`` parses every ``*.txt`` file given (default: ``../shared/corpus-wild`` and the bundled
corpus) with ``pipeline.parse_file`` and writes ``file, category, line, name`` rows: industries
(the wording and its concept key), parks (with their aliases), prose projects and places. ``diff``
prints, per document and category, the names only one of the dumps has, so that what a rule
changed on documents nobody annotated can be read (and judged) after every change.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from plangraph.pipeline import parse_file
from plangraph.settings import get_settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
CATEGORIES = ("industries", "parks", "projects", "places")


def rows_of(path: Path) -> list[tuple[str, str, int, str]]:
    rows: list[tuple[str, str, int, str]] = []
    for doc in parse_file(path):
        ents = doc.entities
        for goal in ents.industries:
            rows.append((path.name, "industries", goal.line, f"{goal.name} [{goal.concept}]"))
        for park in ents.parks:
            aliases = " = ".join(sorted(park.aliases - {park.name}))
            rows.append(
                (path.name, "parks", park.spans[0].line, park.name + (f" = {aliases}" if aliases else ""))
            )
        for project in ents.projects:
            if project.box is None:
                rows.append((path.name, "projects", project.spans[0].line, project.name))
        for place in ents.places:
            rows.append((path.name, "places", place.line, place.region.name))
    return rows


def files_of(args: list[str]) -> list[Path]:
    if not args:
        args = [str(SHARED / "corpus-wild"), str(get_settings().corpus_dir)]
    out: list[Path] = []
    for arg in args:
        p = Path(arg)
        out.extend(sorted(p.glob("*.txt")) if p.is_dir() else [p])
    return out


def dump(out: Path, args: list[str]) -> int:
    with out.open("w", encoding="utf-8") as fh:
        for path in files_of(args):
            for file, cat, line, name in rows_of(path):
                fh.write(f"{file}\t{cat}\t{line}\t{name}\n")
    return 0


def read(path: Path) -> dict[tuple[str, str], dict[str, int]]:
    found: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for row in path.read_text(encoding="utf-8").splitlines():
        file, cat, line, name = row.split("\t", 3)
        found[(file, cat)].setdefault(name, int(line))
    return found


def diff(old: Path, new: Path, category: str | None) -> int:
    a, b = read(old), read(new)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key in sorted(set(a) | set(b)):
        file, cat = key
        if category and cat != category:
            continue
        gone = sorted(set(a.get(key, {})) - set(b.get(key, {})), key=lambda n: a[key][n])
        came = sorted(set(b.get(key, {})) - set(a.get(key, {})), key=lambda n: b[key][n])
        if not gone and not came:
            continue
        print(f"== {file} {cat}")
        for name in gone:
            print(f"  - {a[key][name]}: {name}")
        for name in came:
            print(f"  + {b[key][name]}: {name}")
        counts[cat][0] += len(gone)
        counts[cat][1] += len(came)
    for cat, (gone, came) in sorted(counts.items()):
        print(f"{cat}: -{gone} +{came}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("files", nargs="*")
    f = sub.add_parser("diff")
    f.add_argument("old", type=Path)
    f.add_argument("new", type=Path)
    f.add_argument("--category", choices=CATEGORIES)
    args = ap.parse_args(argv)
    if args.command == "dump":
        return dump(args.out, args.files)
    return diff(args.old, args.new, args.category)


if __name__ == "__main__":
    sys.exit(main())
