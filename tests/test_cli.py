"""The command line: thin, and well-behaved in pipelines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from plangraph.cli import main


def test_query_and_stats_commands(corpus_build: Path, capsys) -> None:
    assert main(["stats", "--build", str(corpus_build)]) == 0
    assert "documents" in capsys.readouterr().out
    assert main(["query", "plan-outline", "--build", str(corpus_build), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("order,level,number,title,line")


def test_a_syntax_error_is_a_message_not_a_traceback(corpus_build: Path, capsys) -> None:
    assert main(["query", "SELEC ?x", "--build", str(corpus_build)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: SPARQL syntax error") and "Traceback" not in err


def test_a_missing_build_is_a_message(tmp_path: Path, capsys) -> None:
    assert main(["stats", "--build", str(tmp_path / "nothing")]) == 1
    assert "run `plangraph build` first" in capsys.readouterr().err


def test_output_cut_short_by_the_reader_is_not_an_error(corpus_build: Path) -> None:
    """`plangraph trace X | head -1`: the reader has gone before the writer is done."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # a reader that has already left: every write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "plangraph.cli", "trace", "铝合金精深加工", "--build", str(corpus_build)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr
