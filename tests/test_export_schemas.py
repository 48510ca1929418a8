"""Exports checked by real validators and readers: lxml with the official GraphML 1.0 XSD and
GEXF 1.3 RelaxNG (vendored in tests/schemas/), igraph reading GraphML, Cytoscape.js in Node
loading the Cytoscape JSON, and the one format registry the CLI, the API and the pages read."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from functools import cache
from importlib import resources
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from lxml import etree

from plangraph import export
from plangraph.cli import make_parser
from plangraph.network import network
from plangraph.store import open_store
from plangraph.vocab import PG, RDF, RDFS, project_iri

SCHEMAS = Path(__file__).parent / "schemas"
MINI = Path(__file__).parent / "fixtures" / "network" / "mini.trig"
#: A label with characters XML 1.0 cannot carry (a form feed and a NUL, as PDF text may hold).
CONTROL_LABEL = "铝型材\x0c项目\x00"


@cache
def graphml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml" / "graphml.xsd")))


@cache
def gexf_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "gexf1.3" / "gexf.rng")))


def schema_errors(schema: etree.XMLSchema | etree.RelaxNG, content: bytes) -> list[str]:
    schema.validate(etree.parse(io.BytesIO(content)))
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


@pytest.fixture(scope="module")
def mini() -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(MINI), format=ox.RdfFormat.TRIG)
    project = ox.NamedNode(str(project_iri("211000", "control")))
    store.add(ox.Quad(project, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PG.Project))))
    store.add(ox.Quad(project, ox.NamedNode(str(RDFS.label)), ox.Literal(CONTROL_LABEL)))
    return store


@pytest.fixture(scope="module")
def corpus_view(corpus_build: Path) -> nx.MultiDiGraph:
    """The NetworkX view of the whole corpus, the graph every network export writes."""
    return network(open_store(corpus_build))


# --- the official schemas ----------------------------------------------------------------------


def test_graphml_and_gexf_validate_against_their_schemas(mini: ox.Store) -> None:
    assert schema_errors(graphml_schema(), export.export_bytes(mini, "graphml").content) == []
    assert schema_errors(gexf_schema(), export.export_bytes(mini, "gexf").content) == []


def test_corpus_graphml_and_gexf_validate_against_their_schemas(corpus_view: nx.MultiDiGraph) -> None:
    assert corpus_view.number_of_nodes() > 1000
    assert schema_errors(graphml_schema(), export.graphml_bytes(corpus_view)) == []
    assert schema_errors(gexf_schema(), export.gexf_bytes(corpus_view)) == []


def test_the_schemas_reject_what_the_old_writers_wrote(mini: ox.Store) -> None:
    """The validators have teeth: NetworkX's own writers, as used before, fail them (IRIs as node
    ids are not xs:NMTOKEN, one key id for a node and an edge attribute, GEXF 1.2draft)."""
    view = network(mini)
    view.remove_node(str(project_iri("211000", "control")))  # NetworkX cannot write its label at all
    old = io.BytesIO()
    nx.write_graphml(export._scalar_copy(view), old, named_key_ids=True)
    errors = schema_errors(graphml_schema(), old.getvalue())
    assert any("NMTOKEN" in e for e in errors), errors[:5]
    assert any("Duplicate key-sequence" in e for e in errors), errors[:5]
    old = io.BytesIO()
    nx.write_gexf(export._scalar_copy(view), old, version="1.2draft")
    assert schema_errors(gexf_schema(), old.getvalue())


def test_graphml_ids_keys_and_booleans(mini: ox.Store) -> None:
    content = export.export_bytes(mini, "graphml").content
    root = etree.fromstring(content)
    ns = {"g": export.GRAPHML_NS}
    keys = root.findall("g:key", ns)
    assert len({k.get("id") for k in keys}) == len(keys)  # no key id used twice
    node_keys = {k.get("attr.name") for k in keys if k.get("for") == "node"}
    edge_keys = {k.get("attr.name") for k in keys if k.get("for") == "edge"}
    assert {"label", "quote"} <= node_keys & edge_keys  # the names that used to clash
    truncated = root.find("g:graph/g:data[@key='g_truncated']", ns)
    assert truncated is not None and truncated.text == "false"
    assert b"networkx" not in content.lower()
    graph = nx.read_graphml(io.BytesIO(content))
    assert graph.graph["truncated"] is False  # read back as a boolean, not the string "False"
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert "铝型材\ufffd项目\ufffd" in labels  # characters XML cannot carry are marked, not fatal


def test_gexf_is_version_1_3_without_networkx_attributes(mini: ox.Store) -> None:
    content = export.export_bytes(mini, "gexf").content
    root = etree.fromstring(content)
    assert root.tag == f"{{{export.GEXF_NS}}}gexf" and root.get("version") == "1.3"
    assert b"networkx" not in content.lower()
    graph = root.find(f"{{{export.GEXF_NS}}}graph")
    assert graph is not None and graph.get("name") is None and graph.get("defaultedgetype") == "directed"
    read = nx.read_gexf(io.BytesIO(content), version="1.3")
    assert read.number_of_nodes() == network(mini).number_of_nodes()


# --- other real readers ----------------------------------------------------------------------


def test_igraph_reads_the_graphml(corpus_view: nx.MultiDiGraph, tmp_path: Path) -> None:
    igraph = pytest.importorskip("igraph")
    view = corpus_view
    path = tmp_path / "corpus.graphml"
    path.write_bytes(export.graphml_bytes(view))
    graph = igraph.Graph.Read_GraphML(str(path))  # igraph's C reader wants a real file
    assert graph.vcount() == view.number_of_nodes() and graph.ecount() == view.number_of_edges()
    assert set(graph.vs["iri"]) == set(view.nodes) and graph.is_directed()
    assert set(graph.vs["type"]) <= set(nx.get_node_attributes(view, "type").values())


def test_cytoscape_js_in_node_loads_the_cytoscape_json(mini: ox.Store, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    library = resources.files("plangraph.resources").joinpath("cytoscape.min.js")
    data = tmp_path / "graph.cyjs"
    data.write_bytes(export.export_bytes(mini, "cytoscape").content)
    script = (
        f"const cytoscape = require({json.dumps(str(library))});"
        f"const data = JSON.parse(require('fs').readFileSync({json.dumps(str(data))}, 'utf8'));"
        "const cy = cytoscape({headless: true, elements: data.elements});"
        "console.log(JSON.stringify({nodes: cy.nodes().length, edges: cy.edges().length,"
        " dangling: cy.edges().filter(e => e.source().empty() || e.target().empty()).length}));"
    )
    answer = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60, check=True)
    view = network(mini)
    assert json.loads(answer.stdout) == {
        "nodes": view.number_of_nodes(),
        "edges": view.number_of_edges(),
        "dangling": 0,
    }


def test_csv_byte_order_mark_and_gephi_columns(mini: ox.Store) -> None:
    nodes_text, edges_text = export.csv_tables(network(mini), bom=True)
    assert nodes_text.startswith("\ufeffId,Label,") and edges_text.startswith("\ufeffId,Source,Target,Type,")
    rows = list(csv.DictReader(io.StringIO(nodes_text.encode("utf-8").decode("utf-8-sig"))))
    assert rows and all(r["Id"].startswith("https://w3id.org/plangraph/id/") for r in rows)
    plain, _ = export.csv_tables(network(mini))
    assert plain.startswith("Id,Label,")


# --- one registry ----------------------------------------------------------------------------


def test_the_registry_names_every_format_once() -> None:
    names = [n for f in export.EXPORT_FORMATS for n in (f.key, *f.aliases)]
    assert len(names) == len(set(names))
    for f in export.EXPORT_FORMATS:
        assert (f.writer is None) != (f.rdf_format is None), f.key
        assert export.export_format(f.key.upper()) is f
        assert all(export.export_format(a) is f for a in f.aliases)
    assert set(export.MEDIA_TYPES) == set(export.FORMATS) == set(export.FORMATS_BY_KEY)


def test_cli_api_openapi_and_downloads_read_the_registry(tmp_path: Path) -> None:
    from plangraph.settings import Settings
    from plangraph.web.app import create_app
    from plangraph.web.network_pages import DOWNLOADS
    from web_support import make_build

    export_parser = make_parser()._subparsers._group_actions[0].choices["export"]  # type: ignore[union-attr]
    help_text = export_parser._option_string_actions["--format"].help
    assert all(f"{f.key}: {f.description}" in help_text for f in export.EXPORT_FORMATS)
    schema = create_app(make_build(tmp_path), Settings(query_workers=1)).openapi()
    operation = schema["paths"]["/api/export"]["get"]
    content = operation["responses"]["200"]["content"]
    assert {f.media_type.split(";")[0] for f in export.EXPORT_FORMATS} == set(content)
    parameter = next(p for p in operation["parameters"] if p["name"] == "format")
    assert parameter["schema"]["enum"] == list(export.FORMATS)
    assert [key for key, _ in DOWNLOADS] == list(export.NETWORK_FORMATS)
