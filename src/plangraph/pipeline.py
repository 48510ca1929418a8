"""The whole journey: files -> documents -> structure, tables, metadata, entities -> RDF -> a build.

Two levels, kept apart so that the first can run anywhere (a worker process, another machine):

- **one file**, :func:`process_file`: a pure function of its :class:`FileJob` (the file's bytes, its
  name, what the user said about it). It decodes the bytes, splits them into documents, extracts
  each one (:func:`build_file`), makes its named graph, validates it with the reference data it
  links to, and returns each graph as TriG text with the document's outcome and its compact
  :class:`ReferenceKeys`; the graph is then dropped. It never raises for bad input: what went wrong
  is in the file's :class:`FileOutcome`.
- **the corpus**, :func:`build`: reads each file when a worker is free for it, hands the jobs to an
  executor (:mod:`plangraph.executors`: ``build_workers`` local processes, or a Dask cluster), keeps
  only what each file's result says and where its TriG text is (in the build's cache), gives
  documents that would share an IRI unique ones (in input order, whatever order the workers finish
  in), makes the reference graphs (ontology, regions, industry scheme, indicators) from the keys of
  the documents it writes, validates them once, and writes the dump (the documents' TriG texts in
  IRI order), the store and the build folder, beside its target and swapped in (see
  :mod:`plangraph.store`). Memory does not grow with the number of documents: no document's graph
  outlives its own stage.

A file whose bytes, and the code and rule data that read it, did not change since the build being
replaced is not processed again (:mod:`plangraph.buildcache`); only the graphs that changed are
replaced in the store.

Every input file ends with an outcome: built, partly built, left out or refused, with the reason,
per document inside the file. :attr:`BuildReport.exit_status` sums them up for the command line.
"""

from __future__ import annotations

import gc
import hashlib
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from . import indicators, rdf, store, vocab
from .buildcache import CACHE_DIR, BuildCache, code_fingerprint, entry_key, read_index, stage_settings
from .entities.extract import extract_entities
from .entities.industries import _pairs as industry_label_pairs  # the (key, label) pairs it reads
from .entities.industries import candidate_concepts_graph, industry_scheme_graph
from .entities.regions import Gazetteer
from .executors import DaskCluster, ExecutorError, Failed, LocalPool, make_executor
from .ingest import read_bytes, read_documents
from .manifest import MANIFEST_NAME, UserSays, region_problem, user_metadata
from .metadata import check_jurisdiction, extract_metadata
from .model import DocumentText, InputError, ParsedDocument, Region, SourceFile, UserMetadata
from .serialize import HEADER, graph_block
from .settings import get_settings, set_settings
from .structure import parse_structure
from .targets import find_targets
from .validate import (
    ValidationRecord,
    ValidationResult,
    check_engine,
    documents_in,
    load_ontology,
    load_shapes,
    validate_document_graph,
    validate_references,
)

SOURCES_DIR = store.SOURCES_DIR

#: Exit statuses of `plangraph build` (documented in the README and in `plangraph build --help`).
EXIT_ALL_BUILT = 0
"""Every document of every input file was written."""
EXIT_NOTHING_WRITTEN = 1
"""No graph was written (nothing could be built, or the build was refused); the previous build,
if any, is unchanged."""
EXIT_SOME_LEFT_OUT = 3
"""A graph was written, but some files or documents were refused or left out (see the report)."""

BUILT, LEFT_OUT, REFUSED, PARTLY_BUILT = "built", "left out", "refused", "partly built"


# --- one document ------------------------------------------------------------------------------


def parse_document(
    text: DocumentText, gazetteer: Gazetteer, user: UserMetadata | None = None
) -> ParsedDocument:
    """Extract one document; ``user`` is what the user said about it (it wins over the text)."""
    meta = extract_metadata(text, gazetteer, user)
    check_jurisdiction(meta, text)  # refuses a document whose region nothing tells
    divisions, boxes = parse_structure(text)
    doc = ParsedDocument(text, meta, divisions, boxes)
    name = text.source.path
    if not divisions:
        doc.warnings.append(f"{name}: no headings found; the document is kept without structure")
    if text.source.extraction is not None and text.index == 0:  # what the HTML/PDF/Word reader noticed
        doc.warnings += [f"{name}: {note}" for note in text.source.extraction.notes]
    extract_entities(doc)
    doc.targets = find_targets(doc)
    return doc


def parse_file(path: Path | str) -> list[ParsedDocument]:
    """Every document of a file, extracted (InputError if the file cannot be read)."""
    gazetteer = Gazetteer.load()
    return [parse_document(text, gazetteer) for text in read_documents(path)]


# --- outcomes ----------------------------------------------------------------------------------


@dataclass
class DocumentOutcome:
    """What became of one document of a file."""

    index: int  # its place in the file (a web page may hold several documents)
    status: str  # built | left out | refused
    title: str = ""
    iri: str | None = None
    doc_type: str | None = None
    reason: str | None = None  # why it was left out or refused
    counts: dict[str, int] = field(default_factory=dict)
    violations: list[dict] = field(default_factory=list)  # the SHACL findings that left it out
    user: dict | None = None  # what the user said about it (--region, plangraph.toml)


