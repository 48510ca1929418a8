"""The embedded pyoxigraph store: write a build atomically, open it, query it.

A build directory holds ``plangraph.trig`` (the whole dataset, one named graph per document and
per reference data set), ``store/`` (an on-disk pyoxigraph store of the same quads) and
``report.json`` (what the build did). A build is written into a sibling temporary directory and
swapped in with renames, so a failed or interrupted build leaves the previous graph in place.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .settings import get_settings
from .sparql_check import check_complexity
from .vocab import STANDARD_PREFIXES

if TYPE_CHECKING:
    from .model import SourceFile

TRIG_NAME = "plangraph.trig"
SOURCES_NAME = "sources"
#: Inside ``sources/``: the text extracted from each converted original (HTML, PDF, Word) and
#: the map from its offsets back to the original, as ``<copy name>.txt`` and ``.map.json``.
EXTRACTED_NAME = "extracted"
STORE_NAME = "store"
REPORT_NAME = "report.json"

#: What a SPARQL query answers: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).
QueryResults = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

#: An empty named graph that says a store's default graph is the union of its named graphs
#: (:func:`add_union_default_graph`); it holds no triple, so no query pattern matches it.
UNION_MARKER = ox.NamedNode("urn:plangraph:union-default-graph")


class StoreError(Exception):
    """The build directory is missing or unreadable."""


def trig_path(build_dir: Path) -> Path:
    return Path(build_dir) / TRIG_NAME


@contextmanager
def atomic_build_dir(build_dir: Path) -> Iterator[Path]:
    """Yield a fresh temporary directory; on success it replaces ``build_dir`` atomically.

    The old build is renamed aside, the new one renamed into place, then the old one removed, so
    at every moment either the old or the new complete build is at ``build_dir``. On an exception
    the temporary directory is removed and ``build_dir`` is untouched.
    """
    build_dir = Path(build_dir).resolve()
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{build_dir.name}-new-", dir=build_dir.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if build_dir.exists():
        old = build_dir.parent / f".{build_dir.name}-old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(build_dir, old)
    os.replace(tmp, build_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def extracted_paths(source_copy: Path) -> tuple[Path, Path]:
    """(extracted text, source map) kept beside a source copy in a build's ``sources/`` folder."""
    folder = Path(source_copy).parent / EXTRACTED_NAME
    return folder / f"{Path(source_copy).name}.txt", folder / f"{Path(source_copy).name}.map.json"


