"""Where the per-file stage of a build runs: in this process, in a pool of local processes, or on a
Dask cluster.

The stage (:func:`plangraph.pipeline.process_file`) is a pure function of its job (the file's bytes,
its name, what the user said about it): it reads nothing else from the file system and returns the
file's outcome, its documents' graphs as TriG text and their compact keys. So the same function runs
anywhere; an executor only moves jobs out and results back, in the order they finish (the build puts
them back in input order itself).

Local workers are forked (they inherit the loaded gazetteer, shapes and any monkeypatching a test
did), die with the build however it dies (``PR_SET_PDEATHSIG``) and are stopped when it is
interrupted. A worker that dies on a job (a crash in a C library, the out-of-memory killer) does not
lose the other jobs: those not finished are run again one at a time, each in a fresh process, and
the job that kills its process again is answered with the reason.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import urlparse

J = TypeVar("J")
R = TypeVar("R")

#: How many jobs per worker are handed out ahead of the results (the jobs carry a file's bytes,
#: so this bounds what waits in memory, whatever the number of files).
JOBS_AHEAD_PER_WORKER = 2


class ExecutorError(ValueError):
    """An executor that cannot be used (unknown scheme, no cluster at the address, missing extra)."""


@dataclass
class Failed:
    """A job whose process died (or whose function raised outside its own error handling)."""

    reason: str


class Executor(Protocol, Generic[J, R]):
    name: str

    def run(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[tuple[J, R | Failed]]:
        """Each job with its result, in the order they finish."""
        ...

    def close(self) -> None: ...


class InProcess:
    """Jobs run one after the other in this process (``build_workers`` = 1, or one job)."""

    name = "this process"

    def run(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[tuple[J, R | Failed]]:
        for job in jobs:
            yield job, fn(job)

    def close(self) -> None:
        pass


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Initializer of a forked worker: killed when the process that forked it dies, however it dies
    (kill -9 included: Linux ``PR_SET_PDEATHSIG``); SIGINT and SIGTERM are left to the parent, which
    stops its workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with suppress(AttributeError, OSError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above: nobody will collect us
        os._exit(1)


class LocalPool:
    """Jobs run in ``workers`` forked processes of this machine."""

    def __init__(self, workers: int):
        if "fork" not in multiprocessing.get_all_start_methods():
            raise ExecutorError("local worker processes need fork (Linux or macOS); set build_workers=1")
        self.workers = workers
        self.name = f"{workers} local processes"
        self._pools: list[ProcessPoolExecutor] = []

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        )
        self._pools.append(pool)
        return pool

    def run(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[tuple[J, R | Failed]]:
        pending = iter(jobs)
        pool = self._pool(self.workers)
        running: dict[Future[R], J] = {}
        unfinished: list[J] = []
        try:
            while True:
                while len(running) < self.workers * JOBS_AHEAD_PER_WORKER:
                    job = next(pending, None)
                    if job is None:
                        break
                    running[pool.submit(fn, job)] = job
                if not running:
                    return
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    try:
                        yield job, future.result()
                    except BrokenProcessPool:
                        unfinished.append(job)
                if unfinished:
                    break
        finally:
            self._stop(pool)
        # A worker died: the jobs it may have held are run again, each alone in a fresh process.
        unfinished += [running[f] for f in running]
        unfinished += list(pending)
        for job in unfinished:
            yield job, self._alone(fn, job)

    def _alone(self, fn: Callable[[J], R], job: J) -> R | Failed:
        pool = self._pool(1)
        try:
            return pool.submit(fn, job).result()
        except BrokenProcessPool:
            return Failed("its worker process died while processing it (a crash or the out-of-memory killer)")
        finally:
            self._stop(pool)

    def _stop(self, pool: ProcessPoolExecutor) -> None:
        """Stop a pool now: running jobs too (an interrupted build must not leave workers behind)."""
        processes = list(getattr(pool, "_processes", {}).values())  # no public way to reach them
        for process in processes:
            with suppress(Exception):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        if pool in self._pools:
            self._pools.remove(pool)

    def close(self) -> None:
        for pool in list(self._pools):
            self._stop(pool)


class DaskCluster:
    """Jobs run on the workers of an existing Dask cluster (``dask://HOST:PORT``, its scheduler).

    The workers must have plangraph installed, of the same version and code (each result carries
    the code fingerprint of the worker that made it, and the build refuses a result made by other
    code). Results come back as they finish; at most ``JOBS_AHEAD_PER_WORKER`` jobs per worker thread
    are sent ahead, so the client holds a bounded number of files' bytes."""

    def __init__(self, address: str, timeout: float = 30.0):
        try:
            from distributed import Client
        except ImportError as err:
            raise ExecutorError(
                "--executor dask://…: the Dask client is not installed (pip install 'plangraph[dask]')"
            ) from err
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except OSError as err:
            raise ExecutorError(
                f"--executor dask://{address}: no Dask scheduler answers there ({err})"
            ) from err
        threads = sum(self.client.nthreads().values()) or 1
        self.slots = threads * JOBS_AHEAD_PER_WORKER
        self.name = f"the Dask cluster at {address} ({threads} worker threads)"

    def run(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[tuple[J, R | Failed]]:
        from distributed import as_completed

        pending = iter(jobs)
        running: dict[Any, J] = {}

        def submit() -> Any | None:
            job = next(pending, None)
            if job is None:
                return None
            future = self.client.submit(fn, job, pure=False)
            running[future] = job
            return future

        first = [f for f in (submit() for _ in range(self.slots)) if f is not None]
        if not first:
            return
        queue = as_completed(first, loop=self.client.loop)
        for future in queue:
            job = running.pop(future)
            try:
                result: R | Failed = future.result()
            except Exception as err:  # a worker lost with the job (KilledWorker), or an error there
                result = Failed(f"the cluster could not process it: {type(err).__name__}: {err}")
            finally:
                future.release()
            yield job, result
            more = submit()
            if more is not None:
                queue.add(more)

    def close(self) -> None:
        self.client.close()


def make_executor(spec: str | None, workers: int, jobs: int) -> InProcess | LocalPool | DaskCluster:
    """The executor ``spec`` names (``--executor``): None or ``local`` for this machine, with at
    most ``workers`` processes (one job, or one worker, runs in this process), or
    ``dask://HOST:PORT``."""
    if spec in (None, "", "local"):
        workers = max(1, min(workers, jobs))
        return InProcess() if workers == 1 else LocalPool(workers)
    parsed = urlparse(spec)
    if parsed.scheme == "dask" and parsed.netloc:
        return DaskCluster(f"tcp://{parsed.netloc}")
    if parsed.scheme in ("tcp", "tls") and parsed.netloc:
        return DaskCluster(spec)
    raise ExecutorError(f"--executor {spec}: expected local or dask://HOST:PORT (a Dask scheduler)")