@dataclass
class FileOutcome:
    """What became of one input file: refused whole (``reason``), or per document."""

    file: str  # as given on the command line (or found in a given folder)
    name: str
    status: str = REFUSED  # built | partly built | left out | refused
    reason: str | None = None
    encoding: str | None = None
    source_copy: str | None = None  # its copy in the build's sources/ folder
    warnings: list[str] = field(default_factory=list)
    documents: list[DocumentOutcome] = field(default_factory=list)

    def settle(self) -> None:
        """The file's status from its documents'."""
        statuses = {d.status for d in self.documents}
        if not statuses:
            self.status = REFUSED
        elif statuses == {BUILT}:
            self.status = BUILT
        elif BUILT in statuses:
            self.status = PARTLY_BUILT
        elif statuses == {LEFT_OUT}:
            self.status = LEFT_OUT
        else:
            self.status = REFUSED if statuses == {REFUSED} else LEFT_OUT

    def line(self) -> str:
        """One line of the printed summary (and one more per document of a file of several)."""
        if not self.documents:
            return f"  {self.file}: refused: {self.reason}"
        if len(self.documents) == 1:
            return f"  {self.file}: {_document_line(self.documents[0])}"
        return "\n".join(
            [f"  {self.file}: {self.status}, {len(self.documents)} documents:"]
            + [f"    #{d.index} {_document_line(d)}" for d in self.documents]
        )


def _document_line(d: DocumentOutcome) -> str:
    if d.status == BUILT:
        counts = ", ".join(f"{k} {v}" for k, v in d.counts.items())
        return f"built: {d.title} ({counts})"
    if d.status == REFUSED:  # the reason names what was read of it
        return f"refused: {d.reason}"
    return f"{d.status}: {d.title} — {d.reason}"


@dataclass
class FileResult:
    """The per-file stage's answer: the file's outcome and the documents it extracted."""

    outcome: FileOutcome
    documents: list[tuple[DocumentOutcome, ParsedDocument]] = field(default_factory=list)
    source: SourceFile | None = None  # the file as read (None when it could not be)


def _label(text: DocumentText) -> str:
    """A name for a document that could not be extracted: its news-item title or first line."""
    first = text.heading_hint or (text.blocks[0].text if text.blocks else "")
    return first[:40]


def build_file(
    path: Path,
    gazetteer: Gazetteer,
    user: UserMetadata | None = None,
    copies: store.SourceCopies | None = None,
    data: bytes | None = None,
) -> FileResult:
    """Read, decode, split and extract one file (the extraction part of the per-file stage).

    Nothing about a bad file raises: a file that cannot be read is refused whole, a document that
    cannot be extracted is refused on its own, and each says why. ``copies`` keeps the bytes read
    in the build's sources/ folder (under a name no other source of the build holds). ``data``: the
    file's bytes when the caller has read them (a build's workers never read the file system)."""
    outcome = FileOutcome(str(path), Path(path).name)
    result = FileResult(outcome)
    try:
        data = read_bytes(path) if data is None else data
        texts = read_documents(path, data)
    except InputError as err:
        outcome.reason = err.problem
        return result
    if copies is not None:
        outcome.source_copy = copies.add(Path(path), data, texts[0].source)
    source = result.source = texts[0].source
    outcome.encoding = source.encoding
    outcome.warnings += source.warnings
    if user is not None and (user.title or user.year) and len(texts) > 1:
        outcome.warnings.append(
            f"{path}: holds {len(texts)} documents; the title and year of {user.origin} are given to each"
        )
    for text in texts:
        said = None if user is None else asdict(user)
        try:
            doc = parse_document(text, gazetteer, user)
        except InputError as err:
            outcome.documents.append(
                DocumentOutcome(text.index, REFUSED, _label(text), reason=err.problem, user=said)
            )
            continue
        except Exception as err:  # one document's extraction bug must not lose the others
            reason = f"extraction failed: {type(err).__name__}: {err}"
            outcome.documents.append(
                DocumentOutcome(text.index, REFUSED, _label(text), reason=reason, user=said)
            )
            continue
        done = DocumentOutcome(
            text.index, BUILT, doc.metadata.title, doc_type=doc.metadata.doc_type, user=said
        )
        outcome.documents.append(done)
        outcome.warnings += doc.warnings
        result.documents.append((done, doc))
    outcome.settle()
    return result


# --- the per-file stage: a pure function of its job ----------------------------------------------


@dataclass
class ReferenceKeys:
    """What one document adds to the build's reference graphs, as compact keys instead of graphs:
    the regions it names (with their gazetteer rows, for villages the extraction resolved), and the
    industries and indicators it names (the schemes' candidates are made from those of all
    documents, in input order)."""

    regions: list[list] = field(default_factory=list)  # [code, name, level, parent, [short names]]
    industries: list[list[str]] = field(default_factory=list)  # [concept key, label], in reading order
    indicators: dict[str, list[str]] = field(default_factory=dict)  # indicators.printed_names

    @classmethod
    def of(cls, doc: ParsedDocument, graph: Graph, gazetteer: Gazetteer) -> ReferenceKeys:
        """The keys of ``doc``, whose named graph is ``graph``: every region its graph points at
        (its own, its places', its parks', its projects' locations) is published with it."""
        codes = {doc.metadata.region_code} | {p.region.code for p in doc.entities.places}
        codes |= {p.region_code for p in doc.entities.parks}
        codes |= {str(o)[len(_REGION_PREFIX) :] for o in graph.objects() if str(o).startswith(_REGION_PREFIX)}
        rows = []
        for code in sorted(c for c in codes if c):
            region = gazetteer.get(code)
            if region is not None:
                rows.append([region.code, region.name, region.level, region.parent, list(region.short_names)])
        pairs = [[key, label] for key, label in industry_label_pairs([doc])]
        return cls(rows, pairs, indicators.printed_names(doc))


