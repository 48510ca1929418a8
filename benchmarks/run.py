"""Benchmarks: speed and memory of each stage, as ratios against a baseline measured in the same run.

    make bench            (or: .venv/bin/python benchmarks/run.py [--repeat N] [--json])

Machines here are noisy, so absolute seconds mean little from one run to the next. Every timing
is reported next to a baseline taken in the same process, in the same run:

- extraction stages are compared with decoding the same files (ingest.read_source): "structure
  costs 3.1x reading";
- the full build is compared with extraction alone;
- SPARQL over the in-memory pyoxigraph store is compared with the on-disk store and with rdflib's
  in-memory graph on the same queries (the design choice the settings document);
- peak memory (tracemalloc) of a build is compared with the size of the text it reads;
- cost that must grow linearly (issue 9): reading one long line full of ``**`` at n and 4n
  characters, and building a plan of n and 4n headings (time, and peak RSS of the build process
  per heading), as ratios of the 4n figure to the n one (4 is linear).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from plangraph import pipeline, store
from plangraph.ingest import read_documents, read_source
from plangraph.settings import get_settings
from plangraph.structure import parse_structure

QUERIES = {
    "count by class": "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c",
    "projects with box": "SELECT ?p ?b WHERE { ?p a pg:Project ; pg:listedIn ?b . ?b pg:number ?n }",
    "observations": "SELECT ?o ?v WHERE { ?o a pg:Observation ; pg:valueText ?v ; pg:indicator/rdfs:label ?l }",
    "mentions by line": "SELECT ?m WHERE { ?m a pg:Mention ; pg:line ?l FILTER(?l > 100) }",
}


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_stages(files: list[Path], repeat: int) -> dict[str, float]:
    read = timed(lambda: [read_source(f) for f in files], repeat)
    ingest = timed(lambda: [read_documents(f) for f in files], repeat)
    structure = timed(lambda: [parse_structure(d) for f in files for d in read_documents(f)], repeat)
    extract = timed(lambda: [pipeline.parse_file(f) for f in files], repeat)
    return {
        "read (baseline)": read,
        "ingest": ingest,
        "ingest+structure": structure,
        "extract (all stages)": extract,
    }


def bench_build(files: list[Path], validate: bool) -> tuple[float, int, Path]:
    out = Path(tempfile.mkdtemp(prefix="plangraph-bench-")) / "build"
    tracemalloc.start()
    start = time.perf_counter()
    report = pipeline.build(files, out, progress=False, validate=validate)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if not report.ok:
        sys.exit("benchmark build failed: " + "; ".join(report.problems))
    return seconds, peak, out


def bench_queries(build_dir: Path, repeat: int) -> dict[str, dict[str, float]]:
    import rdflib

    from plangraph.vocab import STANDARD_PREFIXES

    memory = store.open_store(build_dir, in_memory=True)
    disk = store.open_store(build_dir, in_memory=False)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(build_dir / store.TRIG_NAME, format="trig")
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in STANDARD_PREFIXES.items())
    out = {}
    for name, q in QUERIES.items():
        base = timed(lambda q=q: list(store.select(memory, q)), repeat)
        out[name] = {
            "oxigraph in memory (baseline)": base,
            "oxigraph on disk": timed(lambda q=q: list(store.select(disk, q)), repeat) / base,
            "rdflib in memory": timed(lambda q=q: list(ds.query(prefixes + q)), max(1, repeat // 3)) / base,
        }
    return out


def _hostile():  # the generators of hostile inputs live with the tests that use them
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import hostile

    return hostile


def bench_long_line(chars: int, repeat: int) -> dict[str, float]:
    """Reading one line of ``chars`` and of 4x ``chars`` characters full of markdown emphasis."""
    hostile = _hostile()
    small, large = (Path(tempfile.mkdtemp(prefix="plangraph-bench-line-")) for _ in range(2))
    small_file = hostile.long_markdown_line(small, chars)
    large_file = hostile.long_markdown_line(large, 4 * chars)
    base = timed(lambda: read_documents(small_file), repeat)
    return {
        f"{chars} chars (baseline)": base,
        f"{4 * chars} chars": timed(lambda: read_documents(large_file), repeat) / base,
    }


_CHILD_BUILD = """
import os, resource, sys, time
os.environ["PLANGRAPH_VALIDATION_WORKERS"] = "1"  # validation in this process: its peak is the build's
from plangraph.cli import main
started = time.perf_counter()
main(["build", sys.argv[1], "--out", sys.argv[2], "--quiet"])
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _build_in_child(path: Path) -> tuple[float, int]:
    """Wall time and peak RSS (bytes) of building one file in a fresh process."""
    out = Path(tempfile.mkdtemp(prefix="plangraph-bench-h-")) / "build"
    done = subprocess.run(
        [sys.executable, "-c", _CHILD_BUILD, str(path), str(out)], capture_output=True, text=True, check=True
    )
    seconds, kilobytes = done.stdout.split()
    return float(seconds), int(kilobytes) * 1024


def bench_headings(headings: int) -> dict[str, float]:
    """Building a plan of ``headings`` and of 4x ``headings`` headings: time and memory per heading."""
    hostile = _hostile()
    folder = Path(tempfile.mkdtemp(prefix="plangraph-bench-headings-"))
    small_s, small_m = _build_in_child(hostile.many_headings(folder, headings))
    large_s, large_m = _build_in_child(hostile.many_headings(folder, 4 * headings))
    return {
        f"{headings} headings: seconds (baseline)": round(small_s, 2),
        f"{4 * headings} headings: time (x baseline)": round(large_s / small_s, 2),
        f"{headings} headings: peak RSS MB": round(small_m / 2**20),
        f"{4 * headings} headings: peak RSS MB": round(large_m / 2**20),
        "KB per added heading": round((large_m - small_m) / (3 * headings) / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median is kept)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)

    files = pipeline.find_inputs([get_settings().corpus_dir])
    text_bytes = sum(len(read_source(f).text.encode("utf-8")) for f in files)
    stages = bench_stages(files, args.repeat)
    build_plain, _, _ = bench_build(files, validate=False)
    build_valid, peak, out = bench_build(files, validate=True)
    queries = bench_queries(out, args.repeat)
    long_line = bench_long_line(80_000, args.repeat)
    headings = bench_headings(1_000)
    base = stages["read (baseline)"]
    result = {
        "corpus": {"files": len(files), "text_bytes": text_bytes},
        "stages (x reading the files)": {k: round(v / base, 1) for k, v in stages.items()},
        "build (x extraction)": {
            "build without validation": round(build_plain / stages["extract (all stages)"], 2),
            "build with SHACL validation": round(build_valid / stages["extract (all stages)"], 2),
        },
        "peak memory of a build (x text size)": round(peak / text_bytes, 1),
        "queries (x oxigraph in memory)": {
            name: {k: round(v, 2) if "baseline" not in k else f"{v * 1000:.1f} ms" for k, v in row.items()}
            for name, row in queries.items()
        },
        "long line (x 80k chars)": {
            k: (f"{v * 1000:.1f} ms" if "baseline" in k else round(v, 2)) for k, v in long_line.items()
        },
        "headings (cost per heading must not grow)": headings,
        "baseline seconds (for orientation only)": {
            "read": round(base, 4),
            "extract": round(stages["extract (all stages)"], 3),
        },
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for section, values in result.items():
            print(section)
            if isinstance(values, dict):
                for k, v in values.items():
                    print(f"  {k:<36} {v}")
            else:
                print(f"  {values}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
