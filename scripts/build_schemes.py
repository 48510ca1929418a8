#!/usr/bin/env python3
"""Write the SKOS schemes published with the ontology from their curated tables:

- ``src/plangraph/ontology/industries.ttl`` from ``src/plangraph/reference/industries.tsv``;
- ``src/plangraph/ontology/indicators.ttl`` from ``src/plangraph/reference/`` ``indicators.tsv``
  (the concepts), ``indicator_sources.tsv`` (their sources) and ``units.tsv`` (the units).

    .venv/bin/python scripts/build_schemes.py [--check]

The tables are the source of truth (easy to review line by line); the Turtle files are what is
published. ``--check`` exits 1 when a Turtle file is out of date.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph
from rdflib.compare import isomorphic

from plangraph.entities.industries import industry_scheme_graph
from plangraph.indicators import scheme_graph as indicator_scheme_graph
from plangraph.settings import get_settings


@dataclass(frozen=True)
class Scheme:
    noun: str
    file: str
    tables: str
    make: Callable[[], Graph]

    @property
    def header(self) -> str:
        return (
            f"# The {self.noun} concept scheme of plangraph (SKOS). Generated from\n"
            f"# src/plangraph/reference/{self.tables} by scripts/build_schemes.py:\n"
            "# edit the tables, not this file.\n"
        )


SCHEMES = (
    Scheme("industry", "industries.ttl", "industries.tsv", industry_scheme_graph),
    Scheme("indicator", "indicators.ttl", "{indicators,indicator_sources,units}.tsv", indicator_scheme_graph),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="fail if a Turtle file is out of date")
    args = ap.parse_args(argv)
    stale = 0
    for scheme in SCHEMES:
        target = get_settings().ontology_dir / scheme.file
        graph = scheme.make()
        if args.check:
            current = Graph().parse(target, format="turtle") if target.exists() else Graph()
            # compared as written: Turtle prints the decimal 10000 as 10000.0
            expected = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
            if not isomorphic(current, expected):
                print(f"{target} is out of date: run scripts/build_schemes.py", file=sys.stderr)
                stale += 1
            continue
        target.write_text(scheme.header + graph.serialize(format="turtle"), encoding="utf-8")
        print(f"wrote {target} ({len(graph)} triples)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