_REGION_PREFIX = str(vocab.region_iri(""))


@dataclass(frozen=True)
class FileJob:
    """Everything the per-file stage needs: nothing else is read, so it runs on any machine."""

    number: int  # its place among the build's inputs
    path: str  # as given: messages and warnings name the file so
    data: bytes  # the bytes the build read (and keeps a copy of)
    user: UserMetadata | None = None
    validate: bool = True
    iris: tuple[tuple[int, str], ...] = ()  # (document index, IRI) the build gives clashing documents
    settings: tuple[tuple[str, Any], ...] = ()  # the settings the stage reads, as the build has them
    report_code: bool = False  # return the worker's code fingerprint (a remote worker's is checked)


@dataclass
class DocumentProduct:
    """One document of a file, made: its graph as TriG text, its outcome's figures and its keys."""

    index: int
    natural_iri: str  # the IRI it has on its own (two documents with the same one clash)
    iri: str  # the IRI its graph was made with
    graph: str  # its named graph
    triples: int
    block: str  # the TriG text of its named graph (serialize.graph_block)
    keys: ReferenceKeys
    records: list[ValidationRecord] = field(default_factory=list)  # its SHACL findings
    validated: bool = False
    quotes_checked: int = 0


@dataclass
class FileProduct:
    """The per-file stage's answer: the file's outcome (each document's too) and what it made."""

    outcome: FileOutcome
    documents: list[DocumentProduct] = field(default_factory=list)
    extracted: tuple[str, dict] | None = None  # (text, source map) of a converted original
    fingerprint: str | None = None  # the worker's code fingerprint, when the job asked for it
    seconds: float = 0.0
    validation_seconds: float = 0.0


@lru_cache(maxsize=2)
def _scheme_graphs() -> tuple[Graph, Graph]:
    """The industry and indicator schemes (read-only: every document's check reads them)."""
    return industry_scheme_graph(), indicators.scheme_graph()


def _document_references(keys: ReferenceKeys, gazetteer: Gazetteer) -> list[Graph]:
    """The reference graphs a document's validation reads (its regions, the schemes and the
    candidates it names): what the build's reference graphs hold about the nodes it names."""
    for row in keys.regions:
        gazetteer.add_region(_region(row))
    industry_scheme, indicator_scheme = _scheme_graphs()
    return [
        gazetteer.regions_graph(row[0] for row in keys.regions),
        industry_scheme,
        candidate_concepts_graph((key, label) for key, label in keys.industries),
        indicator_scheme,
        indicators.candidate_graph(name for kind in indicators.NAME_KINDS for name in keys.indicators[kind]),
    ]


def _region(row: list) -> Region:
    code, name, level, parent, short = row
    return Region(code, name, level, parent, tuple(short))


@contextmanager
def _stage_settings(wanted: tuple[tuple[str, Any], ...]) -> Iterator[None]:
    """The build's settings for the stage, where the worker's differ (another machine's)."""
    current = get_settings()
    changes = {k: v for k, v in wanted if getattr(current, k) != v}
    if not changes:
        yield
        return
    set_settings(current.with_overrides(**changes))
    try:
        yield
    finally:
        set_settings(current)


def process_file(job: FileJob) -> FileProduct:
    """The per-file stage of a build: a file's bytes -> its documents' graphs (TriG text), their
    SHACL findings, outcomes and compact keys. A pure function of ``job`` (it reads no file and
    writes none), so it runs in a worker process or on a cluster; a bad document never raises."""
    started = time.perf_counter()
    with _stage_settings(job.settings):
        gazetteer = Gazetteer.load()
        result = build_file(Path(job.path), gazetteer, job.user, data=job.data)
        product = FileProduct(result.outcome)
        if job.report_code:
            product.fingerprint = code_fingerprint()
        source = result.source
        if source is not None and source.extraction is not None:
            origin = source.extraction.origin.to_json()
            if source.extraction.page_texts:
                origin["pages"] = source.extraction.page_texts
            product.extracted = (source.text, origin)
        iris = dict(job.iris)
        for outcome, doc in result.documents:
            try:
                product.documents.append(_make_document(outcome, doc, gazetteer, job, iris, product))
            except Exception as err:  # a bug in making one graph must not lose the others
                outcome.status = REFUSED
                outcome.reason = f"making its graph failed: {type(err).__name__}: {err}"
        result.outcome.settle()
    product.seconds = time.perf_counter() - started
    return product


def _process(job: FileJob) -> FileProduct:
    """:func:`process_file`, looked up when the job runs (what executors send to a worker is this
    module-level name, and a worker forked from a process that replaced the stage runs the
    replacement)."""
    return process_file(job)


