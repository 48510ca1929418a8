"""Keyword spotting and update amending in SPARQL text, and safe values in page queries."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plangraph.web.sparql_text import (
    DatasetConflict,
    add_using_clauses,
    iri_ref,
    is_iri,
    string_literal,
    tokens,
    uses_service,
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }", True),
        ("select * { service silent <http://x/sparql> { ?s ?p ?o } }", True),
        ("SELECT * { ?s ?p ?o } # SERVICE <x>", False),
        ('SELECT * { ?s ?p "SERVICE" }', False),
        ("SELECT * { ?s ?p '''a\nSERVICE\nb''' }", False),
        ("SELECT * { ?s ex:SERVICE ?o }", False),
        ("SELECT * { ?s service:x ?o }", False),
        ("SELECT ?service { ?service ?p ?o }", False),
        ("SELECT * { ?s <http://x/SERVICE> ?o }", False),
    ],
)
def test_service_is_found_only_as_a_keyword(query: str, expected: bool) -> None:
    assert uses_service(query) is expected


def test_depth_of_tokens() -> None:
    toks = tokens("INSERT { ?s ?p ?o } WHERE { { SELECT * WHERE { ?s ?p ?o } } }")
    wheres = [t.depth for t in toks if t.is_keyword("WHERE")]
    assert wheres == [0, 2]


def test_using_clauses_are_added_before_each_top_level_where() -> None:
    update = (
        "PREFIX ex: <http://ex.org/> "
        "INSERT { GRAPH ex:t { ?s a ex:C } } WHERE { ?s a ex:D . FILTER NOT EXISTS { SELECT ?s WHERE { ?s ?p 1 } } } ; "
        "DELETE WHERE { ?a ?b ?c } ; "
        "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    )
    amended = add_using_clauses(update, ["http://g/1"], ["http://g/2"])
    assert amended.count("USING <http://g/1> USING NAMED <http://g/2> WHERE") == 2
    assert "DELETE WHERE { ?a ?b ?c }" in amended
    ox.Store().update(amended)  # still a valid update


def test_using_and_with_conflict_with_protocol_graphs() -> None:
    for update in (
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }",
    ):
        with pytest.raises(DatasetConflict):
            add_using_clauses(update, ["http://h"], [])
        assert add_using_clauses(update, [], []) == update


def test_values_in_queries_cannot_break_out() -> None:
    nasty = 'x" } ; DROP ALL ; #\n\\'
    literal = string_literal(nasty)
    store = ox.Store()
    solutions = list(store.query(f"SELECT ?v WHERE {{ BIND({literal} AS ?v) }}"))
    assert solutions[0]["v"].value == nasty
    assert is_iri("https://w3id.org/plangraph/id/region/210800")
    for bad in ("region/210800", "http://x/> ?p ?o } #", "http://x/ y", "", "javascript"):
        assert not is_iri(bad)
        with pytest.raises(ValueError):
            iri_ref(bad)
