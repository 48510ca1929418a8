"""The `plangraph` command: thin wrappers over the library.

plangraph build [PATHS...] [--out DIR] [--region CODE_OR_NAME] [--workers N] [--executor dask://HOST:PORT]
plangraph validate [--graph FILE]
plangraph query (SPARQL | FILE.rq) [--build DIR] [--format table|json|csv|tsv]
plangraph stats [--build DIR]
plangraph serve [--build DIR] [--host H] [--port P]
plangraph trace INDUSTRY [--build DIR] [--format table|json]
plangraph path A B [--build DIR]
plangraph compare PLAN_A PLAN_B [--build DIR]
plangraph targets INDICATOR [--documents D,...] [--places P,...] [--years 2020-2025] [--format table|json|csv]
plangraph priorities [--industries I,...] [--documents D,...] [--places P,...] [--by place|document]
plangraph search TEXT [--build DIR] [--limit N]
plangraph export --format F -o FILE [--focus ENTITY --depth N] [--document DOC] [--types T,...]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from .settings import SettingsError, get_settings, set_settings


def _build_dir(args: argparse.Namespace) -> Path:
    return Path(args.build) if getattr(args, "build", None) else get_settings().build_dir


BUILD_EPILOG = """\
what the user says about the documents:
  --region CODE_OR_NAME applies to every input; a plangraph.toml beside the files says more per file:
    ["file.txt"]
    region = "130636"   type = "government-work-report"   year = 2008   title = "…"
  (--region wins over a manifest's region.)

exit status:
  0  every document of every input file was built and written
  3  a graph was written, but some files or documents were refused or left out (see the
     summary and OUT/report.json: each file's outcome, and each document's)
  1  nothing was written (nothing could be built, or the build was refused: an --out that is
     not a plangraph build, an unknown --region); the previous build is unchanged
  2  a usage error (bad options, or a malformed PLANGRAPH_* setting): nothing was read
  130, 143  interrupted (SIGINT, SIGTERM): the previous build is unchanged

--out is replaced only if it is a plangraph build (it carries the .plangraph-build marker), or an
empty folder, or does not exist; anything else is refused and never deleted.

a rebuild into the same --out takes every file whose bytes, and the plangraph code and rule data
that read it, did not change from the previous build's cache (OUT/cache/): only changed files are
read, extracted and validated again, and only their graphs are replaced in the store.
"""


class _Terminated(Exception):
    """SIGTERM, raised where the build is, so that its temporary folder is removed on the way out."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated()


def cmd_build(args: argparse.Namespace) -> int:
    from .pipeline import build

    settings = get_settings()
    paths = [Path(p) for p in args.paths] or [settings.corpus_dir]
    out = Path(args.out) if args.out else settings.build_dir
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        report = build(
            paths,
            out,
            progress=not args.quiet,
            validate=not args.no_validate,
            region=args.region,
            executor=args.executor,
            workers=args.workers,
        )
    except _Terminated:
        print(
            "error: terminated (SIGTERM); nothing written, the previous build is unchanged", file=sys.stderr
        )
        return 128 + signal.SIGTERM
    finally:
        signal.signal(signal.SIGTERM, previous)
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    if not args.quiet:
        print(report.summary())
    return report.exit_status


def cmd_validate(args: argparse.Namespace) -> int:
    from .store import trig_path
    from .validate import validate_trig

    graph = Path(args.graph) if args.graph else trig_path(_build_dir(args))
    result = validate_trig(graph)
    print(result.text())
    return 0 if result.conforms else 1


def cmd_query(args: argparse.Namespace) -> int:
    from .query import format_results, read_query, run_query
    from .store import open_store

    text = read_query(args.query)
    try:
        results = run_query(open_store(_build_dir(args)), text)
    except ValueError as err:
        if text == args.query:  # the query was given inline: the message already describes it
            raise
        raise ValueError(f"{args.query}: {err}") from err  # name the .rq file that is wrong
    sys.stdout.write(format_results(results, args.format))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .query import graph_stats
    from .store import open_store

    stats = graph_stats(open_store(_build_dir(args)))
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=1))
    else:
        width = max(len(k) for k in stats)
        for key, value in stats.items():
            print(f"{key:<{width}}  {value}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .web.app import serve

    settings = get_settings()
    serve(
        _build_dir(args),
        host=args.host or settings.host,
        port=args.port or settings.port,
        allow_updates=args.allow_updates,
        update_token=args.update_token,
        sparql_backend=args.sparql_backend,
    )
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    from .store import open_store
    from .trace import trace_industry

    result = trace_industry(open_store(_build_dir(args)), args.industry)
    if args.format == "json":
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        print(result.format_table())
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    from .evidence import format_path
    from .network import shortest_path
    from .store import open_store

    path = shortest_path(open_store(_build_dir(args)), args.a, args.b)
    print(format_path(path))
    return 0 if path else 1


def cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare_plans
    from .store import open_store

    comparison = compare_plans(open_store(_build_dir(args)), args.plan_a, args.plan_b)
    if args.format == "json":
        print(json.dumps(comparison.to_json(), ensure_ascii=False, indent=1))
    else:
        print(comparison.format_table())
    return 0


def _items(text: str | None) -> list[str] | None:
    """``a,b`` or ``a，b`` -> ["a", "b"]; None when nothing is given."""
    if not text:
        return None
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()] or None


