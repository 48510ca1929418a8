"""The whole build: bad input, determinism, exact quotes, atomic replacement."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph import pipeline, store
from plangraph.ingest import read_source
from plangraph.settings import get_settings

SMALL_PLAN = (
    "义县国民经济和社会发展第十四个五年规划纲要\n\n"
    "第一章 发展基础\n\n全县经济总量稳步提升，产业结构持续优化，人民生活水平显著提高。\n\n"
    "第二章 主要任务\n\n第一节 产业发展\n\n大力发展新材料产业和现代物流业。\n\n"
    "专栏1 重点项目\n\n1. 年产10万吨新材料项目；2. 物流园区建设工程。\n"
)


def corpus_file(name: str) -> Path:
    return get_settings().corpus_dir / name


@pytest.fixture
def mixed_inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus_file("002_aeb35f2bbea0796b.txt"), folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 8)
    (folder / "gbk.txt").write_bytes(SMALL_PLAN.encode("gbk"))
    (folder / "noheadings.txt").write_text(
        "黑山县2020年政府工作报告\n\n这是一段没有任何标题的文字，讲述全县一年来的发展情况。\n",
        encoding="utf-8",
    )
    (folder / "nowhere.txt").write_text(
        "某某星球国民经济和社会发展第十四个五年规划纲要\n\n第一章 总则\n\n发展。\n", encoding="utf-8"
    )
    return folder


def test_bad_files_get_clear_messages_and_the_others_still_build(mixed_inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    report = pipeline.build([mixed_inputs], out, progress=False)
    assert report.ok, report.problems
    problems = "\n".join(report.problems)
    assert "empty.txt: the file is empty" in problems
    assert "binary.bin: binary file" in problems
    assert "nowhere.txt: cannot tell which region" in problems
    assert any("noheadings.txt: no headings found" in w for w in report.warnings)
    built = {d.file for d in report.documents}
    assert built == {"002_aeb35f2bbea0796b.txt", "gbk.txt", "noheadings.txt"}
    gbk = next(d for d in report.documents if d.file == "gbk.txt")
    assert gbk.counts["divisions"] == 3 and gbk.counts["boxes"] == 1
    assert (out / "plangraph.trig").exists() and (out / "store").is_dir()
    assert (out / "sources" / "gbk.txt").read_bytes() == (mixed_inputs / "gbk.txt").read_bytes()


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    inputs = [corpus_file("004_b18dca5de18b2533.txt"), corpus_file("003_c4b0b8e4100e97f5.txt")]
    a = pipeline.build(inputs, tmp_path / "a", progress=False, validate=False)
    b = pipeline.build(inputs, tmp_path / "b", progress=False, validate=False)
    assert a.ok and b.ok
    assert (tmp_path / "a" / "plangraph.trig").read_bytes() == (
        tmp_path / "b" / "plangraph.trig"
    ).read_bytes()


def test_every_mention_quotes_the_source_at_its_offsets(corpus_build: Path) -> None:
    st = store.open_store(corpus_build)
    rows = store.query(
        st,
        """SELECT ?file ?start ?end ?quote WHERE {
             ?m a pg:Mention ; pg:document ?d ; pg:start ?start ; pg:end ?end ; pg:quote ?quote .
             ?d pg:sourceFile ?file }""",
    )
    texts: dict[str, str] = {}
    checked = 0
    for row in rows:
        file = row["file"].value
        if file not in texts:
            texts[file] = read_source(corpus_build / "sources" / file).text
        start, end = int(row["start"].value), int(row["end"].value)
        assert texts[file][start:end] == row["quote"].value, (file, start, end)
        checked += 1
    assert checked > 1000


def test_an_interrupted_build_leaves_the_previous_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "build"
    inputs = [corpus_file("002_aeb35f2bbea0796b.txt")]
    assert pipeline.build(inputs, out, progress=False, validate=False).ok
    before = (out / "plangraph.trig").read_bytes()

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "write_store", crash)
    with pytest.raises(OSError, match="disk full"):
        pipeline.build([corpus_file("004_b18dca5de18b2533.txt")], out, progress=False, validate=False)
    assert (out / "plangraph.trig").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build-")]


def test_a_build_with_nothing_readable_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "build"
    report = pipeline.build([tmp_path / "empty.txt"], out, progress=False)
    assert not report.ok and not out.exists()
    assert any("empty.txt" in p for p in report.problems)


def test_the_store_answers_like_the_trig(corpus_build: Path) -> None:
    on_disk = store.open_store(corpus_build, in_memory=False)
    in_memory = store.open_store(corpus_build, in_memory=True)
    q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    counts = [next(iter(store.query(s, q)))["n"] for s in (on_disk, in_memory)]
    assert counts[0] == counts[1] and int(counts[0].value) > 10000
    assert isinstance(on_disk, ox.Store)