def _make_document(
    outcome: DocumentOutcome,
    doc: ParsedDocument,
    gazetteer: Gazetteer,
    job: FileJob,
    iris: dict[int, str],
    product: FileProduct,
) -> DocumentProduct:
    natural = rdf.document_iri(doc)
    iri = URIRef(iris.get(doc.text.index, str(natural)))
    graph = rdf.DocumentGraph(doc, iri).build()
    outcome.iri = str(iri)
    keys = ReferenceKeys.of(doc, graph, gazetteer)
    made = DocumentProduct(
        doc.text.index, str(natural), str(iri), str(graph.identifier), len(graph), "", keys
    )
    if job.validate:
        started = time.perf_counter()
        made.records = validate_document_graph(
            graph, _document_references(keys, gazetteer), {str(iri): doc.source.text}
        )
        made.validated = True
        made.quotes_checked = sum(1 for d in documents_in(graph) if d == str(iri))
        product.validation_seconds += time.perf_counter() - started
        violations = [r for r in made.records if r.severity == "Violation"]
        if violations:
            outcome.status = LEFT_OUT
            outcome.reason = _left_out_reason(violations)
            outcome.violations = [asdict(r) for r in violations]
    if outcome.status == BUILT:
        outcome.counts = _counts(doc, graph)
    made.block = graph_block(graph)
    return made


# --- a build -----------------------------------------------------------------------------------


@dataclass
class DocumentSummary:
    file: str
    iri: str
    title: str
    doc_type: str
    counts: dict[str, int]


@dataclass
class BuildReport:
    out_dir: Path
    files: list[FileOutcome] = field(default_factory=list)
    documents: list[DocumentSummary] = field(default_factory=list)  # the documents written
    problems: list[str] = field(default_factory=list)  # what was refused or left out, and why
    warnings: list[str] = field(default_factory=list)
    validation: ValidationResult | None = None
    triples: int = 0
    seconds: float = 0.0
    written: bool = False
    executor: str = "this process"  # where the documents were processed
    reused: int = 0  # files taken from the previous build's cache, not processed again
    validation_seconds: float = 0.0  # spent validating, in all workers together
    store_update: str | None = None  # "incremental" (only changed graphs replaced) or "full"

    @property
    def ok(self) -> bool:
        """True when a graph was written (some files may still have failed: see ``files``)."""
        return self.written

    @property
    def exit_status(self) -> int:
        if not self.written:
            return EXIT_NOTHING_WRITTEN
        return EXIT_ALL_BUILT if all(f.status == BUILT for f in self.files) else EXIT_SOME_LEFT_OUT

    @property
    def status(self) -> str:
        return {
            EXIT_ALL_BUILT: "all built",
            EXIT_SOME_LEFT_OUT: "written; some files or documents refused or left out",
            EXIT_NOTHING_WRITTEN: "nothing written",
        }[self.exit_status]

    def summary(self) -> str:
        outcomes = [d for f in self.files for d in f.documents]
        built = sum(1 for d in outcomes if d.status == BUILT)
        lines = [
            f"built {built} of {len(outcomes)} documents from {len(self.files)} files, "
            f"{self.triples} triples in {self.seconds:.1f}s"
        ]
        lines += [f.line() for f in self.files]
        lines += [f"warning: {w}" for w in self.warnings]
        left_out = [d for d in outcomes if d.status == LEFT_OUT]
        if self.validation is not None and left_out and self.written:
            lines.append(
                f"SHACL: {len(left_out)} document(s) left out for their violations "
                f"({sum(len(d.violations) for d in left_out)}; listed in report.json); the graph written "
                f"conforms, {len(self.validation.warnings)} warning(s), {self.validation.seconds:.1f} s"
            )
        elif self.validation is not None:
            lines.append(self.validation.text().splitlines()[0])
        lines.append(
            f"output: {self.out_dir}" if self.written else "nothing written; the previous build is unchanged"
        )
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "exit_status": self.exit_status,
            "files": [asdict(f) for f in self.files],
            "documents": [d.__dict__ for d in self.documents],
            "problems": self.problems,
            "warnings": self.warnings,
            "triples": self.triples,
            "validation": None if self.validation is None else self.validation.to_dict(),
            "build": {
                "executor": self.executor,
                "files_reused": self.reused,
                "files_processed": len(self.files) - self.reused,
                "store": self.store_update,
                "seconds": round(self.seconds, 3),
            },
        }


