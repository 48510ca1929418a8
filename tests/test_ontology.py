"""The ontology declares the whole public vocabulary, and the SHACL shapes fit the ontology."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS

from plangraph.settings import PACKAGE_DIR
from plangraph.vocab import ELI, PG, QB

ONTOLOGY = PACKAGE_DIR / "ontology" / "plangraph.ttl"
SHAPES = PACKAGE_DIR / "ontology" / "shapes.ttl"
FIXTURES = Path(__file__).parent / "fixtures" / "validate"

# The terms of ../shared/design/ontology-contract.md (contract v1), by kind.
CONTRACT_CLASSES = [
    "Document", "FiveYearPlan", "WorkReport", "Division", "Box", "Region", "Industry", "Park", "Project",
    "Indicator", "Observation", "Mention",
]  # fmt: skip
CONTRACT_OBJECT_PROPERTIES = [
    "jurisdiction", "document", "adminLevel", "within", "promotesIndustry", "hostsIndustry", "listedIn",
    "supportsIndustry", "locatedIn", "status", "indicator", "table", "valueKind", "attribute", "mention",
]  # fmt: skip
CONTRACT_DATATYPE_PROPERTIES = [
    "sourceFile", "planNumber", "periodStart", "periodEnd", "visionYear", "reportYear", "number", "level",
    "order", "line", "adminCode", "parkKind", "itemNumber", "unit", "category", "year", "valueText", "value",
    "growthText", "start", "end", "quote",
]  # fmt: skip
CONTRACT_INDIVIDUALS = {
    "AdminLevel": [
        "Province", "PrefectureCity", "District", "County", "CountyLevelCity", "Town", "Township",
        "Subdistrict", "Village",
    ],
    "ProjectStatus": ["Planned", "Ongoing", "Completed"],
    "ValueKind": ["Baseline", "Target", "Actual"],
    "Attribute": ["Expected", "Binding"],
    "ParkLevel": ["National", "Provincial"],
}  # fmt: skip
CONTRACT_EXTERNAL_TERMS = [
    DCTERMS.title,
    DCTERMS.publisher,
    DCTERMS.issued,
    DCTERMS.isPartOf,
    PROV.wasDerivedFrom,
]

#: Individuals added around the contract's: the country as an admin level (national documents).
EXTENSION_INDIVIDUALS = {"AdminLevel": ["Country"]}

EXTENSION_CLASSES = ["BoxItem", "CandidateIndustry", "Organization", "AdminLevel", "ProjectStatus", "ValueKind",
                     "Attribute", "ParkLevel"]  # fmt: skip
EXTENSION_OBJECT_PROPERTIES = ["parkLevel", "parentIndicator"]
EXTENSION_DATATYPE_PROPERTIES = [
    "group",
    "description",
    "capacity",
    "sourceText",
    "headingScheme",
    "lastLine",
    "jurisdictionSource",
    "derivedByRule",
    "assertedByUser",
    "userSource",
]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def labels(graph: Graph, term: URIRef, prop: URIRef = RDFS.label) -> dict[str, str]:
    return {o.language: str(o) for o in graph.objects(term, prop) if isinstance(o, Literal) and o.language}


def all_pg_terms() -> list[str]:
    individuals = [i for members in CONTRACT_INDIVIDUALS.values() for i in members]
    return (
        CONTRACT_CLASSES
        + CONTRACT_OBJECT_PROPERTIES
        + CONTRACT_DATATYPE_PROPERTIES
        + individuals
        + EXTENSION_CLASSES
        + EXTENSION_OBJECT_PROPERTIES
        + EXTENSION_DATATYPE_PROPERTIES
    )


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/plangraph/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionInfo, OWL.versionIRI, DCTERMS.title, DCTERMS.description, DCTERMS.license,
                 DCTERMS.creator):  # fmt: skip
        assert ontology.value(header, prop) is not None, prop
    comment = " ".join(str(c) for c in ontology.objects(header, RDFS.comment))
    # the reification of extracted relations is documented, with a query that uses it
    assert "rdf:Statement" in comment and "prov:wasDerivedFrom" in comment and "SELECT" in comment


@pytest.mark.parametrize("name", all_pg_terms())
def test_every_term_is_declared_with_zh_and_en_labels_and_a_comment(ontology: Graph, name: str) -> None:
    term = PG[name]
    assert set(ontology.objects(term, RDF.type)), f"pg:{name} is not declared"
    found = labels(ontology, term)
    assert found.get("zh") and found.get("en"), f"pg:{name} lacks an @zh or @en label: {found}"
    assert labels(ontology, term, RDFS.comment).get("en"), f"pg:{name} lacks an @en comment"


@pytest.mark.parametrize("term", CONTRACT_EXTERNAL_TERMS, ids=str)
def test_external_contract_terms_are_labelled(ontology: Graph, term: URIRef) -> None:
    found = labels(ontology, term)
    assert found.get("zh") and found.get("en")


def test_kinds_of_terms(ontology: Graph) -> None:
    for name in CONTRACT_CLASSES + EXTENSION_CLASSES:
        assert (PG[name], RDF.type, OWL.Class) in ontology, name
    for name in CONTRACT_OBJECT_PROPERTIES + EXTENSION_OBJECT_PROPERTIES:
        assert (PG[name], RDF.type, OWL.ObjectProperty) in ontology, name
        assert (PG[name], RDF.type, OWL.DatatypeProperty) not in ontology, name
    for name in CONTRACT_DATATYPE_PROPERTIES + EXTENSION_DATATYPE_PROPERTIES:
        assert (PG[name], RDF.type, OWL.DatatypeProperty) in ontology, name
        assert (PG[name], RDF.type, OWL.ObjectProperty) not in ontology, name
    for cls, members in CONTRACT_INDIVIDUALS.items():
        members = members + EXTENSION_INDIVIDUALS.get(cls, [])
        for name in members:
            assert (PG[name], RDF.type, PG[cls]) in ontology, name
        one_of = ontology.value(PG[cls], OWL.oneOf)
        assert one_of is not None and set(Collection(ontology, one_of)) == {PG[m] for m in members}


def value_datatype(ontology: Graph, shapes: Graph, prop: URIRef) -> URIRef | None:
    """The datatype of a datatype property's values: its rdfs:range, or where that is rdfs:Literal
    (xsd:gYear and the other datatypes outside the OWL 2 datatype map) the one the shapes require."""
    rng = ontology.value(prop, RDFS.range)
    if rng != RDFS.Literal:
        return rng  # type: ignore[return-value]
    required = {shapes.value(s, SH.datatype) for s in shapes.subjects(SH.path, prop)} - {None}
    return required.pop() if len(required) == 1 else None  # type: ignore[return-value]


def test_ranges_fit_the_kind_of_property(ontology: Graph, shapes: Graph) -> None:
    """Datatype properties range over datatypes, object properties over declared classes."""
    declared_classes = set(ontology.subjects(RDF.type, OWL.Class))
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        if str(prop).startswith(str(PG)):
            assert str(value_datatype(ontology, shapes, prop)).startswith(str(ns.XSD)), prop
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        if not str(prop).startswith(str(PG)):
            continue
        rng = ontology.value(prop, RDFS.range)
        assert rng is not None, prop
        members = (
            set(Collection(ontology, ontology.value(rng, OWL.unionOf))) if isinstance(rng, BNode) else {rng}
        )
        assert members <= declared_classes, prop


def test_alignments(ontology: Graph) -> None:
    expected = [
        (PG.Document, PROV.Entity),
        (PG.FiveYearPlan, PG.Document),
        (PG.WorkReport, PG.Document),
        (PG.FiveYearPlan, ELI.LegalResource),
        (PG.Division, ELI.LegalResourceSubdivision),
        (PG.Industry, SKOS.Concept),
        (PG.CandidateIndustry, PG.Industry),
        (PG.Observation, QB.Observation),
        (PG.Mention, PROV.Entity),
        (PG.Organization, PROV.Organization),
    ]
    for sub, sup in expected:
        assert (sub, RDFS.subClassOf, sup) in ontology, (sub, sup)
    assert (PG.value, RDF.type, QB.MeasureProperty) in ontology
    assert (PG.indicator, RDF.type, QB.DimensionProperty) in ontology


def _classes_of(node: URIRef, data: Graph, ontology: Graph) -> set[URIRef]:
    """The asserted classes of a node and their superclasses."""
    found = set(data.objects(node, RDF.type)) | set(ontology.objects(node, RDF.type))
    todo = list(found)
    while todo:
        for sup in ontology.objects(todo.pop(), RDFS.subClassOf):
            if sup not in found:
                found.add(sup)
                todo.append(sup)
    return found


def test_domains_and_ranges_hold_on_the_conforming_fixture(ontology: Graph, shapes: Graph) -> None:
    """RDFS/OWL reasoning over real-shaped data infers no class a node does not already have."""
    ds = Dataset()
    ds.parse(FIXTURES / "conforming.trig", format="trig")
    data = Graph()
    for graph in ds.graphs():
        data += graph

    def allowed(axiom: URIRef | BNode) -> set:
        union = ontology.value(axiom, OWL.unionOf)
        return set(Collection(ontology, union)) if union is not None else {axiom}

    checked = 0
    for s, p, o in data:
        domain, rng = ontology.value(p, RDFS.domain), ontology.value(p, RDFS.range)
        if domain is not None:
            assert allowed(domain) & _classes_of(s, data, ontology), (s, p)
            checked += 1
        if rng is not None and not isinstance(o, Literal):
            assert allowed(rng) & _classes_of(o, data, ontology), (p, o)
        elif rng is not None:
            datatype = o.datatype or (RDF.langString if o.language else ns.XSD.string)
            assert datatype == value_datatype(ontology, shapes, p), (s, p, o)
    assert checked > 100


def test_shapes_parse_and_target_declared_classes(ontology: Graph, shapes: Graph) -> None:
    # rdf:Statement is RDF's own class: OWL 2 DL forbids declaring it, the ontology only labels it.
    declared = set(ontology.subjects(RDF.type, OWL.Class)) | {RDF.Statement}
    targets = set(shapes.objects(None, SH.targetClass))
    assert PG.Mention in targets and PG.Region in targets
    assert targets <= declared, targets - declared
    for cls in [*CONTRACT_CLASSES, "BoxItem", "Organization"]:
        assert (None, SH.targetClass, PG[cls]) in shapes, f"no shape targets pg:{cls}"


def test_shape_paths_are_declared_terms(ontology: Graph, shapes: Graph) -> None:
    for path in shapes.objects(None, SH.path):
        assert isinstance(path, URIRef), path
        if str(path).startswith(str(PG)):
            assert (path, RDF.type, None) in ontology, path


def test_every_property_shape_and_sparql_constraint_has_a_message(shapes: Graph) -> None:
    property_shapes = set(shapes.objects(None, SH.property)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    constraints = set(shapes.objects(None, SH.sparql))
    assert len(property_shapes) > 50 and len(constraints) > 15
    assert all(isinstance(node, URIRef) for node in property_shapes), "name every property shape"
    for node in property_shapes | constraints:
        message = shapes.value(node, SH.message)
        assert isinstance(message, Literal) and message.language == "en", node


def _condition(select: str) -> str:
    """The WHERE body of a query, with $this as ?this and without the class test of a target."""
    body = select[select.index("{") + 1 : select.rindex("}")]
    lines = [line.strip() for line in body.replace("$this", "?this").splitlines() if line.strip()]
    class_test = re.compile(r"^(VALUES \?class \{[^}]*\} \?this a \?class|\?this a (pg|rdf):\w+) \.$")
    return "\n".join(line for line in lines if not class_test.match(line))


def test_each_sparql_target_selects_what_its_constraint_reports(shapes: Graph) -> None:
    """A rule with a SPARQL target must have the constraint's own condition as its target, or the
    target would hide violations (single-constraint shapes; the mention shape ORs its three)."""
    checked = 0
    for shape, target in shapes.subject_objects(SH.target):
        constraints = list(shapes.objects(shape, SH.sparql))
        if len(constraints) != 1:
            continue
        assert _condition(str(shapes.value(target, SH.select))) == _condition(
            str(shapes.value(constraints[0], SH.select))
        ), shape
        checked += 1
    assert checked >= 10


def test_shapes_are_valid_shacl(shapes: Graph) -> None:
    """pyshacl checks the shapes graph itself against the SHACL-for-SHACL shapes (meta_shacl)."""
    import pyshacl

    conforms, _results, text = pyshacl.validate(
        Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True, inference="none"
    )
    assert conforms, text
