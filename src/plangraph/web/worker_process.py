"""The inside of a query worker process: load the store, run jobs, send back serialised results.

Started by :class:`plangraph.web.workers.QueryEngine` as ``python -m plangraph.web.worker_process``;
it imports only what a worker needs (no asyncio, no web framework), so a replacement worker is
ready quickly after a timeout.
"""

from __future__ import annotations

import contextlib
import ctypes
import resource
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ..sparql_check import check_complexity
from ..vocab import STANDARD_PREFIXES
from . import conneg, results
from .sparql_text import shape

#: The settings the network calls read (:mod:`.network_jobs`); the server sends its values along.
NETWORK_SETTINGS = ("max_export_nodes", "default_depth", "betweenness_samples")


@dataclass(frozen=True)
class Job:
    """One unit of work for a worker."""

    op: str
    """``query``, ``update`` or ``network`` (a traversal or export: :mod:`.network_jobs`)."""
    text: str
    """The SPARQL text, or for ``network`` the name of the call (``trace``, ``export`` …)."""
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None
    """Protocol dataset (``default-graph-uri``); None: the union of all graphs."""
    named_graphs: tuple[str, ...] | None = None
    """Protocol dataset (``named-graph-uri``); None: all named graphs (or none, when only
    ``default_graphs`` is given, as the protocol says)."""
    accept: str | None = None
    format: str | None = None
    max_rows: int = 10_000
    max_nesting: int = 200
    """``max_query_nesting`` of the server (the server checks it too, before sending the job)."""
    params: dict | None = None
    """Arguments of a ``network`` call (strings, numbers, lists of strings)."""
    settings: dict | None = None
    """Settings of the server that a ``network`` call reads (``max_export_nodes`` …): a worker
    reads its own environment, not the server's settings object."""


@dataclass
class Outcome:
    """A worker's answer: the serialised result or an error message."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    kind: str = ""
    """``solutions``, ``boolean``, ``graph`` or ``update``."""
    format_key: str = ""
    rows: int = 0
    truncated: bool = False
    seconds: float = 0.0
    message: str = ""


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (no orphaned query hogs a core).

    Linux takes the *thread* that started the process as its parent, so the engine starts every
    worker from one long-lived thread (``QueryEngine._spawner``).
    """
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


def _limit_memory(megabytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS): a query that needs more fails here, in this
    worker, instead of taking the machine's memory from everything else."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _open(build_dir: str, in_memory: bool) -> ox.Store:
    from ..store import open_store

    return open_store(Path(build_dir), in_memory=in_memory)


def _query_kwargs(job: Job) -> dict:
    """The dataset of a query: the protocol's, else the query's own FROM / FROM NAMED, else the
    store's default graph (the union of the named graphs, written when the store was made)."""
    kwargs: dict = {"base_iri": job.base_iri, "prefixes": STANDARD_PREFIXES}
    if job.default_graphs is not None or job.named_graphs is not None:
        # The protocol dataset replaces the query's FROM / FROM NAMED entirely: what is not given
        # is empty, not "everything".
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    return kwargs


def _update(store: ox.Store, text: str, base_iri: str | None) -> None:
    """Run an update, then derive the default graph again from the named graphs it changed."""
    from ..store import add_union_default_graph

    store.update(text, base_iri=base_iri, prefixes=STANDARD_PREFIXES)
    store.update("CLEAR DEFAULT")
    add_union_default_graph(store)


def _evaluate(store: ox.Store, job: Job) -> Outcome:
    if job.op == "update":
        _update(store, job.text, job.base_iri)
        return Outcome(204, kind="update")
    check_complexity(job.text, job.max_nesting)
    text = job.text
    found = shape(text)
    if found.form == "SELECT":
        text, _ = results.cap_select(text, job.max_rows + 1, found)
    answer = store.query(text, **_query_kwargs(job))
    if isinstance(answer, ox.QueryBoolean):
        fmt = conneg.choose(conneg.RESULTS, job.accept, job.format)
        return Outcome(200, results.write_boolean(bool(answer), fmt), fmt.content_type, "boolean", fmt.key, 1)
    if isinstance(answer, ox.QuerySolutions):
        fmt = conneg.choose(conneg.RESULTS, job.accept, job.format)
        written = results.write_solutions(answer, fmt, job.max_rows)
    else:
        fmt = conneg.choose(conneg.GRAPH, job.accept, job.format)
        bound = results.graph_bound(job.text) if found.form == "CONSTRUCT" else None
        written = results.write_triples(answer, fmt, job.max_rows, bound)
    kind = "solutions" if fmt.family == conneg.RESULTS else "graph"
    return Outcome(200, written.body, fmt.content_type, kind, fmt.key, written.rows, written.truncated)


def _handle(store: ox.Store, job: Job) -> Outcome:
    started = time.perf_counter()
    if job.op == "network":
        # Imported on first use: NetworkX costs a quarter of a second that query-only workers
        # (and replacements after a timeout) need not pay.
        from .network_jobs import run_network_job

        outcome = run_network_job(store, job)
        outcome.seconds = time.perf_counter() - started
        return outcome
    try:
        outcome = _evaluate(store, job)
    except SyntaxError as err:
        outcome = Outcome(400, message=f"SPARQL syntax error: {err}")
    except (ValueError, TypeError) as err:
        outcome = Outcome(400, message=f"invalid request: {err}")
    except MemoryError:
        outcome = Outcome(
            503, message="the query needed more memory than a query worker may use (worker_memory_mb)"
        )
    except OSError as err:  # the store could not be read (its build was replaced meanwhile)
        outcome = Outcome(503, message=f"the store could not be read ({err}); try again", kind="store")
    except Exception as err:  # an evaluation error is the query's doing, not a server fault
        outcome = Outcome(400, message=f"the query could not be evaluated: {err}")
    outcome.seconds = time.perf_counter() - started
    return outcome


def worker_main(conn: Connection, build_dir: str, in_memory: bool, memory_mb: int = 0) -> None:
    """Body of a worker process: load the store, replay the journal it is sent, answer jobs.

    It returns (and the process ends) when the server closes its end of the socket.
    """
    # Ctrl-C and SIGTERM (sent to the whole process group by a terminal, systemd or a container
    # runtime) are the server's to handle: it lets the query under way finish, then closes the
    # socket, and the worker ends; it also dies with the server (_die_with_parent).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()
    started = time.perf_counter()
    try:
        _limit_memory(memory_mb)
        store = _open(build_dir, in_memory)
        journal: list[tuple[str, str | None]] = conn.recv()
        for text, base_iri in journal:
            _update(store, text, base_iri)
        conn.send(("ready", {"quads": len(store), "seconds": time.perf_counter() - started}))
    except (EOFError, BrokenPipeError, ConnectionError):
        return  # the server stopped while this worker was starting
    except Exception as err:
        with contextlib.suppress(OSError):
            conn.send(("error", f"{type(err).__name__}: {err}"))
        return
    while True:
        try:
            job = conn.recv()
            conn.send(_handle(store, job))
        except (EOFError, OSError):
            return


def _child(argv: list[str]) -> None:
    """``python -m plangraph.web.worker_process FD BUILD_DIR in-memory|on-disk MEMORY_MB``."""
    fd, build_dir, mode, memory_mb = argv
    worker_main(Connection(int(fd)), build_dir, mode == "in-memory", int(memory_mb))


if __name__ == "__main__":
    # Run from the module's importable name, so what is pickled back names
    # plangraph.web.worker_process.Outcome, not __main__.Outcome.
    from plangraph.web.worker_process import _child as child

    child(sys.argv[1:])
