"""Scale benchmark (issue 14): build synthetic corpora of N documents and report time and peak memory
per document, and the time of a one-document rebuild, as ratios to the 20-document figures and to
a plain pass of reading the files.

    make bench-scale                      (N = 20, 80, 320)
    .venv/bin/python benchmarks/scale.py --sizes 1000
    .venv/bin/python benchmarks/scale.py --sizes 20,80 --baseline-src /path/to/old/checkout/src

The corpora are made from the bundled documents with distinct regions: each copy of a bundled plan
gets another real region's name from the gazetteer (its full and its short name replace those of
the plan's own region everywhere in the text), so every document has its own IRI, region and
reference data, as a real corpus would. Every build runs in a fresh process (``plangraph build``
with the default settings: ``build_workers`` = the cores here, validation on).

Measured, not estimated:
- time: wall time of the build process, no profiler or tracemalloc attached;
- peak memory: the largest sum of the resident set sizes of the build process and all its
  children (the workers), sampled every 0.1 s from /proc (shared pages counted once per process:
  an upper bound), and, as reported by the kernel, the maximum RSS of the main process and of its
  largest child (getrusage);
- one-document rebuild: one file changed (a paragraph appended), built again into the same folder;
- reading: one pass of ``ingest.read_source`` (read and decode) over the same files, in this
  process: what any tool must at least do with them.

``--baseline-src`` runs the same builds with another plangraph's sources first (PYTHONPATH), so that
before and after are measured in one run on the same machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from plangraph.ingest import read_source
from plangraph.pipeline import parse_file
from plangraph.settings import get_settings

#: The bundled plans copied (one document each; the list page of three reports is left out so that
#: N files are N documents).
TEMPLATES = (
    "000_eff48e12d0f87c70.txt",
    "001_cb27c06e08f47c2d.txt",
    "002_aeb35f2bbea0796b.txt",
    "004_b18dca5de18b2533.txt",
)
#: Regions a copy may be given: their own level of government, with a name no other region has.
LEVELS = ("PrefectureCity", "CountyLevelCity", "County", "District")


def _regions(avoid: set[str]) -> list[tuple[str, str, str]]:
    """(code, full name, short name) of regions whose full and short names are unique, and that
    neither hold nor are held in a name in ``avoid`` (the templates' own)."""
    path = get_settings().reference_dir / "regions.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    names: dict[str, int] = {}
    for row in rows:
        for name in [row["name"], *filter(None, row["short_names"].split("|"))]:
            names[name] = names.get(name, 0) + 1
    found = []
    for row in sorted(
        rows, key=lambda r: (LEVELS.index(r["level"]) if r["level"] in LEVELS else 9, r["code"])
    ):
        short = next(iter(filter(None, row["short_names"].split("|"))), "")
        unique = len(short) >= 2 and names[row["name"]] == 1 and names[short] == 1
        clash = any(a in row["name"] or short in a for a in avoid)
        if row["level"] in LEVELS and unique and not clash:
            found.append((row["code"], row["name"], short))
    return found


def _template_regions(corpus: Path) -> dict[str, tuple[str, str]]:
    """Each template's own region as printed: (full name, short name)."""
    from plangraph.entities.regions import Gazetteer

    gazetteer = Gazetteer.load()
    own = {}
    for name in TEMPLATES:
        (doc,) = parse_file(corpus / name)
        region = gazetteer.get(doc.metadata.region_code or "")
        assert region is not None, name
        own[name] = (region.name, region.short_names[0] if region.short_names else region.name)
    return own


def make_corpus(folder: Path, documents: int) -> list[Path]:
    """``documents`` files, each a bundled plan given a region no other file of the corpus has."""
    corpus = get_settings().corpus_dir
    own = _template_regions(corpus)
    regions = _regions({name for pair in own.values() for name in pair})
    if documents > len(regions):
        sys.exit(f"only {len(regions)} distinct regions to give {documents} documents")
    folder.mkdir(parents=True, exist_ok=True)
    texts = {name: (corpus / name).read_text(encoding="utf-8") for name in TEMPLATES}
    made = []
    for number in range(documents):
        template = TEMPLATES[number % len(TEMPLATES)]
        (old_full, old_short), (_code, new_full, new_short) = own[template], regions[number]
        text = texts[template].replace(old_full, new_full).replace(old_short, new_short)
        path = folder / f"{number:05d}_{template}"
        path.write_text(text, encoding="utf-8")
        made.append(path)
    return made


def _tree_rss(root: int) -> int:
    """The resident set size of ``root`` and all its descendants, in bytes (0 once it is gone)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(rss.get(pid, 0) for pid in tree)


@dataclass
class Run:
    seconds: float
    peak_tree_mb: float  # largest sum of RSS over the build process and its workers
    main_maxrss_mb: float  # getrusage of the build process itself
    largest_child_maxrss_mb: float  # getrusage(RUSAGE_CHILDREN) of the build process
    exit_status: int


_CHILD = """
import resource, sys, time
started = time.perf_counter()
from plangraph.cli import main
status = main(sys.argv[1:])
print("BENCH", time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, status)
"""


def timed_build(inputs: Path, out: Path, src: str | None = None) -> Run:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD, "build", str(inputs), "--out", str(out), "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.1):
            peak = max(peak, _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    line = next((line for line in stdout.splitlines() if line.startswith("BENCH")), None)
    if line is None:
        sys.exit(f"the build of {inputs} failed:\n{stderr[-3000:]}")
    _, _inner, main_kb, child_kb, status = line.split()
    return Run(
        round(seconds, 2),
        round(peak / 2**20),
        round(int(main_kb) / 1024),
        round(int(child_kb) / 1024),
        int(status),
    )


def reading_pass(files: list[Path]) -> float:
    started = time.perf_counter()
    for path in files:
        read_source(path)
    return time.perf_counter() - started


def one_document_rebuild(files: list[Path], inputs: Path, out: Path, src: str | None) -> Run:
    changed = files[len(files) // 2]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n\n加快推进新型工业化，推动制造业高质量发展。\n",
        encoding="utf-8",
    )
    return timed_build(inputs, out, src)


def measure(sizes: list[int], src: str | None, work: Path, label: str) -> dict:
    results: dict[str, dict] = {}
    for n in sizes:
        folder = work / f"corpus-{n}"
        if folder.exists():
            shutil.rmtree(folder)
        files = make_corpus(folder, n)
        out = work / f"build-{label}-{n}"
        shutil.rmtree(out, ignore_errors=True)
        reading = reading_pass(files)
        full = timed_build(folder, out, src)
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        written = {d["iri"] for d in report["documents"]}
        rebuild = one_document_rebuild(files, folder, out, src)
        results[str(n)] = {
            "documents": n,
            "documents written, distinct IRIs": len(written),
            "reading_seconds": round(reading, 3),
            "full": asdict(full),
            "one_document_rebuild": asdict(rebuild),
        }
        print(
            f"  [{label}] N={n}: full {full.seconds:.1f} s, peak {full.peak_tree_mb} MB, "
            f"rebuild {rebuild.seconds:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        shutil.rmtree(out, ignore_errors=True)
    return results


def ratios(results: dict) -> dict:
    base = results[min(results, key=int)]
    base_per_doc = base["full"]["seconds"] / base["documents"]
    table = {}
    for n, row in results.items():
        docs = row["documents"]
        per_doc = row["full"]["seconds"] / docs
        table[n] = {
            "seconds per document": round(per_doc, 3),
            "seconds per document (x smallest N)": round(per_doc / base_per_doc, 2),
            "seconds per document (x reading a file)": round(per_doc / (row["reading_seconds"] / docs), 1),
            "peak memory MB (process tree)": row["full"]["peak_tree_mb"],
            "peak memory (x smallest N)": round(
                row["full"]["peak_tree_mb"] / base["full"]["peak_tree_mb"], 2
            ),
            "peak memory MB per document": round(row["full"]["peak_tree_mb"] / docs, 1),
            "max RSS MB: main process / largest worker": (
                f"{row['full']['main_maxrss_mb']} / {row['full']['largest_child_maxrss_mb']}"
            ),
            "one-document rebuild seconds": row["one_document_rebuild"]["seconds"],
            "one-document rebuild (x its full build)": round(
                row["one_document_rebuild"]["seconds"] / row["full"]["seconds"], 3
            ),
            "one-document rebuild (x smallest N's full build)": round(
                row["one_document_rebuild"]["seconds"] / base["full"]["seconds"], 2
            ),
            "one-document rebuild (x reading all files)": round(
                row["one_document_rebuild"]["seconds"] / row["reading_seconds"], 1
            ),
        }
    return table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="20,80,320", help="numbers of documents, comma-separated")
    ap.add_argument("--baseline-src", help="another plangraph's src/ folder, measured first in the same run")
    ap.add_argument("--work", help="folder for the corpora and builds (default: a temporary one)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(args.work or tempfile.mkdtemp(prefix="plangraph-scale-"))
    load = os.getloadavg()
    result: dict = {
        "machine": {"cores": os.cpu_count(), "load average at start": [round(x, 2) for x in load]}
    }
    if args.baseline_src:
        result["baseline"] = measure(sizes, args.baseline_src, work, "baseline")
    result["this"] = measure(sizes, None, work, "this")
    result["ratios"] = ratios(result["this"])
    if args.baseline_src:
        result["baseline ratios"] = ratios(result["baseline"])
    result["machine"]["load average at end"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for section in ("baseline ratios", "ratios"):
            if section in result:
                print(section)
                for n, row in result[section].items():
                    print(f"  N = {n}")
                    for k, v in row.items():
                        print(f"    {k:<52} {v}")
        print("raw:", json.dumps({k: v for k, v in result.items() if "ratios" not in k}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
