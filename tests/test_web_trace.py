"""Traces, paths, comparisons and exports through the web app (``/api/trace``, ``/api/path``,
``/api/compare``, ``/api/export``, the trace and compare pages) over the real build of the bundled
corpus, and the worker jobs behind them: bounded, stopped at their time limit, never blocking SPARQL."""

from __future__ import annotations

import asyncio
import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from plangraph.settings import Settings, get_settings
from plangraph.web.app import create_app
from plangraph.web.network_api import (
    CompareResponse,
    PathResponse,
    TraceResponse,
    download_name,
    run_call,
)
from plangraph.web.pages import find_quote
from plangraph.web.trace_view import layered_positions
from plangraph.web.workers import QueryEngine, QueryTimeout
from web_support import make_build

INDUSTRY = "铝合金精深加工"


@pytest.fixture(scope="module")
def client(corpus_build: Path) -> Iterator[TestClient]:
    # Two workers: the last test counts on one kept for SPARQL while traces use the other.
    settings = get_settings().with_overrides(query_timeout=30, query_workers=2)
    with TestClient(create_app(corpus_build, settings)) as c:
        yield c


@pytest.fixture(scope="module")
def trace(client: TestClient) -> dict:
    response = client.get("/api/trace", params={"industry": INDUSTRY})
    assert response.status_code == 200, response.text
    return response.json()


def highlighted(html: str) -> str:
    """The text marked in a source view (a mark may be cut at line ends)."""
    return unescape("".join(re.findall(r"<mark[^>]*>(.*?)</mark>", html, re.S)))


# --- /api/trace ------------------------------------------------------------------------------


def test_trace_returns_the_ten_projects_of_the_liaoyang_box(trace: dict) -> None:
    TraceResponse.model_validate(trace)
    assert trace["industry"]["label"] == INDUSTRY and trace["count"] == 10
    [group] = trace["documents"]
    assert "辽阳" in group["document"]["label"]
    projects = group["projects"]
    assert {p["box"]["label"].split()[0] for p in projects} == {"专栏5"}
    assert [p["item_number"] for p in projects] == list(range(1, 11))  # ranked: same route, box order
    for project in projects:
        assert project["evidence"], project["label"]
        assert all(e["mention"] for e in project["evidence"] if e["line"] is not None)


def test_every_evidence_of_the_trace_shows_its_quote_in_the_source(client: TestClient, trace: dict) -> None:
    evidence = {e["mention"]: e["quote"] for p in trace["documents"][0]["projects"] for e in p["evidence"]}
    assert len(evidence) >= 12  # ten items, the box title and the goal
    for mention, quote in evidence.items():
        page = client.get("/source", params={"mention": mention})
        assert page.status_code == 200
        assert highlighted(page.text) == quote.replace("\n", "")


