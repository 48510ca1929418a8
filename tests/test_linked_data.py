"""Linked Data, VoID and the Graph Store Protocol, with real clients: rdflib dereferencing data IRIs
(it negotiates, follows the 303 and parses), rdflib's JSON-LD parser fetching the published
@context, pyoxigraph reading the dumps, over `plangraph serve` on loopback; the HTTP conventions
(303, Vary, Link, Content-Location, 404, 405) with httpx through the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from plangraph.settings import Settings
from plangraph.vocab import ID, PG
from plangraph.web.app import create_app
from web_support import (
    DOC,
    MINI_TRIG,
    PARK,
    PROJECT_STEEL,
    SAVED_QUERIES,
    LiveServer,
    live_server,
    make_build,
)

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DOC_GRAPH = str(ID) + "graph/doc/210800/plan/2016-2020"


def path_of(iri: str) -> str:
    return "/id/" + iri.removeprefix(str(ID))


def quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(MINI_TRIG), format=ox.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    build = make_build(tmp_path_factory.mktemp("ld"))
    settings = Settings(queries_dir=SAVED_QUERIES, corpus_dir=Path("/nonexistent"), query_workers=1)
    with TestClient(create_app(build, settings)) as c:
        yield c


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    build = make_build(tmp_path_factory.mktemp("ld-live"))
    with live_server(build, query_workers=1) as s:
        yield s


# --- data IRIs: 303 and content negotiation ----------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        ("text/html,application/xhtml+xml,*/*;q=0.8", "/entity?iri=" + quote(PARK, safe="")),
        ("text/turtle", "/data/park/210800/89d139b5c80a"),
        ("application/ld+json", "/data/park/210800/89d139b5c80a"),
        ("application/n-triples", "/data/park/210800/89d139b5c80a"),
        (None, "/data/park/210800/89d139b5c80a"),
    ],
)
def test_a_data_iri_answers_303_by_accept(client: TestClient, accept: str | None, location: str) -> None:
    response = client.get(path_of(PARK), headers={"accept": accept} if accept else {}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert "Accept" in response.headers["vary"]
    assert response.headers["link"] == '</data/park/210800/89d139b5c80a>; rel="describedby"'


@pytest.mark.parametrize(
    ("accept", "content_type", "rdf_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_the_description_is_negotiated(
    client: TestClient, accept: str, content_type: str, rdf_format: str
) -> None:
    response = client.get("/data/park/210800/89d139b5c80a", headers={"accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(content_type)
    assert response.headers["vary"].startswith("Accept")
    assert response.headers["content-location"].startswith("/data/park/210800/89d139b5c80a?format=")
    links = response.headers["link"]
    assert f'<{PARK}>; rel="describes"' in links and 'rel="alternate"; type="application/ld+json"' in links
    graph = Graph().parse(data=response.text, format=rdf_format)
    park = URIRef(PARK)
    assert (park, RDF.type, PG.Park) in graph and (
        park,
        RDFS.label,
        Literal("营口经济技术开发区", lang="zh"),
    ) in graph
    assert any(graph.subjects(PG.locatedIn, park)) or any(graph.subjects(None, park))  # what points at it
    mention = graph.value(park, PG.mention)
    assert mention is not None and graph.value(mention, PG.quote) is not None  # its provenance


def test_nothing_known_is_404(client: TestClient) -> None:
    response = client.get("/data/park/000000/nothing", headers={"accept": "text/turtle"})
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/data/S%C2%A0%0CV", "/id/a%20b", "/data/%22quoted%22"])
def test_a_path_that_makes_no_valid_iri_is_404_not_a_query_error(client: TestClient, path: str) -> None:
    # found by schemathesis: the path went into the SPARQL text and the engine answered 400
    response = client.get(path, headers={"accept": "text/turtle"}, follow_redirects=False)
    assert response.status_code == 404
    assert "not a valid IRI" in response.text


def test_rdflib_dereferences_a_data_iri_and_reads_the_json_ld_with_its_context(server: LiveServer) -> None:
    """rdflib as a Linked Data client: it sends its RDF Accept list, follows the 303 and parses.
    The JSON-LD names /context.jsonld, which rdflib's parser fetches from the server."""
    iri = server.url + path_of(PROJECT_STEEL)
    fetched = Graph().parse(iri)
    assert (URIRef(PROJECT_STEEL), RDF.type, PG.Project) in fetched
    jsonld = httpx.get(iri, headers={"accept": "application/ld+json"}, follow_redirects=True)
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert jsonld.json()["@context"] == server.url + "/context.jsonld"
    from_jsonld = Graph().parse(data=jsonld.text, format="json-ld", base=iri)
    assert isomorphic(from_jsonld, fetched)


# --- the ontology --------------------------------------------------------------------------------


