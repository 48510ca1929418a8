"""Issue 14: a build that streams, runs on all cores and is incremental.

- A second build of the same inputs takes every file from the previous build's cache and writes
  the same bytes; a changed file is the only one read, extracted and validated again, and only its
  graph (and the reference graphs it changes) are replaced in the store, which then holds exactly
  what a fresh build's store holds.
- A changed rule file (any file of the package) invalidates every entry.
- The dump is the same whatever order the workers finish in and whatever the hash seed, and two
  documents that clash keep the IRIs input order gives them.
- A worker that dies on a file loses only that file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import hostile
from plangraph import buildcache, pipeline, store
from plangraph.settings import PACKAGE_DIR, get_settings, set_settings

REGIONS = ("义县", "黑山县", "北镇市")


def plans(folder: Path, regions: tuple[str, ...] = REGIONS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, region in enumerate(regions):
        path = folder / f"plan{number}.txt"
        path.write_text(hostile.small_plan(region), encoding="utf-8")
        paths.append(path)
    return paths


def build(inputs: list[Path], out: Path, **options: object) -> pipeline.BuildReport:
    report = pipeline.build(inputs, out, progress=False, **options)  # type: ignore[arg-type]
    assert report.written, report.problems
    return report


def trig(out: Path) -> bytes:
    return (out / store.TRIG_NAME).read_bytes()


def quads(out: Path) -> tuple[set[ox.Quad], int]:
    """The store's quads without blank nodes (their labels differ from load to load), and how many
    hold one."""
    plain, blank = set(), 0
    for quad in ox.Store.read_only(str(out / store.STORE_NAME)):
        if any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object)):
            blank += 1
        else:
            plain.add(quad)
    return plain, blank


@pytest.fixture
def in_this_process() -> Iterator[None]:
    """The files are processed in this process, where a spy or a patched function sees them."""
    set_settings(get_settings().with_overrides(build_workers=1))
    try:
        yield
    finally:
        set_settings(None)


@pytest.fixture
def extracted(monkeypatch: pytest.MonkeyPatch, in_this_process: None) -> list[str]:
    """The names of the files whose documents were extracted, in the order they were."""
    seen: list[str] = []
    parse = pipeline.parse_document

    def spy(text, gazetteer, user=None):
        seen.append(text.source.name)
        return parse(text, gazetteer, user)

    monkeypatch.setattr(pipeline, "parse_document", spy)
    return seen


def test_a_second_build_reuses_everything_and_writes_the_same_bytes(tmp_path: Path, extracted) -> None:
    inputs = plans(tmp_path / "in")
    out = tmp_path / "build"
    first = build(inputs, out)
    assert first.reused == 0 and sorted(extracted) == ["plan0.txt", "plan1.txt", "plan2.txt"]
    before, store_before = trig(out), quads(out)
    extracted.clear()
    second = build(inputs, out)
    assert extracted == []  # nothing was read into documents, extracted or validated again
    assert second.reused == 3 and second.store_update == "incremental"
    assert trig(out) == before and quads(out) == store_before
    saved = json.loads((out / store.REPORT_NAME).read_text(encoding="utf-8"))
    assert saved["build"]["files_reused"] == 3 and saved["build"]["files_processed"] == 0
    assert [f["status"] for f in saved["files"]] == ["built"] * 3
    assert second.validation is not None and second.validation.conforms
    assert second.validation.documents == first.validation.documents  # type: ignore[union-attr]


def test_a_changed_file_is_the_only_one_made_again_and_replaces_only_its_graph(
    tmp_path: Path, extracted
) -> None:
    inputs = plans(tmp_path / "in")
    out = tmp_path / "build"
    build(inputs, out)
    old_index = buildcache.read_index(out / buildcache.CACHE_DIR)["graphs"]
    inputs[1].write_text(
        hostile.small_plan("黑山县", "\n第三章 保障措施\n\n加强组织领导。\n"), encoding="utf-8"
    )
    extracted.clear()
    rebuilt = build(inputs, out)
    assert extracted == ["plan1.txt"] and rebuilt.reused == 2
    assert rebuilt.store_update == "incremental"
    new_index = buildcache.read_index(out / buildcache.CACHE_DIR)["graphs"]
    changed = {g for g in new_index if old_index.get(g, {}).get("digest") != new_index[g]["digest"]}
    (changed_doc,) = {g for g in changed if "/graph/doc/" in g}  # one document graph, its own
    assert "210726" in changed_doc  # 黑山县
    # the rebuilt folder holds what a fresh build of the same inputs holds, dump and store alike
    fresh = build(inputs, tmp_path / "fresh")
    assert fresh.reused == 0
    assert trig(out) == trig(tmp_path / "fresh")
    assert quads(out) == quads(tmp_path / "fresh")
    assert store.has_union_default_graph(ox.Store.read_only(str(out / store.STORE_NAME)))


def test_a_removed_file_takes_its_graph_out_of_the_store(tmp_path: Path, in_this_process: None) -> None:
    inputs = plans(tmp_path / "in", ("义县", "黑山县", "北镇市", "凌海市", "太和区"))
    out = tmp_path / "build"
    build(inputs, out)
    rebuilt = build(inputs[:4], out)
    assert rebuilt.store_update == "incremental" and rebuilt.reused == 4
    build(inputs[:4], tmp_path / "fresh")
    assert trig(out) == trig(tmp_path / "fresh")
    assert quads(out) == quads(tmp_path / "fresh")


def test_a_changed_rule_file_invalidates_every_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extracted
) -> None:
    """The code fingerprint covers every file of the package (its rules, tables and ontology too).
    The build runs the installed package; its fingerprint is taken here from a copy of it, so that
    the test can change a rule file without touching the package."""
    package = tmp_path / "package"
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    monkeypatch.setattr(buildcache, "PACKAGE_DIR", package)
    inputs = plans(tmp_path / "in")
    out = tmp_path / "build"
    build(inputs, out)
    assert build(inputs, out).reused == 3
    rules = package / "entities" / "rules" / "places.toml"
    time.sleep(0.01)  # a new modification time, as an editor would give it
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# a new rule\n", encoding="utf-8")
    extracted.clear()
    again = build(inputs, out)
    assert again.reused == 0 and sorted(extracted) == ["plan0.txt", "plan1.txt", "plan2.txt"]


def test_documents_that_clash_keep_the_iris_input_order_gives_whatever_order_workers_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies of one plan (same region, type and period) in two files: the first input keeps
    the plan's IRI and the second is told apart by its file, also when the first finishes last."""
    folder = tmp_path / "in"
    inputs = plans(folder, ("义县", "义县", "黑山县"))
    inputs[1].write_text(hostile.small_plan("义县", "\n第三章 其他\n\n另一份。\n"), encoding="utf-8")
    in_order = build(inputs, tmp_path / "serial", workers=1)
    process = pipeline.process_file

    def first_finishes_last(job: pipeline.FileJob) -> pipeline.FileProduct:
        if job.number == 0 and not job.iris:
            time.sleep(1.5)
        return process(job)

    monkeypatch.setattr(pipeline, "process_file", first_finishes_last)  # the forked workers run it too
    parallel = build(inputs, tmp_path / "parallel", workers=2)
    iris = [[d.iri for d in f.documents] for f in parallel.files]
    assert iris == [[d.iri for d in f.documents] for f in in_order.files]
    assert iris[0] == ["https://w3id.org/plangraph/id/doc/210727/plan/2021-2025"]
    assert iris[1][0].startswith(iris[0][0] + "-")
    assert trig(tmp_path / "parallel") == trig(tmp_path / "serial")


