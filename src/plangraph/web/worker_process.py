"""The inside of a query worker process: load the store, run jobs, send back serialised results.

Started by :class:`plangraph.web.workers.QueryEngine` as ``python -m plangraph.web.worker_process``;
it imports only what a worker needs (no asyncio, no web framework), so a replacement worker is
ready quickly after a timeout.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ..vocab import STANDARD_PREFIXES
from . import conneg, results

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


def _open(build_dir: str, in_memory: bool) -> ox.Store:
    from ..store import open_store

    return open_store(Path(build_dir), in_memory=in_memory)


def _query_kwargs(job: Job) -> dict:
    kwargs: dict = {"base_iri": job.base_iri, "prefixes": STANDARD_PREFIXES}
    if job.default_graphs is None and job.named_graphs is None:
        kwargs["use_default_graph_as_union"] = True
    else:
        # The protocol dataset replaces the query's FROM / FROM NAMED entirely: what is not given
        # is empty, not "everything".
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    return kwargs


def _evaluate(store: ox.Store, job: Job) -> Outcome:
    if job.op == "update":
        store.update(job.text, base_iri=job.base_iri, prefixes=STANDARD_PREFIXES)
        return Outcome(204, kind="update")
    answer = store.query(job.text, **_query_kwargs(job))
    if isinstance(answer, ox.QueryBoolean):
        fmt = conneg.choose(conneg.RESULTS, job.accept, job.format)
        return Outcome(200, results.write_boolean(bool(answer), fmt), fmt.content_type, "boolean", fmt.key, 1)
    if isinstance(answer, ox.QuerySolutions):
        fmt = conneg.choose(conneg.RESULTS, job.accept, job.format)
        rows = results.collect_solutions(answer, job.max_rows)
        body = results.write_rows(rows, fmt)
        return Outcome(200, body, fmt.content_type, "solutions", fmt.key, len(rows.rows), rows.truncated)
    fmt = conneg.choose(conneg.GRAPH, job.accept, job.format)
    triples, truncated = results.collect_triples(answer, job.max_rows)
    body = results.write_graph(triples, fmt)
    return Outcome(200, body, fmt.content_type, "graph", fmt.key, len(triples), truncated)


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
        outcome = Outcome(503, message="the query needed more memory than the server has")
    except Exception as err:  # an evaluation error is the query's doing, not a server fault
        outcome = Outcome(400, message=f"the query could not be evaluated: {err}")
    outcome.seconds = time.perf_counter() - started
    return outcome


def worker_main(conn: Connection, build_dir: str, in_memory: bool) -> None:
    """Body of a worker process: load the store, replay the journal it is sent, answer jobs.

    It returns (and the process ends) when the server closes its end of the socket.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _die_with_parent()
    started = time.perf_counter()
    try:
        store = _open(build_dir, in_memory)
        journal: list[tuple[str, str | None]] = conn.recv()
        for text, base_iri in journal:
            store.update(text, base_iri=base_iri, prefixes=STANDARD_PREFIXES)
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
    """``python -m plangraph.web.workers FD BUILD_DIR in-memory|on-disk`` (started by _Worker)."""
    fd, build_dir, mode = argv
    worker_main(Connection(int(fd)), build_dir, mode == "in-memory")


if __name__ == "__main__":
    # Run from the module's importable name, so what is pickled back names
    # plangraph.web.worker_process.Outcome, not __main__.Outcome.
    from plangraph.web.worker_process import _child as child

    child(sys.argv[1:])
