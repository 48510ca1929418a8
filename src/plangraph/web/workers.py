"""Run SPARQL queries in worker processes, so a query can really be stopped at its time limit.

pyoxigraph evaluates a query inside native code that cannot be interrupted from Python, in the
calling thread or any other. So queries run in a small pool of worker processes (``query_workers``)
that share the build's on-disk store, opened read-only (or, with ``store_in_memory`` or updates,
each hold a copy in memory). A query that outlives its time limit has its worker killed (SIGKILL)
and a fresh one started in its place, while the other workers keep answering; the event loop only
ever awaits, so the web server stays responsive throughout.

What the pool promises, and how:

- **One deadline.** A request's ``query_timeout`` starts when it arrives: the time it waits for a
  worker counts, and the query gets only what is left.
- **Fair shares.** Each client (IP address) runs at most ``client_max_queries`` queries at once;
  its further queries wait in its own queue, and a free worker goes to the waiting client with the
  fewest queries running (then the one served longest ago). A client that already runs a query may
  not take the last ``reserved_workers`` idle workers, so clients sending slow queries cannot starve
  the others.
- **Bounded memory.** Each worker's address space is capped (``worker_memory_mb``, RLIMIT_AS); a
  query that needs more kills only its worker.
- **Crashes explained.** A worker that dies during a query (out of memory, a crash in native code)
  is logged with the query's hash, the signal and the worker's last words, replaced, and the
  request answered 503 with a message saying so.
- **Builds replaced under it.** Every ``build_check_interval`` seconds the build folder's identity
  (its inode and its entries' inodes, sizes and times) is compared; when another ``plangraph
  build`` replaced it, a complete new set of workers is started on the new build and swapped in at
  once: each query runs wholly on the old build or wholly on the new one, never a mixture.
- **Clean shutdown.** Stopping waits for the queries under way (up to their time limit); new ones
  are answered 503 meanwhile.

Results are serialised inside the worker (:mod:`.results`, by pyoxigraph itself) and come back as
bytes. Workers are fresh interpreters (``python -m plangraph.web.worker_process``, like
multiprocessing's ``spawn``, never ``fork``, which is unsafe next to uvicorn's threads and event
loop).

SPARQL Update (only when the server allows it) changes every worker's copy: an update runs on one
worker and is recorded in a journal; every other worker, and every replacement worker, replays the
journal before it takes its next query, so a client always reads its own writes. Updates live as
long as the server (and as the build being served): ``plangraph build`` output is never modified.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import contextvars
import hashlib
import json
import logging
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import Counter, OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

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

#: Lines of a worker's standard error kept to explain its death.
STDERR_LINES = 20

#: The client a request comes from (set by :class:`ClientMiddleware`). Work started outside a
#: request (the engine used as a library, by one program) is :data:`LOCAL` and has no per-client
#: limits: fairness is between the clients of a server.
LOCAL = ""
current_client: contextvars.ContextVar[str] = contextvars.ContextVar("plangraph_client", default=LOCAL)


class ClientMiddleware:
    """ASGI middleware that names the client of each request (its IP address) for the fair queue."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            client = scope.get("client")
            token = current_client.set(client[0] if client else "unknown")
            try:
                await self.app(scope, receive, send)
            finally:
                current_client.reset(token)
        else:
            await self.app(scope, receive, send)


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


