"""Exports read back with NetworkX's own readers and rdflib/pyoxigraph; the HTML page in Chromium."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from browser_support import CHROMIUM_ARGS, require_chromium
from plangraph import export
from plangraph.cli import main as cli_main
from plangraph.network import NODE_TYPES, PALETTE, network
from plangraph.store import open_store
from plangraph.vocab import PG, RDFS, document_iri, project_iri

MINI = Path(__file__).parent / "fixtures" / "network" / "mini.trig"
PLAN_14 = str(document_iri("211000", "plan", "2021-2025"))
EVIL_LABEL = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.fixture(scope="module")
def mini() -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(MINI), format=ox.RdfFormat.TRIG)
    return store


def check_nodes(graph: nx.Graph, expected: nx.MultiDiGraph) -> None:
    """Same nodes and edge count as the view, and every node keeps label, type, colour and IRI.

    GraphML node ids are ``n0`` … (IRIs are not ``xs:NMTOKEN``): nodes are matched through their
    ``iri`` attribute, which every format carries."""
    graph = nx.relabel_nodes(graph, {n: d["iri"] for n, d in graph.nodes(data=True)})
    assert set(graph.nodes) == set(expected.nodes)
    assert graph.number_of_edges() == expected.number_of_edges()
    for node, data in graph.nodes(data=True):
        assert data["label"] == expected.nodes[node]["label"]
        assert data["type"] in NODE_TYPES and data["colour"] == PALETTE[data["type"]]
        assert data["iri"] == node


# --- network formats on the fixture ------------------------------------------------------------


def test_graphml_reads_back(mini, tmp_path):
    out = tmp_path / "g.graphml"
    summary = export.export_graph(mini, "graphml", out)
    view = network(mini)
    assert (
        summary
        == f"wrote {view.number_of_nodes()} nodes and {view.number_of_edges()} edges (graphml) to {out}"
    )
    graph = nx.read_graphml(out)
    check_nodes(graph, view)
    for _, data in graph.nodes(data=True):  # Gephi colours nodes from r, g, b
        assert "#{:02x}{:02x}{:02x}".format(data["r"], data["g"], data["b"]) == data["colour"]
    labels = {d["label"] for _, _, d in graph.edges(data=True)}
    assert "supportsIndustry" in labels
    quotes = [d.get("quote") for _, _, d in graph.edges(data=True)]
    assert "辽阳铝产业园重点发展铝合金精深加工产业。" in quotes


def test_gexf_reads_back_with_colours(mini, tmp_path):
    out = tmp_path / "g.gexf"
    export.export_graph(mini, "gexf", out)
    graph = nx.read_gexf(out)
    check_nodes(graph, network(mini))
    for _, data in graph.nodes(data=True):
        colour = data["viz"]["color"]
        assert "#{:02x}{:02x}{:02x}".format(colour["r"], colour["g"], colour["b"]) == data["colour"]
    edge_ids = [d["id"] for _, _, d in graph.edges(data=True)]
    assert len(edge_ids) == len(set(edge_ids))


def test_cytoscape_json_reads_back_and_fits_cytoscape_js(mini, tmp_path):
    out = tmp_path / "g.cyjs"
    export.export_graph(mini, "cytoscape", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    graph = nx.cytoscape_graph(data)
    check_nodes(graph, network(mini))
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    ids = [n["data"]["id"] for n in nodes] + [e["data"]["id"] for e in edges]
    assert all(isinstance(i, str) for i in ids) and len(ids) == len(set(ids))
    node_ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in node_ids and e["data"]["target"] in node_ids for e in edges)
    assert {n["classes"] for n in nodes} <= set(NODE_TYPES)
    assert all(e["data"]["label"] == e["classes"] for e in edges)


def test_node_link_reads_back(mini, tmp_path):
    out = tmp_path / "g.json"
    export.export_graph(mini, "node-link", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "links" in data and "edges" not in data  # d3-force reads nodes and links
    graph = nx.node_link_graph(data, edges="links")
    check_nodes(graph, network(mini))


def test_csv_tables(mini, tmp_path):
    summary = export.export_graph(mini, "csv", tmp_path / "graph.csv")
    nodes_path, edges_path = tmp_path / "graph-nodes.csv", tmp_path / "graph-edges.csv"
    assert str(nodes_path) in summary and str(edges_path) in summary
    with nodes_path.open(encoding="utf-8", newline="") as f:
        nodes = list(csv.DictReader(f))
    with edges_path.open(encoding="utf-8", newline="") as f:
        edges = list(csv.DictReader(f))
    view = network(mini)
    assert len(nodes) == view.number_of_nodes() and len(edges) == view.number_of_edges()
    assert tuple(nodes[0]) == export.NODE_COLUMNS and tuple(edges[0]) == export.EDGE_COLUMNS
    ids = {n["Id"] for n in nodes}
    assert all(e["Source"] in ids and e["Target"] in ids for e in edges)
    assert {e["Type"] for e in edges} == {"Directed"}  # Gephi's edge table
    # A directory target gets nodes.csv and edges.csv inside it.
    export.export_graph(mini, "csv", tmp_path / "tables")
    assert (tmp_path / "tables" / "nodes.csv").exists() and (tmp_path / "tables" / "edges.csv").exists()


def test_filters_apply_to_exports(mini, tmp_path):
    out = tmp_path / "focus.graphml"
    export.export_graph(mini, "graphml", out, focus="辽阳铝产业园", depth=1)
    assert {d["label"] for _, d in nx.read_graphml(out).nodes(data=True)} == {
        "辽阳铝产业园",
        "铝合金精深加工产业",
        "宏伟区",
        "铝型材智能制造项目",
    }
    export.export_graph(mini, "graphml", out, document="liaoyang_13.txt", types=["Indicator", "Observation"])
    graph = nx.read_graphml(out)
    assert {d["type"] for _, d in graph.nodes(data=True)} == {"Indicator", "Observation"}
    assert graph.number_of_nodes() == 10  # five indicators and their five 2020 targets


def test_export_bytes_for_the_web(mini):
    result = export.export_bytes(mini, "csv", focus="辽阳铝产业园", depth=1)
    assert result.media_type == "application/zip" and result.summary == "4 nodes and 3 edges"
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
        assert len(archive.read("nodes.csv").decode("utf-8").splitlines()) == 5
    page = export.export_bytes(mini, "html")
    assert page.media_type.startswith("text/html") and page.content.startswith(b"<!DOCTYPE html>")
    assert set(export.MEDIA_TYPES) == set(export.FORMATS)


def test_unknown_format_is_refused(mini, tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        export.export_graph(mini, "pdf", tmp_path / "x.pdf")
    assert export.normalise_format("JSON-LD") == "jsonld" and export.normalise_format("ttl") == "turtle"


# --- RDF dumps -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [
        ("trig", ox.RdfFormat.TRIG),
        ("nquads", ox.RdfFormat.N_QUADS),
        ("jsonld", ox.RdfFormat.JSON_LD),
        ("turtle", ox.RdfFormat.TURTLE),
    ],
)
def test_rdf_dumps_parse_back(mini, tmp_path, fmt, rdf_format):
    out = tmp_path / f"dump.{fmt}"
    summary = export.export_graph(mini, fmt, out)
    parsed = list(ox.parse(path=str(out), format=rdf_format))
    assert f"wrote {len(parsed)} " in summary
    if fmt == "turtle":  # the union of the graphs, each triple once
        assert len(parsed) == len({(q.subject, q.predicate, q.object) for q in mini})
    else:
        assert len(parsed) == len(mini)
        assert {q.graph_name for q in parsed} == {q.graph_name for q in mini}


def test_filtered_rdf_keeps_the_selection_and_its_provenance(mini, tmp_path):
    out = tmp_path / "focus.trig"
    export.export_graph(mini, "trig", out, focus="辽阳铝产业园", depth=1)
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TRIG)
    subjects = {q.subject.value for q in store if isinstance(q.subject, ox.NamedNode)}
    project = project_iri("211000", "铝型材智能制造项目")
    assert str(project) in subjects
    assert not any("/project/" in s and s != str(project) for s in subjects)  # other projects left out
    quotes = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(str(PG.quote)), None)}
    assert "在辽阳铝产业园建设铝型材智能制造项目。" in quotes  # the reified locatedIn's mention
    labels = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(str(RDFS.label)), None)}
    assert "辽阳铝产业园" in labels


# --- the HTML page -------------------------------------------------------------------------------


def evil_store() -> ox.Store:
    """The fixture plus a project whose label tries to break out of the page."""
    store = ox.Store()
    store.bulk_load(path=str(MINI), format=ox.RdfFormat.TRIG)
    evil = ox.NamedNode(str(project_iri("211000", "evil")))
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store.add(ox.Quad(evil, kind, ox.NamedNode(str(PG.Project))))
    store.add(ox.Quad(evil, ox.NamedNode(str(RDFS.label)), ox.Literal(EVIL_LABEL)))
    store.add(ox.Quad(evil, ox.NamedNode(str(PG.listedIn)), ox.NamedNode(f"{PLAN_14}/box/4")))
    return store


def test_html_is_self_contained_and_escapes_text(tmp_path):
    out = tmp_path / "g.html"
    export.export_graph(evil_store(), "html", out)
    page = out.read_text(encoding="utf-8")
    # Offline: nothing is fetched, the library is inline.
    assert "<script src" not in page and "<link" not in page and "cytoscape" in page
    # The untrusted label appears only JSON-escaped: it cannot close the data element.
    assert EVIL_LABEL not in page and "window.pwned" in page
    assert page.count("</script>") == 3


def _browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    return sync_playwright()


def _open(playwright, path: Path):
    browser = playwright.chromium.launch(
        executable_path=require_chromium(), args=CHROMIUM_ARGS, headless=True
    )
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto(path.as_uri())
    page.wait_for_function("window.plangraph && window.plangraph.ready", timeout=120_000)
    return browser, page


_DRAWN = """() => {
  const cy = window.plangraph.cy, w = cy.width(), h = cy.height();
  return cy.nodes().filter(n => {
    const p = n.renderedPosition();
    return n.visible() && p.x >= 0 && p.y >= 0 && p.x <= w && p.y <= h;
  }).length;
}"""


@pytest.mark.browser
def test_html_renders_in_chromium_and_shows_a_clicked_node(tmp_path):
    store = evil_store()
    evil = ox.NamedNode(str(project_iri("211000", "evil")))
    out = tmp_path / "g.html"
    export.export_graph(store, "html", out)
    expected = network(store).number_of_nodes()
    with _browser() as playwright:
        browser, page = _open(playwright, out)
        try:
            assert page.evaluate(_DRAWN) == expected
            assert page.get_attribute("body", "data-rendered-nodes") == str(expected)
            assert page.evaluate("window.pwned === undefined")
            legend = page.inner_text("#legend")
            projects = sum(1 for _, d in network(store).nodes(data=True) if d["type"] == "Project")
            assert f"Project ({projects})" in legend and "Industry (6)" in legend
            # Click the park as a person would, at its place on the screen.
            park_id = next(n for n, d in network(store).nodes(data=True) if d["label"] == "辽阳铝产业园")
            x, y = page.evaluate(
                """id => { const n = window.plangraph.cy.getElementById(id);
                           const box = document.getElementById('cy').getBoundingClientRect();
                           const p = n.renderedPosition(); return [box.left + p.x, box.top + p.y]; }""",
                park_id,
            )
            page.mouse.click(x, y)
            info = page.inner_text("#info")
            assert "辽阳铝产业园" in info and "Park" in info and "liaoyang_14.txt" in info
            # The untrusted label is shown as text, never run.
            evil_id = str(evil.value)
            page.evaluate("id => { window.plangraph.cy.getElementById(id).emit('tap'); }", evil_id)
            assert EVIL_LABEL in page.inner_text("#info h2")
            assert page.evaluate("window.pwned === undefined")
        finally:
            browser.close()


# --- the real corpus -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(corpus_build) -> ox.Store:
    return open_store(corpus_build)


def test_corpus_exports_read_back_with_labels_and_types(corpus, tmp_path):
    view = network(corpus)
    readers = {
        "graphml": nx.read_graphml,
        "gexf": nx.read_gexf,
        "cytoscape": lambda p: nx.cytoscape_graph(json.loads(Path(p).read_text(encoding="utf-8"))),
    }
    for fmt, read in readers.items():
        out = tmp_path / f"corpus.{fmt}"
        export.export_graph(corpus, fmt, out)
        graph = read(out)
        assert graph.number_of_nodes() > 300 and graph.number_of_edges() > 300, fmt
        check_nodes(graph, view)


@pytest.mark.browser
def test_corpus_html_renders_in_chromium(corpus, tmp_path):
    out = tmp_path / "corpus.html"
    export.export_graph(corpus, "html", out)
    expected = network(corpus).number_of_nodes()
    assert expected > 300
    with _browser() as playwright:
        browser, page = _open(playwright, out)
        try:
            assert page.evaluate(_DRAWN) == expected
            # Something is drawn: the canvas is not blank.
            shot = page.locator("#cy").screenshot()
            assert len(shot) > 20_000
        finally:
            browser.close()


def test_cli_export(corpus_build, tmp_path, capsys):
    out = tmp_path / "focus.gexf"
    code = cli_main(
        [
            "export",
            "--format",
            "gexf",
            "-o",
            str(out),
            "--focus",
            "铝合金精深加工",
            "--depth",
            "2",
            "--build",
            str(corpus_build),
        ]
    )
    assert code == 0 and "nodes and" in capsys.readouterr().out
    labels = {d["label"] for _, d in nx.read_gexf(out).nodes(data=True)}
    assert {"铝合金精深加工", "有色金属"} <= labels
    assert (
        cli_main(
            [
                "export",
                "--format",
                "gexf",
                "-o",
                str(out),
                "--focus",
                "不存在的东西",
                "--build",
                str(corpus_build),
            ]
        )
        == 1
    )
    assert "unknown entity" in capsys.readouterr().err
