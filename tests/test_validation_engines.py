"""The compiled SHACL engine finds exactly what pyshacl, the reference, finds (issue 14 item 4).

A build validates with pyshacl-turbo (setting ``validation_engine``, default ``turbo``): the same
shapes compiled, 20-30x faster. It is used only because these tests hold: on every fixture of
tests/fixtures/validate (each breaks rules on purpose; with and without the source text), on the
gold corpus and on the wild corpus (the text files in test_wild.py, the HTML pages here), both
engines give the same violations and the same warnings, record for record (document, node, path,
value, message, shape).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset

from plangraph import pipeline, store
from plangraph.validate import (
    ValidationResult,
    find_source_texts,
    load_trig,
    validate_dataset,
    validate_trig,
)
from plangraph.vocab import document_iri

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
DOC = str(document_iri("210800", "plan", "2021-2025"))
SOURCE_TEXT = (FIXTURES / "source.txt").read_text(encoding="utf-8")
STANDALONE = {"conforming.trig", "plan_metadata.trig"}
PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-wild" / "original-formats"


def findings(result: ValidationResult) -> tuple[set, set]:
    return set(result.violations), set(result.warnings)


def same_findings(reference: ValidationResult, compiled: ValidationResult) -> None:
    """Equal findings, shown as the records one engine has and the other lacks when not."""
    only_reference = set(reference.violations + reference.warnings) - set(
        compiled.violations + compiled.warnings
    )
    only_compiled = set(compiled.violations + compiled.warnings) - set(
        reference.violations + reference.warnings
    )
    assert not only_reference and not only_compiled, [
        ("pyshacl only", r.shape, r.focus, r.message) for r in sorted(only_reference, key=str)[:5]
    ] + [("turbo only", r.shape, r.focus, r.message) for r in sorted(only_compiled, key=str)[:5]]
    assert findings(reference) == findings(compiled)
    assert reference.documents == compiled.documents
    assert reference.quotes_checked == compiled.quotes_checked


@pytest.mark.parametrize("with_text", [True, False], ids=["with source text", "without"])
@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.trig")))
def test_both_engines_find_the_same_in_every_fixture(name: str, with_text: bool) -> None:
    ds = Dataset()
    for part in ([] if name in STANDALONE else ["conforming.trig"]) + [name]:
        ds.parse(FIXTURES / part, format="trig")
    texts = {DOC: SOURCE_TEXT} if with_text else None
    reference = validate_dataset(ds, texts, workers=1, engine="pyshacl")
    compiled = validate_dataset(ds, texts, workers=1, engine="turbo")
    same_findings(reference, compiled)
    if name != "conforming.trig":
        assert reference.violations or reference.warnings, "a fixture that breaks nothing checks nothing"


def test_both_engines_find_the_same_in_the_gold_corpus(corpus_build: Path) -> None:
    dataset = load_trig(corpus_build / store.TRIG_NAME)
    texts = find_source_texts(dataset, [corpus_build / store.SOURCES_DIR])
    reference = validate_dataset(dataset, texts, engine="pyshacl")
    same_findings(reference, validate_dataset(dataset, texts, engine="turbo"))
    assert reference.conforms and reference.quotes_checked == len(reference.documents) == 7


@pytest.mark.skipif(not PAGES.is_dir(), reason=f"the real pages are not here ({PAGES} is absent)")
def test_the_build_finds_in_the_wild_html_pages_what_pyshacl_finds(tmp_path: Path) -> None:
    """The build's own findings (compiled engine, each document with the reference data it names)
    against pyshacl over the written dump (each document with the whole build's reference data)."""
    out = tmp_path / "build"
    report = pipeline.build(sorted(PAGES.glob("*.html")), out, progress=False, validate=True)
    assert report.written and report.validation is not None, report.problems
    assert len(report.validation.documents) == 6
    same_findings(validate_trig(out / store.TRIG_NAME, engine="pyshacl"), report.validation)
