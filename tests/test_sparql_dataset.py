"""SPARQL 1.1 dataset semantics (issue 13 item 1): a query's own FROM / FROM NAMED, the protocol's
default-graph-uri / named-graph-uri, and the union default graph when neither is given -- a set,
each triple once however many documents state it.

The W3C cases are the `dataset` group of the SPARQL test suite (tests/fixtures/w3c-dataset, with
its licence): each data file is a named graph named by its IRI relative to the endpoint, as the
suite's relative FROM IRIs resolve against the service's base IRI.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from plangraph.settings import Settings
from plangraph.store import add_union_default_graph, write_store
from plangraph.web.app import create_app
from web_support import live_server, make_build

W3C = Path(__file__).parent / "fixtures" / "w3c-dataset"
BASE = "http://testserver/"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
EX = "http://example/"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

Row = tuple[tuple[str, str], ...]


def _term(term: object) -> str:
    """A term as compared: blank nodes are all alike (the suite's results write them as [])."""
    if isinstance(term, ox.BlankNode) or (isinstance(term, dict) and term["type"] == "bnode"):
        return "_:"
    if isinstance(term, dict):
        if term["type"] == "uri":
            return f"<{term['value']}>"
        return f'"{term["value"]}"^^<{term.get("datatype", "")}>'
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    assert isinstance(term, ox.Literal)
    return f'"{term.value}"^^<{term.datatype.value}>'


def iri(name: str) -> str:
    return f"<{EX}{name}>"


def graph(name: str) -> str:
    return f"<{BASE}{name}>"


def lit(n: int) -> str:
    return f'"{n}"^^<{XSD_INTEGER}>'


def row(**bindings: str) -> Row:
    return tuple(sorted(bindings.items()))


def result_file(name: str) -> Counter[Row]:
    """The rows of a result set in the DAWG result-set vocabulary."""
    quads = list(ox.parse(path=str(W3C / name), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    by_subject: dict[object, list[ox.Quad]] = {}
    for quad in quads:
        by_subject.setdefault(quad.subject, []).append(quad)

    def objects(subject: object, predicate: str) -> list:
        return [q.object for q in by_subject.get(subject, []) if q.predicate.value == RS + predicate]

    rows: Counter[Row] = Counter()
    for solution in (q.object for q in quads if q.predicate.value == RS + "solution"):
        bindings = {}
        for binding in objects(solution, "binding"):
            (variable,) = objects(binding, "variable")
            (value,) = objects(binding, "value")
            bindings[variable.value] = _term(value)
        rows[row(**bindings)] += 1
    return rows


G1 = [row(s=iri("x"), p=iri("p"), o=lit(1)), row(s=iri("a"), p=iri("p"), o=lit(9))]
G2 = [row(s=iri("x"), p=iri("q"), o=lit(2))]
G3 = [row(s="_:", p=iri("p"), o=lit(1)), row(s="_:", p=iri("p"), o=lit(9))]
G4 = [row(s="_:", p=iri("q"), o=lit(2))]


def named(rows: list[Row], name: str) -> list[Row]:
    return [tuple(sorted((*r, ("g", graph(name))))) for r in rows]


#: case -> the rows the suite expects (07 and 11 from the suite's own result files).
W3C_CASES: dict[str, list[Row] | str] = {
    "01": G1,  # Data: default dataset / Query: default dataset
    "02": [],  # Data: named dataset / Query: default dataset (FROM NAMED only: empty default)
    "03": named(G1, "data-g1.ttl"),  # Data: named dataset / Query: named dataset
    "04": [],  # FROM makes no named graph
    "05": G1,  # Data: default and named / Query: default dataset
    "06": named(G2, "data-g2.ttl"),  # Data: default and named / Query: named dataset
    "07": "dataset-07.ttl",  # Data: default and named / Query: all data by UNION
    "08": [row(s=iri("x"), p=iri("p"), o=lit(1), g=graph("data-g2.ttl"), q=iri("q"), v=lit(2))],
    "09b": [],  # blank nodes of two documents are different nodes: nothing in common
    "10b": [],
    "11": "dataset-11.ttl",  # Data: default and named (several) / Query: get everything
    "12b": G1
    + G2
    + G3
    + G4
    + named(G1, "data-g1.ttl")
    + named(G2, "data-g2.ttl")
    + named(G3, "data-g3.ttl")
    + named(G4, "data-g4.ttl"),
}


def w3c_trig(folder: Path) -> Path:
    """Every data file of the suite as a named graph (blank nodes kept apart per file)."""
    quads = []
    for number, path in enumerate(sorted(W3C.glob("data-*.ttl"))):
        name = ox.NamedNode(BASE + path.name)

        def own(term: object, number: int = number) -> object:
            return ox.BlankNode(f"f{number}{term.value}") if isinstance(term, ox.BlankNode) else term

        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            quads.append(ox.Quad(own(quad.subject), quad.predicate, own(quad.object), name))
    trig = folder / "w3c.trig"
    trig.write_bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG))
    return trig


@pytest.fixture(scope="module")
def w3c_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("w3c-dataset")
    build = make_build(folder, w3c_trig(folder))
    with TestClient(create_app(build, Settings(query_workers=1))) as client:
        yield client


def answer_rows(response) -> Counter[Row]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    bindings = json.loads(response.content)["results"]["bindings"]
    return Counter(row(**{var: _term(term) for var, term in b.items()}) for b in bindings)


@pytest.mark.parametrize("case", list(W3C_CASES))
def test_w3c_dataset_case(w3c_client: TestClient, case: str) -> None:
    query = (W3C / f"dataset-{case}.rq").read_text(encoding="utf-8")
    expected = W3C_CASES[case]
    wanted = result_file(expected) if isinstance(expected, str) else Counter(expected)
    response = w3c_client.post("/sparql", data={"query": query}, headers={"Accept": "application/json"})
    assert answer_rows(response) == wanted


def test_without_a_dataset_the_default_graph_is_the_union_of_every_graph(w3c_client: TestClient) -> None:
    response = w3c_client.get("/sparql", params={"query": "SELECT ?s ?p ?o { ?s ?p ?o }", "format": "json"})
    rows = answer_rows(response)
    # g1 and g1-dup state the same two triples: in the union they are there once.
    assert rows[row(s=iri("x"), p=iri("p"), o=lit(1))] == 1
    assert rows[row(s=iri("a"), p=iri("p"), o=lit(9))] == 1
    assert rows[row(s=iri("x"), p=iri("q"), o=lit(2))] == 1
    # Each file's blank nodes are its own: g3, g3-dup, g4, g4-dup give six distinct triples.
    assert sum(n for r, n in rows.items() if ("s", "_:") in r) == 6


# --- the corpus-level failures of the issue -----------------------------------------------------

DUPLICATES = """
<urn:g:a> { <urn:s> <urn:p> "shared" . <urn:s> <urn:p> "only a" . }
<urn:g:b> { <urn:s> <urn:p> "shared" . }
<urn:g:c> { <urn:s> <urn:p> "shared" . }
"""


@pytest.fixture(scope="module")
def duplicates_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("duplicates")
    trig = folder / "dup.trig"
    trig.write_text(DUPLICATES, encoding="utf-8")
    with TestClient(create_app(make_build(folder, trig), Settings(query_workers=1))) as client:
        yield client


def count(client: TestClient, query: str, **params: str) -> int:
    response = client.get("/sparql", params={"query": query, "format": "json", **params})
    assert response.status_code == 200, response.text
    return int(json.loads(response.content)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", 2),  # a set: "shared" once, not 3 times
        ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", 4),  # per graph: all four
        ("SELECT (COUNT(*) AS ?n) FROM <urn:g:a> WHERE { ?s ?p ?o }", 2),  # FROM is not ignored
        ("SELECT (COUNT(*) AS ?n) FROM <urn:g:b> WHERE { ?s ?p ?o }", 1),
        ("SELECT (COUNT(*) AS ?n) FROM <urn:nonexistent> WHERE { ?s ?p ?o }", 0),
        ("SELECT (COUNT(*) AS ?n) FROM NAMED <urn:g:a> WHERE { ?s ?p ?o }", 0),  # no union then
        ("SELECT (COUNT(*) AS ?n) FROM NAMED <urn:g:b> WHERE { GRAPH ?g { ?s ?p ?o } }", 1),
    ],
)
def test_query_datasets(duplicates_client: TestClient, query: str, expected: int) -> None:
    assert count(duplicates_client, query) == expected


