"""Every default and safety limit of plangraph, named and documented in one place.

Each setting can be overridden by an environment variable ``PLANGRAPH_<NAME>`` (for example
``PLANGRAPH_QUERY_TIMEOUT=30``); the CLI and the web app also take the most used ones as options.
Read them through :func:`get_settings`, never as module constants, so tests can override them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from importlib.resources import files
from pathlib import Path
from typing import Any

#: The installed package's own folder. The ontology, the reference data and the saved queries are
#: package data inside it, so a wheel installed anywhere finds them (never a checkout's path).
PACKAGE_DIR = Path(str(files("plangraph")))


def _cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers and taskset narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Settings:
    # --- where things are -------------------------------------------------------------------
    corpus_dir: Path = Path("data") / "corpus"
    """Documents `plangraph build` reads when given no paths (relative to the working directory:
    in a checkout, the bundled corpus)."""
    reference_dir: Path = PACKAGE_DIR / "reference"
    """Reference data shipped with the package (gazetteer, industry scheme sources)."""
    ontology_dir: Path = PACKAGE_DIR / "ontology"
    """The OWL ontology, the SHACL shapes and the SKOS industry scheme."""
    queries_dir: Path = PACKAGE_DIR / "queries"
    """Saved SPARQL queries (``*.rq``) listed in the web UI and runnable from the CLI."""
    build_dir: Path = Path("build")
    """Output of `plangraph build`: ``plangraph.trig``, ``store/``, ``report.json`` (relative to
    the working directory)."""

    # --- reading input ----------------------------------------------------------------------
    max_file_bytes: int = 20 * 1024 * 1024
    """A source file larger than this is refused (plans are well under 1 MB of text). The limit
    applies to the bytes actually read, not only to the size the file system reports."""
    max_undecodable_share: float = 0.01
    """Share of a file's bytes that may fail to decode (stray invalid UTF-8 or GB18030 bytes, NUL
    bytes) before the file is refused as not text: below it each bad byte is read as U+FFFD and
    the build warns with the offset of each."""
    validate_on_build: bool = True
    """Run SHACL validation during `plangraph build`; violations fail the build."""
    build_workers: int = _cores()
    """Processes that read, extract, validate and serialise documents in parallel during `plangraph
    build` (forked; 1 = in the calling process). Default: the cores this process may run on."""
    build_executor: str | None = None
    """Where the documents of a build are processed: None for this machine (``build_workers``
    processes), or ``dask://HOST:PORT`` for the scheduler of an existing Dask cluster
    (``plangraph build --executor``; needs the ``dask`` extra here and plangraph on its workers)."""
    validation_engine: str = "turbo"
    """The SHACL engine: ``turbo`` (pyshacl-turbo, compiled, 20-30x faster; its findings are checked
    against pyshacl's on the gold and wild corpora by the test suite) or ``pyshacl`` (the reference)."""
    validation_workers: int = 2
    """Processes that validate document graphs in parallel in `plangraph validate` (forked; 1 = in
    the calling process). A build validates each document in its own build worker instead."""
    validation_parallel_min_triples: int = 20_000
    """Smaller datasets are validated in the calling process: each worker first spends about a
    second preparing the SPARQL queries of the shapes, more than it saves on a small graph."""

    # --- the store --------------------------------------------------------------------------
    store_in_memory: bool = False
    """Query a private in-memory copy of the graph (loaded from ``plangraph.trig``) instead of the
    build's on-disk store. On disk (the default) every query worker opens ``store/`` read-only and
    they share it through the page cache: serving memory does not grow with the workers and
    start-up does not grow with the corpus. In memory, queries run about 1.3-3x faster on the
    corpus but each worker holds and loads its own copy (``make bench`` measures both). Updates
    always use in-memory copies."""

    # --- the SPARQL endpoint ----------------------------------------------------------------
    query_timeout: float = 10.0
    """Seconds a SPARQL query may run before it is stopped and answered with 503."""
    max_result_rows: int = 10_000
    """Most rows a SELECT returns; longer results are cut and flagged in a response header."""
    max_query_length: int = 100_000
    """Longest SPARQL query text accepted, in characters."""
    max_request_bytes: int = 1_000_000
    """Largest request body accepted, in bytes."""
    query_workers: int = 4
    """Worker processes that run SPARQL queries (a timed-out worker is killed and replaced). They
    share the on-disk store, so a worker costs little memory; keep more workers than the number
    of clients expected to send slow queries at once (see ``client_max_queries``)."""
    max_query_nesting: int = 200
    """Deepest nesting of groups, parentheses and brackets accepted in a query or update (HTTP 400
    above it). pyoxigraph's parser overflows its stack and kills the process at a few thousand."""
    worker_memory_mb: int = 2048
    """Address space (RLIMIT_AS, in MiB) a query worker may use; a query that needs more is stopped
    by the operating system, answered 503 and its worker replaced (0: no limit)."""
    client_max_queries: int = 2
    """Queries of one client (one IP address) that may run at once; the client's further queries
    wait in its own queue, and the time they wait counts toward ``query_timeout``."""
    reserved_workers: int = 1
    """Idle workers kept for clients with nothing running and no record of slow queries (see
    ``slow_query_seconds``): clients sending slow queries cannot starve the rest, whose quick
    queries always find a worker. Keep ``query_workers`` above ``reserved_workers + 1``."""
    slow_query_seconds: float = 0.5
    """A client whose recent queries ran longer than this on average (a moving average, time outs
    included) is a slow client, and is served after the others."""
    sparql_backend: str | None = None
    """URL of an external SPARQL endpoint to pass queries to, with the same limits, instead of the
    embedded store (``plangraph serve --sparql-backend``; docs/serving.md)."""
    build_check_interval: float = 1.0
    """Seconds between checks that the build being served was replaced (another ``plangraph
    build`` into the same folder); when it was, every worker is switched to the new build at once."""
    allow_updates: bool = False
    """SPARQL Update is refused unless this is true AND the request carries the update token."""
    update_token: str | None = None
    """Bearer token required for SPARQL Update when updates are allowed."""
    cors_origins: tuple[str, ...] = ("*",)
    """Origins allowed by CORS for the SPARQL endpoint and the API."""
    max_graph_triples: int = 2_000_000
    """Most triples a Graph Store Protocol GET (``/store``) returns; a larger graph is refused
    (HTTP 503, pointing at the dumps) rather than cut, since a partial graph would be wrong."""
    dataset_license: str = "https://opensource.org/licenses/MIT"
    """Licence IRI the VoID description (``/.well-known/void``) gives the dataset; set it to the
    terms the documents you publish allow."""
    host: str = "127.0.0.1"
    """Interface `plangraph serve` listens on."""
    port: int = 8000
    """Port `plangraph serve` listens on."""

    # --- traversal and export ---------------------------------------------------------------
    max_export_nodes: int = 50_000
    """Most nodes a single export or network view may hold."""
    default_depth: int = 2
    """Default radius of neighbourhood (ego graph) views and focused exports."""
    export_timeout: float = 60.0
    """Seconds an export served by the web app (``/api/export``) may run in its query worker
    before the worker is stopped and the request answered with 503. Longer than
    ``query_timeout``: a whole-graph export lays out and serialises every node (traces, paths
    and comparisons keep ``query_timeout``)."""
    betweenness_samples: int = 500
    """Source nodes sampled to estimate betweenness centrality on graphs larger than this
    (exact below it); sampling is seeded, so rankings are stable."""

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


class SettingsError(ValueError):
    """An environment variable that does not hold a value of its setting's type."""


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def _coerce(value: str, like: object) -> object:
    if like is None:
        return value or None
    if isinstance(like, bool):
        word = value.strip().lower()
        if word not in _TRUE + _FALSE:
            raise ValueError("expected a boolean (bool: true/false, yes/no, on/off, 1/0)")
        return word in _TRUE
    if isinstance(like, int):
        try:
            return int(value.strip().replace("_", ""))
        except ValueError:
            raise ValueError("expected a whole number (int)") from None
    if isinstance(like, float):
        try:
            number = float(value)
        except ValueError:
            raise ValueError("expected a number (float)") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError("expected a finite number (float)")
        return number
    if isinstance(like, Path):
        return Path(value)
    if isinstance(like, tuple):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


def from_environment(environ: dict[str, str] | None = None) -> Settings:
    """Defaults overridden by ``PLANGRAPH_<NAME>`` environment variables."""
    environ = dict(os.environ if environ is None else environ)
    base = Settings()
    changes: dict[str, Any] = {}  # each value coerced to its field's type by _coerce
    for f in fields(Settings):
        key = f"PLANGRAPH_{f.name.upper()}"
        if key in environ:
            try:
                changes[f.name] = _coerce(environ[key], getattr(base, f.name))
            except ValueError as err:
                raise SettingsError(f"{key}={environ[key]!r}: {err} (setting {f.name})") from None
    return replace(base, **changes)


_current: Settings | None = None


def get_settings() -> Settings:
    global _current
    if _current is None:
        _current = from_environment()
    return _current


def set_settings(settings: Settings | None) -> None:
    """Replace the process-wide settings (None: read the environment again on next use)."""
    global _current
    _current = settings
