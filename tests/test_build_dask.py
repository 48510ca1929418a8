"""Issue 14 item 5: the per-file stage runs on an existing Dask cluster (`--executor dask://…`).

The test starts a real local cluster (dask.distributed's LocalCluster: a scheduler and two worker
processes of their own, on loopback) and builds through its scheduler's address, as a user would
with a cluster of several machines: the outcomes and the dump are those of a build on this machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import hostile
from plangraph import pipeline, store
from plangraph.cli import main
from plangraph.executors import ExecutorError, make_executor

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a local Dask cluster, dask://127.0.0.1:PORT, for the tests of this module."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit="2GiB",
    ) as cluster:
        yield "dask://" + cluster.scheduler_address.removeprefix("tcp://")


def inputs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for number, region in enumerate(("义县", "黑山县", "北镇市")):
        path = folder / f"plan{number}.txt"
        path.write_text(hostile.small_plan(region), encoding="utf-8")
        made.append(path)
    made.append(hostile.empty(folder))
    return made


def test_a_build_on_a_dask_cluster_writes_what_a_local_build_writes(tmp_path: Path, scheduler: str) -> None:
    files = inputs(tmp_path / "in")
    local = pipeline.build(files, tmp_path / "local", progress=False, workers=1)
    remote = pipeline.build(files, tmp_path / "remote", progress=False, executor=scheduler)
    assert remote.executor.startswith("the Dask cluster at") and "2 worker threads" in remote.executor
    assert remote.exit_status == local.exit_status == pipeline.EXIT_SOME_LEFT_OUT  # the empty file
    assert [(f.status, f.reason) for f in remote.files] == [(f.status, f.reason) for f in local.files]
    assert remote.validation is not None and remote.validation.conforms
    trig = store.TRIG_NAME
    assert (tmp_path / "remote" / trig).read_bytes() == (tmp_path / "local" / trig).read_bytes()


def test_the_cli_takes_the_executor(tmp_path: Path, scheduler: str, capsys) -> None:
    files = [str(p) for p in inputs(tmp_path / "in")[:2]]
    out = tmp_path / "build"
    assert main(["build", *files, "--out", str(out), "--executor", scheduler]) == pipeline.EXIT_ALL_BUILT
    assert "built 2 of 2 documents" in capsys.readouterr().out
    # a rebuild takes both files from the cache and sends nothing to the cluster
    again = pipeline.build([Path(f) for f in files], out, progress=False, executor=scheduler)
    assert again.reused == 2


def test_an_executor_that_is_not_one_is_refused_with_the_reason() -> None:
    with pytest.raises(ExecutorError, match="expected local or dask://HOST:PORT"):
        make_executor("ray://somewhere", 2, 10)