def test_the_protocol_dataset_wins_over_from(duplicates_client: TestClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) FROM <urn:g:a> WHERE { ?s ?p ?o }"
    assert count(duplicates_client, query, **{"default-graph-uri": "urn:g:b"}) == 1


def test_the_service_description_says_what_the_default_graph_is(duplicates_client: TestClient) -> None:
    text = duplicates_client.get("/sparql", headers={"Accept": "text/turtle"}).text
    assert "UnionDefaultGraph" in text and "each triple once" in text


def test_updates_keep_the_default_graph_the_union(tmp_path: Path) -> None:
    trig = tmp_path / "dup.trig"
    trig.write_text(DUPLICATES, encoding="utf-8")
    settings = Settings(query_workers=2, allow_updates=True, update_token="t")
    with TestClient(create_app(make_build(tmp_path, trig), settings)) as client:
        auth = {"Authorization": "Bearer t"}
        update = 'INSERT DATA { GRAPH <urn:g:d> { <urn:s> <urn:p> "new", "shared" } }'
        assert client.post("/sparql", data={"update": update}, headers=auth).status_code == 204
        for _ in range(3):  # whichever worker answers, it has replayed the update
            assert count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 3
        drop = "DROP GRAPH <urn:g:a>"
        assert client.post("/sparql", data={"update": drop}, headers=auth).status_code == 204
        assert count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 2  # "only a" is gone


