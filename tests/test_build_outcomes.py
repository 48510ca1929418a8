"""One bad document never sinks the rest (issue 8 item 4): per-document outcomes, report.json,
exit statuses; and the plumbing of what the user says (`--region`, plangraph.toml; item 1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal

import hostile
from plangraph import pipeline, rdf
from plangraph.cli import main
from plangraph.model import UserMetadata
from plangraph.settings import get_settings, set_settings
from plangraph.vocab import DCTERMS

#: The title of the one document a test makes defective.
DEFECTIVE = "2018年盖州市政府工作报告"


@pytest.fixture
def a_defect(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document whose graph breaks a shape (two titles, one in English), as an extraction bug
    would: the documents titled DEFECTIVE or read from a file called defect*.txt."""
    build = rdf.DocumentGraph.build

    def defective(self: rdf.DocumentGraph):
        graph = build(self)
        if self.doc.metadata.title == DEFECTIVE or self.doc.source.name.startswith("defect"):
            graph.add((self.iri, DCTERMS.title, Literal("a second title", lang="en")))
        return graph

    monkeypatch.setattr(rdf.DocumentGraph, "build", defective)


def write_plan(folder: Path, name: str, region: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(hostile.small_plan(region), encoding="utf-8")
    return path


def test_a_document_that_fails_shacl_is_left_out_and_the_others_are_written(tmp_path: Path, a_defect) -> None:
    inputs = tmp_path / "in"
    good = write_plan(inputs, "good.txt", "义县")
    reports = get_settings().corpus_dir / "003_c4b0b8e4100e97f5.txt"  # three work reports, one defective
    out = tmp_path / "build"
    report = pipeline.build([good, reports], out, progress=False)
    assert report.written and report.exit_status == pipeline.EXIT_SOME_LEFT_OUT
    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert saved["exit_status"] == pipeline.EXIT_SOME_LEFT_OUT
    files = {Path(f["file"]).name: f for f in saved["files"]}
    assert files["good.txt"]["status"] == "built"
    page = files["003_c4b0b8e4100e97f5.txt"]
    assert page["status"] == "partly built"
    assert [(d["title"], d["status"]) for d in page["documents"]] == [
        ("2017年营口市政府工作报告", "built"),
        ("2018年营口市政府工作报告", "built"),
        (DEFECTIVE, "left out"),
    ]
    left_out = page["documents"][2]
    assert left_out["reason"].startswith("does not conform to the SHACL shapes, ")
    assert left_out["violations"] and all(v["document"] == left_out["iri"] for v in left_out["violations"])
    assert any("dcterms:title tagged @zh" in v["message"] for v in left_out["violations"])
    trig = (out / "plangraph.trig").read_text(encoding="utf-8")
    assert "2018年营口市政府工作报告" in trig and DEFECTIVE not in trig and "a second title" not in trig
    assert {d.title for d in report.documents} == {
        "义县国民经济和社会发展第十四个五年规划纲要",
        "2017年营口市政府工作报告",
        "2018年营口市政府工作报告",
    }
    summary = report.summary()
    assert f"#2 left out: {DEFECTIVE} — does not conform to the SHACL shapes" in summary
    assert "the graph written conforms" in summary
    assert (out / "sources" / "good.txt").read_bytes() != b""


def _cli(*args: str) -> int:
    return main(["build", *args, "--quiet"])


def test_exit_statuses_say_what_was_written(tmp_path: Path, a_defect, capsys) -> None:
    inputs = tmp_path / "in"
    good = str(write_plan(inputs, "good.txt", "义县"))
    other = str(write_plan(inputs, "other.txt", "黑山县"))
    defect = str(write_plan(inputs, "defect.txt", "北镇市"))
    empty = str(hostile.empty(inputs))
    out = str(tmp_path / "build")
    assert _cli(good, other, "--out", out) == pipeline.EXIT_ALL_BUILT
    last_good = (Path(out) / "plangraph.trig").read_bytes()
    assert _cli(good, empty, "--out", out) == pipeline.EXIT_SOME_LEFT_OUT  # one refused
    assert _cli(good, defect, "--out", out) == pipeline.EXIT_SOME_LEFT_OUT  # one left out
    assert _cli(good, other, "--out", out) == pipeline.EXIT_ALL_BUILT
    assert (Path(out) / "plangraph.trig").read_bytes() == last_good
    capsys.readouterr()
    # a build that writes nothing never destroys the last good build
    assert _cli(empty, "--out", out) == pipeline.EXIT_NOTHING_WRITTEN
    assert _cli(defect, "--out", out) == pipeline.EXIT_NOTHING_WRITTEN
    err = capsys.readouterr().err
    assert "nothing written: no document conforms to the SHACL shapes" in err
    assert (Path(out) / "plangraph.trig").read_bytes() == last_good


def test_the_exit_statuses_are_documented() -> None:
    from plangraph.cli import make_parser

    build = make_parser()._subparsers._group_actions[0].choices["build"]  # type: ignore[union-attr]
    help_text = build.format_help()
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for status in (pipeline.EXIT_ALL_BUILT, pipeline.EXIT_SOME_LEFT_OUT, pipeline.EXIT_NOTHING_WRITTEN):
        assert f"\n  {status}  " in help_text
        assert f"| {status} |" in readme


# --- what the user says: --region and plangraph.toml ---------------------------------------------


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, UserMetadata | None]]:
    """What reaches parse_document for each file (by name). The build runs its files in this
    process (build_workers=1), where the spy can see them."""
    seen: dict[str, UserMetadata | None] = {}
    parse = pipeline.parse_document

    def spy(text, gazetteer, user=None):
        seen[text.source.name] = user
        return parse(text, gazetteer, user)

    monkeypatch.setattr(pipeline, "parse_document", spy)
    set_settings(get_settings().with_overrides(build_workers=1))
    try:
        yield seen
    finally:
        set_settings(None)


