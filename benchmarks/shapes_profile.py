"""Which SHACL shapes cost what (issue 14 item 4), and what the compiled engine saves.

    .venv/bin/python benchmarks/shapes_profile.py [--top 25] [FILES…]     (part of `make bench`)

Every document of the bundled corpus (or FILES) is validated as a build validates it (its graph,
the reference data it names, the source text), once by pyshacl with each shape's own time recorded
(exclusive of the shapes it calls: a node shape's property shapes are counted on their own), once
by pyshacl-turbo, in this process, one after the other. The table lists the costliest shapes with
their share of pyshacl's time and the number of times pyshacl evaluated them (per focus node for
property shapes); the totals compare the engines on the same graphs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import pyshacl.shape

from plangraph import pipeline, rdf
from plangraph.entities.regions import Gazetteer
from plangraph.settings import get_settings
from plangraph.validate import load_ontology, load_shapes, validate_document_graph

SHAPES = "https://w3id.org/plangraph/shapes#"


def profile(files: list[Path], top: int) -> None:
    own: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    stack: list[float] = []
    original = pyshacl.shape.Shape.validate

    def timed(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        stack.append(0.0)
        try:
            return original(self, *args, **kwargs)
        finally:
            spent = time.perf_counter() - started
            inner = stack.pop()
            name = str(self.node).removeprefix(SHAPES) if str(self.node).startswith(SHAPES) else "(anonymous)"
            own[name] += spent - inner
            calls[name] += 1
            if stack:
                stack[-1] += spent

    gazetteer = Gazetteer.load()
    load_shapes(), load_ontology()
    jobs = []
    for path in files:
        for _outcome, doc in pipeline.build_file(path, gazetteer).documents:
            graph = rdf.DocumentGraph(doc).build()
            keys = pipeline.ReferenceKeys.of(doc, graph, gazetteer)
            jobs.append(
                (
                    graph,
                    pipeline._document_references(keys, gazetteer),
                    {str(rdf.document_iri(doc)): doc.source.text},
                )
            )
    triples = sum(len(graph) for graph, _, _ in jobs)
    validate_document_graph(*jobs[0], engine="turbo")  # the compiled shapes, made once per process
    started = time.perf_counter()
    turbo = [validate_document_graph(*job, engine="turbo") for job in jobs]
    turbo_seconds = time.perf_counter() - started
    pyshacl.shape.Shape.validate = timed  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        reference = [validate_document_graph(*job, engine="pyshacl") for job in jobs]
        pyshacl_seconds = time.perf_counter() - started
    finally:
        pyshacl.shape.Shape.validate = original  # type: ignore[method-assign]
    same = all(set(a) == set(b) for a, b in zip(reference, turbo, strict=True))
    print(
        f"{len(jobs)} document graphs, {triples} triples (with the reference data and source text each names)"
    )
    print(f"pyshacl        {pyshacl_seconds:7.2f} s  (reference)")
    print(
        f"pyshacl-turbo  {turbo_seconds:7.2f} s  ({pyshacl_seconds / turbo_seconds:.1f}x faster; same findings: {same})"
    )
    shapes_total = sum(own.values())
    print(f"\npyshacl's time per shape ({shapes_total:.2f} s in shapes, the rest is pyshacl's own set-up):")
    print(f"  {'seconds':>8} {'share':>6} {'runs':>7}  shape")
    for name, seconds in sorted(own.items(), key=lambda item: -item[1])[:top]:
        print(f"  {seconds:8.2f} {100 * seconds / pyshacl_seconds:5.1f}% {calls[name]:7d}  {name}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help="default: the bundled corpus")
    ap.add_argument("--top", type=int, default=25, help="shapes listed")
    args = ap.parse_args(argv)
    files = args.files or pipeline.find_inputs([get_settings().corpus_dir])
    profile(files, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
