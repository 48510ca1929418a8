"""Real SPARQL clients against `plangraph serve` on loopback: SPARQLWrapper (every format, GET and
POST), rdflib's SPARQLStore and httpx; and a query that would run for minutes is stopped at the
time limit while the server keeps answering others."""

from __future__ import annotations

import threading
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from web_support import (
    ENDLESS_QUERY,
    PROJECT_PORT,
    PROJECT_STEEL,
    SAVED_QUERIES,
    LiveServer,
    live_server,
    make_build,
)

pytestmark = pytest.mark.live

TIMEOUT = 2.0
SELECT = """SELECT ?project ?name WHERE { ?project a pg:Project ; rdfs:label ?name } ORDER BY ?name"""
CONSTRUCT = """CONSTRUCT { ?p rdfs:label ?name } WHERE { ?p a pg:Project ; rdfs:label ?name }"""
NAMES = {"鲅鱼圈钢铁精深加工项目", "营口港智慧物流园区项目"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    build = make_build(tmp_path_factory.mktemp("live"))
    # Three workers: one client's long query and its quick ones run side by side while a worker
    # stays reserved for other clients (reserved_workers).
    with live_server(build, query_timeout=TIMEOUT, queries_dir=SAVED_QUERIES, query_workers=3) as s:
        yield s


def wrapper(
    server: LiveServer, query: str, fmt: str, method: str, request_method: str = URLENCODED
) -> SPARQLWrapper:
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    return client


def names_of(fmt: str, converted: object) -> set[str]:
    """Project names out of SPARQLWrapper's converted result of each format."""
    if fmt == JSON:
        return {b["name"]["value"] for b in converted["results"]["bindings"]}  # type: ignore[index]
    if fmt == XML:
        ns = "http://www.w3.org/2005/sparql-results#"
        return {node.firstChild.data for node in converted.getElementsByTagNameNS(ns, "literal")}  # type: ignore[attr-defined]
    text = converted.decode("utf-8") if isinstance(converted, bytes) else str(converted)
    lines = text.strip().splitlines()[1:]
    if fmt == CSV:
        return {line.split(",")[1] for line in lines}
    return {line.split("\t")[1].split("@")[0].strip('"') for line in lines}


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [XML, JSON, CSV, TSV])
def test_sparqlwrapper_select(server: LiveServer, fmt: str, method: str) -> None:
    result = wrapper(server, SELECT, fmt, method).query()
    expected_type = {
        XML: "application/sparql-results+xml",
        JSON: "application/sparql-results+json",
        CSV: "text/csv",
        TSV: "text/tab-separated-values",
    }[fmt]
    assert result.info()["content-type"].startswith(expected_type)
    assert names_of(fmt, result.convert()) == NAMES


def test_sparqlwrapper_direct_post_and_ask(server: LiveServer) -> None:
    result = wrapper(server, SELECT, JSON, POST, POSTDIRECTLY).query().convert()
    assert len(result["results"]["bindings"]) == 2
    for fmt in (JSON, XML):
        for method in (GET, POST):
            assert (
                wrapper(server, "ASK { ?s a pg:Park }", fmt, method).query().convert()["boolean"] is True
                if fmt == JSON
                else True
            )
    xml = wrapper(server, "ASK { ?s a pg:Nothing }", XML, GET).query().convert()
    assert xml.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        (TURTLE, "text/turtle"),
        (N3, "text/turtle"),
        (RDFXML, "application/rdf+xml"),
        (XML, "application/rdf+xml"),
        (JSONLD, "application/ld+json"),
    ],
)
def test_sparqlwrapper_construct(server: LiveServer, fmt: str, content_type: str, method: str) -> None:
    result = wrapper(server, CONSTRUCT, fmt, method).query()
    assert result.info()["content-type"].startswith(content_type)
    converted = result.convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format=content_type)
    assert {str(o) for o in graph.objects(None, RDFS.label)} == NAMES


def test_sparqlwrapper_describe(server: LiveServer) -> None:
    graph = wrapper(server, f"DESCRIBE <{PROJECT_PORT}>", TURTLE, GET).query().convert()
    graph = graph if isinstance(graph, Graph) else Graph().parse(data=graph, format="turtle")
    assert (URIRef(PROJECT_PORT), RDFS.label, Literal("营口港智慧物流园区项目", lang="zh")) in graph


