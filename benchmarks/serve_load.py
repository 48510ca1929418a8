"""Simple queries while two clients hammer heavy ones (issue 9's "done when": p95 <= 100 ms).

    make bench-serve     (or: .venv/bin/python benchmarks/serve_load.py [--build DIR] [--seconds 30])

`plangraph serve` is started here on loopback over the corpus build with its default settings.
Two heavy clients (their own loopback addresses, 127.0.0.2 and 127.0.0.3) re-send one heavy COUNT
back to back; a probe client (127.0.0.4) sends a simple query every 20 ms. The probes' latencies
are reported with and without the heavy load, measured in the same run, with the statuses both
sides got. Bounded: at most ``--seconds`` of load and 2,000 probes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from http_load import LoadResult, percentile, run_clients
from serving_support import PREFIXES, corpus_build, server

#: The heavy COUNT: every pair of resources of one type (tens of millions of rows on the corpus).
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?t . ?b a ?t }"
SIMPLE = PREFIXES + "SELECT ?p ?name WHERE { ?p a pg:Project ; rdfs:label ?name } LIMIT 10"
JSON = "application/sparql-results+json"
TARGET_P95 = 0.100


def summary(result: LoadResult) -> dict[str, object]:
    return {
        "requests": result.requests,
        "p50 ms": round(percentile(result.latencies, 0.50) * 1000, 1),
        "p95 ms": round(percentile(result.latencies, 0.95) * 1000, 1),
        "p99 ms": round(percentile(result.latencies, 0.99) * 1000, 1),
        "max ms": round(max(result.latencies, default=0) * 1000, 1),
        "statuses": dict(result.statuses),
    }


async def under_load(
    port: int, seconds: float, heavy_connections: int
) -> tuple[LoadResult, list[LoadResult]]:
    heavy = [
        run_clients("127.0.0.1", port, HEAVY, JSON, heavy_connections, seconds, 1000, local_address=address)
        for address in ("127.0.0.2", "127.0.0.3")
    ]
    tasks = [asyncio.ensure_future(h) for h in heavy]
    await asyncio.sleep(1.0)  # the heavy queries are running
    probes = await run_clients(
        "127.0.0.1", port, SIMPLE, JSON, 1, seconds - 1.0, 2000, local_address="127.0.0.4", pause=0.02
    )
    return probes, list(await asyncio.gather(*tasks))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", help="build folder to serve (default: a fresh build of the corpus)")
    ap.add_argument("--seconds", type=float, default=30.0, help="length of the heavy load")
    ap.add_argument("--heavy-connections", type=int, default=1, help="connections per heavy client")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    build = corpus_build(args.build)
    with server("plangraph", build) as port:
        quiet = asyncio.run(
            run_clients("127.0.0.1", port, SIMPLE, JSON, 1, 5.0, 250, local_address="127.0.0.4", pause=0.02)
        )
        probes, heavy = asyncio.run(under_load(port, args.seconds, args.heavy_connections))
    p95 = percentile(probes.latencies, 0.95)
    report = {
        "simple queries, no load (baseline)": summary(quiet),
        f"simple queries while 2 clients x {args.heavy_connections} re-send a heavy COUNT": summary(probes),
        "heavy clients": [summary(h) for h in heavy],
        "p95 under load / p95 without": round(p95 / percentile(quiet.latencies, 0.95), 2),
        f"p95 under load <= {TARGET_P95 * 1000:.0f} ms": p95 <= TARGET_P95,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