def save_source(sources_dir: Path, source: SourceFile) -> Path:
    """Copy a source file into a build's ``sources/`` folder (once); for a converted original
    also write the text its mention offsets index into and the map back to the original (with a
    PDF's page texts). Returns the copy's path."""
    copy = Path(sources_dir) / source.name
    if copy.exists():
        return copy
    shutil.copyfile(source.path, copy)
    if source.extraction is not None:
        text_path, map_path = extracted_paths(copy)
        text_path.parent.mkdir(exist_ok=True)
        text_path.write_text(source.text, encoding="utf-8")
        origin = source.extraction.origin.to_json()
        if source.extraction.page_texts:
            origin["pages"] = source.extraction.page_texts
        map_path.write_text(json.dumps(origin, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return copy


def write_store(trig_file: Path, store_dir: Path) -> None:
    """Bulk-load a TriG file into a new on-disk pyoxigraph store, with the union default graph."""
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(trig_file), format=ox.RdfFormat.TRIG)
    add_union_default_graph(store)
    store.flush()
    del store


def add_union_default_graph(store: ox.Store) -> None:
    """Write the set union of the named graphs into the store's default graph.

    SPARQL's default graph, when a query names no dataset, is the RDF merge of the documents'
    graphs: each triple once, however many documents state it. pyoxigraph's
    ``use_default_graph_as_union`` instead repeats a triple once per graph and makes the engine
    ignore a query's own FROM / FROM NAMED, so the union is materialised here, once, when the
    store is written (the store is a set of quads, so duplicates collapse). Queries then run on
    the store's real default graph, and FROM, FROM NAMED and the protocol's dataset parameters
    work as SPARQL 1.1 says.
    """
    # The quads themselves, not a bulk load of serialised triples: parsing gives blank nodes new
    # labels, and a blank node of the default graph must be the node of its document's graph.
    # (A SPARQL INSERT does the same in one transaction, 2.5x slower: 23 s against 9 s for
    # 718,000 quads.)
    store.bulk_extend(
        ox.Quad(quad.subject, quad.predicate, quad.object)
        for quad in store.quads_for_pattern(None, None, None, None)
        if not isinstance(quad.graph_name, ox.DefaultGraph)
    )
    store.add_graph(UNION_MARKER)


def has_union_default_graph(store: ox.Store) -> bool:
    """Whether the default graph was materialised (stores written before it was are not)."""
    return store.contains_named_graph(UNION_MARKER)


def document_quads(
    store: ox.Store,
    subject: ox.NamedNode | ox.BlankNode | None = None,
    predicate: ox.NamedNode | None = None,
    obj: ox.NamedNode | ox.BlankNode | ox.Literal | None = None,
) -> Iterator[ox.Quad]:
    """The quads of the named graphs matching a pattern: the default graph, when it is the
    materialised union, only repeats them (dumps and exports must not write them twice)."""
    union = has_union_default_graph(store)
    for quad in store.quads_for_pattern(subject, predicate, obj, None):
        if not (union and isinstance(quad.graph_name, ox.DefaultGraph)):
            yield quad


def write_report(build_dir: Path, report: dict) -> None:
    (Path(build_dir) / REPORT_NAME).write_text(
        json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


def read_report(build_dir: Path) -> dict:
    path = Path(build_dir) / REPORT_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def open_store(build_dir: Path | None = None, in_memory: bool | None = None) -> ox.Store:
    """The built graph as a pyoxigraph store, its default graph the union of the named graphs.

    On disk (the default, ``store_in_memory`` false) the build's ``store/`` is opened read-only,
    so any number of processes share one copy through the operating system's page cache and
    opening costs the same whatever the size of the graph. In memory the TriG dump is bulk-loaded
    into a fresh store (faster queries, a private copy per process; needed for updates). A store
    written before the union default graph was materialised is read in memory instead, with the
    union added, so every store answers the same.
    """
    settings = get_settings()
    build_dir = Path(build_dir or settings.build_dir)
    in_memory = settings.store_in_memory if in_memory is None else in_memory
    trig = trig_path(build_dir)
    store_dir = build_dir / STORE_NAME
    if not in_memory and store_dir.exists():
        store = ox.Store.read_only(str(store_dir))
        if has_union_default_graph(store) or not trig.exists():
            return store
        del store
    if not trig.exists():
        raise StoreError(f"{build_dir}: no built graph here (run `plangraph build` first)")
    store = ox.Store()
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    add_union_default_graph(store)
    return store


def query(store: ox.Store, sparql: str, **kwargs: Any) -> QueryResults:
    """Run a SPARQL query with the standard prefixes (pg:, dcterms:, skos:, rdfs:, …) predeclared.

    Without a dataset of its own (FROM, FROM NAMED, or ``default_graph`` / ``named_graphs``) a
    query reads the default graph: the union of the named graphs, each triple once
    (:func:`add_union_default_graph`; every store :func:`open_store` gives has it). A store made
    elsewhere without it is read through pyoxigraph's union view instead. A query nested deeper than ``max_query_nesting`` is refused
    with :class:`~plangraph.sparql_check.QueryTooComplex` (a ValueError) before pyoxigraph parses it.
    """
    check_complexity(sparql, get_settings().max_query_nesting)
    kwargs.setdefault("prefixes", STANDARD_PREFIXES)
    dataset_given = "default_graph" in kwargs or "named_graphs" in kwargs
    if not dataset_given and not has_union_default_graph(store):
        # A store plangraph did not write (a library user's own): pyoxigraph's union view, as
        # before the union was materialised (a triple once per graph; the query's FROM ignored).
        kwargs.setdefault("use_default_graph_as_union", True)
    return store.query(sparql, **kwargs)


def select(store: ox.Store, sparql: str, **kwargs: Any) -> ox.QuerySolutions:
    """:func:`query` for a SELECT, typed as its solutions (TypeError for an ASK or CONSTRUCT)."""
    results = query(store, sparql, **kwargs)
    if not isinstance(results, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {sparql[:80]!r}")
    return results