def find_inputs(paths: list[Path]) -> list[Path]:
    """Files to read: the given paths, and the visible entries of given folders (not their
    subfolders, nor a plangraph.toml manifest), sorted. A path that does not exist, or is not a
    regular file, is kept: reading it refuses it with the reason, among the other files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.iterdir()
                if not p.name.startswith(".") and p.name != MANIFEST_NAME and not p.is_dir()
            )
        else:
            found.append(path)
    return found


def _progress(done: int, total: int, label: str, enabled: bool) -> None:
    if not enabled:
        return
    width = 24
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:50]:<50}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _counts(doc: ParsedDocument, graph: Graph) -> dict[str, int]:
    ents = doc.entities
    return {
        "divisions": len(doc.divisions),
        "boxes": len(doc.boxes),
        "observations": sum(len(r.cells) for b in doc.boxes for r in b.rows),
        "projects": len(ents.projects),
        "parks": len(ents.parks),
        "industries": len({g.concept for g in ents.industries}),
        "places": len({p.region.code for p in ents.places}),
        "triples": len(graph),
    }


def _left_out_reason(records: list[ValidationRecord]) -> str:
    """ "does not conform …, 2 violation(s): x2 The division has pg:level 2, but its parent …" (the
    three most frequent rules, each with the words of its first finding)."""
    by_rule: dict[str, list[ValidationRecord]] = {}
    for record in records:
        by_rule.setdefault(record.rule, []).append(record)
    top = sorted(by_rule.values(), key=lambda found: -len(found))[:3]
    listed = "; ".join(f"x{len(found)} {found[0].message} ({found[0].focus})" for found in top)
    return f"does not conform to the SHACL shapes, {len(records)} violation(s): {listed}"


#: A plan of a few lines that goes through every stage (a village, a box, an indicator, a park).
_WARM_UP_TEXT = (
    "义县国民经济和社会发展第十四个五年规划纲要\n\n第一章 发展基础\n\n"
    "全县地区生产总值增长6%，七里河镇大榆树堡村建设现代农业产业园。\n\n"
    "专栏1 重点项目\n\n1. 年产10万吨新材料项目。\n"
)


def warm_up(validate: bool) -> None:
    """Load what the stage loads on first use (the village table, the segmenter's dictionary, the
    rules, the schemes, the compiled shapes) in this process, before its workers are forked: they
    share it instead of each loading it for its first file. The objects are then kept out of the
    garbage collector's passes until the workers end (``gc.freeze``), so that a worker does not copy
    their pages by touching them."""
    process_file(FileJob(-1, "warm-up.txt", _WARM_UP_TEXT.encode("utf-8"), validate=validate))
    gc.collect()
    gc.freeze()


# --- the corpus stage ----------------------------------------------------------------------------


def reference_graphs(keys: Iterable[ReferenceKeys], gazetteer: Gazetteer) -> list[Graph]:
    """The build's reference graphs (ontology, regions, industry scheme, indicators) from the compact
    keys of the documents it writes, in input order (a candidate's first printed form is its label)."""
    keys = list(keys)
    ontology = Graph(identifier=vocab.ONTOLOGY_GRAPH)
    ontology += load_ontology()  # parsed once per process; validation reuses the same parse
    for key in keys:
        for row in key.regions:
            gazetteer.add_region(_region(row))  # a village one document's extraction resolved
    regions = Graph(identifier=vocab.REGIONS_GRAPH)
    regions += gazetteer.regions_graph(sorted({row[0] for key in keys for row in key.regions}))
    industries = Graph(identifier=vocab.INDUSTRIES_GRAPH)
    industries += industry_scheme_graph()
    # industries the texts name that the scheme lacks
    industries += candidate_concepts_graph((k, label) for key in keys for k, label in key.industries)
    names = [name for kind in indicators.NAME_KINDS for key in keys for name in key.indicators[kind]]
    return [ontology, regions, industries, indicators.indicators_graph_of(names)]


@dataclass
class _Document:
    """What the corpus stage keeps of a document the per-file stage made: no graph, but where its
    TriG text is, its digest and its compact keys."""

    index: int
    natural_iri: str
    iri: str
    graph: str
    triples: int
    digest: str  # SHA-256 of its TriG text
    offset: int  # its TriG text in its cache entry's .trig, in bytes
    length: int
    keys: ReferenceKeys
    records: list[ValidationRecord]
    validated: bool
    quotes_checked: int

    def to_json(self) -> dict:
        data = asdict(self)
        data["records"] = [asdict(r) for r in self.records]
        return data

    @classmethod
    def from_json(cls, data: dict) -> _Document:
        data = dict(data)
        data["keys"] = ReferenceKeys(**data["keys"])
        data["records"] = [ValidationRecord(**r) for r in data["records"]]
        return cls(**data)


def _outcome_from_json(data: dict) -> FileOutcome:
    data = dict(data)
    data["documents"] = [DocumentOutcome(**d) for d in data["documents"]]
    return FileOutcome(**data)


@dataclass
class _File:
    """One input of the build and what became of it."""

    number: int
    path: Path
    outcome: FileOutcome
    user: UserMetadata | None = None
    sha256: str | None = None  # of the bytes read
    copy: str | None = None  # its copy in sources/
    key: str | None = None  # its cache entry
    documents: list[_Document] = field(default_factory=list)
    reused: bool = False  # taken from the cache, not processed again


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _previous_cache(target: Path) -> Path | None:
    """The cache of the build ``target`` holds (the one being replaced), if any."""
    folder = target / CACHE_DIR
    return folder if store.is_build_dir(target) and folder.is_dir() else None


class _Build:
    """The corpus stage of one build: hands the files to the executor, keeps their compact results,
    gives clashing documents their IRIs, then writes the reference data, the dump and the store."""

    def __init__(
        self,
        report: BuildReport,
        pending: store.PendingBuild,
        says: UserSays,
        gazetteer: Gazetteer,
        validate: bool,
        progress: bool,
    ):
        self.report = report
        self.pending = pending
        self.says = says
        self.gazetteer = gazetteer
        self.validate = validate
        self.progress = progress
        self.settings = get_settings()
        self.copies = store.SourceCopies(pending.path / SOURCES_DIR)
        self.previous = _previous_cache(pending.target)
        self.cache = BuildCache(pending.path / CACHE_DIR, self.previous)
        self.fingerprint = code_fingerprint()
        self.files: list[_File] = []
        self.done = 0
        self.remote = False
        self.reference_keys: set[str] = set()  # the cache entry of the reference data's findings

    # --- the files -----------------------------------------------------------------------------

    def _key(self, record: _File, iris: tuple[tuple[int, str], ...]) -> str:
        return entry_key(
            self.fingerprint,
            path=str(record.path),
            data=record.sha256,
            user=record.user,
            iris=iris,
            validate=self.validate,
        )

    def _job(self, record: _File, data: bytes, iris: tuple[tuple[int, str], ...] = ()) -> FileJob:
        return FileJob(
            record.number,
            str(record.path),
            data,
            record.user,
            self.validate,
            iris,
            tuple(stage_settings(self.settings).items()),
            report_code=self.remote,
        )

    def read(self, paths: list[Path]) -> list[_File]:
        """Every input read once, in input order: refused, or copied into sources/ and looked up in
        the cache. The files the cache cannot answer are returned (their bytes are not kept: each
        is read again when a worker is free for it)."""
        misses = []
        for number, path in enumerate(paths):
            record = _File(number, path, FileOutcome(str(path), path.name))
            self.files.append(record)
            if path in self.says.errors:
                record.outcome.reason = str(self.says.errors[path])
                self._finished(record)
                continue
            try:
                data = read_bytes(path)
            except InputError as err:
                record.outcome.reason = err.problem
                self._finished(record)
                continue
            record.user = self.says.metadata.get(path)
            record.sha256 = hashlib.sha256(data).hexdigest()
            record.copy = self.copies.add(path, data)
            record.key = self._key(record, ())
            if self._reuse(record):
                self._finished(record)
            else:
                misses.append(record)
        return misses

    def jobs(
        self, records: list[_File], iris: dict[int, tuple[tuple[int, str], ...]] | None = None
    ) -> Iterator[FileJob]:
        """A job for each of ``records``, largest file first (the long ones do not come last and
        keep one worker busy alone); each file is read when the executor takes its job, so what
        waits in memory is bounded whatever the number of files."""
        for record in sorted(records, key=lambda r: -_size(r.path)):
            data = self._read_again(record)
            if data is not None:
                yield self._job(record, data, (iris or {}).get(record.number, ()))

    def _read_again(self, record: _File) -> bytes | None:
        """The bytes of a file read before, or None (and the file refused) when they changed."""
        try:
            data = read_bytes(record.path)
        except InputError as err:
            data, problem = None, err.problem
        else:
            problem = "it changed while it was being built"
        if data is None or hashlib.sha256(data).hexdigest() != record.sha256:
            record.outcome = FileOutcome(str(record.path), record.path.name, reason=problem)
            record.documents = []
            self._finished(record)
            return None
        return data

    def _reuse(self, record: _File) -> bool:
        assert record.key is not None
        entry = self.cache.take(record.key)
        if entry is None:
            return False
        record.outcome = _outcome_from_json(entry["outcome"])
        record.documents = [_Document.from_json(d) for d in entry["documents"]]
        record.reused = True
        if entry.get("origin") is not None:
            self._save_extraction(record, self.cache.text_path(record.key), entry["origin"])
        return True

    def _save_extraction(self, record: _File, text: str | Path, origin: dict) -> None:
        if record.copy is not None:
            store.save_extraction(self.copies.folder / record.copy, text, origin)

    def take(self, job: FileJob, product: FileProduct | Failed) -> None:
        """A file's result from the executor: its cache entry is written and its graphs dropped."""
        record = self.files[job.number]
        if isinstance(product, Failed):
            record.outcome = FileOutcome(str(record.path), record.path.name, reason=product.reason)
            self._finished(record)
            return
        if job.report_code and product.fingerprint != self.fingerprint:
            raise ExecutorError(
                f"a worker of {self.report.executor} runs other plangraph code than this build "
                "(another version, or other rule data): install the same plangraph there"
            )
        blocks = [d.block.encode("utf-8") for d in product.documents]
        offsets = [sum(len(b) for b in blocks[:i]) for i in range(len(blocks))]
        record.outcome = product.outcome
        record.documents = [
            _Document(
                d.index,
                d.natural_iri,
                d.iri,
                d.graph,
                d.triples,
                hashlib.sha256(block).hexdigest(),
                offset,
                len(block),
                d.keys,
                d.records,
                d.validated,
                d.quotes_checked,
            )
            for d, block, offset in zip(product.documents, blocks, offsets, strict=True)
        ]
        origin = None
        if product.extracted is not None:
            text, origin = product.extracted
            self._save_extraction(record, text, origin)
        assert record.key is not None
        self.cache.put(
            record.key,
            {
                "outcome": asdict(record.outcome),
                "documents": [d.to_json() for d in record.documents],
                "origin": origin,
                "seconds": round(product.seconds, 3),
            },
            b"".join(blocks),
            None if product.extracted is None else product.extracted[0],
        )
        self.report.validation_seconds += product.validation_seconds
        self._finished(record)

    def _finished(self, record: _File) -> None:
        self.done += 1
        done = min(self.done, len(self.paths))
        _progress(done, len(self.paths), record.path.name, self.progress and done < len(self.paths))

    def run(self, paths: list[Path], executor_spec: str | None, workers: int) -> None:
        self.paths = paths
        misses = self.read(paths)
        if not misses:
            self.report.executor = "none (every file was taken from the cache)"
            return
        executor = make_executor(executor_spec, workers, len(misses))
        self.remote = isinstance(executor, DaskCluster)
        if isinstance(executor, LocalPool):
            warm_up(self.validate)
        self.report.executor = executor.name
        try:
            for job, product in executor.run(_process, self.jobs(misses)):
                self.take(job, product)
            again, iris = self.clashing()
            for job, product in executor.run(_process, self.jobs(again, iris)):
                self.take(job, product)
        finally:
            executor.close()
            gc.unfreeze()

    # --- document IRIs ---------------------------------------------------------------------------

    def clashing(self) -> tuple[list[_File], dict[int, tuple[tuple[int, str], ...]]]:
        """The files whose documents must be made again under another IRI, and the IRIs: two
        documents that would share one (same region, type and period) are told apart by their
        source file and place in it, the first in input order keeping its own, whatever order they
        were made in. A file the cache holds made with those IRIs is taken from it."""
        taken: set[str] = set()
        again: list[_File] = []
        iris: dict[int, tuple[tuple[int, str], ...]] = {}
        for record in self.files:
            given: list[tuple[int, str]] = []
            for d in record.documents:
                iri = d.natural_iri
                if iri in taken:
                    iri = str(vocab.variant_document_iri(URIRef(iri), f"{record.path.name}#{d.index}"))
                taken.add(iri)
                if iri != d.natural_iri:
                    given.append((d.index, iri))
            if all(dict(given).get(d.index, d.natural_iri) == d.iri for d in record.documents):
                continue
            record.key = self._key(record, tuple(given))
            if self._reuse(record):
                continue
            again.append(record)
            iris[record.number] = tuple(given)
        return again, iris

    # --- writing ---------------------------------------------------------------------------------

    def written_documents(self) -> list[tuple[_File, _Document]]:
        """The documents to write, in input order: built, not left out."""
        kept = []
        for record in self.files:
            statuses = {d.index: d.status for d in record.outcome.documents}
            kept += [(record, d) for d in record.documents if statuses.get(d.index) == BUILT]
        return kept

    def write(self) -> None:
        report = self.report
        made = [d for record in self.files for d in record.documents]
        if not made:
            return
        if self.validate:
            report.validation = self._document_findings()
        kept = self.written_documents()
        if self.validate and not kept:
            report.problems.append("nothing written: no document conforms to the SHACL shapes")
            return
        references = reference_graphs((d.keys for _, d in kept), self.gazetteer)
        reference_blocks = {str(g.identifier): graph_block(g).encode("utf-8") for g in references}
        reference_triples = {str(g.identifier): len(g) for g in references}
        if self.validate and not self._references_conform(references, reference_blocks):
            return
        del references
        for record, d in kept:
            outcome = next(o for o in record.outcome.documents if o.index == d.index)
            report.documents.append(
                DocumentSummary(
                    record.path.name, d.iri, outcome.title, outcome.doc_type or "", outcome.counts
                )
            )
        graphs = {d.graph: (d.digest, d.triples) for _, d in kept}
        graphs |= {
            name: (hashlib.sha256(block).hexdigest(), reference_triples[name])
            for name, block in reference_blocks.items()
            if block
        }
        report.triples = sum(triples for _, triples in graphs.values())
        trig = self.pending.path / store.TRIG_NAME
        self._write_trig(trig, kept, reference_blocks)
        report.store_update = self._write_store(trig, graphs, kept, reference_blocks)
        self.cache.write_index(
            {"graphs": {name: {"digest": dg, "triples": n} for name, (dg, n) in graphs.items()}}
        )
        self.cache.keep_only({r.key for r in self.files if r.key} | self.reference_keys)
        self.copies.documents = {d.iri: record.copy for record, d in kept if record.copy}
        self.copies.keep_only(set(self.copies.documents.values()))
        self.copies.write_index()
        report.written = True

    def _document_findings(self) -> ValidationResult:
        result = ValidationResult(seconds=self.report.validation_seconds)
        validated = sorted(
            (d for record in self.files for d in record.documents if d.validated), key=lambda d: d.graph
        )
        for d in validated:
            result.add(d.records)
            result.documents.append(d.graph)
            result.quotes_checked += d.quotes_checked
        return result

    def _references_conform(self, references: list[Graph], blocks: dict[str, bytes]) -> bool:
        """Validate the reference data (once per content: the result is cached); False, and a
        problem said, when it breaks a shape (a defect of plangraph, not of one document)."""
        assert self.report.validation is not None
        digests = sorted(hashlib.sha256(block).hexdigest() for block in blocks.values())
        key = entry_key(self.fingerprint, references=digests)
        self.reference_keys = {key}
        entry = self.cache.take(key)
        if entry is None:
            started = time.perf_counter()
            records = validate_references(references)
            entry = {"records": [asdict(r) for r in records], "seconds": time.perf_counter() - started}
            self.cache.put(key, entry)
            self.report.validation_seconds += entry["seconds"]
        records = [ValidationRecord(**r) for r in entry["records"]]
        self.report.validation.add(records)
        self.report.validation.seconds = self.report.validation_seconds
        violations = [r for r in records if r.severity == "Violation"]
        if violations:
            self.report.problems.append(
                "nothing written: the reference data (regions, industry scheme) does not conform to "
                "the SHACL shapes:\n" + "\n".join(f"  {r.focus}: {r.message}" for r in violations[:10])
            )
            return False
        return True

    def _write_trig(
        self, path: Path, kept: list[tuple[_File, _Document]], references: dict[str, bytes]
    ) -> None:
        """The dump: every named graph in IRI order, each document's TriG text copied from its cache
        entry (the same bytes whatever order the workers finished in)."""
        parts: list[tuple[str, _File | None, _Document | None]] = [(d.graph, r, d) for r, d in kept]
        parts += [(name, None, None) for name, block in references.items() if block]
        with open(path, "wb") as out:
            out.write(HEADER.encode("utf-8"))
            for name, record, d in sorted(parts, key=lambda part: part[0]):
                if record is None or d is None:
                    out.write(references[name])
                    continue
                assert record.key is not None
                with open(self.cache.blocks_path(record.key), "rb") as source:
                    source.seek(d.offset)
                    out.write(source.read(d.length))

    def _write_store(
        self,
        trig: Path,
        graphs: dict[str, tuple[str, int]],
        kept: list[tuple[_File, _Document]],
        references: dict[str, bytes],
    ) -> str:
        """The store: the previous build's, with only the graphs that changed replaced, when few
        did; else the dump bulk-loaded. Returns which ("incremental", "full")."""
        store_dir = self.pending.path / store.STORE_NAME
        before = read_index(self.previous).get("graphs", {}) if self.previous is not None else {}
        previous_store = self.pending.target / store.STORE_NAME
        changed = {
            name for name, (digest, _) in graphs.items() if before.get(name, {}).get("digest") != digest
        }
        removed = set(before) - set(graphs)
        moved = sum(graphs[n][1] for n in changed) + sum(before[n].get("triples", 0) for n in removed)
        total = sum(n for _, n in graphs.values())
        if before and previous_store.is_dir() and moved <= INCREMENTAL_STORE_SHARE * total:
            texts: dict[str, bytes | None] = dict.fromkeys(removed)
            by_graph = {d.graph: (record, d) for record, d in kept}
            for name in changed:
                if name in references:
                    texts[name] = references[name]
                    continue
                record, d = by_graph[name]
                assert record.key is not None
                with open(self.cache.blocks_path(record.key), "rb") as source:
                    source.seek(d.offset)
                    texts[name] = source.read(d.length)
            if store.update_store(previous_store, store_dir, texts, HEADER):
                return "incremental"
            shutil.rmtree(store_dir, ignore_errors=True)
        store.write_store(trig, store_dir)
        return "full"


#: A rebuild replaces the changed graphs in a copy of the previous store when they hold at most this
#: share of the triples; above it, loading the whole dump is faster.
INCREMENTAL_STORE_SHARE = 0.25


def build(
    paths: list[Path],
    out_dir: Path,
    progress: bool = True,
    validate: bool | None = None,
    region: str | None = None,
    executor: str | None = None,
    workers: int | None = None,
) -> BuildReport:
    """Build the graph of ``paths`` into ``out_dir``.

    ``region`` (``--region``: a GB/T 2260 code or a place name) is said of every input; a
    ``plangraph.toml`` beside the files says more per file (:mod:`plangraph.manifest`). The
    previous build is replaced only when a graph is written; ``out_dir`` that exists and is not a
    plangraph build is refused before anything is read (:class:`plangraph.store.OutDirError`).

    Each file is read, extracted, turned into triples, validated and serialised on its own, by
    ``workers`` processes (default: setting ``build_workers``) or on the Dask cluster ``executor``
    names (``dask://HOST:PORT``; default: setting ``build_executor``), and only its compact results
    are kept; a file whose bytes, and the code and rule data that read it, did not change since the
    build being replaced is taken from that build's cache (:mod:`plangraph.buildcache`)."""
    settings = get_settings()
    validate = settings.validate_on_build if validate is None else validate
    if validate:
        check_engine(settings.validation_engine)
    workers = settings.build_workers if workers is None else workers
    if workers < 1:
        raise ValueError(f"build_workers={workers}: expected at least 1 process")
    started = time.monotonic()
    report = BuildReport(out_dir=Path(out_dir))
    gazetteer = Gazetteer.load()
    if region is not None:
        problem = region_problem(region.strip(), gazetteer)
        if problem:
            raise ValueError(f"--region {region}: {problem}")
        region = region.strip()
    files = find_inputs(paths)
    report.warnings += [
        f"{path}: a folder with no files to read"
        for path in paths
        if path.is_dir() and not find_inputs([path])
    ]
    says = user_metadata(files, region, gazetteer)
    report.warnings += says.warnings
    if validate:  # parsed before the workers are forked, so that each does not parse them again
        load_shapes()
        load_ontology()
    with store.PendingBuild(out_dir) as pending:
        corpus = _Build(report, pending, says, gazetteer, validate, progress)
        corpus.run(files, executor or settings.build_executor, workers)
        _progress(len(files), len(files), "writing the graph", progress)
        report.files = [r.outcome for r in corpus.files]
        report.reused = sum(1 for r in corpus.files if r.reused)
        for record in corpus.files:
            record.outcome.source_copy = record.copy if record.outcome.encoding is not None else None
            report.warnings += record.outcome.warnings
        corpus.write()
        for outcome in report.files:
            outcome.settle()
            if not outcome.documents:
                report.problems.append(f"{outcome.file}: {outcome.reason}")
            for d in outcome.documents:
                if d.status != BUILT:
                    report.problems.append(f"{outcome.file}: {d.reason}")
        if not report.written and not any(p.startswith("nothing written") for p in report.problems):
            report.problems.append("no document could be built; nothing written")
        report.seconds = time.monotonic() - started
        if report.written:
            store.write_report(pending.path, report.to_json())
            pending.commit()
    report.seconds = time.monotonic() - started
    return report
