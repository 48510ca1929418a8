#!/usr/bin/env python3
"""Write src/plangraph/ontology/indicators.ttl from the curated tables of src/plangraph/reference/:
indicators.tsv (the concepts), indicator_sources.tsv (their sources) and units.tsv (the units).

    .venv/bin/python scripts/build_indicator_scheme.py [--check]

The tables are the source of truth (easy to review line by line); the Turtle file is what is
published with the ontology. ``--check`` exits 1 when the Turtle file is out of date.
"""

from __future__ import annotations

import argparse
import sys

from rdflib import Graph
from rdflib.compare import isomorphic

from plangraph.indicators import scheme_graph
from plangraph.settings import get_settings

HEADER = (
    "# The indicator concept scheme of plangraph (SKOS) and its units. Generated from\n"
    "# src/plangraph/reference/{indicators,indicator_sources,units}.tsv by\n"
    "# scripts/build_indicator_scheme.py: edit the tables, not this file.\n"
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="fail if the Turtle file is out of date")
    args = ap.parse_args(argv)
    target = get_settings().ontology_dir / "indicators.ttl"
    graph = scheme_graph()
    if args.check:
        current = Graph().parse(target, format="turtle") if target.exists() else Graph()
        # compared as written: Turtle prints the decimal 10000 as 10000.0
        expected = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
        if not isomorphic(current, expected):
            print(f"{target} is out of date: run scripts/build_indicator_scheme.py", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(HEADER + graph.serialize(format="turtle"), encoding="utf-8")
    print(f"wrote {target} ({len(graph)} triples)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
