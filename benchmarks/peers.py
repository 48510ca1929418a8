"""The two servers plangraph serve is measured against (started by benchmarks/serve_compare.py).

    python benchmarks/peers.py bare BUILD_DIR PORT [--in-memory]    the engine's floor
    python benchmarks/peers.py rdflib BUILD_DIR PORT                 rdflib-endpoint

``bare`` is the least a SPARQL endpoint over pyoxigraph can do: parse the request, run the query,
let pyoxigraph write the answer, send it. No limits, no isolation, no negotiation beyond JSON or
Turtle: what plangraph's guarantees cost is measured against it. It reads the same store as
``plangraph serve`` (on disk by default, whose default graph is the union of the named graphs).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response


def bare_app(build_dir: Path, in_memory: bool) -> FastAPI:
    from plangraph.store import open_store

    store = open_store(build_dir, in_memory=in_memory)
    app = FastAPI()

    def answer(query: str, accept: str) -> Response:
        result = store.query(query)
        if isinstance(result, ox.QueryTriples):
            return Response(result.serialize(format=ox.RdfFormat.TURTLE), media_type="text/turtle")
        if "xml" in accept:
            fmt, media = ox.QueryResultsFormat.XML, "application/sparql-results+xml"
        else:
            fmt, media = ox.QueryResultsFormat.JSON, "application/sparql-results+json"
        return Response(result.serialize(format=fmt), media_type=media)

    @app.get("/sparql")
    def get(request: Request, query: str) -> Response:
        return answer(query, request.headers.get("accept", ""))

    @app.post("/sparql")
    async def post(request: Request) -> Response:
        form = await request.form()
        return answer(str(form["query"]), request.headers.get("accept", ""))

    return app


def rdflib_app(build_dir: Path) -> FastAPI:
    import rdflib
    from rdflib_endpoint import SparqlEndpoint

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(build_dir / "plangraph.trig", format="trig")
    return SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False)


def main(argv: list[str]) -> int:
    kind, build, port = argv[0], Path(argv[1]), int(argv[2])
    app = bare_app(build, "--in-memory" in argv) if kind == "bare" else rdflib_app(build)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
