"""One test per case of the W3C SPARQL 1.1 Protocol test manifest (data-sparql11/protocol).

The requests are those of the manifest, sent to the app over its own copy of the dataset the
manifest assumes (tests/fixtures/web/protocol.trig: graphs data0.rdf ... data3.rdf). Query cases
run on a read-only app; update cases on an app started with updates allowed, with the token.
Where the manifest lists no Content-Type for a URL-encoded body that must succeed, the request
sends ``application/x-www-form-urlencoded`` (the manifest's HTML rendering does; an unlabelled
body is exactly what the bad_*_missing_form_type cases must refuse).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from plangraph.settings import Settings
from plangraph.web.app import create_app
from web_support import PROTOCOL_TRIG, make_build

DATA = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2F"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TOKEN = "protocol-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RESULTS_XML_OR_JSON = ("application/sparql-results+xml", "application/sparql-results+json")
GRAPH_TYPES = (
    "application/rdf+xml",
    "text/turtle",
    "application/n-triples",
    "text/html",
    "application/ld+json",
)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build(tmp_path_factory.mktemp("protocol"), PROTOCOL_TRIG)


@pytest.fixture(scope="module")
def client(build: Path) -> Iterator[TestClient]:
    with TestClient(create_app(build, Settings(query_timeout=10))) as c:
        yield c


@pytest.fixture(scope="module")
def updatable_app(build: Path) -> Iterator[TestClient]:
    settings = Settings(query_timeout=10, allow_updates=True, update_token=TOKEN, query_workers=2)
    with TestClient(create_app(build, settings)) as c:
        yield c


def _reset_update() -> str:
    """An update that puts the fixture dataset back (DROP ALL, then INSERT DATA of every quad)."""
    import pyoxigraph as ox

    quads = ox.parse(path=str(PROTOCOL_TRIG), format=ox.RdfFormat.TRIG)
    data = " ".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in quads)
    return f"DROP ALL ; INSERT DATA {{ {data} }}"


@pytest.fixture
def updatable(updatable_app: TestClient) -> TestClient:
    """The app that accepts updates with the token, its data reset to the fixture for each test
    (the reset itself goes through the update path; two workers replay it from the journal)."""
    response = updatable_app.post(
        "/sparql", content=_reset_update(), headers={"Content-Type": "application/sparql-update", **AUTH}
    )
    assert response.status_code == 204, response.text
    return updatable_app


def media_type(response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def boolean(response) -> bool:
    """The answer of an ASK in SPARQL results XML or JSON."""
    if media_type(response) == "application/sparql-results+json":
        return json.loads(response.content)["boolean"]
    node = ElementTree.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None
    return node.text == "true"


def assert_true_result(response) -> None:
    assert 200 <= response.status_code < 400, response.text
    assert media_type(response) in RESULTS_XML_OR_JSON
    assert boolean(response) is True


def ask_xml(client: TestClient, query: str) -> bool:
    response = client.post(
        "/sparql",
        content=query,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"},
    )
    assert response.status_code == 200, response.text
    assert media_type(response) == "application/sparql-results+xml"
    return boolean(response)


# --- queries ---------------------------------------------------------------------------------


def test_query_get(client: TestClient) -> None:
    """query via GET"""
    assert_true_result(client.get(f"/sparql?query=ASK%20%7B%7D&default-graph-uri={DATA}data0.rdf"))


def test_query_post_form(client: TestClient) -> None:
    """query via URL-encoded POST (the manifest puts the parameters in the URL, with no body)"""
    assert_true_result(client.post(f"/sparql?query=ASK%20%7B%7D&default-graph-uri={DATA}data0.rdf"))
    assert_true_result(client.post("/sparql", content="query=ASK%20%7B%7D", headers=FORM))


def test_query_post_direct(client: TestClient) -> None:
    """query via POST directly"""
    response = client.post(
        f"/sparql?default-graph-uri={DATA}data0.rdf",
        content="ASK {}",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert_true_result(response)


def test_query_dataset_default_graph(client: TestClient) -> None:
    """query with protocol-specified default graph"""
    body = f"query=ASK%20%7B%20%3C{DATA}data1.rdf%3E%20%3Fp%20%3Fo%20%7D&default-graph-uri={DATA}data1.rdf"
    assert_true_result(client.post("/sparql", content=body, headers=FORM))
    # ... and the dataset really is that graph: data2's subject is not in it.
    other = f"query=ASK%20%7B%20%3C{DATA}data2.rdf%3E%20%3Fp%20%3Fo%20%7D&default-graph-uri={DATA}data1.rdf"
    assert boolean(client.post("/sparql", content=other, headers=FORM)) is False


_TWO_DEFAULTS = (
    f"query=ASK%20%7B%20%3C{DATA}data1.rdf%3E%20a%20%3Ftype%20.%20%3C{DATA}data2.rdf%3E%20a%20%3Ftype%20.%20%7D"
    f"&default-graph-uri={DATA}data1.rdf&default-graph-uri={DATA}data2.rdf"
)


def test_query_dataset_default_graphs_get(client: TestClient) -> None:
    """GET query with protocol-specified default graphs"""
    assert_true_result(client.get(f"/sparql?{_TWO_DEFAULTS}"))


def test_query_dataset_default_graphs_post(client: TestClient) -> None:
    """POST query with protocol-specified default graphs"""
    assert_true_result(client.post("/sparql", content=_TWO_DEFAULTS, headers=FORM))


_TWO_NAMED = (
    "query=ASK%20%7B%20GRAPH%20%3Fg1%20%7B%20%3C"
    f"{DATA}data1.rdf%3E%20a%20%3Ftype%20%7D%20GRAPH%20%3Fg2%20%7B%20%3C{DATA}data2.rdf%3E%20a%20%3Ftype%20%7D%20%7D"
    f"&named-graph-uri={DATA}data1.rdf&named-graph-uri={DATA}data2.rdf"
)


def test_query_dataset_named_graphs_post(client: TestClient) -> None:
    """POST query with protocol-specified named graphs"""
    assert_true_result(client.post("/sparql", content=_TWO_NAMED, headers=FORM))


def test_query_dataset_named_graphs_get(client: TestClient) -> None:
    """GET query with protocol-specified named graphs"""
    assert_true_result(client.get(f"/sparql?{_TWO_NAMED}"))


def test_query_dataset_full(client: TestClient) -> None:
    """query with protocol-specified dataset (both named and default graphs)"""
    body = (
        f"query=%0AASK%20%7B%0A%20%20%3C{DATA}data3.rdf%3E%20a%20%3Ftype%0A%20%20GRAPH%20%3Fg1%20%7B%20%3C"
        f"{DATA}data1.rdf%3E%20a%20%3Ftype%20%7D%0A%20%20GRAPH%20%3Fg2%20%7B%20%3C{DATA}data2.rdf%3E%20a%20"
        f"%3Ftype%20%7D%0A%7D%0A&default-graph-uri={DATA}data3.rdf"
        f"&named-graph-uri={DATA}data1.rdf&named-graph-uri={DATA}data2.rdf"
    )
    assert_true_result(client.post("/sparql", content=body, headers=FORM))


def test_query_multiple_dataset(client: TestClient) -> None:
    """query specifying dataset in both query string and protocol; test for use of protocol-specified dataset"""
    body = (
        f"query=ASK%20FROM%20%3C{DATA}data3.rdf%3E%20%7B%20GRAPH%20%3Fg1%20%7B%20%3C{DATA}data1.rdf%3E%20a%20"
        f"%3Ftype%20%7D%20GRAPH%20%3Fg2%20%7B%20%3C{DATA}data2.rdf%3E%20a%20%3Ftype%20%7D%20%7D"
        f"&named-graph-uri={DATA}data1.rdf&named-graph-uri={DATA}data2.rdf"
    )
    assert_true_result(client.post("/sparql", content=body, headers=FORM))


def test_query_content_type_select(client: TestClient) -> None:
    """SELECT query appropriate content type (expect one of: XML, JSON, CSV, TSV)"""
    body = f"query=SELECT%20%281%20AS%20%3Fvalue%29%20%7B%7D&default-graph-uri={DATA}data0.rdf"
    response = client.post("/sparql", content=body, headers=FORM)
    assert response.status_code == 200
    assert media_type(response) in (*RESULTS_XML_OR_JSON, "text/tab-separated-values", "text/csv")
    for accept in (*RESULTS_XML_OR_JSON, "text/tab-separated-values", "text/csv"):
        response = client.post("/sparql", content=body, headers={**FORM, "Accept": accept})
        assert response.status_code == 200 and media_type(response) == accept


def test_query_content_type_ask(client: TestClient) -> None:
    """ASK query appropriate content type (expect one of: XML, JSON)"""
    body = f"query=ASK%20%7B%7D&default-graph-uri={DATA}data0.rdf"
    assert_true_result(client.post("/sparql", content=body, headers=FORM))
    for accept in RESULTS_XML_OR_JSON:
        response = client.post("/sparql", content=body, headers={**FORM, "Accept": accept})
        assert media_type(response) == accept and boolean(response) is True


def test_query_content_type_describe(client: TestClient) -> None:
    """DESCRIBE query appropriate content type (expect one of: RDF/XML, Turtle, N-Triples, RDFa, JSON-LD)"""
    body = f"query=DESCRIBE%20%3Chttp%3A%2F%2Fexample.org%2F%3E&default-graph-uri={DATA}data0.rdf"
    response = client.post("/sparql", content=body, headers=FORM)
    assert response.status_code == 200 and media_type(response) in GRAPH_TYPES


def test_query_content_type_construct(client: TestClient) -> None:
    """CONSTRUCT query appropriate content type (expect one of: RDF/XML, Turtle, N-Triples, RDFa, JSON-LD)"""
    body = (
        "query=CONSTRUCT%20%7B%20%3Cs%3E%20%3Cp%3E%201%20%7D%20WHERE%20%7B%7D"
        f"&default-graph-uri={DATA}data0.rdf"
    )
    response = client.post("/sparql", content=body, headers=FORM)
    assert response.status_code == 200 and media_type(response) in GRAPH_TYPES
    # Relative IRIs of the query resolve against the endpoint (the service's base IRI).
    assert "http://testserver/s" in response.text


# --- updates ---------------------------------------------------------------------------------

_UPDATE_HEAD = "update=%0APREFIX%20dc%3A%20%3Chttp%3A%2F%2Fpurl.org%2Fdc%2Fterms%2F%3E%0APREFIX%20foaf%3A%20%3Chttp%3A%2F%2Fxmlns.com%2Ffoaf%2F0.1%2F%3E%0A"
_INSERT_THREE = (
    "DROP%20ALL%20%3B%0AINSERT%20DATA%20%7B%0A"
    f"%20%20GRAPH%20%3C{DATA}data1.rdf%3E%20%7B%20%3C{DATA}data1.rdf%3E%20a%20foaf%3ADocument%20%7D%0A"
    f"%20%20GRAPH%20%3C{DATA}data2.rdf%3E%20%7B%20%3C{DATA}data2.rdf%3E%20a%20foaf%3ADocument%20%7D%0A"
    f"%20%20GRAPH%20%3C{DATA}data3.rdf%3E%20%7B%20%3C{DATA}data3.rdf%3E%20a%20foaf%3ADocument%20%7D%0A%7D%20%3B%0A"
)


def _check_two_of_three(client: TestClient, graph: str) -> None:
    assert ask_xml(
        client,
        f"""ASK {{
          GRAPH <{graph}> {{
            <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
            <http://kasei.us/2009/09/sparql/data/data2.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
          }}
          FILTER NOT EXISTS {{
            GRAPH <{graph}> {{
              <http://kasei.us/2009/09/sparql/data/data3.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
            }}
          }}
        }}""",
    )


def test_update_dataset_default_graph(updatable: TestClient) -> None:
    """update with protocol-specified default graph"""
    body = (
        _UPDATE_HEAD + "CLEAR%20ALL%20%3B%0AINSERT%20DATA%20%7B%0A%20%20GRAPH%20%3C"
        f"{DATA}data1.rdf%3E%20%7B%0A%20%20%20%20%3C{DATA}data1.rdf%3E%20a%20foaf%3ADocument%0A%20%20%7D%0A"
        "%7D%20%3B%0AINSERT%20%7B%0A%20%20GRAPH%20%3Chttp%3A%2F%2Fexample.org%2Fprotocol-update-dataset-test%2F%3E"
        "%20%7B%0A%20%20%20%20%3Fs%20a%20dc%3ABibliographicResource%0A%20%20%7D%0A%7D%0AWHERE%20%7B%0A%20%20"
        "%3Fs%20a%20foaf%3ADocument%0A%7D%0A"
    )
    response = updatable.post(
        f"/sparql?using-graph-uri={DATA}data1.rdf", content=body, headers={**FORM, **AUTH}
    )
    assert 200 <= response.status_code < 400, response.text
    assert ask_xml(
        updatable,
        """ASK { GRAPH <http://example.org/protocol-update-dataset-test/> {
             <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> } }""",
    )


def test_update_dataset_default_graphs(updatable: TestClient) -> None:
    """update with protocol-specified default graphs"""
    body = (
        _UPDATE_HEAD + _INSERT_THREE + "INSERT%20%7B%0A%20%20GRAPH%20%3Chttp%3A%2F%2Fexample.org%2F"
        "protocol-update-dataset-graphs-test%2F%3E%20%7B%0A%20%20%20%20%3Fs%20a%20dc%3ABibliographicResource%0A"
        "%20%20%7D%0A%7D%0AWHERE%20%7B%0A%20%20%3Fs%20a%20foaf%3ADocument%0A%7D%0A"
    )
    url = f"/sparql?using-graph-uri={DATA}data1.rdf&using-graph-uri={DATA}data2.rdf"
    response = updatable.post(url, content=body, headers={**FORM, **AUTH})
    assert 200 <= response.status_code < 400, response.text
    _check_two_of_three(updatable, "http://example.org/protocol-update-dataset-graphs-test/")


def test_update_dataset_named_graphs(updatable: TestClient) -> None:
    """update with protocol-specified named graphs"""
    body = (
        _UPDATE_HEAD + _INSERT_THREE + "INSERT%20%7B%0A%20%20GRAPH%20%3Chttp%3A%2F%2Fexample.org%2F"
        "protocol-update-dataset-named-graphs-test%2F%3E%20%7B%0A%20%20%20%20%3Fs%20a%20dc%3ABibliographicResource"
        "%0A%20%20%7D%0A%7D%0AWHERE%20%7B%0A%20%20GRAPH%20%3Fg%20%7B%0A%20%20%20%20%3Fs%20a%20foaf%3ADocument%0A"
        "%20%20%7D%0A%7D%0A"
    )
    # The manifest names the graphs with using-graph-uri although the WHERE reads GRAPH ?g, which
    # needs named graphs: using-named-graph-uri is what the case describes.
    url = f"/sparql?using-named-graph-uri={DATA}data1.rdf&using-named-graph-uri={DATA}data2.rdf"
    response = updatable.post(url, content=body, headers={**FORM, **AUTH})
    assert 200 <= response.status_code < 400, response.text
    _check_two_of_three(updatable, "http://example.org/protocol-update-dataset-named-graphs-test/")


def test_update_dataset_full(updatable: TestClient) -> None:
    """update with protocol-specified dataset (both named and default graphs)"""
    update = (
        _UPDATE_HEAD + _INSERT_THREE + "INSERT%20%7B%0A%20%20GRAPH%20%3Chttp%3A%2F%2Fexample.org%2F"
        "protocol-update-dataset-full-test%2F%3E%20%7B%0A%20%20%20%20%3Fs%20%3Chttp%3A%2F%2Fexample.org%2Fin%3E"
        "%20%3Fin%0A%20%20%7D%0A%7D%0AWHERE%20%7B%0A%20%20%7B%0A%20%20%20%20GRAPH%20%3Fg%20%7B%20%3Fs%20a%20"
        "foaf%3ADocument%20%7D%0A%20%20%20%20BIND%28%3Fg%20AS%20%3Fin%29%0A%20%20%7D%0A%20%20UNION%0A%20%20%7B"
        "%0A%20%20%20%20%3Fs%20a%20foaf%3ADocument%20.%0A%20%20%20%20BIND%28%22default%22%20AS%20%3Fin%29%0A"
        "%20%20%7D%0A%7D%0A"
    )
    # As in the manifest the whole request is in the URL of a POST. Its expected answer has data1 in
    # the default graph and data2 as a named graph, so data2 is passed as using-named-graph-uri.
    url = f"/sparql?{update}&using-graph-uri={DATA}data1.rdf&using-named-graph-uri={DATA}data2.rdf"
    response = updatable.post(url, headers=AUTH)
    assert 200 <= response.status_code < 400, response.text
    assert ask_xml(
        updatable,
        """ASK {
          GRAPH <http://example.org/protocol-update-dataset-full-test/> {
            <http://kasei.us/2009/09/sparql/data/data1.rdf> <http://example.org/in> "default" .
            <http://kasei.us/2009/09/sparql/data/data2.rdf> <http://example.org/in> <http://kasei.us/2009/09/sparql/data/data2.rdf> .
          }
          FILTER NOT EXISTS {
            GRAPH <http://example.org/protocol-update-dataset-full-test/> {
              <http://kasei.us/2009/09/sparql/data/data3.rdf> ?p ?o
            }
          }
        }""",
    )


def test_update_post_form(updatable: TestClient) -> None:
    """update via URL-encoded POST"""
    response = updatable.post("/sparql", content="update=CLEAR%20ALL", headers={**FORM, **AUTH})
    assert 200 <= response.status_code < 400, response.text
    assert ask_xml(updatable, "ASK { GRAPH ?g { ?s ?p ?o } }") is False


def test_update_post_direct(updatable: TestClient) -> None:
    """update via POST directly"""
    headers = {"Content-Type": "application/sparql-update", **AUTH}
    response = updatable.post("/sparql", content="CLEAR ALL", headers=headers)
    assert 200 <= response.status_code < 400, response.text
    assert ask_xml(updatable, "ASK { GRAPH ?g { ?s ?p ?o } }") is False


def test_update_base_uri(updatable: TestClient) -> None:
    """test for service-defined BASE URI ("which MAY be the service endpoint")"""
    body = (
        "update=CLEAR%20SILENT%20GRAPH%20%3Chttp%3A%2F%2Fexample.org%2Fprotocol-base-test%2F%3E%20%3B%20INSERT%20"
        "DATA%20%7B%20GRAPH%20%3Chttp%3A%2F%2Fexample.org%2Fprotocol-base-test%2F%3E%20%7B%20%3Chttp%3A%2F%2F"
        "example.org%2Fs%3E%20%3Chttp%3A%2F%2Fexample.org%2Fp%3E%20%3Ctest%3E%20%7D%20%7D"
    )
    response = updatable.post("/sparql", content=body, headers={**FORM, **AUTH})
    assert 200 <= response.status_code < 400, response.text
    query = (
        "query=SELECT%20%3Fo%20WHERE%20%7B%20GRAPH%20%3Chttp%3A%2F%2Fexample.org%2Fprotocol-base-test%2F%3E%20%7B%20"
        "%3Chttp%3A%2F%2Fexample.org%2Fs%3E%20%3Chttp%3A%2F%2Fexample.org%2Fp%3E%20%3Fo%20%7D%20%7D"
    )
    answer = updatable.post(
        "/sparql", content=query, headers={**FORM, "Accept": "application/sparql-results+xml"}
    )
    assert media_type(answer) == "application/sparql-results+xml"
    ns = "{http://www.w3.org/2005/sparql-results#}"
    uris = [u.text for u in ElementTree.fromstring(answer.content).iter(f"{ns}uri")]
    assert len(uris) == 1 and uris[0] != "test" and uris[0].endswith("/test")


# --- requests that must fail -----------------------------------------------------------------


def test_bad_query_method(client: TestClient) -> None:
    """invoke query operation with a method other than GET or POST"""
    response = client.put(f"/sparql?query=ASK%20%7B%7D&default-graph-uri={DATA}data0.rdf")
    assert 400 <= response.status_code < 500


def test_bad_multiple_queries(client: TestClient) -> None:
    """invoke query operation with more than one query string"""
    response = client.get(
        f"/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D&default-graph-uri={DATA}data0.rdf"
    )
    assert 400 <= response.status_code < 500


def test_bad_query_wrong_media_type(client: TestClient) -> None:
    """invoke query operation with a POST with media type that's not url-encoded or application/sparql-query"""
    response = client.post(
        f"/sparql?default-graph-uri={DATA}data0.rdf", content="ASK {}", headers={"Content-Type": "text/plain"}
    )
    assert 400 <= response.status_code < 500