def test_region_reaches_every_document(tmp_path: Path, said) -> None:
    a = write_plan(tmp_path / "in", "a.txt", "义县")
    b = write_plan(tmp_path / "in", "b.txt", "黑山县")
    pipeline.build([a, b], tmp_path / "build", progress=False, validate=False, region=" 210727 ")
    assert said == {
        "a.txt": UserMetadata(region="210727", origin="--region"),
        "b.txt": UserMetadata(region="210727", origin="--region"),
    }


def test_a_manifest_says_more_per_file(tmp_path: Path, said) -> None:
    inputs = tmp_path / "in"
    a = write_plan(inputs, "a.txt", "义县")
    b = write_plan(inputs, "b.txt", "黑山县")
    c = write_plan(inputs, "c.txt", "北镇市")
    manifest = inputs / "plangraph.toml"
    manifest.write_text(
        '["a.txt"]\nregion = 210727\ntype = "five-year-plan"\nyear = 2021\ntitle = "义县十四五规划"\n\n'
        '["b.txt"]\nregion = "黑山县"\n\n["gone.txt"]\nyear = 2020\n',
        encoding="utf-8",
    )
    report = pipeline.build([inputs], tmp_path / "build", progress=False, validate=False)
    assert said["a.txt"] == UserMetadata(
        "210727", "five-year-plan", 2021, "义县十四五规划", f"{manifest} ['a.txt']"
    )
    assert said["b.txt"] == UserMetadata(region="黑山县", origin=f"{manifest} ['b.txt']")
    assert said["c.txt"] is None
    assert f"{manifest}: table ['gone.txt'] names no file in {inputs}" in report.warnings
    assert {Path(f.file).name for f in report.files} == {
        "a.txt",
        "b.txt",
        "c.txt",
    }  # the manifest is no input
    saved = {Path(f.file).name: f for f in report.files}
    assert saved["a.txt"].documents[0].user == {
        "region": "210727",
        "doc_type": "five-year-plan",
        "year": 2021,
        "title": "义县十四五规划",
        "origin": f"{manifest} ['a.txt']",
    }
    pipeline.build([a, b, c], tmp_path / "build", progress=False, validate=False, region="210726")
    assert said["a.txt"] == UserMetadata(
        "210726", "five-year-plan", 2021, "义县十四五规划", f"--region; {manifest} ['a.txt']"
    )
    assert said["c.txt"] == UserMetadata(region="210726", origin="--region")


