"""The web UI and the REST helpers over the hand-written mini build."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from plangraph.settings import Settings
from plangraph.web.app import create_app
from plangraph.web.pages import source_lines
from plangraph.web.sources import SourceTexts, context_of
from web_support import (
    DOC,
    FINE_STEEL,
    MENTION_PORT_SENTENCE,
    NEW_MATERIALS,
    PARK,
    PROJECT_PORT,
    PROJECT_STEEL,
    SAVED_QUERIES,
    make_build,
)

SCRIPT = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    build = make_build(tmp_path_factory.mktemp("pages"))
    settings = Settings(queries_dir=SAVED_QUERIES, corpus_dir=Path("/nonexistent"), query_timeout=10)
    with TestClient(create_app(build, settings)) as c:
        yield c


def url(path: str, **params: str) -> str:
    return path + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


def page(client: TestClient, path: str, status: int = 200, **params: str) -> str:
    response = client.get(url(path, **params) if params else path)
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_home_shows_the_corpus_and_saved_queries(client: TestClient) -> None:
    html = page(client, "/")
    assert "营口市国民经济和社会发展第十三个五年规划纲要" in html
    assert "mini_plan.txt" in html
    assert "五年规划" in html  # the document's type, by its label
    assert "项目与产业 Projects and their industries" in html and "园区 Parks" in html
    assert "/editor?saved=projects-by-industry&amp;run=1" in html
    assert "新材料" in html and "营口市" in html  # industries and regions
    assert re.search(r'class="num">309<', html)  # triples


def test_search_ranks_exact_names_first(client: TestClient) -> None:
    html = page(client, "/search", q="精品钢材")
    first = re.search(r'class="result-title" href="([^"]+)"', html)
    assert first and first.group(1) == "/entity?iri=" + quote(FINE_STEEL, safe="")
    api = client.get("/api/search", params={"q": "营口"}).json()
    found = {r["iri"] for r in api["results"]}
    assert {PROJECT_PORT, PARK, DOC} <= found
    assert client.get("/api/search", params={"q": "先进钢铁材料"}).json()["results"][0]["iri"] == FINE_STEEL
    assert client.get("/api/search", params={"q": "不存在的名字"}).json()["results"] == []
    assert "没有名称包含" in page(client, "/search", q="不存在的名字")


def test_search_for_an_iri_opens_its_page(client: TestClient) -> None:
    response = client.get("/search", params={"q": PARK}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/entity?iri=" + quote(
        PARK, safe=""
    )


def test_entity_page_shows_types_relations_and_mentions(client: TestClient) -> None:
    html = page(client, "/entity", iri=PROJECT_STEEL)
    assert '<h1 lang="zh">鲅鱼圈钢铁精深加工项目</h1>' in html
    assert ">项目</a>" in html  # type badge, by its label
    assert 'href="/entity?iri=' + quote(FINE_STEEL, safe="") + '"' in html  # relation as a link
    assert "支撑产业" in html and "pg:supportsIndustry" in html
    # A mention: its sentence with the quote marked, linking to the highlighted source.
    mention = DOC + "/mention/177-188"
    assert "/source?mention=" + quote(mention, safe="") + "#hl" in html
    assert "<mark>鲅鱼圈钢铁精深加工项目</mark>" in html
    assert "：建设高端板材生产线，支撑精品钢材产业。" in html
    # The relation's evidence (reified statement) is quoted too.
    assert "/source?mention=" + quote(DOC + "/mention/177-208", safe="") in html


def test_incoming_links_are_shown(client: TestClient) -> None:
    html = page(client, "/entity", iri=FINE_STEEL)
    assert "被引用" in html and "鲅鱼圈钢铁精深加工项目" in html and "发展先进制造业" in html
    assert "/industry?iri=" + quote(FINE_STEEL, safe="") in html


def test_document_text_is_escaped_everywhere(client: TestClient) -> None:
    for path, params in (
        ("/entity", {"iri": PROJECT_PORT}),
        ("/entity", {"iri": MENTION_PORT_SENTENCE}),
        ("/industry", {"iri": "https://w3id.org/plangraph/id/industry/modern-logistics"}),
        ("/source", {"mention": MENTION_PORT_SENTENCE}),
        ("/source", {"doc": DOC}),
        ("/search", {"q": SCRIPT}),
        ("/editor", {"query": SCRIPT + "</script><script>alert(1)</script>"}),
    ):
        html = page(client, path, **params)
        assert SCRIPT not in html and "<script>alert" not in html, path
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page(client, "/entity", iri=PROJECT_PORT)


def test_source_view_highlights_the_mention(client: TestClient) -> None:
    html = page(client, "/source", mention=MENTION_PORT_SENTENCE)
    marked = re.findall(r'<mark id="hl" tabindex="-1">(.*?)</mark>', html)
    assert marked == ["营口港智慧物流园区项目：发展现代物流。&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"]
    assert '<div class="line has-mark" id="L14">' in html
    assert html.count("<mark") == 1
    plain = page(client, "/source", doc=DOC)
    assert "<mark" not in plain and 'id="L17"' in plain


def test_mention_page_points_into_the_source(client: TestClient) -> None:
    html = page(client, "/entity", iri=DOC + "/mention/120-125")
    assert "提及位置" in html and "<mark>新材料产业</mark>" in html


def test_industry_page_lists_supporters_with_evidence(client: TestClient) -> None:
    html = page(client, "/industry", iri=NEW_MATERIALS)
    # The project supports the narrower concept 精品钢材; it counts for 新材料 too.
    assert "鲅鱼圈钢铁精深加工项目" in html and "营口经济技术开发区" in html and "发展先进制造业" in html
    assert "<mark>营口经济技术开发区重点发展装备制造和新材料产业。</mark>" in html
    assert "<strong>1</strong> 个项目" in html and "<strong>1</strong> 个园区" in html
    data = client.get("/api/industry", params={"iri": NEW_MATERIALS}).json()
    assert [p["node"]["value"] for p in data["projects"]] == [PROJECT_STEEL]
    assert data["projects"][0]["industry"]["value"] == FINE_STEEL
    assert data["projects"][0]["evidence"][0]["quote"].startswith("鲅鱼圈钢铁精深加工项目：")
    assert data["narrower"][0]["label"] == "精品钢材"
    assert page(client, "/industry", 404, iri=PROJECT_STEEL)


def test_industries_page(client: TestClient) -> None:
    html = page(client, "/industries")
    for name in ("新材料", "精品钢材", "装备制造", "现代物流"):
        assert name in html


def test_editor_config_is_safe_json(client: TestClient) -> None:
    html = page(client, "/editor", saved="parks")
    config = re.search(r'<script id="editor-config" type="application/json">(.*?)</script>', html, re.S)
    assert config
    data = json.loads(config.group(1))
    assert data["query"].startswith("# title: 园区 Parks")
    assert {q["name"] for q in data["saved"]} == {"parks", "projects-by-industry"}
    assert data["prefixes"]["pg"] == "https://w3id.org/plangraph/ontology#"
    assert {"label": "pg:supportsIndustry", "kind": "property"} in data["terms"]
    assert "/static/vendor/sparql-editor.min.js" in html


def test_saved_queries_api(client: TestClient) -> None:
    listed = client.get("/api/queries").json()
    assert [q["name"] for q in listed] == ["parks", "projects-by-industry"]
    assert listed[1]["title"] == "项目与产业 Projects and their industries"
    assert listed[1]["description"].startswith("Every project")
    run = client.get("/api/queries/projects-by-industry")
    assert run.headers["content-type"].startswith("application/sparql-results+json")
    assert len(run.json()["results"]["bindings"]) == 2
    csv = client.get("/api/queries/projects-by-industry", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and "鲅鱼圈钢铁精深加工项目" in csv.text
    assert client.get("/api/queries/missing").status_code == 404


def test_entity_api(client: TestClient) -> None:
    data = client.get("/api/entity", params={"iri": PROJECT_PORT}).json()
    assert data["label"] == "营口港智慧物流园区项目"
    groups = {g["predicate"]["value"]: g for g in data["outgoing"]}
    support = groups["https://w3id.org/plangraph/ontology#supportsIndustry"]
    assert support["values"][0]["node"]["label"] == "现代物流"
    assert support["values"][0]["evidence"][0]["start"] == 211
    assert data["mentions"][0]["context"]["after"] == "：发展现代物流。"
    assert client.get("/api/entity", params={"iri": "http://nowhere.example/x"}).status_code == 404
    assert client.get("/api/entity", params={"iri": "not an iri"}).status_code == 400


def test_openapi_documents_the_helpers(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/search",
        "/api/entity",
        "/api/industry",
        "/api/queries",
        "/api/queries/{name}",
        "/sparql",
    ):
        assert path in paths
    assert page(client, "/docs")


def test_static_assets_are_served(client: TestClient) -> None:
    for asset in ("/static/css/site.css", "/static/js/editor.js", "/static/vendor/sparql-editor.min.js"):
        assert client.get(asset).status_code == 200


def test_unknown_things_are_404_and_bad_iris_400(client: TestClient) -> None:
    page(client, "/entity", 404, iri="http://nowhere.example/x")
    page(client, "/entity", 400, iri="no iri")
    page(client, "/source", 404, mention="http://nowhere.example/x")


# --- pieces ----------------------------------------------------------------------------------


def test_source_lines_mark_across_lines() -> None:
    lines = source_lines("ab\ncd\nef\n", 1, 4)
    assert [[(s.text, s.marked) for s in line.segments] for line in lines] == [
        [("a", False), ("b", True)],
        [("c", True), ("d", False)],
        [("ef", False)],
    ]
    assert lines[0].segments[1].first_mark and not lines[1].segments[0].first_mark
    # A mention of a whole line ending at its newline marks that line only.
    assert [line.marked for line in source_lines("ab\ncd", 0, 3)] == [True, False]


def test_context_is_the_sentence_around_the_mention() -> None:
    text = "第一句。大力发展新材料产业，推动精品钢材。第三句"
    start = text.index("新材料")
    assert context_of(text, start, start + 3) == ("大力发展", "新材料", "产业，推动精品钢材。")
    assert context_of("x" * 200, 100, 101, limit=5) == ("…xxxxx", "x", "xxxxx…")


def test_source_names_from_the_graph_cannot_leave_the_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("文本", encoding="utf-8")
    texts = SourceTexts([tmp_path])
    assert texts.text("a.txt") == "文本"
    for name in ("../a.txt", "/etc/passwd", "..", "", "sub/a.txt"):
        assert texts.text(name) is None
