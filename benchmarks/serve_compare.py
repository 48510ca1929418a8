"""plangraph serve next to rdflib-endpoint and a bare FastAPI + pyoxigraph app (issue 14).

    .venv/bin/python benchmarks/serve_compare.py [--build DIR] [--seconds 3] [--repeat 3] [--store disk|memory|both]

The three servers are started here on loopback, over the same build. For each query kind, 8
clients send the same query back to back for a few seconds to one server, then to the next
(interleaved, the order rotating each round, so drifting load on the machine touches all alike);
each client from its own loopback address; the figure is the median throughput of ``--repeat`` rounds, and the ratios are taken within the
run. The bare app reads the same store as plangraph (on disk, or in memory with ``--store
memory``), so the ratio to it is what plangraph's guarantees cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from contextlib import ExitStack

from http_load import LoadResult, run_clients
from serving_support import PREFIXES, QUERIES, corpus_build, server

SERVERS = ("plangraph", "rdflib", "bare")


async def distinct_clients(port: int, query: str, accept: str, clients: int, seconds: float) -> LoadResult:
    """``clients`` clients, each from its own loopback address (127.0.0.11, .12, …), as distinct
    users are: plangraph's per-client limits see them as such."""
    parts = await asyncio.gather(
        *(
            run_clients("127.0.0.1", port, query, accept, 1, seconds, 300, local_address=f"127.0.0.{11 + i}")
            for i in range(clients)
        )
    )
    total = LoadResult(seconds=max(p.seconds for p in parts))
    for part in parts:
        total.latencies += part.latencies
        total.statuses.update(part.statuses)
        total.bytes += part.bytes
    return total


def measure(ports: dict[str, int], seconds: float, repeat: int, clients: int) -> dict[str, dict[str, float]]:
    rps: dict[str, dict[str, list[float]]] = {q: {s: [] for s in ports} for q in QUERIES}
    for round_number in range(repeat):
        order = list(ports)[round_number % len(ports) :] + list(ports)[: round_number % len(ports)]
        for kind, (query, accept) in QUERIES.items():
            for name in order:
                result = asyncio.run(
                    distinct_clients(ports[name], PREFIXES + query, accept, clients, seconds)
                )
                bad = {s: n for s, n in result.statuses.items() if s != 200}
                if bad:
                    print(f"  warning: {name} / {kind}: statuses {bad}", file=sys.stderr)
                rps[kind][name].append(result.rps)
    return {k: {s: statistics.median(v) for s, v in by_server.items()} for k, by_server in rps.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", help="build folder to serve (default: a fresh build of the corpus)")
    ap.add_argument("--seconds", type=float, default=3.0, help="length of one measurement")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (the median is kept)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--store", choices=["disk", "memory", "both"], default="both")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    build = corpus_build(args.build)
    modes = ["disk", "memory"] if args.store == "both" else [args.store]
    report: dict[str, object] = {}
    for mode in modes:
        with ExitStack() as stack:
            ports = {
                name: stack.enter_context(server(name, build, in_memory=mode == "memory"))
                for name in SERVERS
                if not (name == "rdflib" and mode == "memory" and "disk" in modes)  # rdflib has one mode
            }
            figures = measure(ports, args.seconds, args.repeat, args.clients)
        table = {}
        for kind, by_server in figures.items():
            row = {f"{name} rps": round(value, 1) for name, value in by_server.items()}
            if "rdflib" in by_server:
                row["plangraph / rdflib-endpoint"] = round(by_server["plangraph"] / by_server["rdflib"], 2)
            row["plangraph / bare"] = round(by_server["plangraph"] / by_server["bare"], 2)
            table[kind] = row
        report[f"store {'on disk (shared by the workers)' if mode == 'disk' else 'in memory'}"] = table
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for section, table in report.items():
            print(section)
            for kind, row in table.items():  # type: ignore[attr-defined]
                print(f"  {kind:<30} " + "  ".join(f"{k} {v}" for k, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
