"""Every byte accounted for (issue 9): bad bytes, non-files, missing inputs, limits, split files,
linear cleaning, malformed settings. The inputs come from tests/hostile.py."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import hostile
from plangraph import ingest, pipeline
from plangraph.entities.regions import Gazetteer
from plangraph.ingest import read_documents, read_source
from plangraph.model import InputError
from plangraph.settings import SettingsError, from_environment, get_settings, set_settings

# --- a few bad bytes: the plan is read, with a warning that says where --------------------------

ONE_BAD_BYTE = [
    # maker, what the warning says, the bad byte's offset in the file
    (hostile.nul_in_plan, "1 byte is NUL (not text)", b"\x00"),
    (hostile.invalid_utf8_in_plan, "1 byte is not valid UTF-8", b"\xff"),
    (hostile.gbk_plan_with_bad_byte, "1 byte is not valid GB18030", b"\xff"),
]


@pytest.mark.parametrize(("make", "said", "bad"), ONE_BAD_BYTE, ids=lambda v: getattr(v, "__name__", None))
def test_one_bad_byte_keeps_the_document_and_says_where(tmp_path: Path, make, said: str, bad: bytes) -> None:
    path = make(tmp_path)
    data = path.read_bytes()
    offset = data.index(bad)
    source = read_source(path)
    assert len(source.warnings) == 1, source.warnings
    warning = source.warnings[0]
    line = data.count(b"\n", 0, offset) + 1
    assert f"{path}: {said}" in warning and f"at byte {offset} (line {line})" in warning
    assert source.text.count("\ufffd") == 1  # one character stands for the byte; the rest is intact
    assert source.text.replace("\ufffd", "") == data.replace(bad, b"").decode(source.encoding)


def test_a_plan_cut_inside_its_last_character_is_read_up_to_it(tmp_path: Path) -> None:
    path = hostile.truncated_plan(tmp_path)
    source = read_source(path)
    size = path.stat().st_size
    assert source.text.endswith("\ufffd")
    assert any("not valid UTF-8" in w and f"at bytes {size - 2}-{size - 1}" in w for w in source.warnings)


def test_the_72k_plan_with_a_nul_byte_builds_with_its_warning(tmp_path: Path) -> None:
    result = pipeline.build_file(hostile.nul_in_plan(tmp_path), Gazetteer.load())
    assert result.outcome.status == "built", result.outcome
    assert [d.title for d in result.outcome.documents] == [
        "站前区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
    ]
    assert any("NUL (not text)" in w for w in result.outcome.warnings)
    assert result.documents[0][1].divisions  # the whole plan: its headings are all there


def test_many_bad_bytes_are_refused_with_the_offset_of_the_first(tmp_path: Path) -> None:
    data = hostile.plan_bytes()
    path = tmp_path / "latin1.txt"
    path.write_bytes(data[:100] + bytes(range(0x80, 0x100)) * 20 + data[100:])
    with pytest.raises(
        InputError,
        match=r"latin1\.txt: cannot decode the text \(not UTF-8 \(first invalid byte at offset \d+",
    ):
        read_source(path)


# --- files that are not files: refused before anything is read ----------------------------------

REFUSED_BEFORE_READING = [
    (hostile.fifo, "a FIFO (named pipe), not a regular file: refused without reading it"),
    (hostile.device, "a character device, not a regular file: refused without reading it"),
    (hostile.folder_named_txt, "a folder, not a regular file: refused without reading it"),
    (hostile.symlink_loop, "a symbolic link loop (the link leads back to itself): cannot read"),
    (hostile.dangling_link, "a broken symbolic link (to"),
    (hostile.missing, "no such file"),
]


@pytest.mark.parametrize(("make", "said"), REFUSED_BEFORE_READING, ids=lambda v: getattr(v, "__name__", None))
def test_what_is_not_a_regular_file_is_refused_before_reading(tmp_path: Path, make, said: str) -> None:
    path = make(tmp_path)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_source(path)
        except BaseException as err:
            outcome.append(err)

    reader = threading.Thread(target=read, daemon=True)  # a FIFO read by old code never returns
    reader.start()
    reader.join(timeout=20)
    assert not reader.is_alive(), f"reading {path.name} did not return"
    assert outcome and isinstance(outcome[0], InputError), outcome
    assert str(outcome[0]) == f"{path}: {said}" or str(outcome[0]).startswith(f"{path}: {said}")


def test_max_file_bytes_counts_the_bytes_read_not_the_size_reported(tmp_path: Path) -> None:
    """/proc files report a size of 0 and hold more: the limit applies to what is read."""
    set_settings(get_settings().with_overrides(max_file_bytes=100))
    try:
        with pytest.raises(
            InputError, match=r"too large \(more than 100 bytes read; limit max_file_bytes=100\)"
        ):
            read_source("/proc/self/maps")
    finally:
        set_settings(None)


def _limit_memory() -> None:  # the old code read /dev/zero until memory ran out: keep that bounded
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def test_a_build_of_every_hostile_input_builds_the_good_one(tmp_path: Path) -> None:
    """`plangraph build good.txt missing.txt /dev/zero fifo …`: each bad input is one refused file
    with its reason, the good file is built, and the exit status says some were refused."""
    inputs = tmp_path / "in"
    made = hostile.make_all(inputs)
    made.pop("folder_named_txt")  # a folder given is a folder of inputs (this one empty: a warning)
    good = inputs / "good.txt"
    good.write_text(hostile.SMALL_PLAN, encoding="utf-8")
    paths = [str(p) for p in made.values()] + [str(good), str(inputs / "folder.txt")]
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "plangraph.cli",
            "build",
            *paths,
            "--out",
            str(out),
            "--quiet",
            "--no-validate",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        preexec_fn=_limit_memory,
    )
    assert done.returncode == pipeline.EXIT_SOME_LEFT_OUT, done.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    outcome = {Path(f["file"]).name: f for f in report["files"]}
    assert set(outcome) == {p.name for p in made.values()} | {"good.txt"}
    assert outcome["good.txt"]["status"] == "built"
    for name in (
        "nul_in_plan.txt",
        "invalid_utf8_in_plan.txt",
        "truncated_plan.txt",
        "long_markdown_line.txt",
    ):
        assert outcome[name]["status"] == "built", outcome[name]
    refused = {name: f["reason"] for name, f in outcome.items() if f["status"] == "refused"}
    assert refused == {
        "empty.txt": "the file is empty",
        "blank.txt": "the file is empty (only white space)",
        "picture.txt": refused["picture.txt"],
        "english.txt": "no Chinese text found: not a plan or report",
        "fifo.txt": "a FIFO (named pipe), not a regular file: refused without reading it",
        "zero.txt": "a character device, not a regular file: refused without reading it",
        "loop.txt": "a symbolic link loop (the link leads back to itself): cannot read",
        "dangling.txt": refused["dangling.txt"],
        "missing.txt": "no such file",
    }
    assert (
        refused["picture.txt"].startswith("binary file (") and "the first at byte 8" in refused["picture.txt"]
    )
    assert refused["dangling.txt"].startswith("a broken symbolic link")
    for name, reason in refused.items():
        assert f"{inputs / name}: {reason}" in done.stderr
    assert f"{inputs / 'folder.txt'}: a folder with no files to read" in report["warnings"]


# --- a file of several documents says so; nothing is dropped without a word ---------------------


def _content_lines(source) -> set[int]:
    noise = {n for r in ingest.find_noise(source) for n in range(r.first_line, r.last_line + 1)}
    return {n for n in range(1, source.line_count + 1) if source.line_text(n).strip() and n not in noise}


def _lines_named(warning: str) -> set[int]:
    """The lines a split warning says are in no document ("on lines 7-9, 25-155 are in none")."""
    found = re.search(r"on lines ([\d, -]+) are in none of them", warning)
    lines: set[int] = set()
    for part in found.group(1).split(", ") if found else []:
        first, _, last = part.partition("-")
        lines |= set(range(int(first), int(last or first) + 1))
    return lines


def test_the_corpus_repeated_keeps_every_plan_and_names_what_it_does_not_read(tmp_path: Path) -> None:
    """Issue 9: the corpus repeated (19 MB) built with 75% of its text dropped without a word, because
    a web list page inside it made the file "news items only"."""
    docs = read_documents(hostile.corpus_repeated(tmp_path, copies=2))
    source = docs[0].source
    in_documents = {n for d in docs for n in range(d.first_line, d.last_line + 1)}
    chars = sum(len(b.text) for d in docs for b in d.blocks)
    assert chars > 0.9 * len(source.text), (chars, len(source.text))
    [warning] = [w for w in source.warnings if "a list page of several documents" in w]
    assert f"read as {len(docs)}:" in warning
    assert _content_lines(source) <= in_documents | _lines_named(warning)  # every line is accounted for
    titles = [d.blocks[0].text for d in docs]
    assert sum(t.startswith("辽阳市国民经济和社会发展") for t in titles) == 2  # both copies of 004


def test_the_bundled_list_page_says_what_it_leaves_unread() -> None:
    docs = read_documents(get_settings().corpus_dir / "003_c4b0b8e4100e97f5.txt")
    source = docs[0].source
    [warning] = source.warnings
    assert "read as 3: lines 1-4 '2017年营口市政府工作报告'" in warning
    in_documents = {n for d in docs for n in range(d.first_line, d.last_line + 1)}
    assert _content_lines(source) <= in_documents | _lines_named(warning)


# --- cleaning is linear in the length of a line --------------------------------------------------


class _CountingPattern:
    """MARKDOWN_EMPHASIS that counts how often the text is searched."""

    def __init__(self, pattern: re.Pattern[str]):
        self.pattern, self.searches = pattern, 0

    def finditer(self, text: str):
        self.searches += 1
        return self.pattern.finditer(text)

    def sub(self, repl: str, text: str) -> str:
        return self.pattern.sub(repl, text)


def test_a_long_line_full_of_emphasis_is_searched_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9: one 80k-character line with ``**`` took 5.2 s: each character searched the line again."""
    counting = _CountingPattern(ingest.MARKDOWN_EMPHASIS)
    monkeypatch.setattr(ingest, "MARKDOWN_EMPHASIS", counting)
    [doc] = read_documents(hostile.long_markdown_line(tmp_path, chars=20_000))
    assert counting.searches <= 20  # one per line holding "**", not one per character
    assert not [b for b in doc.blocks if "**" in b.text]
    text = "".join(b.text for b in doc.blocks)
    assert text.count("推动高质量发展") == doc.source.text.count("推动**高质量**发展")
    for block in doc.blocks:  # offsets still index the source exactly
        assert all(
            doc.source.text[o] == ch for ch, o in zip(block.span.text, block.span.offsets, strict=True)
        )


# --- settings ------------------------------------------------------------------------------------

BAD_SETTINGS = [
    ("PLANGRAPH_QUERY_TIMEOUT", "abc", "expected a number (float)"),
    ("PLANGRAPH_QUERY_TIMEOUT", "nan", "expected a finite number (float)"),
    ("PLANGRAPH_QUERY_WORKERS", "two", "expected a whole number (int)"),
    ("PLANGRAPH_VALIDATE_ON_BUILD", "maybe", "expected a boolean (bool"),
]


@pytest.mark.parametrize(("key", "value", "said"), BAD_SETTINGS)
def test_a_malformed_setting_names_the_variable_and_the_type(key: str, value: str, said: str) -> None:
    with pytest.raises(SettingsError) as caught:
        from_environment({key: value})
    assert str(caught.value).startswith(f"{key}={value!r}: {said}")


def test_a_malformed_setting_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "PLANGRAPH_QUERY_TIMEOUT": "abc"}
    done = subprocess.run(
        [sys.executable, "-m", "plangraph.cli", "stats", "--build", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "error: PLANGRAPH_QUERY_TIMEOUT='abc': expected a number (float) (setting query_timeout)"
    )
