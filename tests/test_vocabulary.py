"""The vocabulary holds outside the build: the union of the graphs (what the dumps and the
endpoint's default graph hold) conforms to the shapes, the ontology is OWL 2 DL for real, and
the corpus data does not contradict it.

SHACL: pyshacl with the project's shapes over the union of every graph of the corpus build.

Real tools only: the OWL API's OWL 2 DL profile checker, and the HermiT reasoner, both from the
HermiT.jar that owlready2 ships (owlready2 drives HermiT for the classification; the data check
runs HermiT's own consistency check on the same jar). Java comes from the machine (``make java``).
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import PROV, RDF

from plangraph.settings import PACKAGE_DIR
from plangraph.validate import (
    _named_graphs,
    _QueryCachingGraph,
    _records,
    _reference_closure,
    _run_shacl,
    load_ontology,
    load_shapes,
    load_trig,
)
from plangraph.vocab import PG, document_iri, indicator_iri

ONTOLOGY = PACKAGE_DIR / "ontology" / "plangraph.ttl"
PROFILE_CHECKER = Path(__file__).parent / "owl" / "DlProfile.java"
#: The largest bundled document: a plan with indicator tables, boxes, parks and projects.
PLAN_14 = str(document_iri("211000", "plan", "2021-2025"))


def owlready2():  # type: ignore[no-untyped-def]
    return pytest.importorskip("owlready2")


@cache
def java() -> str:
    found = shutil.which("java")
    if found is None:
        pytest.skip("Java is not installed (make java)")
    return found


def hermit_classpath() -> str:
    folder = Path(owlready2().__file__).parent / "hermit"
    return f"{folder}:{folder / 'HermiT.jar'}"


def as_ntriples(graph: Graph, path: Path) -> Path:
    """owlready2 and the OWL API read N-Triples; Turtle is converted once with rdflib."""
    graph.serialize(path, format="nt", encoding="utf-8")
    return path


def hermit_consistency(path: Path) -> subprocess.CompletedProcess[str]:
    """HermiT's consistency check (``-k``). ``--ignoreUnsupportedDatatypes``: the data's year
    and date literals are xsd:gYear / xsd:date / xsd:gYearMonth, outside the OWL 2 datatype map,
    so HermiT leaves those assertions aside (SHACL checks them); everything else is reasoned over."""
    command = [java(), "-Xmx2g", "-cp", hermit_classpath(), "org.semanticweb.HermiT.cli.CommandLine"]
    command += ["-k", "--ignoreUnsupportedDatatypes", path.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_the_ontology_is_in_the_owl2_dl_profile(tmp_path: Path) -> None:
    """The OWL API's profile checker finds no violation (undeclared classes, reserved vocabulary
    used as a class and the like were what it found before)."""
    path = as_ntriples(Graph().parse(ONTOLOGY), tmp_path / "plangraph.nt")
    folder = Path(owlready2().__file__).parent / "hermit"
    answer = subprocess.run(
        [java(), "-cp", str(folder / "HermiT.jar"), str(PROFILE_CHECKER), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    assert answer.stdout.strip().splitlines() == ["IN PROFILE"], answer.stdout[:3000]


def test_hermit_classifies_the_ontology_with_no_unsatisfiable_class(tmp_path: Path) -> None:
    """owlready2 runs HermiT in strict mode (no datatype is ignored): it refused the ontology
    while year properties ranged over xsd:gYear."""
    java()
    path = as_ntriples(Graph().parse(ONTOLOGY), tmp_path / "plangraph.nt")
    owl = owlready2()
    world = owl.World()
    world.get_ontology(path.as_uri()).load()
    owl.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []
    disjoint = {frozenset(c.iri for c in group.entities) for group in world.disjoint_classes()}
    assert any({str(PG.Park), str(PG.Project), str(PG.Region), str(PG.Document)} <= g for g in disjoint)


@pytest.fixture(scope="module")
def corpus_dataset(corpus_build: Path) -> Dataset:
    return load_trig(corpus_build / "plangraph.trig")


# --- SHACL over the union of the graphs ------------------------------------------------------


def test_the_union_of_the_corpus_graphs_conforms(corpus_dataset: Dataset) -> None:
    union = _QueryCachingGraph()
    for graph in corpus_dataset.graphs():
        union += graph
    shapes = load_shapes()
    records = _records(_run_shacl(union, shapes, load_ontology()), shapes, "union")
    violations = [r for r in records if r.severity == "Violation"]
    assert violations == [], "\n".join(f"{r.rule} {r.focus}" for r in violations[:10])


def _indicator_with_parents(*placements: tuple[str, str]) -> Graph:
    """An indicator whose parent is given by (document, parent name) statements, each with a
    mention of its document, as the build writes them (only the triples the rule reads)."""
    data = Graph()
    indicator = URIRef(str(indicator_iri("氨氮")))
    data.add((indicator, RDF.type, PG.Indicator))
    for number, (doc, parent_name) in enumerate(placements):
        parent = URIRef(str(indicator_iri(parent_name)))
        mention = URIRef(f"{doc}/mention/{number}-{number + 2}")
        statement = URIRef(f"{doc}/stmt/{number}")
        data.add((parent, RDF.type, PG.Indicator))
        data.add((indicator, PG.parentIndicator, parent))
        data.add((statement, RDF.type, RDF.Statement))
        data.add((statement, RDF.subject, indicator))
        data.add((statement, RDF.predicate, PG.parentIndicator))
        data.add((statement, RDF.object, parent))
        data.add((statement, PROV.wasDerivedFrom, mention))
        data.add((mention, PG.document, URIRef(doc)))
    return data


YINGKOU_13 = str(document_iri("210800", "plan", "2016-2020"))
LIAOYANG_13 = str(document_iri("211000", "plan", "2016-2020"))


@pytest.mark.parametrize(
    ("placements", "violations"),
    [
        # two plans, two groupings: what the union of their graphs holds
        (((YINGKOU_13, "主要污染物排放总量减少"), (LIAOYANG_13, "主要污染物排放减少")), 0),
        # one plan, one grouping, stated by two rows
        (((YINGKOU_13, "主要污染物排放总量减少"), (YINGKOU_13, "主要污染物排放总量减少")), 0),
        # one plan giving two parents: wrong in a document graph and in the union
        (((YINGKOU_13, "主要污染物排放总量减少"), (YINGKOU_13, "主要污染物排放减少")), 1),
    ],
)
def test_at_most_one_parent_indicator_per_document(placements: tuple, violations: int) -> None:
    shapes = load_shapes()
    data = _QueryCachingGraph()
    data += _indicator_with_parents(*placements)
    records = _records(_run_shacl(data, shapes, load_ontology()), shapes, "case")
    rule = [r for r in records if r.shape.endswith("IndicatorParentPerDocumentShape")]
    assert len(rule) == violations, [r.message for r in records]


# --- OWL 2 DL with HermiT ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_data(corpus_dataset: Dataset) -> Graph:
    """The ontology, the graph of the largest corpus document and the reference data it names."""
    documents, references = _named_graphs(corpus_dataset)
    (graph,) = [g for g in documents if (URIRef(PLAN_14), RDF.type, None) in g]
    data = Graph()
    data += Graph().parse(ONTOLOGY)
    data += graph
    data += _reference_closure(graph, references)
    return data


def test_a_corpus_document_is_consistent_with_the_ontology(plan_data: Graph, tmp_path: Path) -> None:
    answer = hermit_consistency(as_ntriples(plan_data, tmp_path / "plan.nt"))
    assert answer.returncode == 0 and "owl#Thing is satisfiable" in answer.stdout, answer.stderr[-2000:]


def test_the_disjointness_axioms_catch_a_park_that_is_also_a_project(
    plan_data: Graph, tmp_path: Path
) -> None:
    park = next(plan_data.subjects(RDF.type, PG.Park))
    wrong = Graph()
    wrong += plan_data
    wrong.add((park, RDF.type, PG.Project))
    answer = hermit_consistency(as_ntriples(wrong, tmp_path / "wrong.nt"))
    assert answer.returncode != 0 and "InconsistentOntologyException" in answer.stderr