MANIFEST_MISTAKES = [
    (
        '["a.txt"]\nregoin = "210727"\n',
        "table ['a.txt']: unknown key 'regoin' (the keys are region, type, year, title)",
    ),
    ('["a.txt"]\ntype = "plan"\n', "table ['a.txt'], key 'type': 'plan': expected one of five-year-plan, "),
    (
        '["a.txt"]\nyear = "2021"\n',
        "table ['a.txt'], key 'year': '2021': expected a whole number from 1949 to 2100",
    ),
    ('["a.txt"]\nyear = 21\n', "table ['a.txt'], key 'year': 21: expected a whole number"),
    ('["a.txt"]\nregion = "999999"\n', "table ['a.txt'], key 'region': '999999' is not a GB/T 2260 code"),
    (
        '["a.txt"]\nregion = "火星市"\n',
        "table ['a.txt'], key 'region': '火星市' is not a place name in the gazetteer",
    ),
    ('["a.txt"]\ntitle = ""\n', "table ['a.txt'], key 'title': expected the document's title"),
    ('"a.txt" = "义县"\n', "'a.txt' must be a table"),
    ('["a.txt"\nregion = 1\n', "not valid TOML: "),
]


@pytest.mark.parametrize(("manifest_text", "said_about_it"), MANIFEST_MISTAKES)
def test_a_mistake_in_a_manifest_names_it_and_refuses_only_its_file(
    tmp_path: Path, manifest_text: str, said_about_it: str
) -> None:
    inputs = tmp_path / "in"
    a = write_plan(inputs, "a.txt", "义县")
    b = write_plan(tmp_path / "elsewhere", "b.txt", "黑山县")
    manifest = inputs / "plangraph.toml"
    manifest.write_text(manifest_text, encoding="utf-8")
    report = pipeline.build([a, b], tmp_path / "build", progress=False, validate=False)
    outcome = {Path(f.file).name: f for f in report.files}
    assert outcome["a.txt"].status == "refused"
    assert (outcome["a.txt"].reason or "").startswith(f"{manifest}: {said_about_it}"), outcome["a.txt"].reason
    assert outcome["b.txt"].status == "built" and report.exit_status == pipeline.EXIT_SOME_LEFT_OUT


def test_an_unknown_region_stops_the_build_before_reading(tmp_path: Path, capsys) -> None:
    plan = write_plan(tmp_path / "in", "a.txt", "义县")
    out = tmp_path / "build"
    assert _cli(str(plan), "--out", str(out), "--region", "火星市") == pipeline.EXIT_NOTHING_WRITTEN
    assert "error: --region 火星市: '火星市' is not a place name in the gazetteer" in capsys.readouterr().err
    assert not out.exists()


def test_region_builds_a_document_whose_text_does_not_say_where(tmp_path: Path) -> None:
    path = tmp_path / "in" / "report.txt"
    path.parent.mkdir()
    path.write_text(hostile.SMALL_PLAN.replace("义县", "", 1), encoding="utf-8")  # a title with no place
    out = tmp_path / "build"
    assert _cli(str(path), "--out", str(out), "--region", "210727") == pipeline.EXIT_ALL_BUILT
    assert "<https://w3id.org/plangraph/id/region/210727>" in (out / "plangraph.trig").read_text(
        encoding="utf-8"
    )
