"""The whole journey: files -> documents -> structure, tables, metadata, entities -> RDF -> a build.

Two levels, kept apart so that the first can run anywhere (a worker process, another machine):

- **one file**, :func:`build_file`: read its bytes (the build keeps a copy of exactly those), decode
  them, split them into documents and extract each one. It depends on no other file and never
  raises for bad input: what went wrong is in the file's :class:`FileOutcome`.
- **the corpus**, :func:`build`: unique document IRIs, one graph per document, the reference
  graphs (ontology, regions, industry scheme), SHACL validation (a document that fails is left out
  and reported with its violations; the others are written), and the build folder, written beside
  its target and swapped in (see :mod:`plangraph.store`).

Every input file ends with an outcome: built, partly built, left out or refused, with the reason,
per document inside the file. :attr:`BuildReport.exit_status` sums them up for the command line.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from . import rdf, store, vocab
from .entities.extract import extract_entities
from .entities.industries import candidate_concepts_graph, industry_scheme_graph
from .entities.regions import Gazetteer
from .indicators import indicators_graph
from .ingest import read_bytes, read_documents
from .manifest import MANIFEST_NAME, region_problem, user_metadata
from .metadata import check_jurisdiction, extract_metadata
from .model import DocumentText, InputError, ParsedDocument, UserMetadata
from .serialize import write_trig
from .settings import get_settings
from .structure import parse_structure
from .targets import find_targets
from .validate import (
    REFERENCE_DATA,
    ValidationRecord,
    ValidationResult,
    load_ontology,
    validate_graphs,
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


def _label(text: DocumentText) -> str:
    """A name for a document that could not be extracted: its news-item title or first line."""
    first = text.heading_hint or (text.blocks[0].text if text.blocks else "")
    return first[:40]


def build_file(
    path: Path,
    gazetteer: Gazetteer,
    user: UserMetadata | None = None,
    copies: store.SourceCopies | None = None,
) -> FileResult:
    """Read, decode, split and extract one file (the per-file stage of a build).

    Nothing about a bad file raises: a file that cannot be read is refused whole, a document that
    cannot be extracted is refused on its own, and each says why. ``copies`` keeps the bytes read
    in the build's sources/ folder (under a name no other source of the build holds)."""
    outcome = FileOutcome(str(path), Path(path).name)
    result = FileResult(outcome)
    try:
        data = read_bytes(path)
        texts = read_documents(path, data)
    except InputError as err:
        outcome.reason = err.problem
        return result
    if copies is not None:
        outcome.source_copy = copies.add(Path(path), data, texts[0].source)
    source = texts[0].source
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


def _unique_iri(iri: URIRef, taken: set[URIRef], doc: ParsedDocument) -> URIRef:
    """Two documents that would share an IRI (same region, type and period) are told apart by
    their source file, deterministically."""
    if iri not in taken:
        return iri
    return vocab.variant_document_iri(iri, f"{doc.source.name}#{doc.text.index}")


def reference_graphs(docs: list[ParsedDocument], gazetteer: Gazetteer) -> list[Graph]:
    ontology = Graph(identifier=vocab.ONTOLOGY_GRAPH)
    ontology += load_ontology()  # parsed once per process; validation reuses the same parse
    codes = {d.metadata.region_code for d in docs if d.metadata.region_code}
    codes |= {p.region.code for d in docs for p in d.entities.places}
    codes |= {p.region_code for d in docs for p in d.entities.parks if p.region_code}
    regions = Graph(identifier=vocab.REGIONS_GRAPH)
    regions += gazetteer.regions_graph(sorted(codes))
    industries = Graph(identifier=vocab.INDUSTRIES_GRAPH)
    industries += industry_scheme_graph()
    industries += candidate_concepts_graph(docs)  # industries the texts name that the scheme lacks
    return [ontology, regions, industries, indicators_graph(docs)]


@dataclass
class _Written:
    """A document on its way into the graph."""

    outcome: DocumentOutcome
    doc: ParsedDocument
    graph: Graph
    iri: str
    copy: str | None


def _left_out_reason(records: list[ValidationRecord]) -> str:
    """ "does not conform …, 2 violation(s): x2 The division has pg:level 2, but its parent …" (the
    three most frequent rules, each with the words of its first finding)."""
    by_rule: dict[str, list[ValidationRecord]] = {}
    for record in records:
        by_rule.setdefault(record.rule, []).append(record)
    top = sorted(by_rule.values(), key=lambda found: -len(found))[:3]
    listed = "; ".join(f"x{len(found)} {found[0].message} ({found[0].focus})" for found in top)
    return f"does not conform to the SHACL shapes, {len(records)} violation(s): {listed}"