def cmd_targets(args: argparse.Namespace) -> int:
    from .compare import compare_indicator, parse_years
    from .store import open_store

    comparison = compare_indicator(
        open_store(_build_dir(args)),
        args.indicator,
        documents=_items(args.documents),
        places=_items(args.places),
        years=parse_years(args.years),
    )
    if args.format == "json":
        print(json.dumps(comparison.to_json(), ensure_ascii=False, indent=1))
    elif args.format == "csv":
        sys.stdout.write(comparison.to_csv())
    else:
        print(comparison.format_table())
    return 0


def cmd_priorities(args: argparse.Namespace) -> int:
    from .compare import priorities
    from .store import open_store

    matrix = priorities(
        open_store(_build_dir(args)),
        industries=_items(args.industries),
        documents=_items(args.documents),
        places=_items(args.places),
        by=args.by,
        top=args.top,
    )
    if args.format == "json":
        print(json.dumps(matrix.to_json(), ensure_ascii=False, indent=1))
    elif args.format == "csv":
        sys.stdout.write(matrix.to_csv())
    else:
        print(matrix.format_table())
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from .reading.display import text_table
    from .reading.names import search
    from .reading.nodes import describe
    from .store import open_store

    store = open_store(_build_dir(args))
    hits = search(store, args.text, args.limit)
    refs = describe(store, [h.iri for h in hits])
    rows = [("name", "type", "matched", "IRI")]
    rows += [(refs[h.iri].label, refs[h.iri].type, h.name, h.iri) for h in hits]
    print("\n".join(text_table(rows, max_width=60)) if hits else f"no name contains {args.text!r}")
    return 0 if hits else 1


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export_graph
    from .store import open_store

    types = [t.strip() for t in args.types.split(",") if t.strip()] if args.types else None
    summary = export_graph(
        open_store(_build_dir(args)),
        args.format,
        Path(args.output),
        focus=args.focus,
        depth=args.depth,
        document=args.document,
        types=types,
        bom=args.bom,
    )
    print(summary)
    return 0


