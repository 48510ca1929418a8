#!/usr/bin/env python3
"""Write src/plangraph/ontology/industries.ttl from the curated table src/plangraph/reference/industries.tsv.

    .venv/bin/python scripts/build_industry_scheme.py [--check]

The table is the source of truth (easy to review line by line); the Turtle file is what is
published with the ontology. ``--check`` exits 1 when the Turtle file is out of date.
"""

from __future__ import annotations

import argparse
import sys

from rdflib import Graph
from rdflib.compare import isomorphic

from plangraph.entities.industries import industry_scheme_graph
from plangraph.settings import get_settings

HEADER = (
    "# The industry concept scheme of plangraph (SKOS). Generated from src/plangraph/reference/industries.tsv\n"
    "# by scripts/build_industry_scheme.py: edit the table, not this file.\n"
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="fail if the Turtle file is out of date")
    args = ap.parse_args(argv)
    target = get_settings().ontology_dir / "industries.ttl"
    graph = industry_scheme_graph()
    if args.check:
        current = Graph().parse(target, format="turtle") if target.exists() else Graph()
        if not isomorphic(current, graph):
            print(f"{target} is out of date: run scripts/build_industry_scheme.py", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(HEADER + graph.serialize(format="turtle"), encoding="utf-8")
    print(f"wrote {target} ({len(graph)} triples)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
