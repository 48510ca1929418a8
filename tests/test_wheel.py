"""The package as users get it: build the wheel, install it into a fresh virtual environment, and
from a folder that is not the checkout build a corpus file and query it.

Fast and still honest:
- the wheel is built from a copy of ``src/``, ``pyproject.toml`` and ``README.md`` (nothing else
  of the checkout, no build artefacts), with pip's ordinary isolated build;
- the fresh environment is ``venv --without-pip`` (no ensurepip, the slow part of ``venv``) and
  the checkout's pip installs into it (``pip --python``): a real resolution of the wheel's declared
  dependencies, served by pip's cache and the machine's wheel mirror, so nothing is downloaded
  twice; no ``--no-deps``, no ``--system-site-packages``, no path of the checkout on ``sys.path``;
- every command runs in a temporary folder with a clean environment (no ``PYTHONPATH``), so a path
  into the checkout, or package data left out of the wheel, fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from plangraph.settings import PACKAGE_DIR

ROOT = Path(__file__).resolve().parents[1]
#: A small real document of the bundled corpus (three work reports in one file).
SAMPLE = ROOT / "data" / "corpus" / "003_c4b0b8e4100e97f5.txt"


def run(command: list[str], cwd: Path, timeout: float = 300) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PLANGRAPH_", "VIRTUAL_ENV"))}
    answer = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert answer.returncode == 0, f"{' '.join(command)}\n{answer.stdout[-3000:]}\n{answer.stderr[-3000:]}"
    return answer.stdout


def package_data(root: Path) -> set[str]:
    """The package's files other than Python sources and caches, relative to the package."""
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix not in (".py", ".pyc")
        and "frontend" not in p.relative_to(root).parts  # the editor's build folder: not package data
    }


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(source)], work
    )
    (wheel,) = (work / "dist").glob("plangraph-*.whl")
    env_dir = work / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", str(wheel)], work)
    return env_dir


def test_the_wheel_builds_and_queries_a_corpus_file_from_another_folder(
    installed: Path, tmp_path: Path
) -> None:
    plangraph = str(installed / "bin" / "plangraph")
    folder = tmp_path / "somewhere"
    (folder / "docs").mkdir(parents=True)
    shutil.copy(SAMPLE, folder / "docs" / SAMPLE.name)
    where = run(
        [str(installed / "bin" / "python"), "-c", "import plangraph; print(plangraph.__file__)"], folder
    )
    assert where.strip().startswith(str(installed)) and str(ROOT) not in where
    output = run([plangraph, "build", "docs", "--out", "out"], folder)
    assert "CONFORMS" in output and (folder / "out" / "plangraph.trig").exists()
    answer = run(
        [plangraph, "query", "--build", "out", "--format", "json",
         "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a pg:WorkReport }"],
        folder,
    )  # fmt: skip
    rows = json.loads(answer)["results"]["bindings"]
    assert rows[0]["n"]["value"] == "3"  # the file holds three work reports
    saved = run([plangraph, "query", "--build", "out", "--format", "csv", "documents-by-region"], folder)
    assert "营口" in saved  # a saved query, read from the installed package


def test_the_wheel_carries_every_data_file_of_the_package(installed: Path) -> None:
    (site,) = (installed / "lib").glob("python*/site-packages")
    assert package_data(site / "plangraph") == package_data(PACKAGE_DIR)
