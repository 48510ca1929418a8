"""`plangraph serve --sparql-backend URL` in front of a real Oxigraph server (from PyPI's
`oxigraph`, started here on loopback over the build's own store): the same answers, the same
limits (rows, time, nesting, SERVICE), the same formats."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from web_support import ENDLESS_QUERY, PROJECT_STEEL, LiveServer, free_port, live_server, make_build

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server (PyPI: oxigraph) is not installed"),
]
TIMEOUT = 2.0


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    build = make_build(tmp_path_factory.mktemp("backend"))
    port = free_port()
    assert OXIGRAPH is not None
    command = [OXIGRAPH, "serve-read-only", "--location", str(build / "store")]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout-s", "5"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.post(url, data={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "oxigraph did not start"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(oxigraph: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    empty = tmp_path_factory.mktemp("no-build")  # with a backend, no build folder is read
    with live_server(
        empty,
        ("--sparql-backend", oxigraph),
        query_timeout=str(TIMEOUT),
        max_result_rows="3",
        query_workers="2",
    ) as s:
        yield s


def sparql(server: LiveServer, query: str, **params: str) -> httpx.Response:
    return httpx.post(server.endpoint, data={"query": query, **params}, timeout=30)


def test_answers_come_from_the_backend_with_the_standard_prefixes(server: LiveServer, oxigraph: str) -> None:
    query = "SELECT ?p WHERE { ?p a pg:Project } ORDER BY ?p"
    ours = sparql(server, query, format="json")
    assert ours.status_code == 200, ours.text
    projects = [b["p"]["value"] for b in ours.json()["results"]["bindings"]]
    assert PROJECT_STEEL in projects and len(projects) == 2
    health = httpx.get(server.url + "/api/health").json()["engine"]
    assert health["sparql_backend"] == oxigraph


def test_the_row_cap_holds_and_is_flagged(server: LiveServer) -> None:
    for fmt in ("json", "xml", "csv", "tsv"):
        response = sparql(server, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", format=fmt)
        assert response.status_code == 200
        assert response.headers["x-plangraph-rows"] == "3"
        assert response.headers["x-plangraph-truncated"].startswith("true"), fmt
    json_rows = sparql(server, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", format="json").json()
    assert len(json_rows["results"]["bindings"]) == 3
    graph = sparql(server, "CONSTRUCT WHERE { ?s ?p ?o }", format="turtle")
    assert graph.status_code == 200 and graph.headers["x-plangraph-rows"] == "3"
    assert "x-plangraph-truncated" in graph.headers


def test_dataset_semantics_are_the_backends_and_the_same(server: LiveServer) -> None:
    union = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", format="json").json()
    per_graph = sparql(
        server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", format="json"
    ).json()
    nothing = sparql(
        server, "SELECT (COUNT(*) AS ?n) FROM <urn:none> WHERE { ?s ?p ?o }", format="json"
    ).json()
    n = [int(r["results"]["bindings"][0]["n"]["value"]) for r in (union, per_graph, nothing)]
    assert n[0] > 0 and n[0] <= n[1] and n[2] == 0
    ask = sparql(server, "ASK { ?s a pg:Park }", format="json")
    assert ask.status_code == 200 and json.loads(ask.content)["boolean"] is True


def test_the_limits_apply_before_and_around_the_backend(server: LiveServer) -> None:
    started = time.monotonic()
    slow = sparql(server, ENDLESS_QUERY)
    assert slow.status_code == 503 and "query_timeout" in slow.text
    assert time.monotonic() - started < TIMEOUT + 3
    assert sparql(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }").status_code == 400
    nested = sparql(server, "SELECT * WHERE " + "{" * 500 + "?s ?p ?o" + "}" * 500)
    assert nested.status_code == 400 and "max_query_nesting" in nested.text
    assert sparql(server, "ASK {}").status_code == 200  # the pool recovered