def query_hash(text: str) -> str:
    """A short, stable name for a query in logs and error messages (the text may be long or private)."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def build_identity(build_dir: Path) -> tuple:
    """What changes when a build folder is replaced or rewritten: the folder's own inode and the
    inode, size and modification time of each entry (the store, the dump, the report, the marker)."""
    try:
        top = os.stat(build_dir)
        entries = []
        with os.scandir(build_dir) as found:
            for entry in found:
                info = entry.stat(follow_symlinks=False)
                entries.append((entry.name, info.st_ino, info.st_size, info.st_mtime_ns))
    except OSError:
        return ()
    return (top.st_dev, top.st_ino, tuple(sorted(entries)))


# --- in the server process -------------------------------------------------------------------


class PoolWorker(Protocol):
    """What the engine needs of a worker: a process (:class:`_Worker`) or a connection to a SPARQL
    backend (:class:`~plangraph.web.backend.RemoteWorker`)."""

    generation: int
    applied: int
    info: dict

    @property
    def pid(self) -> int: ...

    async def call(self, job: Job) -> Outcome: ...

    def kill(self) -> None: ...

    def close(self) -> None: ...


class _Worker:
    """One worker process and the server's end of the socket to it.

    Workers are plain ``python -m`` subprocesses rather than multiprocessing children: a fresh
    interpreter (like the ``spawn`` method, safe next to uvicorn's threads and event loop) that does
    not re-import the server's ``__main__`` module, whatever script started the server.
    """

    def __init__(self, build_dir: Path, in_memory: bool, journal: list, memory_mb: int, generation: int):
        ours, theirs = socket.socketpair()
        self.started = time.perf_counter()
        self.generation = generation
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "plangraph.web.worker_process",
                    str(theirs.fileno()),
                    str(build_dir),
                    "in-memory" if in_memory else "on-disk",
                    str(memory_mb),
                ],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                close_fds=True,
            )
        finally:
            theirs.close()
        # A blocking Connection while the worker starts; then the event loop reads and writes the
        # same socket itself (call), in multiprocessing's framing, with no thread in between.
        self.sock = ours
        self.conn = Connection(os.dup(ours.fileno()))
        self.conn.send(list(journal))
        self.applied = len(journal)
        self.info: dict = {}
        self.last_words: deque[str] = deque(maxlen=STDERR_LINES)
        threading.Thread(
            target=self._read_stderr, name=f"plangraph-worker-{self.pid}-stderr", daemon=True
        ).start()

    def _read_stderr(self) -> None:
        """Keep the worker's last lines of standard error (and pass them on to the log)."""
        stream = self.process.stderr
        if stream is None:
            return
        with contextlib.suppress(Exception):
            for raw in stream:
                line = raw.decode("utf-8", "replace").rstrip()
                if line:
                    self.last_words.append(line)
                    log.warning("query worker %d: %s", self.pid, line)

    def death(self, memory_mb: int, wait: float = 2.0) -> tuple[str, str]:
        """Why the process ended, once it has (the signal or exit status), and its last words."""
        try:
            code = self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return "it stopped answering", ""
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            reason = f"killed by {name}"
        else:
            reason = f"exited with status {code}"
        time.sleep(0.05)  # let the reader thread take the last lines
        words = " / ".join(self.last_words)
        if "memory allocation" in words or "MemoryError" in words or "Cannot allocate" in words:
            reason = (
                f"it needed more memory than a worker may use (worker_memory_mb = {memory_mb} MiB); {reason}"
            )
        elif code == -signal.SIGSEGV:
            reason = f"it crashed ({reason})"
        return reason, words

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
        self.conn.close()
        self.sock.setblocking(False)

    async def call(self, job: Job) -> Outcome:
        """Send a job and await its outcome on the event loop (multiprocessing's framing: a 4-byte
        big-endian length, or -1 and an 8-byte one, then the pickle)."""
        loop = asyncio.get_running_loop()
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            await loop.sock_sendall(self.sock, struct.pack("!i", len(data)) + data)
            (size,) = struct.unpack("!i", await self._read(loop, 4))
            if size == -1:
                (size,) = struct.unpack("!Q", await self._read(loop, 8))
            return pickle.loads(await self._read(loop, size))
        except (EOFError, OSError) as err:
            return Outcome(503, message=f"the query worker stopped ({err!r})", kind="died")

    async def _read(self, loop: asyncio.AbstractEventLoop, size: int) -> bytearray:
        buffer = bytearray(size)
        view, got = memoryview(buffer), 0
        while got < size:
            n = await loop.sock_recv_into(self.sock, view[got:])
            if n == 0:
                raise EOFError("the worker closed its socket")
            got += n
        return buffer

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)

    def close(self) -> None:
        self.kill()
        with contextlib.suppress(Exception):
            self.conn.close()
        with contextlib.suppress(Exception):
            self.sock.close()
        with contextlib.suppress(Exception):
            if self.process.stderr is not None:
                self.process.stderr.close()


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
    crashes: int = 0
    replaced_workers: int = 0
    builds_switched: int = 0
    startup_seconds: list[float] = field(default_factory=list)