def test_unknown_industry_is_404_with_the_closest_names(client: TestClient) -> None:
    response = client.get("/api/trace", params={"industry": "铝合金深加工"})
    assert response.status_code == 404
    body = response.json()
    assert INDUSTRY in body["suggestions"] and "铝合金深加工" in body["detail"]
    page = client.get("/trace", params={"industry": "铝合金深加工"})
    assert page.status_code == 404
    assert f'href="/trace?industry={INDUSTRY}"' not in page.text  # links are percent-encoded
    assert "/trace?industry=%E9%93%9D%E5%90%88%E9%87%91%E7%B2%BE%E6%B7%B1%E5%8A%A0%E5%B7%A5" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/api/trace",
        "/api/trace?industry=",
        "/api/path?a=辽阳市",
        "/api/compare?b=x",
        "/api/export",
        "/api/export?format=nonsense",
        "/api/export?format=graphml&types=Nonsense",
        "/api/export?format=graphml&depth=-1",
    ],
)
def test_missing_or_bad_parameters_are_400(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400, response.text
    assert response.json()["detail"]


# --- /api/export -----------------------------------------------------------------------------


def test_export_graphml_reads_back_with_networkx(client: TestClient) -> None:
    response = client.get("/api/export", params={"format": "graphml"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/graphml+xml"
    assert response.headers["content-disposition"].startswith('attachment; filename="plangraph.graphml"')
    graph = nx.read_graphml(io.BytesIO(response.content))
    nodes, edges = (int(n) for n in re.findall(r"\d+", response.headers["x-plangraph-export"])[:2])
    assert graph.number_of_nodes() == nodes > 1000 and graph.number_of_edges() == edges
    types = {data["type"] for _, data in graph.nodes(data=True)}
    assert {"Industry", "Project", "Park", "Region", "Document"} <= types


def test_focused_exports(client: TestClient, trace: dict) -> None:
    iri = trace["industry"]["iri"]
    response = client.get("/api/export", params={"format": "graphml", "focus": INDUSTRY, "depth": 1})
    assert response.status_code == 200
    graph = nx.read_graphml(io.BytesIO(response.content))
    graph = nx.relabel_nodes(graph, {n: d["iri"] for n, d in graph.nodes(data=True)})  # ids are n0 …
    assert iri in graph and {p["iri"] for p in trace["documents"][0]["projects"]} <= set(graph)
    name = response.headers["content-disposition"]
    assert "filename*=UTF-8''plangraph-%E9%93%9D" in name  # the focus in the UTF-8 name

    zipped = client.get("/api/export", params={"format": "csv", "focus": iri, "types": "Project,Industry"})
    assert zipped.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
        rows = archive.read("nodes.csv").decode("utf-8").splitlines()
    assert all(",Project," in row or ",Industry," in row for row in rows[1:])

    turtle = client.get("/api/export", params={"format": "turtle", "focus": iri, "depth": 1})
    assert turtle.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value == iri for t in triples)


def test_download_names_are_safe() -> None:
    assert download_name("graphml", None, None) == ("plangraph.graphml", "plangraph.graphml")
    ascii_name, utf8 = download_name("ttl", 'https://w3id.org/plangraph/id/industry/x"; y', "004_ab.txt")
    assert ascii_name == "plangraph-004_ab-x_y.ttl" and utf8 == ascii_name
    assert download_name("gexf", "../../新材料", None) == ("plangraph.gexf", "plangraph-新材料.gexf")


# --- /api/path and /api/compare --------------------------------------------------------------


def test_path_between_a_region_and_an_industry(client: TestClient) -> None:
    response = client.get("/api/path", params={"a": "辽阳市", "b": INDUSTRY})
    assert response.status_code == 200
    body = response.json()
    PathResponse.model_validate(body)
    steps = body["steps"]
    assert body["found"] and body["length"] == len(steps) - 1 >= 1
    assert steps[0]["node"]["label"] == "辽阳市" and steps[-1]["node"]["label"] == INDUSTRY
    assert all(step["predicate"] for step in steps[1:])
    assert client.get("/api/path", params={"a": "辽阳市", "b": "不存在的东西"}).status_code == 404


def test_compare_two_plans(client: TestClient) -> None:
    plans = client.post(
        "/sparql",
        data={"query": "SELECT ?d WHERE { ?d a pg:FiveYearPlan } ORDER BY ?d"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"]
    a, b = plans[0]["d"]["value"], plans[-1]["d"]["value"]
    response = client.get("/api/compare", params={"a": a, "b": b})
    assert response.status_code == 200
    body = response.json()
    CompareResponse.model_validate(body)
    assert (body["plan_a"]["iri"], body["plan_b"]["iri"]) == (a, b)
    assert body["industries"]["added"] or body["industries"]["dropped"]
    page = client.get("/compare", params={"a": a, "b": b})
    assert page.status_code == 200 and body["plan_b"]["label"] in page.text
    assert client.get("/api/compare", params={"a": a, "b": "no such plan"}).status_code == 404


def test_openapi_documents_the_network_helpers(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/trace", "/api/path", "/api/compare", "/api/export"):
        assert path in paths and "400" in paths[path]["get"]["responses"]
    assert "404" in paths["/api/trace"]["get"]["responses"]


# --- the trace page --------------------------------------------------------------------------


def test_trace_page_lists_ranked_projects_and_embeds_the_graph(client: TestClient, trace: dict) -> None:
    page = client.get("/trace", params={"industry": INDUSTRY})
    assert page.status_code == 200
    html = page.text
    assert html.count('class="trace-item route-') == 10
    assert re.search(r'<script src="/vendor/cytoscape\.min\.js\?v=\w+"', html)
    graph = json.loads(
        re.search(r'<script id="trace-graph" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    ids = {n["data"]["id"] for n in graph["elements"]["nodes"]}
    assert {p["iri"] for p in trace["documents"][0]["projects"]} | {trace["industry"]["iri"]} <= ids
    assert all("position" in n for n in graph["elements"]["nodes"])
    edges = graph["elements"]["edges"]
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    # Every evidence links to the source view, where the quote is highlighted.
    links = [unescape(u) for u in re.findall(r'class="evidence-link" href="([^"]+)"', html)]
    assert len(links) == sum(len(p["evidence"]) for p in trace["documents"][0]["projects"])
    assert highlighted(client.get(links[0]).text)
    # The library is served from the package, not a CDN.
    library = client.get(re.search(r'src="(/vendor/cytoscape\.min\.js[^"]*)"', html)[1])
    assert library.status_code == 200 and b"cytoscape" in library.content[:2000]
    assert "immutable" in library.headers["cache-control"]


def test_nav_and_industry_page_link_to_the_trace(client: TestClient, trace: dict) -> None:
    assert 'href="/trace"' in client.get("/").text
    industry = client.get("/industry", params={"iri": trace["industry"]["iri"]}).text
    assert 'class="trace-link" href="/trace?industry=https%3A%2F%2Fw3id.org' in industry
    assert client.get("/trace").status_code == 200  # the empty form


def test_find_quote_prefers_the_evidence_line() -> None:
    text = "钢铁产业\n专栏1\n钢铁产业: 1. 项目"
    assert find_quote(text, "钢铁产业", line=3) == (9, 13)
    assert find_quote(text, "钢铁产业") == (0, 4)
    assert find_quote(text, "钢铁产业", line=99) == (0, 4)  # not after it: the first anywhere
    assert find_quote(text, "没有") is None


def test_layered_positions_put_each_node_by_its_distance_from_the_industry() -> None:
    order = ["ind", "p1", "p2", "p3", "div", "box"]
    types = {
        "ind": "Industry",
        "p1": "Project",
        "p2": "Project",
        "p3": "Project",
        "div": "Division",
        "box": "Box",
    }
    edges = [(p, "pg:supportsIndustry", "ind") for p in ("p1", "p2", "p3")]
    edges += [(p, "pg:listedIn", "box") for p in ("p1", "p2", "p3")]
    edges += [("box", "dcterms:isPartOf", "div"), ("div", "pg:promotesIndustry", "ind")]
    at = layered_positions(order, types, edges, "ind")
    assert at["ind"][0] > at["p1"][0] == at["div"][0] > at["box"][0]  # industry right, box left
    ys = sorted((at[n][1], n) for n in ("p1", "p2", "p3", "div"))
    assert [n for _, n in ys] == ["p1", "p2", "div", "p3"]  # projects in rank, the division between


# --- untrusted text on the pages (the hand-written graph has a <script> in a quote) -----------


@pytest.fixture(scope="module")
def mini_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    build = make_build(tmp_path_factory.mktemp("trace-mini"))
    settings = Settings(corpus_dir=Path("/nonexistent"), query_workers=1, max_export_nodes=3)
    with TestClient(create_app(build, settings)) as c:
        yield c


def test_document_text_is_escaped_on_the_trace_page(mini_client: TestClient) -> None:
    api = mini_client.get("/api/trace", params={"industry": "现代物流"}).json()
    quotes = [e["quote"] for p in api["documents"][0]["projects"] for e in p["evidence"]]
    assert any("<script>" in q for q in quotes)  # the API returns the text as it is
    html = mini_client.get("/trace", params={"industry": "现代物流"}).text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_exports_are_cut_at_max_export_nodes(mini_client: TestClient) -> None:
    response = mini_client.get("/api/export", params={"format": "graphml"})
    assert response.status_code == 200
    assert nx.read_graphml(io.BytesIO(response.content)).number_of_nodes() == 3
    assert response.headers["x-plangraph-truncated"] == "true; limit=3"
    assert "cut at 3 nodes" in response.headers["x-plangraph-export"]


# --- the engine: time limits and a worker kept for SPARQL (last: it replaces a worker) ------


def test_network_calls_are_stopped_at_their_limit_and_leave_a_worker_for_sparql(client: TestClient) -> None:
    engine: QueryEngine = client.app.state.engine  # type: ignore[attr-defined]
    assert engine.workers_wanted == 2

    async def scenario() -> None:
        # Two traces at once take turns on one worker; a query meanwhile gets the other.
        started = time.monotonic()
        first = asyncio.create_task(engine.network("trace", {"industry": "新材料"}))
        second = asyncio.create_task(engine.network("trace", {"industry": "旅游"}))
        await asyncio.sleep(0.05)
        asked = time.monotonic()
        assert len(await engine.select("SELECT ?x WHERE { ?x a pg:Project } LIMIT 1")) == 1
        answered = time.monotonic() - asked
        results = await asyncio.gather(first, second)
        assert [r.status for r in results] == [200, 200]
        assert answered < 0.25 < time.monotonic() - started, answered

        # A repeated trace comes from the cache: no worker is asked.
        queries = engine.stats.queries
        assert (await engine.network("trace", {"industry": "旅游"})).body == results[1].body
        assert engine.stats.queries == queries

        # A call past its time limit has its worker killed and replaced.
        replaced = engine.describe()["replaced_workers"]
        with pytest.raises(QueryTimeout):
            await engine.network("trace", {"industry": "装备制造"}, timeout=0.02)
        assert engine.describe()["replaced_workers"] == replaced + 1
        assert (await engine.network("trace", {"industry": "装备制造"})).status == 200

        # The API says which limit stopped it.
        deadline = time.monotonic() + 30
        while engine.describe()["workers"] < 2:  # the replacement is ready
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        outcome = await run_call(engine, "export", {"format": "graphml"}, timeout=0.02)
        assert outcome.status == 503
        assert json.loads(outcome.body)["detail"].startswith(
            "the export was stopped after 0.02 s (export_timeout)"
        )

    client.portal.call(scenario)  # type: ignore[union-attr]  (in the app's event loop)


# --- /api/compare/indicator, /api/compare/priorities and the compare page ----------------------


def test_compare_an_indicator_across_documents(client: TestClient) -> None:
    from plangraph.web.network_api import IndicatorComparisonResponse

    response = client.get("/api/compare/indicator", params={"indicator": "城镇居民人均可支配收入"})
    assert response.status_code == 200, response.text
    body = response.json()
    IndicatorComparisonResponse.model_validate(body)
    assert body["concept"]["unit"] == "元"
    by_file = {(r["source_file"], r["year"], r["text"]): r["comparable"] for r in body["rows"]}
    assert by_file[("002_aeb35f2bbea0796b.txt", 2020, "4.7")] == "47000"  # printed in 万元
    assert by_file[("000_eff48e12d0f87c70.txt", 2020, "43726")] == "43726"
    assert all(r["mention"] and r["evidence"]["quote"] == r["text"] for r in body["rows"])
    csv_answer = client.get(
        "/api/compare/indicator", params={"indicator": "城镇居民人均可支配收入", "format": "csv"}
    )
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_answer.headers["content-disposition"]
    assert len(csv_answer.text.strip().splitlines()) == body["count"] + 1
    narrowed = client.get(
        "/api/compare/indicator",
        params={"indicator": "城镇居民人均可支配收入", "places": "营口市", "years": "2020"},
    ).json()
    assert {r["place"]["label"] for r in narrowed["rows"]} <= {"营口市", "站前区", "盖州市"}
    assert {r["year"] for r in narrowed["rows"]} == {2020}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"indicator": "不存在的指标"}, 404),
        ({"indicator": "GDP", "years": "twenty"}, 400),
        ({"indicator": "GDP", "documents": "no-such-plan.txt"}, 404),
        ({"indicator": "GDP", "format": "xlsx"}, 400),
        ({}, 400),
    ],
)
def test_compare_an_indicator_refuses_what_it_cannot_answer(
    client: TestClient, params: dict, status: int
) -> None:
    response = client.get("/api/compare/indicator", params=params)
    assert response.status_code == status, response.text
    assert response.json()["detail"]


def test_priorities_matrix_links_each_goal_to_its_sentence(client: TestClient) -> None:
    from plangraph.web.network_api import PrioritiesResponse

    response = client.get("/api/compare/priorities", params={"industries": "新材料,旅游", "by": "document"})
    assert response.status_code == 200, response.text
    body = response.json()
    PrioritiesResponse.model_validate(body)
    assert [i["label"] for i in body["industries"]] == ["新材料", "旅游"]
    assert len(body["rows"]) == 7  # every document is a row, promoting or not
    assert body["cells"] and all(c["evidence"] and c["evidence"][0]["mention"] for c in body["cells"])
    for cell in body["cells"][:3]:
        evidence = cell["evidence"][0]
        page = client.get("/source", params={"mention": evidence["mention"]})
        assert highlighted(page.text) == evidence["quote"].replace("\n", "")
    assert client.get("/api/compare/priorities", params={"by": "region"}).status_code == 400
    assert client.get("/api/compare/priorities", params={"industries": "不存在的产业"}).status_code == 404


def test_the_compare_page_offers_every_comparison(client: TestClient) -> None:
    landing = client.get("/compare").text
    assert 'id="indicator-q"' in landing and 'id="priorities-q"' in landing and 'id="plan-a"' in landing
    page = client.get("/compare", params={"indicator": "GDP"})
    assert page.status_code == 200
    assert 'id="compare-chart"' in page.text and "/static/vendor/chart.umd.min.js" in page.text
    assert 'class="data pivot"' in page.text and "国内生产总值" in page.text
    missing = client.get("/compare", params={"indicator": "不存在的指标"})
    assert missing.status_code == 404 and "unknown indicator" in missing.text
    matrix = client.get("/compare", params={"view": "priorities"})
    assert matrix.status_code == 200 and 'class="data matrix"' in matrix.text
    assert client.get("/static/vendor/chart.umd.min.js").status_code == 200


def test_an_entity_has_one_label_on_its_page_in_a_trace_and_in_the_library(
    client: TestClient, trace: dict, corpus_build: Path
) -> None:
    """The pages (through the query workers) and the library (a store) apply one label rule."""
    from plangraph.reading.labels import node_labels
    from plangraph.store import open_store

    steps = [
        s["node"] for p in trace["documents"][0]["projects"][:3] for path in p["paths"] for s in path["steps"]
    ]
    nodes = {n["iri"]: n["label"] for n in steps}
    assert {n["type"] for n in steps} >= {"Project", "Box", "Division", "Industry"}
    library = node_labels(open_store(corpus_build), nodes)
    for iri, label in nodes.items():
        page = client.get("/api/entity", params={"iri": iri}).json()
        assert page["label"] == label == library[iri], iri
