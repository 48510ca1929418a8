"""Every fact can show its sentence; the same thing in several documents is one node."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph import store

RELATIONS = ["pg:supportsIndustry", "pg:hostsIndustry", "pg:locatedIn", "pg:promotesIndustry"]


@pytest.fixture(scope="module")
def corpus_store(corpus_build: Path) -> ox.Store:
    return store.open_store(corpus_build)


def count(st: ox.Store, query: str) -> int:
    return int(next(iter(store.select(st, query)))["n"].value)


@pytest.mark.parametrize("relation", RELATIONS)
def test_every_relation_shows_the_sentence_it_came_from(corpus_store: ox.Store, relation: str) -> None:
    total = count(corpus_store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s {relation} ?o }}")
    without = count(
        corpus_store,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?s {relation} ?o .
            FILTER NOT EXISTS {{ ?st rdf:subject ?s ; rdf:predicate {relation} ; rdf:object ?o ;
                                     prov:wasDerivedFrom/pg:quote ?q }} }}""",
    )
    assert total > 0
    assert without == 0, f"{without} of {total} {relation} triples have no evidence sentence"


def test_every_extracted_node_has_a_mention(corpus_store: ox.Store) -> None:
    for cls in ["pg:Division", "pg:Box", "pg:Observation", "pg:Park", "pg:Project", "pg:Indicator"]:
        # an indicator that only groups others (城镇化率 over its two rows) has no cell of its own
        grouping = "FILTER EXISTS { ?o pg:indicator ?x }" if cls == "pg:Indicator" else ""
        missing = count(
            corpus_store,
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} {grouping} FILTER NOT EXISTS {{ ?x pg:mention ?m }} }}",
        )
        assert missing == 0, f"{missing} {cls} nodes without a mention"


def test_one_node_per_region_industry_and_indicator_across_documents(corpus_store: ox.Store) -> None:
    docs_naming_yingkou = count(
        corpus_store,
        """SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {
             <https://w3id.org/plangraph/id/region/210800> pg:mention/pg:document ?d }""",
    )
    assert docs_naming_yingkou >= 4  # the Yingkou plan, two Yingkou reports, the Zhanqian plan
    shared_indicator = count(
        corpus_store,
        """SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {
             ?i a pg:Indicator ; rdfs:label "一般公共预算收入"@zh . ?o pg:indicator ?i ; pg:document ?d }""",
    )
    assert shared_indicator >= 3
    plans_promoting_new_materials = count(
        corpus_store,
        """SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {
             ?x pg:promotesIndustry <https://w3id.org/plangraph/id/industry/new-materials> .
             { ?x pg:document ?d } UNION { ?x a pg:Document BIND(?x AS ?d) } }""",
    )
    assert plans_promoting_new_materials >= 3


def test_expected_region_codes(corpus_store: ox.Store) -> None:
    expected = {
        "营口市": "210800",
        "辽阳市": "211000",
        "锦州市": "210700",
        "站前区": "210802",
        "鲅鱼圈区": "210804",
        "灯塔市": "211081",
    }
    for name, code in expected.items():
        found = {
            row["c"].value
            for row in store.query(
                corpus_store,
                f'SELECT ?c WHERE {{ ?r a pg:Region ; rdfs:label "{name}"@zh ; pg:adminCode ?c }}',
            )  # type: ignore[union-attr]
        }
        assert found == {code}, name


def test_magnesium_materials_is_narrower_than_new_materials(corpus_store: ox.Store) -> None:
    assert bool(
        store.query(
            corpus_store,
            """ASK { ?new skos:prefLabel "新材料"@zh . ?mg skos:prefLabel "镁质材料"@zh .
                     { ?mg skos:broader+ ?new } UNION { ?new skos:narrower+ ?mg } }""",
        )
    )