def test_a_store_written_before_the_union_was_materialised_answers_the_same(tmp_path: Path) -> None:
    from plangraph.store import open_store, select

    trig = tmp_path / "dup.trig"
    trig.write_text(DUPLICATES, encoding="utf-8")
    old = ox.Store(str(tmp_path / "store"))  # as builds before this change wrote it
    old.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    old.flush()
    del old
    (tmp_path / "plangraph.trig").write_bytes(trig.read_bytes())
    store = open_store(tmp_path, in_memory=False)
    assert int(next(select(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))["n"].value) == 2
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    write_store(trig, fresh / "store")
    again = ox.Store.read_only(str(fresh / "store"))
    assert len(list(again.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == 2
    assert callable(add_union_default_graph)


# --- real clients ------------------------------------------------------------------------------


@pytest.mark.live
def test_real_clients_see_from_and_the_union(tmp_path: Path) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, SPARQLWrapper

    trig = tmp_path / "dup.trig"
    trig.write_text(DUPLICATES, encoding="utf-8")
    with live_server(make_build(tmp_path, trig), query_workers="1") as server:
        wrapper = SPARQLWrapper(server.endpoint)
        wrapper.setReturnFormat(JSON)
        for query, expected in (
            ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", 2),
            ("SELECT (COUNT(*) AS ?n) FROM <urn:g:a> WHERE { ?s ?p ?o }", 2),
            ("SELECT (COUNT(*) AS ?n) FROM <urn:nonexistent> WHERE { ?s ?p ?o }", 0),
        ):
            wrapper.setQuery(query)
            answer = wrapper.query().convert()
            assert int(answer["results"]["bindings"][0]["n"]["value"]) == expected, query  # type: ignore[index, call-overload]
        store = SPARQLStore(server.endpoint, returnFormat="json")
        rows = list(store.query("SELECT ?o FROM <urn:g:b> WHERE { ?s ?p ?o }"))
        assert [str(r[0]) for r in rows] == ["shared"]  # type: ignore[index]
        everything = list(store.query("SELECT ?o WHERE { ?s ?p ?o }"))
        assert sorted(str(r[0]) for r in everything) == ["only a", "shared"]  # type: ignore[index]


def test_dumps_of_a_store_with_the_union_write_each_quad_once(tmp_path: Path) -> None:
    from plangraph.export import rdf_bytes
    from plangraph.store import open_store

    trig = tmp_path / "dup.trig"
    trig.write_text(DUPLICATES, encoding="utf-8")
    store = open_store(make_build(tmp_path, trig))  # on disk, its default graph the union
    quads, n_quads = rdf_bytes(store, "nquads")
    assert n_quads == 4 and len(quads.splitlines()) == 4  # the graphs' quads, not the union again
    _, n_triples = rdf_bytes(store, "turtle")
    assert n_triples == 2


# The default graph write_store materialises is the set union of the named graphs, whatever the
# layout of the TriG file: plangraph's own writer's (the fast path reads it as Turtle) or any other
# (a hand-written fixture with @base and relative graph names dropped every triple from the union).
STORE_LAYOUTS = {
    "plangraph's writer": (
        "@prefix ex: <http://example/> .\n\n"
        '<urn:g:a> {\n    ex:s ex:p "shared", "only a" .\n}\n\n'
        '<urn:g:b> {\n    ex:s ex:p "shared" .\n    _:b ex:p ex:o .\n}\n\n'
        '<urn:g:c> {\n    ex:s ex:p "shared", "only c" .\n}\n\n'
        "<urn:g:d> {\n    _:b ex:q ex:o .\n}\n"  # the blank node of g:b: labels are the file's
    ),
    "one line per graph": DUPLICATES,
    "@base and relative graph names": (
        '# a comment\n@base <http://example/> .\n\n<graph/a> {\n    <s> <p> "x" .\n}\n'
        '<graph/b> {\n    <s> <p> "x", "y" .\n}\n'
    ),
    "SPARQL-style PREFIX and GRAPH": (
        "PREFIX ex: <http://example/>\nGRAPH ex:a { ex:s ex:p 1 }\nGRAPH ex:b { ex:s ex:p 1, 2 }\n"
    ),
}


@pytest.mark.parametrize("batch_bytes", [8 << 20, 1], ids=["one batch", "a batch per graph"])
@pytest.mark.parametrize("layout", STORE_LAYOUTS)
def test_write_store_makes_the_union_whatever_the_layout(
    tmp_path: Path, layout: str, batch_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plangraph import store as store_module

    monkeypatch.setattr(store_module, "BULK_LOAD_BATCH_BYTES", batch_bytes)
    trig = tmp_path / "dump.trig"
    trig.write_text(STORE_LAYOUTS[layout], encoding="utf-8")
    write_store(trig, tmp_path / "store")
    store = ox.Store.read_only(str(tmp_path / "store"))

    def shape(term: object) -> object:
        return "_:" if isinstance(term, ox.BlankNode) else term  # blank node labels are the parser's

    parsed = list(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    union = {
        (q.subject, q.predicate, q.object) for q in parsed if not isinstance(q.graph_name, ox.DefaultGraph)
    }
    blank = {q.subject for q in parsed if isinstance(q.subject, ox.BlankNode)}
    stored = {
        q.subject
        for q in store.quads_for_pattern(None, None, None, None)
        if isinstance(q.subject, ox.BlankNode)
    }
    assert len(stored) == len(blank)  # a blank node two graphs share is one node in the store too
    default = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert len(default) == len(union)
    assert {tuple(map(shape, (q.subject, q.predicate, q.object))) for q in default} == {
        tuple(map(shape, t)) for t in union
    }
