"""Run SPARQL queries in worker processes, so a query can really be stopped at its time limit.

pyoxigraph evaluates a query inside native code that cannot be interrupted from Python, in the
calling thread or any other. So queries run in a small pool of worker processes (``query_workers``),
each holding its own copy of the store: the TriG dump loaded in memory, or the on-disk store opened
read-only when ``store_in_memory`` is false. A query that outlives ``query_timeout`` has its worker
killed (SIGKILL) and a fresh one started in its place, while the other workers keep answering; the
event loop only ever awaits, so the web server stays responsive throughout.

Results are serialised inside the worker (with the ``max_result_rows`` cut) and come back as bytes.
Workers are fresh interpreters (``python -m plangraph.web.worker_process``, like multiprocessing's
``spawn``, never ``fork``, which is unsafe next to uvicorn's threads and event loop); the cost is a
Python start-up plus loading the store, paid once per worker at start-up and again only after a
timeout.

SPARQL Update (only when the server allows it) changes every worker's copy: an update runs on one
worker and is recorded in a journal; every other worker, and every replacement worker, replays the
journal before it takes its next query, so a client always reads its own writes. Updates live as
long as the server: ``plangraph build`` output is never modified.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from ..settings import Settings, get_settings
from . import results
from .worker_process import NETWORK_SETTINGS, Job, Outcome

log = logging.getLogger(__name__)

#: How long a worker may take to load the store before start-up is declared failed.
STARTUP_TIMEOUT = 300.0

#: Network answers (traces, paths, comparisons) kept for repeated requests: most bytes in all,
#: and most bytes of one answer worth keeping.
NETWORK_CACHE_BYTES = 16 * 1024 * 1024
NETWORK_CACHE_ITEM_BYTES = 2 * 1024 * 1024


class EngineError(Exception):
    """A query could not be run; ``status`` is the HTTP status to answer with."""

    status = 503

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class QueryTimeout(EngineError):
    status = 503


class EngineBusy(EngineError):
    status = 503


class EngineUnavailable(EngineError):
    status = 503


# --- in the server process -------------------------------------------------------------------


class _Worker:
    """One worker process and the server's end of the socket to it.

    Workers are plain ``python -m`` subprocesses rather than multiprocessing children: a fresh
    interpreter (like the ``spawn`` method, safe next to uvicorn's threads and event loop) that does
    not re-import the server's ``__main__`` module, whatever script started the server.
    """

    def __init__(self, build_dir: Path, in_memory: bool, journal: list):
        ours, theirs = socket.socketpair()
        self.started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "plangraph.web.worker_process",
                    str(theirs.fileno()),
                    str(build_dir),
                    "in-memory" if in_memory else "on-disk",
                ],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                close_fds=True,
            )
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.conn.send(list(journal))
        self.applied = len(journal)
        self.info: dict = {}

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker has loaded the store (raises EngineUnavailable if it failed)."""
        if not self.conn.poll(timeout):
            self.close()
            raise EngineUnavailable(f"a query worker did not load the store within {timeout:.0f} s")
        try:
            status, detail = self.conn.recv()
        except (EOFError, OSError) as err:
            self.close()
            raise EngineUnavailable(f"a query worker died while loading the store ({err!r})") from err
        if status != "ready":
            self.close()
            raise EngineUnavailable(f"a query worker could not load the store: {detail}")
        self.info = dict(detail, startup_seconds=time.perf_counter() - self.started)

    def call(self, job: Job) -> Outcome:
        """Send a job and block for its outcome (runs in a thread of the engine's executor)."""
        try:
            self.conn.send(job)
            return self.conn.recv()
        except (EOFError, OSError) as err:
            return Outcome(503, message=f"the query worker stopped ({err!r})", kind="died")

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)

    def close(self) -> None:
        self.kill()
        with contextlib.suppress(Exception):
            self.conn.close()


def _stable_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _drop_outcome(task: asyncio.Future) -> None:
    """Mark a shielded task's exception as seen (its requester may have gone away)."""
    if not task.cancelled():
        task.exception()


