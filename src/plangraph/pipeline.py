"""The whole journey: files -> documents -> structure, tables, metadata, entities -> RDF -> a build.

``parse_file`` runs the extraction stages on one file; ``build`` runs them on many files, adds the
reference graphs (ontology, regions, industry scheme), validates, and writes the build directory
atomically. A file that cannot be read or extracted is reported with its name and the problem; the
other files still build. A build that fails validation leaves the previous build in place.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from . import rdf, store, vocab
from .entities.extract import extract_entities
from .entities.industries import candidate_concepts_graph, industry_scheme_graph
from .entities.regions import Gazetteer
from .indicators import indicators_graph
from .ingest import read_documents
from .metadata import check_jurisdiction, extract_metadata
from .model import DocumentText, InputError, ParsedDocument, UserMetadata
from .serialize import write_trig
from .settings import get_settings
from .structure import parse_structure
from .targets import find_targets
from .validate import ValidationResult, load_ontology, validate_dataset

SOURCES_DIR = "sources"


# --- one file ----------------------------------------------------------------------------------


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
    documents: list[DocumentSummary] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files that could not be built
    warnings: list[str] = field(default_factory=list)
    validation: ValidationResult | None = None
    triples: int = 0
    seconds: float = 0.0
    written: bool = False

    @property
    def ok(self) -> bool:
        """True when a graph was written (some files may still have failed: see ``problems``)."""
        return self.written

    def summary(self) -> str:
        lines = [f"built {len(self.documents)} documents, {self.triples} triples in {self.seconds:.1f}s"]
        for d in self.documents:
            counts = ", ".join(f"{k} {v}" for k, v in d.counts.items())
            lines.append(f"  {d.file}: {d.title} ({counts})")
        lines += [f"warning: {w}" for w in self.warnings]
        if self.validation is not None:
            lines.append(self.validation.text().splitlines()[0])
        lines.append(
            f"output: {self.out_dir}" if self.written else "nothing written; the previous build is unchanged"
        )
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "documents": [d.__dict__ for d in self.documents],
            "problems": self.problems,
            "warnings": self.warnings,
            "triples": self.triples,
            "validation": None if self.validation is None else self.validation.to_dict(),
        }


def find_inputs(paths: list[Path]) -> list[Path]:
    """Files to read: given files, and the visible files of given folders, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
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


def build(
    paths: list[Path], out_dir: Path, progress: bool = True, validate: bool | None = None
) -> BuildReport:
    """Build the graph of ``paths`` into ``out_dir`` (replaced atomically on success)."""
    settings = get_settings()
    validate = settings.validate_on_build if validate is None else validate
    started = time.monotonic()
    report = BuildReport(out_dir=Path(out_dir))
    files = find_inputs(paths)
    gazetteer = Gazetteer.load()
    parsed: list[ParsedDocument] = []
    for n, path in enumerate(files, start=1):
        _progress(n - 1, len(files), path.name, progress)
        try:
            texts = read_documents(path)
        except InputError as err:
            report.problems.append(str(err))
            continue
        for text in texts:
            try:
                parsed.append(parse_document(text, gazetteer))
            except InputError as err:
                report.problems.append(str(err))
            except Exception as err:  # one document's extraction bug must not lose the others
                report.problems.append(f"{path}: extraction failed: {type(err).__name__}: {err}")
    _progress(len(files), len(files), "writing the graph", progress)
    if not parsed:
        report.problems.append("no document could be built; nothing written")
        report.seconds = time.monotonic() - started
        return report

    dataset = Dataset()
    taken: set[URIRef] = set()
    source_texts: dict[str, str] = {}
    for doc in parsed:
        builder = rdf.DocumentGraph(doc, _unique_iri(rdf.document_iri(doc), taken, doc))
        graph = builder.build()
        taken.add(builder.iri)
        dataset.add_graph(graph)
        source_texts[str(builder.iri)] = doc.source.text
        report.warnings += doc.warnings
        report.documents.append(
            DocumentSummary(
                doc.source.name,
                str(builder.iri),
                doc.metadata.title,
                doc.metadata.doc_type,
                _counts(doc, graph),
            )
        )
    for graph in reference_graphs(parsed, gazetteer):
        dataset.add_graph(graph)
    report.triples = sum(len(g) for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier)

    if validate:
        report.validation = validate_dataset(dataset, source_texts)
        if not report.validation.conforms:
            report.problems.append(
                "the graph does not conform to ontology/shapes.ttl:\n" + report.validation.text()
            )
            report.seconds = time.monotonic() - started
            return report

    with store.atomic_build_dir(out_dir) as tmp:
        write_trig(dataset, tmp / store.TRIG_NAME)
        store.write_store(tmp / store.TRIG_NAME, tmp / store.STORE_NAME)
        sources = tmp / SOURCES_DIR
        sources.mkdir()
        for doc in parsed:
            store.save_source(sources, doc.source)
        store.write_report(tmp, report.to_json())
    report.written = True
    report.seconds = time.monotonic() - started
    return report
