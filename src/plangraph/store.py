"""The embedded pyoxigraph store: write a build safely, open it, query it.

A build directory holds ``plangraph.trig`` (the whole dataset, one named graph per document and
per reference data set), ``store/`` (an on-disk pyoxigraph store of the same quads),
``sources/`` (a copy of every source file, the bytes that were read), ``report.json`` (what the
build did) and the marker ``.plangraph-build``, which says the folder is a plangraph build.

What a build promises (docs/reliability.md, "Building"):

- it never deletes what plangraph did not write: ``--out`` that exists and is neither a build
  (marker, or a folder holding only what a build writes) nor empty is refused, as are a file, the
  current directory and any folder that contains it;
- a build is written into a sibling temporary folder ``.NAME-new-*`` (with the marker, locked while
  the build runs) and swapped in with one atomic exchange of the two folders (``renameat2`` with
  ``RENAME_EXCHANGE``), so at every moment ``NAME`` holds either the old or the new complete
  build; where the exchange is not available (not Linux, or a file system without it) two renames
  are used and the gap between them is the only moment with no build at ``NAME``;
- an interrupted build (exception, SIGINT, SIGTERM) removes its temporary folder; one killed
  outright leaves it, unlocked, and the next build into the same place removes it.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from . import __version__
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
SOURCES_DIR = "sources"
#: Written into every build folder (and into its temporary folder first): plangraph may replace
#: a folder that carries it, and never one that does not.
MARKER_NAME = ".plangraph-build"
#: In ``sources/``: which copy holds the source of which document.
SOURCE_INDEX = ".index.json"
#: Everything a build writes. A folder holding only these (with ``plangraph.trig``) and no
#: marker is a build written before the marker existed, and may be replaced too.
#: In a build folder: what the per-file stage made of each input (plangraph.buildcache).
CACHE_NAME = "cache"
BUILD_ENTRIES = frozenset({TRIG_NAME, STORE_NAME, REPORT_NAME, SOURCES_DIR, MARKER_NAME, CACHE_NAME})

#: What a SPARQL query answers: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).
QueryResults = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

#: An empty named graph that says a store's default graph is the union of its named graphs
#: (:func:`add_union_default_graph`); it holds no triple, so no query pattern matches it.
UNION_MARKER = ox.NamedNode("urn:plangraph:union-default-graph")


class StoreError(Exception):
    """The build directory is missing or unreadable."""


class OutDirError(StoreError):
    """The output folder of a build is not one plangraph may replace."""


def trig_path(build_dir: Path) -> Path:
    return Path(build_dir) / TRIG_NAME


# --- what plangraph may replace -----------------------------------------------------------------


def is_build_dir(path: Path) -> bool:
    """Whether ``path`` is a folder a plangraph build wrote (its marker, or only a build's files)."""
    path = Path(path)
    if (path / MARKER_NAME).is_file():
        return True
    try:
        names = {entry.name for entry in os.scandir(path)}
    except OSError:
        return False
    return TRIG_NAME in names and names <= BUILD_ENTRIES


def _listing(path: Path, shown: int = 3) -> str:
    names = sorted(e.name + ("/" if e.is_dir() else "") for e in os.scandir(path))
    more = f", … ({len(names)} entries)" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def check_out_dir(out: Path) -> Path:
    """The absolute path a build may replace, or OutDirError saying why not."""
    out = Path(out)
    target = out.resolve()
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        raise OutDirError(
            f"--out {out}: refusing to build into the current directory or a folder that contains it "
            "(the build would replace it); give a folder of its own, such as build/"
        )
    if not os.path.lexists(out):
        return target
    if not target.exists():
        raise OutDirError(f"--out {out}: a broken symbolic link; refusing to replace it")
    if not target.is_dir():
        raise OutDirError(
            f"--out {out}: is a file, not a build folder; refusing to replace it (choose another --out)"
        )
    if is_build_dir(target) or not any(os.scandir(target)):
        return target
    raise OutDirError(
        f"--out {out}: exists and is not a plangraph build (it has no {MARKER_NAME} marker and holds "
        f"{_listing(target)}); refusing to replace it: choose a new or empty folder"
    )


# --- the temporary folder and the swap ---------------------------------------------------------


def _temp_prefixes(target: Path) -> tuple[str, str]:
    return f".{target.name}-new-", f".{target.name}-old-"


def _lock(marker: Path) -> int:
    """Write the marker and hold an exclusive lock on it (released when the process dies, however
    it dies: that is how the next build tells an abandoned temporary folder from a running one)."""
    fd = os.open(marker, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    note = {
        "plangraph": __version__,
        "format": 1,
        "note": "a plangraph build folder; `plangraph build` may replace it",
    }
    os.write(fd, (json.dumps(note, sort_keys=True) + "\n").encode())
    return fd


def _abandoned(folder: Path) -> bool:
    """A temporary folder of a build that is no longer running: its marker is not locked."""
    try:
        fd = os.open(folder / MARKER_NAME, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a build is writing it now
    finally:
        os.close(fd)
    return True


def remove_abandoned(target: Path) -> list[Path]:
    """Remove the temporary folders that interrupted builds of ``target`` left beside it: those
    that carry the marker and whose build is gone, and empty ones. Anything else is left alone."""
    removed = []
    target = Path(target)
    prefixes = _temp_prefixes(target)
    with suppress(FileNotFoundError):
        for entry in os.scandir(target.parent):
            if not entry.name.startswith(prefixes) or not entry.is_dir(follow_symlinks=False):
                continue
            folder = Path(entry.path)
            if _abandoned(folder) or (entry.name.startswith(prefixes[1]) and is_build_dir(folder)):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
            else:
                with suppress(OSError):
                    folder.rmdir()  # only when empty (a build killed before its marker was written)
                    removed.append(folder)
    return removed


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False when this
    system or file system cannot, so the caller falls back to two renames."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class PendingBuild:
    """A build being written: a temporary folder beside its target, carrying the locked marker.

    ``commit()`` swaps it in; leaving the ``with`` block without committing (nothing to write, an
    exception, SIGINT or SIGTERM turned into an exception) removes it. Creating one checks the
    target (:func:`check_out_dir`) and removes what interrupted builds left behind."""

    def __init__(self, target: Path):
        self.target = check_out_dir(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(self.target)
        self.path = Path(tempfile.mkdtemp(prefix=_temp_prefixes(self.target)[0], dir=self.target.parent))
        umask = os.umask(0)
        os.umask(umask)
        self.path.chmod(0o777 & ~umask)  # mkdtemp's 0700 would hide the build from its readers
        self._lock: int | None = _lock(self.path / MARKER_NAME)
        self.committed = False

    def __enter__(self) -> PendingBuild:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            self.discard()

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._release()

    def commit(self) -> None:
        """Put the new build at the target; the old one (if any) is removed after the swap."""
        for name in (TRIG_NAME, REPORT_NAME, MARKER_NAME):
            if (self.path / name).is_file():
                with open(self.path / name, "rb") as f:
                    os.fsync(f.fileno())
        old: Path | None = None
        if os.path.lexists(self.target):
            check_out_dir(self.target)  # again: something may have been put there meanwhile
            if exchange(self.path, self.target):
                old = self.path
            else:
                old = Path(tempfile.mkdtemp(prefix=_temp_prefixes(self.target)[1], dir=self.target.parent))
                os.replace(self.target, old)  # the window with no build at the target: until the next line
                os.replace(self.path, self.target)
        else:
            os.rename(self.path, self.target)
        self.committed = True
        _fsync_dir(self.target.parent)
        self._release()
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_build_dir(build_dir: Path) -> Iterator[Path]:
    """Yield a fresh temporary build folder; on success it replaces ``build_dir`` atomically, on an
    exception it is removed and ``build_dir`` is untouched (see :class:`PendingBuild`)."""
    with PendingBuild(build_dir) as pending:
        yield pending.path
        pending.commit()


# --- source copies -----------------------------------------------------------------------------


class SourceCopies:
    """The copies of the source files in a build's ``sources/``: the bytes that were read, each
    under its own file name unless another source of the build took that name with other bytes,
    then under ``NAME.<digest>.EXT``. Two files never share a copy unless their bytes are equal."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, dict[str, Any]] = {}  # copy name -> {input, sha256, bytes}
        self.documents: dict[str, str] = {}  # document IRI -> copy name

    def add(self, path: Path, data: bytes, source: SourceFile | None = None) -> str:
        """Store the bytes read from ``path``; the name of the copy. For a converted original
        (``source`` read from HTML, PDF or Word) the text its offsets index into is kept beside it."""
        name = self._copy(path, data)
        if source is not None and source.extraction is not None:
            _save_extraction(self.folder / name, source)
        return name

    def _copy(self, path: Path, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        name = Path(path).name
        for candidate in (name, f"{Path(name).stem}.{digest[:12]}{Path(name).suffix}"):
            if candidate.startswith(".") or candidate == SOURCE_INDEX:
                continue
            held = self.files.get(candidate)
            if held is None:
                (self.folder / candidate).write_bytes(data)
                self.files[candidate] = {"input": str(path), "sha256": digest, "bytes": len(data)}
                return candidate
            if held["sha256"] == digest:
                return candidate
        candidate = f"source.{digest[:16]}"
        if candidate not in self.files:
            (self.folder / candidate).write_bytes(data)
            self.files[candidate] = {"input": str(path), "sha256": digest, "bytes": len(data)}
        return candidate

    def keep_only(self, names: set[str]) -> None:
        """Remove the copies no written document refers to (their files were left out)."""
        for name in sorted(set(self.files) - names):
            (self.folder / name).unlink(missing_ok=True)
            for extracted in extracted_paths(self.folder / name):
                extracted.unlink(missing_ok=True)
            del self.files[name]

    def write_index(self) -> None:
        index = {"documents": self.documents, "files": self.files}
        (self.folder / SOURCE_INDEX).write_text(
            json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )


def source_copy(sources_dir: Path, document: str) -> Path | None:
    """The copy of the source of ``document`` (an IRI) in a build's ``sources/`` folder, by the
    build's index (None for a document it does not know, or a build made before the index)."""
    index = Path(sources_dir) / SOURCE_INDEX
    try:
        documents = _read_index(str(index), index.stat().st_mtime_ns)
    except (OSError, ValueError):
        return None
    name = documents.get(document)
    if not isinstance(name, str) or Path(name).name != name or name.startswith("."):
        return None  # the index is data: only bare names inside the folder are ever opened
    path = Path(sources_dir) / name
    return path if path.is_file() else None


@lru_cache(maxsize=4)
def _read_index(path: str, mtime_ns: int) -> dict[str, str]:
    """The index's document -> copy map (read again when the file changes: a new build)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return dict(data.get("documents", {}))


def extracted_paths(source_copy: Path) -> tuple[Path, Path]:
    """(extracted text, source map) kept beside a source copy in a build's ``sources/`` folder."""
    folder = Path(source_copy).parent / EXTRACTED_NAME
    return folder / f"{Path(source_copy).name}.txt", folder / f"{Path(source_copy).name}.map.json"


def _save_extraction(copy: Path, source: SourceFile) -> None:
    """Beside the copy of a converted original: the text its mention offsets index into, and the
    map back to the original (with a PDF's page texts)."""
    assert source.extraction is not None
    origin = source.extraction.origin.to_json()
    if source.extraction.page_texts:
        origin["pages"] = source.extraction.page_texts
    save_extraction(copy, source.text, origin)


def save_extraction(copy: Path, text: str | Path, origin: dict) -> None:
    """:func:`_save_extraction` from the text (or a file holding it, linked when it can be) and
    the source map, as a build's workers send them back."""
    text_path, map_path = extracted_paths(copy)
    text_path.parent.mkdir(exist_ok=True)
    if isinstance(text, Path):
        text_path.unlink(missing_ok=True)
        try:
            os.link(text, text_path)
        except OSError:
            shutil.copyfile(text, text_path)
    else:
        text_path.write_text(text, encoding="utf-8")
    map_path.write_text(json.dumps(origin, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def update_store(previous: Path, store_dir: Path, replaced: dict[str, bytes | None], header: str) -> bool:
    """Make ``store_dir`` a copy of the store at ``previous`` (hard links: a checkpoint of its
    immutable files) with the named graphs in ``replaced`` replaced by the TriG text given (None:
    the graph is removed), the union default graph kept as the set union of the named graphs.

    A triple leaves the default graph only when no other named graph still states it. False, and
    nothing usable in ``store_dir``, when a graph to replace holds blank nodes (the union's blank
    nodes must be its graphs' own: the caller loads the whole dump instead)."""
    old_store = ox.Store.read_only(str(previous))
    if not has_union_default_graph(old_store):
        return False
    old_store.backup(str(store_dir))
    del old_store
    target = ox.Store(str(store_dir))
    for name, text in replaced.items():
        graph = ox.NamedNode(name)
        old = list(target.quads_for_pattern(None, None, None, graph))
        new = [] if text is None else list(ox.parse(header.encode() + text, format=ox.RdfFormat.TRIG))
        if any(isinstance(t, ox.BlankNode) for q in old + new for t in (q.subject, q.object)):
            return False
        stated = {ox.Triple(q.subject, q.predicate, q.object) for q in new}
        target.remove_graph(graph)
        target.extend(new)
        for quad in old:
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            if triple in stated:
                continue
            others = target.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
            if not any(not isinstance(q.graph_name, ox.DefaultGraph) for q in others):
                target.remove(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))
        target.extend(ox.Quad(t.subject, t.predicate, t.object) for t in stated)
    target.flush()
    del target
    return True


#: How much TriG text one bulk load is given. pyoxigraph's bulk loader holds and sorts in memory all
#: it is given (about 12 bytes per byte of TriG: 740 MB for the 60 MB dump of 80 documents), so the
#: dump is loaded in batches of whole graphs: a build's memory stays flat in the size of the corpus
#: (90-180 MB for the same dump), and the load is no slower.
BULK_LOAD_BATCH_BYTES = 8 << 20


def write_store(trig_file: Path, store_dir: Path) -> None:
    """Bulk-load a TriG file plangraph wrote into a new on-disk pyoxigraph store, with the union
    default graph (see :func:`add_union_default_graph`).

    The file is loaded in batches of whole graphs (:data:`BULK_LOAD_BATCH_BYTES`), each batch twice
    by the parser: as TriG into its named graphs and as Turtle without its graph lines into the
    default graph (one pass in Rust, not a Python loop over every quad: 3x faster). The graphs with
    blank nodes (the ontology's OWL lists) are loaded together in one parse (a TriG file's blank node
    labels are the file's, not one graph's) and copied into the default graph quad by quad, because
    a parse gives blank nodes new labels and a blank node of the default graph must be its graph's
    own. A TriG file in another layout than plangraph's writer's is loaded whole, the slow way."""
    store = ox.Store(str(store_dir))
    try:
        with open(trig_file, "rb") as dump:
            _load_in_batches(store, dump)
    except (_NotWriterShape, SyntaxError):
        # Written by hand or by another tool: the union from the quads one load parsed.
        store.clear()
        store.bulk_load(path=str(trig_file), format=ox.RdfFormat.TRIG)
        add_union_default_graph(store)
    else:
        store.add_graph(UNION_MARKER)
    store.flush()
    del store


def _load_in_batches(store: ox.Store, dump: IO[bytes]) -> None:
    header: list[bytes] = []
    batch: list[tuple[bytes, bytes]] = []
    size = 0
    with_blank_nodes: list[tuple[bytes, bytes]] = []
    for opening, statements in _graph_blocks(dump, header):
        if b"_:" in statements:  # (or a literal that holds "_:": loaded the slow way too)
            with_blank_nodes.append((opening, statements))
            continue
        batch.append((opening, statements))
        size += len(statements)
        if size >= BULK_LOAD_BATCH_BYTES:
            _load_batch(store, b"".join(header), batch)
            batch, size = [], 0
    _load_batch(store, b"".join(header), batch)
    if with_blank_nodes:
        text = b"".join(header) + b"".join(opening + body + b"}\n" for opening, body in with_blank_nodes)
        store.bulk_load(text, format=ox.RdfFormat.TRIG)
        for opening, _ in with_blank_nodes:
            name = ox.NamedNode(opening[1 : opening.index(b">")].decode())
            quads = store.quads_for_pattern(None, None, None, name)
            store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)


def _load_batch(store: ox.Store, header: bytes, batch: list[tuple[bytes, bytes]]) -> None:
    """Some graphs into their named graphs, and their triples into the default graph."""
    if not batch:
        return
    store.bulk_load(
        header + b"".join(opening + body + b"}\n" for opening, body in batch), format=ox.RdfFormat.TRIG
    )
    store.bulk_load(header + b"".join(body for _, body in batch), format=ox.RdfFormat.TURTLE)


def _graph_blocks(dump: IO[bytes], header: list[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """The graphs of a TriG file as :func:`plangraph.serialize.write_trig` writes it (prefixes, then
    ``<graph> {`` … ``}`` blocks, statements indented): each block's opening line and its
    statements; the prefix lines are put in ``header``. Any other layout raises _NotWriterShape."""
    block: list[bytes] = []
    opening: bytes | None = None
    for line in dump:
        if opening is None:
            if line.startswith(b"<") and line.rstrip().endswith(b"{"):
                opening, block = line, []
                if b":" not in line[1 : line.index(b">")]:
                    raise _NotWriterShape(line[:80])  # a relative graph name, against an @base
            elif line.startswith((b"@prefix", b"@base")):
                header.append(line)
            elif line.strip() and not line.startswith(b"#"):
                raise _NotWriterShape(line[:80])
            continue
        if line.rstrip() == b"}":
            yield opening, b"".join(block)
            opening = None
            continue
        block.append(line)
    if opening is not None:
        raise _NotWriterShape(opening[:80])  # a graph never closed


class _NotWriterShape(Exception):
    """A line outside a graph block that plangraph's TriG writer never writes."""


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