@dataclass
class _Waiter:
    """A request waiting in its client's queue for a worker."""

    client: str
    future: asyncio.Future
    query: str = ""


class _FairQueue:
    """Idle workers and the requests waiting for one, served fairly between clients.

    A client may run ``per_client`` jobs at once. The last ``reserved`` idle workers go only to a
    client with nothing running whose job is not known to be slow (a client whose recent jobs ran
    longer than ``slow`` seconds on average, or a query text that did): so however many slow
    queries a few clients send, the others' quick queries always find a worker. Among the jobs
    allowed to start, the next free worker goes to a quick one before a slow one, then to the
    client with the fewest jobs running, then to the one served longest ago.
    """

    #: Weight of the newest job in a client's moving average of job times.
    SMOOTHING = 0.3
    #: Clients remembered (the least recently served are forgotten past this).
    MEMORY = 10_000

    def __init__(self, per_client: int, reserved: int, slow: float):
        self.per_client = max(1, per_client)
        self.reserved = max(0, reserved)
        self.slow = slow
        self.idle: deque[PoolWorker] = deque()
        self.waiting: OrderedDict[str, deque[_Waiter]] = OrderedDict()
        self.running: Counter[str] = Counter()
        self.served = 0
        self._last_served: OrderedDict[str, int] = OrderedDict()
        self._job_seconds: dict[str, float] = {}
        self._query_seconds: OrderedDict[str, float] = OrderedDict()

    def is_slow(self, client: str, query: str = "") -> bool:
        slow_client = self._job_seconds.get(client, 0.0) > self.slow
        return slow_client or (bool(query) and self._query_seconds.get(query, 0.0) > self.slow)

    def _may_start(self, client: str, query: str = "") -> bool:
        if client == LOCAL:
            return True
        running = self.running[client]
        if running >= self.per_client:
            return False
        if running or self.is_slow(client, query):
            return len(self.idle) > self.reserved
        return True

    def _give(self, client: str) -> PoolWorker:
        self.running[client] += 1
        self.served += 1
        self._last_served[client] = self.served
        self._last_served.move_to_end(client)
        while len(self._last_served) > self.MEMORY:
            forgotten, _ = self._last_served.popitem(last=False)
            self._job_seconds.pop(forgotten, None)
        return self.idle.popleft()

    def try_take(self, client: str, query: str = "") -> PoolWorker | None:
        """A worker at once, if one is idle, nobody is queued and the job may start."""
        if self.idle and not self.waiting and self._may_start(client, query):
            return self._give(client)
        return None

    def enqueue(self, client: str, future: asyncio.Future, query: str = "") -> _Waiter:
        waiter = _Waiter(client, future, query)
        self.waiting.setdefault(client, deque()).append(waiter)
        return waiter

    def forget(self, waiter: _Waiter) -> None:
        queue = self.waiting.get(waiter.client)
        if queue is not None:
            with contextlib.suppress(ValueError):
                queue.remove(waiter)
            if not queue:
                del self.waiting[waiter.client]

    def done(self, client: str, seconds: float | None = None, query: str = "") -> None:
        """A job of ``client`` (``query``: its hash) ended after running ``seconds`` (None: it never ran)."""
        self.running[client] -= 1
        if self.running[client] <= 0:
            del self.running[client]
        if seconds is None:
            return
        if client != LOCAL:
            before = self._job_seconds.get(client, seconds)
            self._job_seconds[client] = before + self.SMOOTHING * (seconds - before)
        if query:
            before = self._query_seconds.pop(query, seconds)
            self._query_seconds[query] = before + self.SMOOTHING * (seconds - before)
            while len(self._query_seconds) > self.MEMORY:
                self._query_seconds.popitem(last=False)

    def dispatch(self) -> None:
        """Hand idle workers to waiting requests, fairly, while any may start."""
        while self.idle and self.waiting:
            # Each client's queue is served in order: its first job decides whether it may start.
            allowed = [c for c, q in self.waiting.items() if self._may_start(c, q[0].query)]
            if not allowed:
                return
            client = min(
                allowed,
                key=lambda c: (
                    self.is_slow(c, self.waiting[c][0].query),
                    self.running[c],
                    self._last_served.get(c, 0),
                ),
            )
            queue = self.waiting[client]
            waiter = queue.popleft()
            if not queue:
                del self.waiting[client]
            if waiter.future.done():  # given up meanwhile
                continue
            waiter.future.set_result(self._give(client))

    def queued(self) -> int:
        return sum(len(q) for q in self.waiting.values())


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
        self.backend = self.settings.sparql_backend
        self.workers_wanted = max(1, int(self.settings.query_workers))
        self.stats = EngineStats()
        self._journal: list[tuple[str, str | None]] = []
        self._generation = 0
        self._identity: tuple = ()
        self._workers: set[PoolWorker] = set()
        self._queue = _FairQueue(
            self.settings.client_max_queries, self.settings.reserved_workers, self.settings.slow_query_seconds
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._spawner: ThreadPoolExecutor | None = None
        self._start_lock: asyncio.Lock | None = None
        self._update_lock: asyncio.Lock | None = None
        self._watcher: asyncio.Task | None = None
        self._in_flight = 0
        self._started = False
        self._closed = False
        self._closing = False
        self._cache: dict[str, tuple[tuple[int, int], object]] = {}
        # Traces and exports run in the same workers as SPARQL but may take seconds: they get
        # all workers but one, so SPARQL queries always find a worker soon (made in start()).
        self._network_slots: asyncio.Semaphore | None = None
        self._network_cache: OrderedDict[str, tuple[tuple[int, int], Outcome]] = OrderedDict()
        self._network_cache_bytes = 0

    # --- life cycle ------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._started

    @property
    def data_version(self) -> tuple[int, int]:
        """Changes whenever the data may have: a new build swapped in, or an update."""
        return (self._generation, len(self._journal))

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
            self._update_lock = asyncio.Lock()
            self._network_slots = asyncio.Semaphore(max(1, self.workers_wanted - 1))
            self._executor = ThreadPoolExecutor(
                max_workers=3 * self.workers_wanted + 2, thread_name_prefix="plangraph-query"
            )
            # One thread starts every worker process and lives as long as the engine (see
            # _die_with_parent: a worker dies with the thread that started it).
            self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plangraph-spawner")
            self._closed = self._closing = False
            self._identity = () if self.backend else build_identity(self.build_dir)
            try:
                fresh = await self._spawn_set(self._generation)
            except EngineError:
                await self.stop()
                raise
            for worker in fresh:
                self._admit(worker)
            self._started = True
            atexit.register(self._kill_all)
            if self.settings.build_check_interval > 0 and not self.backend:
                self._watcher = asyncio.ensure_future(self._watch_build())
            log.info(
                "%d query workers ready (%s quads, %s, start-up %s s)",
                len(self._workers),
                fresh[0].info.get("quads"),
                f"passing queries to {self.backend}"
                if self.backend
                else "in memory"
                if self.in_memory
                else "sharing the on-disk store",
                ", ".join(f"{w.info.get('startup_seconds', 0):.2f}" for w in fresh),
            )

    async def _spawn_set(self, generation: int) -> list[PoolWorker]:
        """A complete set of ready workers for ``generation`` (all or none)."""
        assert self._loop is not None and self._executor is not None
        spawned = await asyncio.gather(
            *(
                self._loop.run_in_executor(self._executor, self._spawn_ready, generation)
                for _ in range(self.workers_wanted)
            ),
            return_exceptions=True,
        )
        failures = [s for s in spawned if isinstance(s, BaseException)]
        workers = [w for w in spawned if not isinstance(w, BaseException)]
        if failures:
            for worker in workers:
                worker.close()
            raise failures[0]
        return workers

    async def stop(self, grace: float = 0.0) -> None:
        """Stop the pool. With ``grace``, first let the jobs under way finish (new ones get 503)."""
        self._closing = True
        if grace > 0 and self._loop is not None:
            deadline = self._loop.time() + grace
            while self._in_flight and self._loop.time() < deadline:
                await asyncio.sleep(0.05)
        self._closed = True
        self._started = False
        if self._watcher is not None:
            self._watcher.cancel()
            self._watcher = None
        for waiters in list(self._queue.waiting.values()):
            for waiter in waiters:
                if not waiter.future.done():
                    waiter.future.set_exception(
                        EngineUnavailable("the server is shutting down; try again shortly")
                    )
        self._queue.waiting.clear()
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
        self._queue.idle.clear()

    def _spawn_ready(self, generation: int) -> PoolWorker:
        """Start one worker and wait for it (blocking; runs in the executor)."""
        spawner = self._spawner
        if spawner is None:
            raise EngineUnavailable("the query engine is stopped")
        if self.backend:
            from .backend import RemoteWorker

            remote = RemoteWorker(self.backend, generation, self.settings.query_timeout)
            remote.wait_ready(self.settings.query_timeout)
            return remote
        worker = spawner.submit(
            _Worker,
            self.build_dir,
            self.in_memory,
            list(self._journal),
            self.settings.worker_memory_mb,
            generation,
        ).result()
        worker.wait_ready(STARTUP_TIMEOUT)
        self.stats.startup_seconds = [*self.stats.startup_seconds[-19:], worker.info["startup_seconds"]]
        return worker

    def _admit(self, worker: PoolWorker) -> None:
        if self._closed or worker.generation != self._generation:
            worker.close()
            return
        self._workers.add(worker)
        self._queue.idle.append(worker)
        self._queue.dispatch()

    def _replace(self, worker: PoolWorker) -> None:
        """Kill a worker and start another in the background."""
        self._workers.discard(worker)
        with contextlib.suppress(ValueError):
            self._queue.idle.remove(worker)
        worker.close()
        self.stats.replaced_workers += 1
        if self._closed or self._loop is None or worker.generation != self._generation:
            return
        loop, generation = self._loop, self._generation

        def spawn() -> None:
            try:
                fresh = self._spawn_ready(generation)
            except EngineError as err:
                log.error("could not replace a query worker: %s", err.message)
                return
            try:
                loop.call_soon_threadsafe(self._admit, fresh)
            except RuntimeError:  # the event loop is gone: the server stopped meanwhile
                fresh.close()

        threading.Thread(target=spawn, name="plangraph-respawn", daemon=True).start()

    # --- a replaced build --------------------------------------------------------------------

    async def _watch_build(self) -> None:
        while not self._closed:
            await asyncio.sleep(self.settings.build_check_interval)
            with contextlib.suppress(Exception):
                await self.check_build()

    async def check_build(self) -> bool:
        """Switch every worker to the build folder's new content if it was replaced; True if so."""
        identity = build_identity(self.build_dir)
        if not identity or identity == self._identity or self._closed:
            return False
        generation = self._generation + 1
        try:
            fresh = await self._spawn_set(generation)
        except EngineError as err:  # a build half written, or a broken one: keep the old until fixed
            log.warning("the build in %s changed but cannot be served yet: %s", self.build_dir, err.message)
            return False
        if self._closed:
            for worker in fresh:
                worker.close()
            return False
        if self._journal:
            log.warning(
                "the build was replaced: %d updates made on the old one are dropped", len(self._journal)
            )
        # The switch: from here on every job goes to the new workers. Busy old ones finish the job
        # they have and are closed when they come back (_release).
        self._identity = identity
        self._generation = generation
        self._journal = []
        self._cache.clear()
        self._network_cache.clear()
        self._network_cache_bytes = 0
        self._workers = set()
        idle_old = list(self._queue.idle)
        self._queue.idle.clear()
        for worker in idle_old:
            worker.close()
        for worker in fresh:
            self._admit(worker)
        self.stats.builds_switched += 1
        log.info("the build in %s was replaced: %d workers switched to it", self.build_dir, len(fresh))
        return True

    # --- running jobs ----------------------------------------------------------------------

    async def _acquire(self, client: str, deadline: float, query: str = "") -> PoolWorker:
        if not self._started:
            await self.start()
        if self._closing:
            raise EngineUnavailable("the server is shutting down; try again shortly")
        assert self._loop is not None
        while True:
            worker = self._queue.try_take(client, query)
            if worker is None:
                future: asyncio.Future = self._loop.create_future()
                waiter = self._queue.enqueue(client, future, query)
                self._queue.dispatch()
                remaining = deadline - self._loop.time()
                try:
                    worker = await asyncio.wait_for(asyncio.shield(future), max(remaining, 0))
                except TimeoutError:
                    self._queue.forget(waiter)
                    if future.done() and not future.cancelled() and future.exception() is None:
                        self._give_back(client, future.result())  # handed over as time ran out
                    raise EngineBusy(
                        "no query worker became free for this client within the time limit "
                        f"(query_timeout = {self.settings.query_timeout:g} s; at most "
                        f"{self._queue.per_client} queries of one client run at once); try again shortly"
                    ) from None
                except asyncio.CancelledError:
                    self._queue.forget(waiter)
                    if future.done() and not future.cancelled() and future.exception() is None:
                        self._give_back(client, future.result())
                    raise
            if worker not in self._workers:  # replaced, or of an older build
                self._queue.done(client)
                continue
            try:
                if await self._catch_up(worker, deadline):
                    return worker
            except BaseException:
                self._queue.done(client)
                raise
            self._queue.done(client)

    def _give_back(self, client: str, worker: PoolWorker) -> None:
        self._queue.done(client)
        self._release(worker)

    async def _catch_up(self, worker: PoolWorker, deadline: float) -> bool:
        """Replay the updates this worker has not seen; False if it had to be replaced."""
        assert self._loop is not None
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

    def _release(self, worker: PoolWorker) -> None:
        if worker in self._workers and not self._closed:
            self._queue.idle.append(worker)
        elif worker.generation != self._generation:
            worker.close()  # of a build that was replaced: done with its last job
        self._queue.dispatch()

    async def _call(self, worker: PoolWorker, job: Job, timeout: float) -> Outcome:
        """Run a job on an acquired worker; on timeout kill and replace it (raises QueryTimeout)."""
        assert self._loop is not None
        try:
            outcome = await asyncio.wait_for(worker.call(job), max(timeout, 0.001))
        except TimeoutError:
            self.stats.timeouts += 1
            self._replace(worker)  # killing it makes the blocked call return at once
            raise QueryTimeout("stopped") from None
        if outcome.kind == "died":
            self._explain_death(worker, job, outcome)
        return outcome

    def _explain_death(self, worker: PoolWorker, job: Job, outcome: Outcome) -> None:
        """A worker died under a job: log why with the query's hash, answer 503 saying so."""
        digest = query_hash(job.text)
        if self._closing:
            outcome.message = "the server is shutting down; try again shortly"
        else:
            self.stats.crashes += 1
            reason, words = (
                worker.death(self.settings.worker_memory_mb)
                if isinstance(worker, _Worker)
                else ("it stopped", "")
            )
            log.error(
                "query worker %d died running query %s (%s, %d characters): %s%s",
                worker.pid,
                digest,
                job.op,
                len(job.text),
                reason,
                f"; its last output: {words}" if words else "",
            )
            outcome.message = (
                f"the query worker stopped while running this query: {reason}. It has been replaced "
                f"and other queries are unaffected. Query hash {digest} (in the server log)."
            )
        self._replace(worker)

    async def _run(self, job: Job, timeout: float, client: str) -> Outcome:
        assert self._loop is not None or not self._started
        if not self._started:
            await self.start()
        assert self._loop is not None
        arrived = self._loop.time()
        deadline = arrived + timeout
        self._in_flight += 1
        try:
            digest = query_hash(job.text)
            worker = await self._acquire(client, deadline, digest)
            waited = self._loop.time() - arrived
            ran: float | None = None
            try:
                outcome = await self._call(worker, job, deadline - self._loop.time())
            except QueryTimeout:
                ran = timeout - waited
                raise QueryTimeout(
                    f"the query was stopped after {timeout:g} s (query_timeout), {waited:.1f} s of it "
                    "spent waiting for a worker; narrow it down (fewer variables, a LIMIT, more "
                    "specific patterns)"
                ) from None
            except BaseException:
                # Cancelled (client went away): the worker may still be busy, so it is replaced
                # rather than reused.
                if worker in self._workers:
                    self._replace(worker)
                raise
            finally:
                if ran is None:
                    ran = self._loop.time() - arrived - waited
                self._queue.done(client, ran, digest)
            if job.op == "update" and outcome.status < 300:
                self._journal.append((job.text, job.base_iri))
                worker.applied = len(self._journal)
                self._cache.clear()
            self._release(worker)
            if outcome.kind == "store":  # the store's files went away: a new build is arriving
                with contextlib.suppress(Exception):
                    await self.check_build()
            return outcome
        finally:
            self._in_flight -= 1

    async def run(self, job: Job, timeout: float | None = None, client: str | None = None) -> Outcome:
        """Run a query or update job within ``timeout`` (default ``query_timeout``), counted from
        now; raises EngineError subclasses. ``client`` defaults to the current request's."""
        timeout = self.settings.query_timeout if timeout is None else timeout
        client = client or current_client.get()
        self.stats.queries += 1
        if job.op == "update":
            return await self._update(job, timeout, client)
        # Shielded so a cancelled request (a client gone) does not leave a worker half-used: the
        # task still finishes, releases or replaces its worker, and its outcome is dropped.
        task = asyncio.ensure_future(self._run(job, timeout, client))
        task.add_done_callback(_drop_outcome)
        return await asyncio.shield(task)

    async def _update(self, job: Job, timeout: float, client: str) -> Outcome:
        if self._update_lock is None:
            await self.start()
        assert self._update_lock is not None
        async with self._update_lock:
            return await self._run(job, timeout, client)

    # --- conveniences for the web pages ----------------------------------------------------

    async def select(self, text: str, max_rows: int | None = None) -> list[dict[str, dict]]:
        """Rows of a SELECT as ``{var: {"type", "value", "xml:lang"?, "datatype"?}}`` (JSON form).

        Raises EngineError on a timeout, and ValueError with the message on a query error.
        """
        limit = self.settings.max_result_rows if max_rows is None else max_rows
        job = Job("query", text, format="json", max_rows=limit, max_nesting=self.settings.max_query_nesting)
        outcome = await self.run(job)
        if outcome.status >= 500:
            raise EngineUnavailable(outcome.message)
        if outcome.status != 200:
            raise ValueError(outcome.message)
        return list(results.iter_json_rows(outcome.body))

    async def cached_select(self, key: str, text: str) -> list[dict[str, dict]]:
        """A SELECT whose answer only changes with the data (summaries); cached until an update
        or a new build."""
        version = self.data_version
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
        if self.backend:
            raise EngineUnavailable(
                f"{call} needs the embedded store; this server passes queries to a SPARQL backend"
            )
        settings = {name: getattr(self.settings, name) for name in NETWORK_SETTINGS}
        job = Job("network", call, params=params, settings=settings)
        key = f"{call}\n{_stable_json(params)}"
        version = self.data_version
        hit = self._network_cache.get(key)
        if hit is not None and hit[0] == version:
            self._network_cache.move_to_end(key)
            return hit[1]
        self.stats.queries += 1
        task = asyncio.ensure_future(self._run_network(job, timeout, current_client.get()))
        task.add_done_callback(_drop_outcome)
        outcome = await asyncio.shield(task)
        if outcome.kind == "json" and outcome.status in (200, 404) and version == self.data_version:
            self._remember(key, version, outcome)
        return outcome

    async def _run_network(self, job: Job, timeout: float, client: str) -> Outcome:
        if self._network_slots is None:
            await self.start()
        slots = self._network_slots
        assert slots is not None and self._loop is not None
        arrived = self._loop.time()
        try:
            await asyncio.wait_for(slots.acquire(), timeout)
        except TimeoutError:
            raise EngineBusy(
                f"the workers that may run traces and exports stayed busy for {timeout:g} s; try again shortly"
            ) from None
        try:  # the wait for a slot counts toward the time limit
            return await self._run(job, timeout - (self._loop.time() - arrived), client)
        finally:
            slots.release()

    def _remember(self, key: str, version: tuple[int, int], outcome: Outcome) -> None:
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
            "crashes": self.stats.crashes,
            "replaced_workers": self.stats.replaced_workers,
            "builds_switched": self.stats.builds_switched,
            "build_generation": self._generation,
            "queued": self._queue.queued(),
            "running_by_client": dict(self._queue.running),
            "updates_applied": len(self._journal),
            "worker_startup_seconds": [round(s, 3) for s in self.stats.startup_seconds],
            "in_memory": self.in_memory,
            "sparql_backend": self.backend,
            "pid": os.getpid(),
        }