def test_sparqlwrapper_syntax_error_and_refused_update(server: LiveServer) -> None:
    with pytest.raises(QueryBadFormed):
        wrapper(server, "SELECT * WHERE { ?s ?p }", JSON, GET).query()
    update = wrapper(server, "CLEAR ALL", JSON, POST)
    with pytest.raises(urllib.error.HTTPError) as refused:
        update.query()
    assert refused.value.code == 403
    assert len(wrapper(server, SELECT, JSON, GET).query().convert()["results"]["bindings"]) == 2


@pytest.mark.parametrize(
    ("return_format", "method"), [("xml", "GET"), ("json", "GET"), ("xml", "POST"), ("json", "POST_FORM")]
)
def test_rdflib_sparqlstore(server: LiveServer, return_format: str, method: str) -> None:
    store = SPARQLStore(query_endpoint=server.endpoint, returnFormat=return_format, method=method)
    graph = Graph(store=store)
    rows = list(graph.query(SELECT))
    assert {str(row[1]) for row in rows} == NAMES
    assert graph.query("ASK { ?s a pg:Project }").askAnswer is True
    labels = set(graph.triples((URIRef(PROJECT_STEEL), RDFS.label, None)))
    assert labels == {(URIRef(PROJECT_STEEL), RDFS.label, Literal("鲅鱼圈钢铁精深加工项目", lang="zh"))}
    if return_format == "xml":  # the XML Accept list is shared by results and RDF/XML graphs
        constructed = graph.query(CONSTRUCT).graph
        assert {str(o) for o in constructed.objects(None, RDFS.label)} == NAMES
    store.close()


def test_httpx_protocol_and_helpers(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        description = client.get("/sparql", headers={"Accept": "text/turtle"})
        assert description.status_code == 200 and description.headers["content-type"].startswith(
            "text/turtle"
        )
        assert "a sd:Service" in description.text and "query_timeout = 2 s" in description.text
        direct = client.post("/sparql", content=SELECT, headers={"Content-Type": "application/sparql-query"})
        assert {b["name"]["value"] for b in direct.json()["results"]["bindings"]} == NAMES
        form = client.post("/sparql", data={"query": SELECT, "format": "csv"})
        assert form.headers["content-type"].startswith("text/csv")
        assert client.get("/api/search", params={"q": "鲅鱼圈"}).json()["results"][0]["iri"] == PROJECT_STEEL
        assert [q["name"] for q in client.get("/api/queries").json()] == ["parks", "projects-by-industry"]
        assert client.get("/").status_code == 200


def test_a_long_query_is_stopped_while_others_are_answered(server: LiveServer) -> None:
    outcome: dict[str, object] = {}

    def endless() -> None:
        started = time.monotonic()
        response = httpx.post(server.endpoint, data={"query": ENDLESS_QUERY}, timeout=60)
        outcome.update(status=response.status_code, text=response.text, seconds=time.monotonic() - started)

    runner = threading.Thread(target=endless)
    runner.start()
    time.sleep(0.3)  # the endless query is running now
    latencies = []
    with httpx.Client(timeout=10) as client:
        while runner.is_alive() and len(latencies) < 50:
            started = time.monotonic()
            response = client.get(server.endpoint, params={"query": "ASK { ?s a pg:Project }"})
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200 and response.json()["boolean"] is True
            time.sleep(0.1)
    runner.join(timeout=30)
    assert outcome["status"] == 503, outcome
    assert "stopped after 2 s" in str(outcome["text"])
    assert TIMEOUT - 0.1 < float(outcome["seconds"]) < TIMEOUT + 3  # type: ignore[arg-type]
    assert latencies and max(latencies) < 1.0, latencies
    health = httpx.get(server.url + "/api/health").json()["engine"]
    assert health["timeouts"] >= 1
    # The killed worker is replaced.
    deadline = time.monotonic() + 20
    while httpx.get(server.url + "/api/health").json()["engine"]["workers"] < 2:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_serve_without_a_build_fails_clearly(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "plangraph.cli", "serve", "--build", str(tmp_path / "missing"), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "run `plangraph build` first" in result.stderr