def make_parser() -> argparse.ArgumentParser:
    defaults = get_settings()  # shown in the help, so an environment override shows there too
    parser = argparse.ArgumentParser(prog="plangraph", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def with_build(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--build", metavar="DIR", help="build directory (default: build/)")
        return p

    p = sub.add_parser(
        "build",
        help="read documents and build the validated graph",
        description="Read documents and build the validated graph.",
        epilog=BUILD_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", help="files or folders (default: the bundled corpus, data/corpus)")
    p.add_argument(
        "--out", metavar="DIR", help="output directory (default: build/); only a plangraph build is replaced"
    )
    p.add_argument(
        "--region",
        metavar="CODE_OR_NAME",
        help="the region every input is about: a GB/T 2260 code (150702) or a place name (海拉尔区)",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes that read, extract and validate documents (default: setting build_workers, "
        "the cores there are)",
    )
    p.add_argument(
        "--executor",
        metavar="URL",
        help="process the documents on an existing Dask cluster: dask://HOST:PORT of its scheduler "
        "(needs plangraph[dask] here and plangraph on the workers; default: this machine)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    p.set_defaults(func=cmd_build)

    p = with_build(sub.add_parser("validate", help="validate a built graph against ontology/shapes.ttl"))
    p.add_argument("--graph", metavar="FILE", help="a TriG file (default: build/plangraph.trig)")
    p.set_defaults(func=cmd_validate)

    p = with_build(sub.add_parser("query", help="run a SPARQL query (text or a .rq file)"))
    p.add_argument("query", help="SPARQL text, a .rq file, or the name of a saved query in queries/")
    p.add_argument("--format", choices=["table", "json", "csv", "tsv"], default="table")
    p.set_defaults(func=cmd_query)

    p = with_build(sub.add_parser("stats", help="count documents, divisions, boxes, entities, triples"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = with_build(sub.add_parser("serve", help="serve the SPARQL endpoint and the web UI"))
    p.add_argument("--host", help=f"interface (default {defaults.host})")
    p.add_argument("--port", type=int, help=f"port (default {defaults.port})")
    p.add_argument("--allow-updates", action="store_true", help="accept SPARQL Update (needs --update-token)")
    p.add_argument("--update-token", help="bearer token SPARQL Update requests must carry")
    p.add_argument(
        "--sparql-backend",
        metavar="URL",
        help="pass queries to this SPARQL endpoint (with the same limits) instead of the embedded store",
    )
    p.set_defaults(func=cmd_serve)

    p = with_build(sub.add_parser("trace", help="the projects that support an industry goal, and why"))
    p.add_argument("industry", help="industry label, alternative label or IRI")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_trace)

    p = with_build(sub.add_parser("path", help="shortest path between two entities"))
    p.add_argument("a")
    p.add_argument("b")
    p.set_defaults(func=cmd_path)

    p = with_build(sub.add_parser("compare", help="compare two plans: industries and indicator targets"))
    p.add_argument("plan_a")
    p.add_argument("plan_b")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_compare)

    p = with_build(
        sub.add_parser(
            "targets", help="one indicator across documents, places and years (values, units, evidence)"
        )
    )
    p.add_argument("indicator", help="an indicator (国内生产总值, GDP, 城镇化率 …), a concept key or IRI")
    p.add_argument("--documents", metavar="D,...", help="only these documents (IRI, source file or title)")
    p.add_argument("--places", metavar="P,...", help="only documents about these places (and places within)")
    p.add_argument("--years", metavar="Y", help="only these years: 2025, 2020-2025 or 2020,2025")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=cmd_targets)

    p = with_build(
        sub.add_parser("priorities", help="which places promote which industries, with the sentences")
    )
    p.add_argument("--industries", metavar="I,...", help="these industries (default: the most promoted)")
    p.add_argument("--documents", metavar="D,...", help="only these documents")
    p.add_argument("--places", metavar="P,...", help="only documents about these places")
    p.add_argument("--by", choices=["place", "document"], default="place", help="rows (default: place)")
    p.add_argument("--top", type=int, default=20, help="industries shown without --industries (default 20)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=cmd_priorities)

    p = with_build(sub.add_parser("search", help="entities whose name contains the text"))
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=30)
    p.set_defaults(func=cmd_search)

    p = with_build(sub.add_parser("export", help="export the graph or a part of it"))
    from .export import EXPORT_FORMATS  # the format registry (imports NetworkX)

    p.add_argument(
        "--format",
        required=True,
        help="; ".join(f"{f.key}: {f.description}" for f in EXPORT_FORMATS),
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--focus", metavar="ENTITY", help="only the neighbourhood of this entity")
    p.add_argument(
        "--depth", type=int, default=None, help=f"radius around --focus (default {defaults.default_depth})"
    )
    p.add_argument("--document", metavar="DOC", help="only this document (IRI or source file name)")
    p.add_argument("--types", metavar="T,...", help="only nodes of these types (e.g. Project,Industry)")
    p.add_argument(
        "--bom", action="store_true", help="csv: start each table with a UTF-8 byte order mark (Excel)"
    )
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    set_settings(None)
    try:
        parser = make_parser()
    except SettingsError as err:  # a malformed PLANGRAPH_* variable: say which, and what it takes
        print(f"error: {err}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader stopped early (`plangraph trace X | head`): not an error; keep Python from
        # complaining again when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # a clear message, not a traceback, for expected failures
        from .model import InputError
        from .reading.names import UnknownEntity
        from .store import StoreError

        if isinstance(err, InputError | StoreError | UnknownEntity | FileNotFoundError | ValueError):
            print(f"error: {err}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