def test_the_dump_is_the_same_under_any_hash_seed(tmp_path: Path) -> None:
    corpus = get_settings().corpus_dir.resolve()
    inputs = [str(corpus / "002_aeb35f2bbea0796b.txt"), *map(str, plans(tmp_path / "in"))]
    dumps = []
    for seed, workers in (("1", "1"), ("4242", "2")):
        out = tmp_path / f"build-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PLANGRAPH_BUILD_WORKERS": workers}
        command = [sys.executable, "-m", "plangraph.cli", "build", *inputs, "--out", str(out), "--quiet"]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        dumps.append(trig(out))
    assert dumps[0] == dumps[1]


def test_a_worker_that_dies_loses_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = plans(tmp_path / "in", ("义县", "黑山县", "北镇市", "凌海市"))
    process = pipeline.process_file

    def crash_on_plan2(job: pipeline.FileJob) -> pipeline.FileProduct:
        if job.path.endswith("plan2.txt"):
            os._exit(70)  # a crash inside a C library, or the out-of-memory killer
        return process(job)

    monkeypatch.setattr(pipeline, "process_file", crash_on_plan2)
    report = pipeline.build(inputs, tmp_path / "build", progress=False, validate=False, workers=2)
    assert report.written and report.exit_status == pipeline.EXIT_SOME_LEFT_OUT
    outcomes = {Path(f.file).name: f for f in report.files}
    assert [outcomes[f"plan{n}.txt"].status for n in (0, 1, 3)] == ["built"] * 3
    assert outcomes["plan2.txt"].status == "refused"
    assert "its worker process died" in (outcomes["plan2.txt"].reason or "")
