"""The endpoint's safety limits and error statuses: read-only by default, tokens, sizes, rows,
time, and no request at all that makes it answer 500."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plangraph.settings import Settings
from plangraph.web.app import create_app, serve
from web_support import ENDLESS_QUERY, make_build

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
LIMITS = dict(query_timeout=1.5, max_result_rows=3, max_query_length=2000, max_request_bytes=4000)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build(tmp_path_factory.mktemp("safety"))


@pytest.fixture(scope="module")
def client(build: Path) -> Iterator[TestClient]:
    with TestClient(create_app(build, Settings(**LIMITS))) as c:
        yield c


def test_updates_are_refused_by_default(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer anything"}):
        response = client.post(
            "/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update", **headers}
        )
        assert response.status_code == 403
        assert "read-only" in response.text
    assert client.get("/sparql", params={"query": "ASK { ?s a pg:Project }"}).json()["boolean"] is True


def test_updates_need_the_token(build: Path) -> None:
    settings = Settings(allow_updates=True, update_token="s3cret", query_workers=1)
    with TestClient(create_app(build, settings)) as c:
        for auth in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
            response = c.post("/sparql", data={"update": "CLEAR ALL"}, headers=auth)
            assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")
        assert c.get("/sparql", params={"query": "ASK { ?s a pg:Project }"}).json()["boolean"] is True
        ok = c.post("/sparql", data={"update": "CLEAR ALL"}, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 204
        assert c.get("/sparql", params={"query": "ASK { ?s a pg:Project }"}).json()["boolean"] is False


def test_serve_refuses_updates_without_a_token(build: Path) -> None:
    with pytest.raises(ValueError, match="update-token"):
        serve(build, "127.0.0.1", 0, allow_updates=True, update_token=None)


def test_syntax_error_is_400_with_the_parsers_message(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.text.startswith("SPARQL syntax error: error at 1:")


def test_rows_are_cut_at_max_result_rows(client: TestClient) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    for fmt, count in (
        ("json", lambda r: len(r.json()["results"]["bindings"])),
        ("csv", lambda r: len(r.text.strip().splitlines()) - 1),
        ("tsv", lambda r: len(r.text.strip().splitlines()) - 1),
        ("xml", lambda r: r.text.count("<result>")),
    ):
        response = client.get("/sparql", params={"query": query, "format": fmt})
        assert response.status_code == 200
        assert count(response) == 3
        assert response.headers["x-plangraph-truncated"].startswith("true")
    small = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a pg:Project }"})
    assert "x-plangraph-truncated" not in small.headers and small.headers["x-plangraph-rows"] == "2"
    graph = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"})
    assert len(graph.text.strip().splitlines()) == 3 and "x-plangraph-truncated" in graph.headers


def test_query_length_and_request_size(client: TestClient) -> None:
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2000
    assert client.get("/sparql", params={"query": long_query}).status_code == 413
    too_big = "query=" + "x" * 5000
    response = client.post("/sparql", content=too_big, headers=FORM)
    assert response.status_code == 413 and "max_request_bytes" in response.text


def test_a_timeout_stops_the_query_and_says_so(client: TestClient) -> None:
    started = time.monotonic()
    response = client.get("/sparql", params={"query": ENDLESS_QUERY})
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "query_timeout" in response.text and "1.5 s" in response.text
    assert 1.4 < elapsed < 5
    # The killed worker is replaced: queries keep working.
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    health = client.get("/api/health").json()["engine"]
    assert health["timeouts"] >= 1 and health["replaced_workers"] >= 1


def test_federated_queries_are_refused(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}
    )
    assert response.status_code == 400 and "SERVICE" in response.text
    # The word in a string or a prefixed name is no federated query.
    ok = client.get("/sparql", params={"query": 'SELECT ("SERVICE" AS ?x) WHERE { }'})
    assert ok.status_code == 200


def test_charset_and_encoding_errors_are_4xx(client: TestClient) -> None:
    assert (
        client.post(
            "/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query; charset=latin1"}
        ).status_code
        == 415
    )
    bad_utf8 = client.post(
        "/sparql", content=b"ASK { \xff }", headers={"Content-Type": "application/sparql-query"}
    )
    assert bad_utf8.status_code == 400 and "UTF-8" in bad_utf8.text
    bad_form = client.post("/sparql", content=b"query=ASK%20%7B%FF%7D", headers=FORM)
    assert bad_form.status_code == 400
    assert client.get("/sparql?query=ASK%20%7B%FF%7D").status_code == 400
    with_bom = client.post(
        "/sparql", content="\ufeffASK {}".encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert with_bom.status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "body", "headers"),
    [
        ("GET", "/sparql?query=", None, {}),
        ("GET", "/sparql?query=%20%20", None, {}),
        ("GET", "/sparql?query=ASK%7B%7D&update=CLEAR%20ALL", None, {}),
        ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", None, {}),
        ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=", None, {}),
        ("GET", "/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D", None, {"Accept": "%%%,;q=x,*/"}),
        ("GET", "/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D&format=nonsense", None, {}),
        ("GET", "/sparql?query=DESCRIBE%20%3Cjavascript%3Aalert(1)%3E", None, {}),
        ("GET", "/sparql?query=SELECT%20(1%2F0%20AS%20%3Fx)%20%7B%7D", None, {}),
        ("GET", "/sparql?query=SELECT%20*%20%7B%20BIND(%3Cx%3E%20AS%20%3Fy)%20%7D", None, {}),
        ("GET", "/sparql?query=SELECT%20*%20FROM%20%3Chttp%3A%2F%2Fexample.org%2Fg%3E%20%7B%7D", None, {}),
        ("GET", "/sparql?query=LOAD%20%3Chttp%3A%2F%2Fexample.org%2F%3E", None, {}),
        ("POST", "/sparql", b"", {}),
        ("POST", "/sparql", b"\x00\x01\x02", {"Content-Type": "application/octet-stream"}),
        ("POST", "/sparql", b"query", FORM),
        ("POST", "/sparql", b"&&&=&", FORM),
        ("POST", "/sparql", b"query=ASK{}", {"Content-Type": "multipart/form-data; boundary=x"}),
        ("POST", "/sparql", b"ASK {}", {"Content-Type": ";;;"}),
        ("POST", "/sparql", b"ASK {}", {"Content-Type": "application/sparql-query; charset"}),
        ("POST", "/sparql", b"ASK {}", {"Content-Type": "application/sparql-query", "Content-Length": "x"}),
        ("POST", "/sparql?query=ASK%7B%7D", b"ASK {}", {"Content-Type": "application/sparql-query"}),
        (
            "POST",
            "/sparql",
            "SELECT * WHERE { ?s ?p ?o } LIMIT 1".encode("utf-16"),
            {"Content-Type": "application/sparql-query"},
        ),
        ("DELETE", "/sparql", None, {}),
        ("GET", "/entity?iri=%00", None, {}),
        ("GET", "/entity?iri=http://x/%3E%20%3Fp%20%3Fo%20%7D%20%23", None, {}),
        ("GET", "/source?mention=http://nowhere/x", None, {}),
        ("GET", "/source?doc=http://nowhere/x", None, {}),
        ("GET", "/source", None, {}),
        ("GET", "/industry?iri=http://nowhere/x", None, {}),
        ("GET", "/search?q=%22%7D%20%7D%20%23", None, {}),
        ("GET", "/search?q=" + "长" * 3000, None, {}),
        ("GET", "/api/search?q=", None, {}),
        ("GET", "/api/search?q=%5C", None, {}),
        ("GET", "/api/entity?iri=nope", None, {}),
        ("GET", "/api/entity?iri=http://nowhere/x", None, {}),
        ("GET", "/api/industry?iri=http://nowhere/x", None, {}),
        ("GET", "/api/queries/..%2F..%2Fetc%2Fpasswd", None, {}),
        ("GET", "/api/queries/nope", None, {}),
        ("GET", "/editor?saved=../../x&query=%3C%2Fscript%3E", None, {}),
    ],
)
def test_no_input_gives_a_500(
    client: TestClient, method: str, url: str, body: bytes | None, headers: dict
) -> None:
    response = client.request(method, url, content=body, headers=headers)
    assert response.status_code < 500, response.text


def test_cors(client: TestClient) -> None:
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://example.org")
    response = client.get(
        "/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["access-control-allow-origin"] in ("*", "https://example.org")
    assert "x-plangraph-truncated" in response.headers["access-control-expose-headers"].lower()


def test_browsers_asking_the_endpoint_for_html_are_sent_to_the_editor(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": browser}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/editor"
    # A client that names no HTML gets the description, whatever its wildcard.
    assert client.get("/sparql", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")


def test_health_reports_the_limits(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["limits"]["max_result_rows"] == 3
    assert json.dumps(body)  # plain JSON