@dataclass
class EngineStats:
    queries: int = 0
    timeouts: int = 0
    replaced_workers: int = 0
    startup_seconds: list[float] = field(default_factory=list)


class QueryEngine:
    """A pool of query worker processes over one build directory.

    Use ``await engine.start()`` / ``await engine.stop()`` (the app's lifespan does this), or let
    the first query start it. All methods are coroutines of one event loop.
    """

    def __init__(self, build_dir: Path, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self.build_dir = Path(build_dir)
        # Updates need a writable copy: with them allowed every worker loads the store in memory.
        self.in_memory = self.settings.store_in_memory or self.settings.allow_updates
        self.workers_wanted = max(1, int(self.settings.query_workers))
        self.stats = EngineStats()
        self._journal: list[tuple[str, str | None]] = []
        self._workers: set[_Worker] = set()
        self._idle: asyncio.Queue[_Worker] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._spawner: ThreadPoolExecutor | None = None
        self._start_lock: asyncio.Lock | None = None
        self._update_lock: asyncio.Lock | None = None
        self._started = False
        self._closed = False
        self._cache: dict[str, tuple[int, object]] = {}
        # Traces and exports run in the same workers as SPARQL but may take seconds: they get
        # all workers but one, so SPARQL queries always find a worker soon (made in start()).
        self._network_slots: asyncio.Semaphore | None = None
        self._network_cache: OrderedDict[str, tuple[int, Outcome]] = OrderedDict()
        self._network_cache_bytes = 0

    # --- life cycle ------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._started

    async def start(self) -> None:
        """Start the workers and wait until each has loaded the store."""
        if self._started:
            return
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if self._started:
                return
            self._loop = asyncio.get_running_loop()
            self._idle = asyncio.Queue()
            self._update_lock = asyncio.Lock()
            self._network_slots = asyncio.Semaphore(max(1, self.workers_wanted - 1))
            self._executor = ThreadPoolExecutor(
                max_workers=2 * self.workers_wanted + 2, thread_name_prefix="plangraph-query"
            )
            # One thread starts every worker process and lives as long as the engine (see
            # _die_with_parent: a worker dies with the thread that started it).
            self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plangraph-spawner")
            self._closed = False
            spawned = await asyncio.gather(
                *(
                    self._loop.run_in_executor(self._executor, self._spawn_ready)
                    for _ in range(self.workers_wanted)
                ),
                return_exceptions=True,
            )
            failures = [s for s in spawned if isinstance(s, BaseException)]
            for worker in spawned:
                if isinstance(worker, _Worker):
                    self._admit(worker)
            if failures:
                await self.stop()
                raise failures[0]
            self._started = True
            atexit.register(self._kill_all)
            log.info(
                "%d query workers ready (%s quads, start-up %s s)",
                len(self._workers),
                next(iter(self._workers)).info.get("quads"),
                ", ".join(f"{w.info.get('startup_seconds', 0):.2f}" for w in self._workers),
            )

    async def stop(self) -> None:
        self._closed = True
        self._started = False
        self._kill_all()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        if self._spawner is not None:
            self._spawner.shutdown(wait=False, cancel_futures=True)
            self._spawner = None

    def _kill_all(self) -> None:
        for worker in list(self._workers):
            worker.close()
        self._workers.clear()

    def _spawn_ready(self) -> _Worker:
        """Start one worker and wait for it (blocking; runs in the executor)."""
        spawner = self._spawner
        if spawner is None:
            raise EngineUnavailable("the query engine is stopped")
        worker = spawner.submit(_Worker, self.build_dir, self.in_memory, list(self._journal)).result()
        worker.wait_ready(STARTUP_TIMEOUT)
        self.stats.startup_seconds = [*self.stats.startup_seconds[-19:], worker.info["startup_seconds"]]
        return worker

    def _admit(self, worker: _Worker) -> None:
        if self._closed:
            worker.close()
            return
        self._workers.add(worker)
        assert self._idle is not None
        self._idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background."""
        self._workers.discard(worker)
        worker.close()
        self.stats.replaced_workers += 1
        if self._closed or self._loop is None or self._executor is None:
            return
        loop = self._loop

        def spawn() -> None:
            try:
                fresh = self._spawn_ready()
            except EngineError as err:
                log.error("could not replace a query worker: %s", err.message)
                return
            try:
                loop.call_soon_threadsafe(self._admit, fresh)
            except RuntimeError:  # the event loop is gone: the server stopped meanwhile
                fresh.close()

        threading.Thread(target=spawn, name="plangraph-respawn", daemon=True).start()

    # --- running jobs ----------------------------------------------------------------------

    async def _acquire(self, wait: float) -> _Worker:
        if not self._started:
            await self.start()
        assert self._idle is not None
        deadline = time.monotonic() + wait
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EngineBusy(
                    f"all {self.workers_wanted} query workers stayed busy for {wait:.0f} s; try again shortly"
                )
            try:
                worker = await asyncio.wait_for(self._idle.get(), remaining)
            except TimeoutError:
                continue
            if worker not in self._workers:
                continue  # replaced while it waited in the queue
            if await self._catch_up(worker):
                return worker

    async def _catch_up(self, worker: _Worker) -> bool:
        """Replay the updates this worker has not seen; False if it had to be replaced."""
        while worker.applied < len(self._journal):
            text, base_iri = self._journal[worker.applied]
            outcome = await self._call(
                worker, Job("update", text, base_iri=base_iri), self.settings.query_timeout * 3
            )
            if outcome.status >= 300:
                log.error("a worker failed to replay an update (%s); replacing it", outcome.message)
                self._replace(worker)
                return False
            worker.applied += 1
        return True

    def _release(self, worker: _Worker) -> None:
        if worker in self._workers and self._idle is not None:
            self._idle.put_nowait(worker)

    async def _call(self, worker: _Worker, job: Job, timeout: float) -> Outcome:
        """Run a job on an acquired worker; on timeout kill and replace it (raises QueryTimeout)."""
        assert self._loop is not None and self._executor is not None
        future = self._loop.run_in_executor(self._executor, worker.call, job)
        try:
            outcome = await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            self.stats.timeouts += 1
            self._replace(worker)  # killing it makes the blocked call return at once
            raise QueryTimeout(
                f"the query was stopped after {timeout:g} s (query_timeout); "
                "narrow it down (fewer variables, a LIMIT, more specific patterns)"
            ) from None
        if outcome.kind == "died":
            self._replace(worker)
        return outcome

    async def _run(self, job: Job, timeout: float) -> Outcome:
        worker = await self._acquire(wait=timeout)
        try:
            outcome = await self._call(worker, job, timeout)
        except BaseException:
            # Cancelled (client went away) or timed out: a timed-out worker is already replaced;
            # a cancelled one may still be busy, so it is replaced rather than reused.
            if worker in self._workers:
                self._replace(worker)
            raise
        self._release(worker)
        return outcome

    async def run(self, job: Job, timeout: float | None = None) -> Outcome:
        """Run a query or update job with the time limit; raises EngineError subclasses."""
        timeout = self.settings.query_timeout if timeout is None else timeout
        self.stats.queries += 1
        if job.op == "update":
            return await self._update(job, timeout)
        # Shielded so a cancelled request (a client gone) does not leave a worker half-used: the
        # task still finishes, releases or replaces its worker, and its outcome is dropped.
        task = asyncio.ensure_future(self._run(job, timeout))
        task.add_done_callback(_drop_outcome)
        return await asyncio.shield(task)

    async def _update(self, job: Job, timeout: float) -> Outcome:
        if self._update_lock is None:
            await self.start()
        assert self._update_lock is not None
        async with self._update_lock:
            worker = await self._acquire(wait=timeout)
            try:
                outcome = await self._call(worker, job, timeout)
            except BaseException:
                if worker in self._workers:
                    self._replace(worker)
                raise
            if outcome.status < 300:
                self._journal.append((job.text, job.base_iri))
                worker.applied = len(self._journal)
                self._cache.clear()
            self._release(worker)
            return outcome

    # --- conveniences for the web pages ----------------------------------------------------

    async def select(self, text: str, max_rows: int | None = None) -> list[dict[str, dict]]:
        """Rows of a SELECT as ``{var: {"type", "value", "xml:lang"?, "datatype"?}}`` (JSON form).

        Raises EngineError on a timeout, and ValueError with the message on a query error.
        """
        limit = self.settings.max_result_rows if max_rows is None else max_rows
        job = Job("query", text, format="json", max_rows=limit)
        outcome = await self.run(job)
        if outcome.status >= 500:
            raise EngineUnavailable(outcome.message)
        if outcome.status != 200:
            raise ValueError(outcome.message)
        return list(results.iter_json_rows(outcome.body))

    async def cached_select(self, key: str, text: str) -> list[dict[str, dict]]:
        """A SELECT whose answer only changes with the data (summaries); cached until an update."""
        version = len(self._journal)
        hit = self._cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]  # type: ignore[return-value]
        rows = await self.select(text)
        self._cache[key] = (version, rows)
        return rows

    async def network(self, call: str, params: dict, timeout: float | None = None) -> Outcome:
        """Run a call of :mod:`plangraph.web.network_jobs` (``trace``, ``path``, ``compare``,
        ``export``) on a worker's store, within ``timeout`` (default ``query_timeout``).

        Returns the worker's Outcome (JSON or export bytes, or an error status with a JSON body);
        raises EngineError subclasses on a timeout or when no worker is free in time. JSON answers
        are cached until an update changes the data.
        """
        timeout = self.settings.query_timeout if timeout is None else timeout
        settings = {name: getattr(self.settings, name) for name in NETWORK_SETTINGS}
        job = Job("network", call, params=params, settings=settings)
        key = f"{call}\n{_stable_json(params)}"
        version = len(self._journal)
        hit = self._network_cache.get(key)
        if hit is not None and hit[0] == version:
            self._network_cache.move_to_end(key)
            return hit[1]
        self.stats.queries += 1
        task = asyncio.ensure_future(self._run_network(job, timeout))
        task.add_done_callback(_drop_outcome)
        outcome = await asyncio.shield(task)
        if outcome.kind == "json" and outcome.status in (200, 404) and version == len(self._journal):
            self._remember(key, version, outcome)
        return outcome

    async def _run_network(self, job: Job, timeout: float) -> Outcome:
        if self._network_slots is None:
            await self.start()
        slots = self._network_slots
        assert slots is not None
        try:
            await asyncio.wait_for(slots.acquire(), timeout)
        except TimeoutError:
            raise EngineBusy(
                f"the workers that may run traces and exports stayed busy for {timeout:g} s; try again shortly"
            ) from None
        try:
            return await self._run(job, timeout)
        finally:
            slots.release()

    def _remember(self, key: str, version: int, outcome: Outcome) -> None:
        size = len(outcome.body)
        if size > NETWORK_CACHE_ITEM_BYTES:
            return
        old = self._network_cache.pop(key, None)
        if old is not None:
            self._network_cache_bytes -= len(old[1].body)
        self._network_cache[key] = (version, outcome)
        self._network_cache_bytes += size
        while self._network_cache_bytes > NETWORK_CACHE_BYTES:
            _, (_, dropped) = self._network_cache.popitem(last=False)
            self._network_cache_bytes -= len(dropped.body)

    def describe(self) -> dict:
        """Pool state for health checks and logs."""
        return {
            "workers": len(self._workers),
            "workers_wanted": self.workers_wanted,
            "pids": sorted(w.pid for w in self._workers),
            "queries": self.stats.queries,
            "timeouts": self.stats.timeouts,
            "replaced_workers": self.stats.replaced_workers,
            "updates_applied": len(self._journal),
            "worker_startup_seconds": [round(s, 3) for s in self.stats.startup_seconds],
            "in_memory": self.in_memory,
            "pid": os.getpid(),
        }