def test_the_ontology_is_negotiated(client: TestClient) -> None:
    page = client.get("/ontology", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'id="Park"' in page.text and "园区" in page.text  # /ontology#Park lands on its entry
    assert page.headers["vary"].startswith("Accept")
    graphs = []
    for accept, rdf_format in (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ):
        response = client.get("/ontology", headers={"accept": accept})
        assert response.headers["content-type"].startswith(accept)
        graph = Graph().parse(data=response.text, format=rdf_format)
        assert (URIRef("https://w3id.org/plangraph/ontology"), RDF.type, OWL.Ontology) in graph
        graphs.append(graph)
    assert all(len(g) == len(graphs[0]) for g in graphs)


# --- VoID and the dumps ------------------------------------------------------------------------


def test_void_describes_the_dataset_and_its_dumps_parse(server: LiveServer) -> None:
    void = Graph().parse(server.url + "/.well-known/void", format="turtle")
    (dataset,) = [d for d in void.subjects(RDF.type, VOID.Dataset) if (None, VOID.subset, d) not in void]
    stored = quads()
    distinct = {(q.subject, q.predicate, q.object) for q in stored}
    assert int(void.value(dataset, VOID.triples)) == len(distinct)
    assert void.value(dataset, URIRef("http://purl.org/dc/terms/license")) is not None
    assert (dataset, VOID.vocabulary, URIRef(str(PG))) in void
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(server.url + "/sparql")
    subsets = {
        void.value(s, SD.name): int(void.value(s, VOID.triples)) for s in void.objects(dataset, VOID.subset)
    }
    per_graph: dict[URIRef, int] = {}
    for q in stored:
        per_graph[URIRef(q.graph_name.value)] = per_graph.get(URIRef(q.graph_name.value), 0) + 1
    assert subsets == per_graph
    partitions = {
        void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
        for p in void.objects(dataset, VOID.classPartition)
    }
    assert partitions[PG.Park] == 1
    dumps = sorted(str(d) for d in void.objects(dataset, VOID.dataDump))
    assert len(dumps) == 5
    for dump in dumps:
        response = httpx.get(dump, timeout=60)
        assert response.status_code == 200, dump
        parsed = list(
            ox.parse(response.content, format=ox.RdfFormat.from_media_type(response.headers["content-type"]))
        )
        if dump.endswith((".trig", ".nq", ".jsonld")):
            assert len(parsed) == len(stored), dump
        else:
            assert len(parsed) == len(distinct), dump


# --- the Graph Store Protocol --------------------------------------------------------------------


def test_graph_store_get_of_a_named_graph_and_of_the_default_graph(client: TestClient) -> None:
    stored = quads()
    named = client.get("/store", params={"graph": DOC_GRAPH}, headers={"accept": "application/n-triples"})
    assert named.status_code == 200 and named.headers["content-type"].startswith("application/n-triples")
    dataset = Dataset()
    dataset.parse(MINI_TRIG, format="trig")
    expected = dataset.graph(URIRef(DOC_GRAPH))
    assert isomorphic(Graph().parse(data=named.text, format="nt"), expected)
    default = client.get("/store?default", headers={"accept": "text/turtle"})
    triples = [q.triple for q in ox.parse(default.content, format=ox.RdfFormat.TURTLE)]
    assert len(triples) == len(set(triples)) == len({(q.subject, q.predicate, q.object) for q in stored})
    head = client.head("/store", params={"graph": DOC_GRAPH})
    assert head.status_code == 200 and head.content == b""


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/store?graph=urn:x:none", 404),
        ("HEAD", "/store?graph=urn:x:none", 404),  # the W3C GSP cases "HEAD on a non-existing graph"
        ("GET", "/store", 400),
        ("GET", f"/store?default&graph={DOC_GRAPH}", 400),
        ("GET", "/store?graph=not-an-iri", 400),
        ("PUT", "/store?default", 405),
        ("DELETE", f"/store?graph={DOC_GRAPH}", 405),
        ("POST", "/store?default", 405),
    ],
)
def test_graph_store_refuses(client: TestClient, method: str, url: str, status: int) -> None:
    response = client.request(method, url)
    assert response.status_code == status
    if status == 405:
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"


def test_a_graph_store_client_at_the_sparql_endpoint_is_sent_to_the_store(client: TestClient) -> None:
    response = client.get("/sparql", params={"graph": DOC_GRAPH}, follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"].startswith("/store?graph=")
    followed = client.get("/sparql", params={"graph": DOC_GRAPH}, headers={"accept": "text/turtle"})
    assert followed.status_code == 200 and followed.headers["content-type"].startswith("text/turtle")
    assert "sparql-service-description" not in followed.text


def test_a_graph_iri_dereferences_to_its_content(client: TestClient) -> None:
    response = client.get(path_of(DOC_GRAPH), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/store?graph=")


def test_the_service_description_advertises_the_graph_store(client: TestClient) -> None:
    description = Graph().parse(
        data=client.get("/sparql", headers={"accept": "text/turtle"}).text, format="turtle"
    )
    stores = set(description.subjects(RDF.type, DCAT.DataService))
    assert stores == {URIRef("http://testserver/store")}
    (store,) = stores
    assert (
        store,
        URIRef("http://purl.org/dc/terms/conformsTo"),
        URIRef("http://www.w3.org/TR/sparql11-http-rdf-update/"),
    ) in description


def test_the_document_iri_dereferences(client: TestClient) -> None:
    response = client.get(path_of(DOC), headers={"accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(DOC), RDF.type, PG.FiveYearPlan) in graph


def test_the_entity_page_links_its_rdf_descriptions(client: TestClient) -> None:
    page = client.get("/entity", params={"iri": PARK}).text
    assert (
        '<link rel="alternate" type="text/turtle" href="/data/park/210800/89d139b5c80a?format=turtle">'
        in page
    )
