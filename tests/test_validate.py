"""SHACL validation: a conforming document graph conforms, and each rule catches its error.

Each failing fixture under fixtures/validate/ adds a few triples to conforming.trig (or, for
plan_metadata.trig, stands alone); the tests assert the exact set of violations it causes, so a rule
that fires too often fails as surely as one that does not fire.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef

from plangraph.settings import get_settings, set_settings
from plangraph.validate import (
    REFERENCE_DATA,
    VALIDATOR,
    ValidationRecord,
    ValidationResult,
    find_source_texts,
    load_trig,
    validate_dataset,
    validate_trig,
)
from plangraph.vocab import ID, division_iri, document_iri, mention_iri, observation_iri, project_iri

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
DOC = document_iri("210800", "plan", "2021-2025")
SOURCE_TEXT = (FIXTURES / "source.txt").read_text(encoding="utf-8")
SHAPES = "https://w3id.org/plangraph/shapes#"


def load(*names: str) -> Dataset:
    ds = Dataset()
    for name in names:
        ds.parse(FIXTURES / name, format="trig")
    return ds


def validate(*names: str, with_text: bool = True) -> ValidationResult:
    return validate_dataset(load(*names), {str(DOC): SOURCE_TEXT} if with_text else None)


def found(records: list[ValidationRecord]) -> set[tuple[str, str]]:
    """(shape local name, focus node) of each record."""
    return {(r.shape.removeprefix(SHAPES), r.focus) for r in records}


def test_conforming_document_conforms() -> None:
    result = validate("conforming.trig")
    assert result.conforms, result.text()
    assert result.violations == [] and result.warnings == []
    assert result.documents == [str(ID["graph/doc/210800/plan/2021-2025"])]
    assert result.quotes_checked == 1


def test_target_year_outside_the_plan_period() -> None:
    result = validate("conforming.trig", "target_year_out_of_period.trig")
    assert found(result.violations) == {
        ("ObservationTargetYearShape", str(observation_iri(DOC, 2, 1, 3))),  # 2040 > vision year 2035
        ("ObservationTargetYearShape", str(observation_iri(DOC, 2, 1, 4))),  # 2010 < 2021 - 5
    }
    late = next(r for r in result.violations if r.focus.endswith("2-1-3"))
    assert late.value == "2040" and "2016-2035" in late.message
    assert late.document == str(DOC)


def test_quotes_and_offsets_are_checked_against_the_source_text() -> None:
    result = validate("conforming.trig", "bad_mentions.trig")
    wrong, reversed_, short = (str(mention_iri(DOC, a, b)) for a, b in ((33, 40), (40, 33), (0, 5)))
    assert found(result.violations) == {
        ("MentionOffsetsShape", wrong),
        ("MentionOffsetsShape", reversed_),
        ("MentionOffsetsShape", short),
    }
    rules = {(r.focus, r.rule.split(" ")[1]) for r in result.violations}
    # the wrong text of the right length is caught by the quote rule, the short one by both
    assert {(wrong, "quote"), (reversed_, "mention"), (short, "quote")} <= rules
    assert len(result.violations) == 4


def test_quotes_are_not_compared_without_the_source_text() -> None:
    result = validate("conforming.trig", "bad_mentions.trig", with_text=False)
    # the offsets still contradict themselves, but the same-length wrong quote goes unseen
    assert found(result.violations) == {
        ("MentionOffsetsShape", str(mention_iri(DOC, 40, 33))),
        ("MentionOffsetsShape", str(mention_iri(DOC, 0, 5))),
    }
    assert result.quotes_checked == 0


def test_repeated_item_number_in_one_group_of_a_box() -> None:
    result = validate("conforming.trig", "repeated_item_number.trig")
    item = "https://w3id.org/plangraph/id/doc/210800/plan/2021-2025/item/"
    assert found(result.violations) == {
        ("ItemNumberUniqueShape", str(project_iri("210800", "镁合金压铸项目"))),
        ("ItemNumberUniqueShape", str(project_iri("210800", "高纯氧化镁项目"))),
        ("ItemNumberUniqueShape", item + "1-7a"),
        ("ItemNumberUniqueShape", item + "1-7b"),
    }
    # the same numbers in another group, or with and without a group, are not clashes
    flagged = {r.focus for r in result.violations}
    for name in ("港口机械项目", "海上风电项目", "船舶配套项目", "镁质材料深加工项目"):
        assert str(project_iri("210800", name)) not in flagged
    # an unnumbered item in a list is a warning only
    assert found(result.warnings) == {
        ("ListedItem-numberPresent", str(project_iri("210800", "智慧港口项目")))
    }


def test_division_before_its_parent() -> None:
    result = validate("conforming.trig", "division_before_parent.trig")
    assert found(result.violations) == {
        ("DivisionAfterParentShape", str(division_iri(DOC, 3))),  # line 4 < parent's line 6
        ("DivisionAfterParentShape", str(division_iri(DOC, 0))),  # order 0 < parent's order 1
    }


def test_duplicate_region_code_is_reported_on_the_reference_data() -> None:
    result = validate("conforming.trig", "duplicate_region_code.trig")
    assert found(result.violations) == {
        ("RegionCodeShape", str(ID["region/210800"])),
        ("RegionCodeShape", str(ID["region/210899"])),
    }
    assert {r.document for r in result.violations} == {REFERENCE_DATA}
    assert all(r.value == "210800" for r in result.violations)


def test_region_hierarchy_and_code_form() -> None:
    result = validate("conforming.trig", "region_hierarchy.trig")
    assert found(result.violations) == {
        ("RegionCodeShape", str(ID["region/211000"])),  # code does not extend its parent's
        ("Region-adminCode", str(ID["region/21"])),  # not 6-12 digits
    }
    assert found(result.warnings) == {
        ("RegionLevelCodeShape", str(ID["region/210800x"])),  # a county code at province level
        ("RegionLevelCodeShape", str(ID["region/21"])),
    }


def test_missing_required_properties() -> None:
    result = validate("conforming.trig", "missing_required.trig")
    project = str(project_iri("210800", "稀土深加工项目"))
    assert found(result.violations) == {
        ("Project-label", project),
        ("Project-mention", project),
        ("Observation-valueText", str(observation_iri(DOC, 2, 1, 9))),
    }
    assert {r.path for r in result.violations} == {
        "http://www.w3.org/2000/01/rdf-schema#label",
        "https://w3id.org/plangraph/ontology#mention",
        "https://w3id.org/plangraph/ontology#valueText",
    }


def test_wrong_datatypes() -> None:
    result = validate("conforming.trig", "wrong_datatype.trig")
    obs = str(observation_iri(DOC, 2, 1, 8))
    assert found(result.violations) == {
        ("Observation-year", obs),
        ("Observation-value", obs),
        ("Observation-line", obs),
        ("Box-title", str(ID["doc/210800/plan/2021-2025/box/3"])),
    }
    # a value that breaks two constraints of one shape (datatype and language) is reported once
    assert len(result.violations) == 4


def test_reified_relation_without_its_triple_or_its_mention() -> None:
    result = validate("conforming.trig", "unasserted_statement.trig")
    stmt = "https://w3id.org/plangraph/id/doc/210800/plan/2021-2025/stmt/"
    assert found(result.violations) == {
        ("StatementAssertedShape", stmt + "5a1b2c3d4e5f"),
        ("Statement-derivedFrom", stmt + "6a1b2c3d4e5f"),
    }
    # the industry the new relation names has no mention in the document: a warning
    assert found(result.warnings) == {("RelatedIndustry-mentionPresent", str(ID["industry/equipment"]))}


def test_contradictory_plan_metadata() -> None:
    result = validate("plan_metadata.trig")
    messages = sorted(r.message for r in result.violations)
    assert found(result.violations) == {
        ("FiveYearPlanPeriodShape", str(DOC)),
        ("DocumentJurisdictionInIriShape", str(DOC)),
    }
    assert len(messages) == 4
    assert any("Plan number 13" in m for m in messages)
    assert any("2021-2026 is not five years" in m for m in messages)
    assert any("vision year 2025" in m for m in messages)
    assert any("names region 210800" in m for m in messages)


def test_missing_source_text_is_a_warning() -> None:
    result = validate_dataset(load("conforming.trig"), {})
    assert result.conforms
    assert [(r.shape, r.focus) for r in result.warnings] == [(VALIDATOR, str(DOC))]


def test_validate_trig_finds_sources_next_to_the_build(tmp_path: Path) -> None:
    build = tmp_path / "build"
    (build / "sources").mkdir(parents=True)
    ds = load("conforming.trig", "bad_mentions.trig")
    ds.serialize(build / "plangraph.trig", format="trig")
    shutil.copyfile(FIXTURES / "source.txt", build / "sources" / "source.txt")
    result = validate_trig(build / "plangraph.trig")
    assert result.quotes_checked == 1
    assert str(mention_iri(DOC, 33, 40)) in {r.focus for r in result.violations}


def test_validate_trig_looks_in_corpus_dirs(tmp_path: Path) -> None:
    load("conforming.trig").serialize(tmp_path / "plangraph.trig", format="trig")
    without = validate_trig(tmp_path / "plangraph.trig")
    assert without.conforms and [r.shape for r in without.warnings] == [VALIDATOR]
    with_dirs = validate_trig(tmp_path / "plangraph.trig", corpus_dirs=[FIXTURES])
    assert with_dirs.conforms and with_dirs.warnings == [] and with_dirs.quotes_checked == 1


def test_load_trig_matches_rdflib() -> None:
    ours = load_trig(FIXTURES / "conforming.trig")
    reference = load("conforming.trig")
    for graph in reference.graphs():
        if len(graph):
            assert set(ours.graph(graph.identifier)) == set(graph), graph.identifier
    assert find_source_texts(ours, [FIXTURES]) == {str(DOC): SOURCE_TEXT}


def test_report_text_and_json() -> None:
    result = validate("conforming.trig", "repeated_item_number.trig")
    text = result.text(examples=1)
    assert text.startswith("DOES NOT CONFORM: 4 violation(s), 1 warning(s)")
    assert f"== {DOC}" in text
    assert "[Violation] x4  Item number {?value} is used twice" in text
    assert "... and 3 more" in text
    data = json.loads(result.to_json())
    assert data["conforms"] is False and data["violation_count"] == 4 and data["warning_count"] == 1
    record = data["violations"][0]
    assert set(record) == {"document", "severity", "focus", "path", "value", "message", "shape", "rule"}
    assert record["severity"] == "Violation" and "{?value}" not in record["message"]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.trig")))
def test_fixtures_use_the_minted_iri_shapes(name: str) -> None:
    """Fixtures name documents, regions and document parts the way vocab.py mints them."""
    ds = load(name)
    doc_prefix = str(DOC) + "/"
    for graph in ds.graphs():
        for s, _, o in graph:
            for term in (s, o):
                if isinstance(term, URIRef) and str(term).startswith(str(ID)):
                    rest = str(term)[len(str(ID)) :]
                    assert rest.split("/")[0] in {"doc", "graph", "region", "industry", "scheme", "park",
                                                  "project", "indicator", "org"}, term  # fmt: skip
                    if str(term).startswith(doc_prefix):
                        assert str(term)[len(doc_prefix) :].split("/")[0] in {
                            "div", "box", "obs", "mention", "stmt", "item"
                        }, term  # fmt: skip


def test_parallel_validation_reports_the_same_records() -> None:
    ds = load("conforming.trig", "repeated_item_number.trig", "duplicate_region_code.trig")
    texts = {str(DOC): SOURCE_TEXT}
    serial = validate_dataset(ds, texts, workers=1)
    set_settings(get_settings().with_overrides(validation_parallel_min_triples=0))
    try:
        parallel = validate_dataset(ds, texts, workers=2)
    finally:
        set_settings(None)
    assert serial.violations and serial.violations == parallel.violations
    assert serial.warnings == parallel.warnings and serial.documents == parallel.documents
