"""The web app over the real build of the bundled corpus: every saved query of queries/ runs
through the endpoint, the pages render, and mentions highlight exactly their quote."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from plangraph.query import saved_queries
from plangraph.settings import get_settings
from plangraph.web.app import create_app


@pytest.fixture(scope="module")
def client(corpus_build: Path) -> Iterator[TestClient]:
    with TestClient(create_app(corpus_build, get_settings().with_overrides(query_timeout=30))) as c:
        yield c


def select(client: TestClient, query: str) -> list[dict]:
    response = client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


@pytest.mark.parametrize("name", [q.name for q in saved_queries(get_settings().queries_dir)])
def test_saved_query_runs_through_the_endpoint(client: TestClient, name: str) -> None:
    response = client.get(f"/api/queries/{name}")
    assert response.status_code == 200, response.text
    assert "results" in response.json() or "boolean" in response.json()


def test_pages_render(client: TestClient) -> None:
    for path in ("/", "/industries", "/editor", "/search?q=" + quote("产业")):
        response = client.get(path)
        assert response.status_code == 200, path
    home = client.get("/").text
    assert home.count('href="/source?doc=') >= 5


def test_entity_and_industry_pages_of_the_corpus(client: TestClient) -> None:
    projects = select(
        client,
        "SELECT ?p ?i WHERE { ?p a pg:Project ; pg:supportsIndustry ?i } ORDER BY ?p LIMIT 3",
    )
    if not projects:
        pytest.skip("the build links no project to an industry yet")
    for row in projects:
        entity = client.get("/entity", params={"iri": row["p"]["value"]})
        assert entity.status_code == 200 and 'class="mention"' in entity.text
        industry = client.get("/industry", params={"iri": row["i"]["value"]})
        assert industry.status_code == 200


def test_mentions_highlight_their_quote_in_the_source(client: TestClient) -> None:
    mentions = select(
        client,
        """SELECT ?m ?q WHERE { ?m a pg:Mention ; pg:quote ?q ; pg:start ?s }
           ORDER BY DESC(STRLEN(?q)) ?m LIMIT 20""",
    )
    assert mentions
    for row in mentions:
        html = client.get("/source", params={"mention": row["m"]["value"]}).text
        assert 'role="alert"' not in html  # no offset/quote mismatch warning
        # A quote across lines is marked line by line: the marks joined are the quote without its newlines.
        marked = unescape("".join(re.findall(r"<mark[^>]*>(.*?)</mark>", html, re.S)))
        assert marked == row["q"]["value"].replace("\n", "")