def _leave_out_nonconforming(written: list[_Written], result: ValidationResult) -> list[_Written]:
    """The documents without a violation; the others are marked left out with their findings."""
    by_graph = {str(w.graph.identifier): w.iri for w in written}
    found: dict[str, list[ValidationRecord]] = {}
    for record in result.violations:
        if record.document != REFERENCE_DATA:
            found.setdefault(by_graph.get(record.document, record.document), []).append(record)
    kept = []
    for w in written:
        records = found.get(w.iri)
        if records:
            w.outcome.status = LEFT_OUT
            w.outcome.reason = _left_out_reason(records)
            w.outcome.violations = [asdict(r) for r in records]
        else:
            kept.append(w)
    return kept


def build(
    paths: list[Path],
    out_dir: Path,
    progress: bool = True,
    validate: bool | None = None,
    region: str | None = None,
) -> BuildReport:
    """Build the graph of ``paths`` into ``out_dir``.

    ``region`` (``--region``: a GB/T 2260 code or a place name) is said of every input; a
    ``plangraph.toml`` beside the files says more per file (:mod:`plangraph.manifest`). The
    previous build is replaced only when a graph is written; ``out_dir`` that exists and is not a
    plangraph build is refused before anything is read (:class:`plangraph.store.OutDirError`)."""
    settings = get_settings()
    validate = settings.validate_on_build if validate is None else validate
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
    with store.PendingBuild(out_dir) as pending:
        copies = store.SourceCopies(pending.path / SOURCES_DIR)
        results: list[FileResult] = []
        for n, path in enumerate(files, start=1):
            _progress(n - 1, len(files), path.name, progress)
            if path in says.errors:
                results.append(FileResult(FileOutcome(str(path), path.name, reason=str(says.errors[path]))))
                continue
            results.append(build_file(path, gazetteer, says.metadata.get(path), copies))
        _progress(len(files), len(files), "writing the graph", progress)
        report.files = [r.outcome for r in results]
        for r in results:
            report.warnings += r.outcome.warnings
        _write(report, results, gazetteer, validate, pending, copies)
        for outcome in report.files:
            outcome.settle()
            if not outcome.documents:
                report.problems.append(f"{outcome.file}: {outcome.reason}")
            for d in outcome.documents:
                if d.status != BUILT:
                    report.problems.append(f"{outcome.file}: {d.reason}")
        if not report.written and not any(p.startswith("nothing written") for p in report.problems):
            report.problems.append("no document could be built; nothing written")
        if report.written:
            store.write_report(pending.path, report.to_json())
            pending.commit()
    report.seconds = time.monotonic() - started
    return report


def _write(
    report: BuildReport,
    results: list[FileResult],
    gazetteer: Gazetteer,
    validate: bool,
    pending: store.PendingBuild,
    copies: store.SourceCopies,
) -> None:
    """The corpus-level work: graphs, reference data, validation, the files of the build."""
    written: list[_Written] = []
    taken: set[URIRef] = set()
    for result in results:
        for outcome, doc in result.documents:
            builder = rdf.DocumentGraph(doc, _unique_iri(rdf.document_iri(doc), taken, doc))
            graph = builder.build()
            taken.add(builder.iri)
            outcome.iri = str(builder.iri)
            written.append(_Written(outcome, doc, graph, str(builder.iri), result.outcome.source_copy))
    if not written:
        return
    references = reference_graphs([w.doc for w in written], gazetteer)
    if validate:
        texts = {w.iri: w.doc.source.text for w in written}
        report.validation = validate_graphs([w.graph for w in written], references, texts)
        kept = _leave_out_nonconforming(written, report.validation)
        if not kept:
            report.problems.append("nothing written: no document conforms to the SHACL shapes")
            return
        if len(kept) < len(written):  # the reference data is made again from the documents kept
            references = reference_graphs([w.doc for w in kept], gazetteer)
            report.validation.violations = [
                r for r in report.validation.violations if r.document != REFERENCE_DATA
            ] + [r for r in validate_references(references) if r.severity == "Violation"]
        written = kept
        reference_violations = [r for r in report.validation.violations if r.document == REFERENCE_DATA]
        if reference_violations:
            report.problems.append(
                "nothing written: the reference data (regions, industry scheme) does not conform to "
                "the SHACL shapes:\n"
                + "\n".join(f"  {r.focus}: {r.message}" for r in reference_violations[:10])
            )
            return
    for w in written:
        w.outcome.counts = _counts(w.doc, w.graph)
        report.documents.append(
            DocumentSummary(
                w.doc.source.name, w.iri, w.doc.metadata.title, w.doc.metadata.doc_type, w.outcome.counts
            )
        )
    graphs = [w.graph for w in written] + references
    report.triples = sum(len(g) for g in graphs)
    trig = pending.path / store.TRIG_NAME
    write_trig(graphs, trig)
    store.write_store(trig, pending.path / store.STORE_NAME)
    copies.documents = {w.iri: w.copy for w in written if w.copy}
    copies.keep_only(set(copies.documents.values()))
    copies.write_index()
    report.written = True
