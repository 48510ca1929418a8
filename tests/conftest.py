"""Shared fixtures: the bundled corpus built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from plangraph.settings import PACKAGE_DIR, get_settings

#: The checkout (tests run from it).
ROOT = Path(__file__).resolve().parents[1]

#: Everything a build reads or is made by; build/ is reused only when it is newer than all of it.
_BUILD_INPUTS = (PACKAGE_DIR, ROOT / "data" / "corpus")


def _newest_input() -> float:
    newest = 0.0
    for folder in _BUILD_INPUTS:
        root = Path(folder)
        if root.exists():
            for path in root.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    newest = max(newest, path.stat().st_mtime)
    return newest


def _fresh_build(build_dir: Path) -> bool:
    trig = build_dir / "plangraph.trig"
    return trig.exists() and (build_dir / "report.json").exists() and trig.stat().st_mtime > _newest_input()


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build directory of the bundled corpus: build/ when it is newer than the code, corpus and
    reference data it is made from, else a fresh build into a temporary directory.

    SHACL validation is skipped here: it has tests of its own, and a shape violation should fail
    those, not every test that reads the corpus graph."""
    settings = get_settings()
    if _fresh_build(settings.build_dir):
        return settings.build_dir
    from plangraph.pipeline import build

    out = tmp_path_factory.mktemp("corpus") / "build"
    report = build([settings.corpus_dir], out, progress=False, validate=False)
    if not report.ok:
        pytest.fail("building the corpus failed:\n" + "\n".join(report.problems))
    return out
