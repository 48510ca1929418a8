"""HEAD and OPTIONS wherever GET is served (RFC 9110): every GET route of the app, as a table
made from the app's own routes, answers HEAD like GET without the body, and OPTIONS with Allow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plangraph.settings import Settings
from plangraph.web.app import create_app
from plangraph.web.methods import flat_routes
from web_support import NEW_MATERIALS, SAVED_QUERIES, make_build

#: Values for the path parameters of GET routes.
PATH_VALUES = {
    "{name}": "projects-by-industry",
    "{path:path}": "park/210800/89d139b5c80a",
    "{extension}": "nq",
}
#: Answers whose length varies from one request to the next (fresh blank node labels).
VARYING_LENGTH = {"/sparql"}
#: Query strings that make a GET route answer with content (its page, not its error).
QUERIES = {
    "/entity": f"?iri={NEW_MATERIALS}",
    "/industry": f"?iri={NEW_MATERIALS}",
    "/api/search": "?q=新材料",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    build = make_build(tmp_path_factory.mktemp("methods"))
    settings = Settings(queries_dir=SAVED_QUERIES, corpus_dir=Path("/nonexistent"), query_workers=1)
    with TestClient(create_app(build, settings)) as c:
        yield c


def get_paths() -> list[str]:
    app = create_app(Path("/nonexistent"), Settings(query_workers=1))
    paths = set()
    for route in flat_routes(app.router.routes):
        path = getattr(route, "path", None)
        methods = getattr(route, "methods", None) or set()  # a mount (static files) is added below
        if path and "GET" in methods:
            for placeholder, value in PATH_VALUES.items():
                path = path.replace(placeholder, value)
            paths.add(path)
    paths.add("/static/css/site.css")
    return sorted(paths)


def test_every_get_route_is_in_the_table() -> None:
    paths = get_paths()
    assert {"/", "/sparql", "/docs", "/redoc", "/openapi.json", "/api/health", "/trace"} <= set(paths)
    assert not any("{" in p for p in paths), paths


@pytest.mark.parametrize("path", get_paths())
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    url = path + QUERIES.get(path, "")
    got = client.get(url, follow_redirects=False)
    head = client.head(url, follow_redirects=False)
    assert head.status_code == got.status_code != 405, (url, got.status_code, head.status_code)
    assert head.content == b""
    for name in ("content-type", "content-length", "location", "vary"):
        if name == "content-length" and path in VARYING_LENGTH:
            assert (name in head.headers) == (name in got.headers)
            continue
        assert head.headers.get(name) == got.headers.get(name), (url, name)


@pytest.mark.parametrize("path", get_paths())
def test_options_lists_the_methods(client: TestClient, path: str) -> None:
    response = client.options(path)
    assert response.status_code == 204 and response.content == b""
    allowed = [m.strip() for m in response.headers["allow"].split(",")]
    assert {"GET", "HEAD", "OPTIONS"} <= set(allowed)


@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [
        ("OPTIONS", "/sparql", 204, "GET, HEAD, POST, OPTIONS"),
        ("OPTIONS", "/nowhere", 404, None),
        ("PUT", "/sparql", 405, "GET, HEAD, POST, OPTIONS"),
        ("DELETE", "/api/health", 405, "GET, HEAD, OPTIONS"),
    ],
)
def test_allow_headers(client: TestClient, method: str, path: str, status: int, allow: str | None) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.headers.get("allow") == allow


def test_a_cors_preflight_is_still_answered_by_cors(client: TestClient) -> None:
    response = client.options(
        "/sparql", headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 200
    assert "POST" in response.headers["access-control-allow-methods"]