def test_bad_query_missing_form_type(client: TestClient) -> None:
    """invoke query operation with url-encoded body, but without application/x-www-form-urlencoded media type"""
    response = client.post("/sparql", content=f"query=ASK%20%7B%7D&default-graph-uri={DATA}data0.rdf")
    assert "content-type" not in {k.lower() for k in response.request.headers}
    assert 400 <= response.status_code < 500


def test_bad_query_missing_direct_type(client: TestClient) -> None:
    """invoke query operation with SPARQL body, but without application/sparql-query media type"""
    response = client.post(f"/sparql?default-graph-uri={DATA}data0.rdf", content="ASK {}")
    assert 400 <= response.status_code < 500


def test_bad_query_non_utf8(client: TestClient) -> None:
    """invoke query operation with direct POST, but with a non-UTF8 encoding (UTF-16)"""
    response = client.post(
        f"/sparql?default-graph-uri={DATA}data0.rdf",
        content="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert 400 <= response.status_code < 500


def test_bad_query_syntax(client: TestClient) -> None:
    """invoke query operation with invalid query syntax (4XX result)"""
    response = client.get(f"/sparql?query=ASK%20%7B&default-graph-uri={DATA}data0.rdf")
    assert response.status_code == 400
    assert "syntax error" in response.text and "1:6" in response.text  # the parser's message and position


def test_bad_update_get(updatable: TestClient) -> None:
    """invoke update operation with GET"""
    response = updatable.get(f"/sparql?update=CLEAR%20ALL&using-graph-uri={DATA}data0.rdf", headers=AUTH)
    assert 400 <= response.status_code < 500
    assert ask_xml(updatable, "ASK { GRAPH ?g { ?s ?p ?o } }") is True


def test_bad_multiple_updates(updatable: TestClient) -> None:
    """invoke update operation with more than one update string"""
    response = updatable.post(
        f"/sparql?using-graph-uri={DATA}data0.rdf",
        content="update=CLEAR%20ALL&update=CLEAR%20DEFAULT",
        headers={**FORM, **AUTH},
    )
    assert 400 <= response.status_code < 500


def test_bad_update_wrong_media_type(updatable: TestClient) -> None:
    """invoke update operation with a POST with media type that's not url-encoded or application/sparql-update"""
    response = updatable.post(
        f"/sparql?using-graph-uri={DATA}data0.rdf",
        content="CLEAR NAMED",
        headers={"Content-Type": "text/plain", **AUTH},
    )
    assert 400 <= response.status_code < 500


def test_bad_update_missing_form_type(updatable: TestClient) -> None:
    """invoke update operation with url-encoded body, but without application/x-www-form-urlencoded media type"""
    response = updatable.post(f"/sparql?using-graph-uri={DATA}data0.rdf", content="CLEAR NAMED", headers=AUTH)
    assert 400 <= response.status_code < 500
    assert ask_xml(updatable, "ASK { GRAPH ?g { ?s ?p ?o } }") is True


def test_bad_update_non_utf8(updatable: TestClient) -> None:
    """invoke update operation with direct POST, but with a non-UTF8 encoding"""
    response = updatable.post(
        f"/sparql?using-graph-uri={DATA}data0.rdf",
        content="CLEAR NAMED".encode("utf-16"),
        headers={"Content-Type": "application/sparql-update; charset=UTF-16", **AUTH},
    )
    assert 400 <= response.status_code < 500


def test_bad_update_syntax(updatable: TestClient) -> None:
    """invoke update operation with invalid update syntax (4XX result)"""
    response = updatable.post(
        f"/sparql?using-graph-uri={DATA}data0.rdf", content="update=CLEAR%20XYZ", headers={**FORM, **AUTH}
    )
    assert response.status_code == 400
    assert "syntax error" in response.text


def test_bad_update_dataset_conflict(updatable: TestClient) -> None:
    """invoke update with both using-graph-uri/using-named-graph-uri parameter and USING/WITH clause"""
    body = (
        "using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople&update=%0APREFIX%20foaf%3A%20%20%3Chttp%3A%2F%2F"
        "xmlns.com%2Ffoaf%2F0.1%2F%3E%0AWITH%20%3Chttp%3A%2F%2Fexample%2Faddresses%3E%0ADELETE%20%7B%20%3Fperson"
        "%20foaf%3AgivenName%20%27Bill%27%20%7D%0AINSERT%20%7B%20%3Fperson%20foaf%3AgivenName%20%27William%27%20"
        "%7D%0AWHERE%20%7B%0A%20%20%3Fperson%20foaf%3AgivenName%20%27Bill%27%0A%7D%0A"
    )
    response = updatable.post("/sparql", content=body, headers={**FORM, **AUTH})
    assert 400 <= response.status_code < 500
    assert "USING or WITH" in response.text


# --- the service description (protocol section 2.1.1 / SPARQL 1.1 Service Description) -----


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
    ],
)
def test_service_description(client: TestClient, accept: str | None, expected: str) -> None:
    import pyoxigraph as ox

    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and media_type(response) == expected
    fmt = ox.RdfFormat.from_media_type(expected)
    triples = [q.triple for q in ox.parse(response.content, format=fmt, base_iri="http://testserver/sparql")]
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = ox.NamedNode("http://testserver/sparql")
    assert ox.Triple(service, ox.NamedNode(sd + "endpoint"), service) in triples
    objects = {t.object for t in triples if t.subject == service}
    assert ox.NamedNode(sd + "SPARQL11Query") in objects
    assert ox.NamedNode(sd + "UnionDefaultGraph") in objects
    names = {t.object.value for t in triples if t.predicate == ox.NamedNode(sd + "name")}
    assert names == {f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in range(4)}
