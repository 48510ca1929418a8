"""SHACL validation of a built plan graph against ``ontology/shapes.ttl``.

The graph is validated one document graph at a time: the document's named graph, the part of the
reference data it links to (the regions and industry concepts it names, with their parent and
broader chains and schemes) and the ontology (as pyshacl's ``ont_graph``, so that a shape targeting
``pg:Document`` also reaches ``pg:FiveYearPlan``). Each document graph is small enough for pyshacl
over an in-memory rdflib graph; the reference graphs are validated once on their own.

The checks of mention quotes need the source text: the caller passes it per document and it is
added, as ``?doc pg:sourceText "..."``, to the private copy of the data that is validated. That
triple is never published.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from . import store
from .executors import die_with_parent
from .model import InputError
from .readers import stored_text
from .settings import get_settings
from .vocab import ID, ONTOLOGY_GRAPH, PG

ONTOLOGY_FILE = "plangraph.ttl"
SHAPES_FILE = "shapes.ttl"

#: ``document`` of the records about the reference graphs (regions, industry scheme).
REFERENCE_DATA = "reference data"

#: The validator's own findings (not from a shape) name this as their shape.
VALIDATOR = "plangraph.validate"

_DOCUMENT_GRAPH_PREFIX = str(ID["graph/doc/"])

#: Predicates that lead from a reference node down or across to many others; the reference
#: closure of a document does not follow them (a scheme's top concepts would pull in the scheme).
_FANNING_OUT = frozenset(
    {
        SKOS.narrower,
        SKOS.narrowerTransitive,
        SKOS.hasTopConcept,
        SKOS.member,
        SKOS.related,
        RDFS.member,
        RDF.type,
    }
)

_SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationRecord:
    """One finding, in words: which document, which node, which property, which value, and why."""

    document: str
    severity: str  # "Violation" | "Warning" | "Info"
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str
    rule: str
    """The shape's message before its variables were filled in: findings of one rule share it."""


@dataclass
class ValidationResult:
    violations: list[ValidationRecord] = field(default_factory=list)
    warnings: list[ValidationRecord] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    seconds: float = 0.0
    quotes_checked: int = 0
    """Documents whose mention quotes were compared with their source text."""

    @property
    def conforms(self) -> bool:
        """No violation (warnings are allowed)."""
        return not self.violations

    def add(self, records: Iterable[ValidationRecord]) -> None:
        for record in records:
            (self.violations if record.severity == "Violation" else self.warnings).append(record)

    def text(self, examples: int = 3) -> str:
        """A readable report: per document, each rule with its count and its first few findings."""
        lines = [
            f"{'CONFORMS' if self.conforms else 'DOES NOT CONFORM'}: {len(self.violations)} violation(s), "
            f"{len(self.warnings)} warning(s) in {len(self.documents)} document graph(s) "
            f"(quotes checked in {self.quotes_checked}), {self.seconds:.1f} s"
        ]
        by_document: dict[str, list[ValidationRecord]] = defaultdict(list)
        for record in self.violations + self.warnings:
            by_document[record.document].append(record)
        for document in sorted(by_document):
            lines.append("")
            lines.append(f"== {document}")
            by_rule: dict[tuple[str, str], list[ValidationRecord]] = defaultdict(list)
            for record in by_document[document]:
                by_rule[(record.severity, record.rule)].append(record)
            ordered = sorted(by_rule.items(), key=lambda item: (item[0][0] != "Violation", -len(item[1])))
            for (severity, rule), records in ordered:
                lines.append(f"  [{severity}] x{len(records)}  {rule}")
                for record in records[:examples]:
                    lines.append(f"      - {_example(record)}")
                if len(records) > examples:
                    lines.append(f"      ... and {len(records) - examples} more")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "conforms": self.conforms,
            "violation_count": len(self.violations),
            "warning_count": len(self.warnings),
            "documents": self.documents,
            "quotes_checked": self.quotes_checked,
            "seconds": round(self.seconds, 3),
            "violations": [asdict(r) for r in self.violations],
            "warnings": [asdict(r) for r in self.warnings],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)


def _example(record: ValidationRecord, width: int = 80) -> str:
    parts = [record.focus]
    if record.path:
        parts.append(record.path)
    if record.value is not None:
        value = record.value if len(record.value) <= width else record.value[: width - 1] + "…"
        parts.append(repr(value))
    text = "  ".join(parts)
    return text if record.message == record.rule else f"{text}: {record.message}"


# --- shapes and ontology -----------------------------------------------------------------------


@lru_cache(maxsize=4)
def _parse_turtle(path: str, mtime: float) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def load_shapes(ontology_dir: Path | None = None) -> Graph:
    """The SHACL shapes graph (parsed once per file version)."""
    path = Path(ontology_dir or get_settings().ontology_dir) / SHAPES_FILE
    return _parse_turtle(str(path), path.stat().st_mtime)


def load_ontology(ontology_dir: Path | None = None) -> Graph:
    """The OWL ontology (parsed once per file version)."""
    path = Path(ontology_dir or get_settings().ontology_dir) / ONTOLOGY_FILE
    return _parse_turtle(str(path), path.stat().st_mtime)


def _document_classes(ontology: Graph) -> set[Node]:
    """pg:Document and all its subclasses declared in the ontology."""
    classes: set[Node] = {PG.Document}
    frontier: list[Node] = [PG.Document]
    while frontier:
        for sub in ontology.subjects(RDFS.subClassOf, frontier.pop()):
            if sub not in classes:
                classes.add(sub)
                frontier.append(sub)
    return classes


# --- the dataset -------------------------------------------------------------------------------


def is_document_graph(name: Node) -> bool:
    return isinstance(name, URIRef) and str(name).startswith(_DOCUMENT_GRAPH_PREFIX)


def _named_graphs(ds: Dataset) -> tuple[list[Graph], list[Graph]]:
    """(document graphs, reference graphs); the ontology graph is neither (it comes from the file)."""
    documents: list[Graph] = []
    references: list[Graph] = []
    for graph in ds.graphs():
        if len(graph) == 0 or graph.identifier == ONTOLOGY_GRAPH:
            continue
        (documents if is_document_graph(graph.identifier) else references).append(graph)
    documents.sort(key=lambda g: str(g.identifier))
    return documents, references


def _reference_closure(document: Graph, references: list[Graph]) -> Graph:
    """The triples of the reference graphs about the nodes a document graph names, followed upwards
    (parent regions, broader concepts, schemes) but never down a hierarchy."""
    closure = Graph()
    if not references:
        return closure
    described: set[Node] = set()  # the nodes the reference graphs say anything about
    for reference in references:
        described.update(reference.subjects(unique=True))
    seen: set[Node] = set()
    frontier: set[Node] = set()
    for s, _, o in document:
        if s in described:
            frontier.add(s)
        if o in described and not isinstance(o, Literal):
            frontier.add(o)
    while frontier:
        seen |= frontier
        reached: set[Node] = set()
        for node in frontier:
            for reference in references:
                for p, o in reference.predicate_objects(node):
                    closure.add((node, p, o))
                    if p not in _FANNING_OUT and not isinstance(o, Literal) and o not in seen:
                        reached.add(o)
        frontier = reached
    return closure


def documents_in(graph: Graph) -> list[str]:
    """The IRIs of the documents (pg:Document or a subclass of it) ``graph`` describes."""
    return [str(d) for d in _documents_in(graph, _document_classes(load_ontology()))]


def _documents_in(graph: Graph, document_classes: set[Node]) -> list[Node]:
    return sorted({s for cls in document_classes for s in graph.subjects(RDF.type, cls)}, key=str)


# --- running pyshacl ---------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _prepared_query(text: str) -> Query:
    return prepareQuery(text)


class _QueryCachingGraph(Graph):
    """A graph that parses each SPARQL text once.

    pyshacl runs a SHACL-SPARQL constraint once per focus node with the same query text (and
    ``$this`` pre-bound); rdflib would parse that text every time (~30 ms each), which dominates
    validation of a document with thousands of mentions.
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared_query(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=2)
def _axioms(ontology: Graph) -> Graph:
    """The RDFS and OWL axioms of the ontology, as pyshacl mixes them into the data it validates
    (its ``inoculate``), made once: a document graph is given them for the time of its check."""
    from pyshacl.rdfutil.inoculate import inoculate

    return inoculate(Graph(), ontology)  # type: ignore[arg-type]  # pyshacl types it as its DataGraph union


#: The SHACL engines (setting ``validation_engine``). pyshacl is the reference; pyshacl-turbo runs
#: the same shapes compiled (Rust), 20-30x faster on the corpus, and tests/test_validation_engines.py
#: checks that it finds exactly what pyshacl finds on the gold and wild corpora and on every fixture.
ENGINES = ("turbo", "pyshacl")


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"validation_engine={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


@lru_cache(maxsize=4)
def _compiled_shapes(shapes: Graph) -> Any:  # pyshacl_turbo has no type information
    import pyshacl_turbo

    return pyshacl_turbo.compile_shapes(shapes, advanced=True)


def _run_shacl(data: Graph, shapes: Graph, ontology: Graph | None, engine: str | None = None) -> Graph:
    """Validate ``data`` and return the results graph. With ``ontology`` its RDFS/OWL axioms are mixed
    into ``data`` first (so ``data`` must be a private copy); without it, they are already there.

    ``engine`` (default: the ``validation_engine`` setting) is ``turbo`` or ``pyshacl``; both are
    given the same data (pyshacl's own mixing of the axioms). A graph the compiled engine cannot
    validate (an error or a panic inside it) is validated by pyshacl instead."""
    engine = check_engine(engine or get_settings().validation_engine)
    if engine == "turbo":
        if ontology is not None:
            data.addN((s, p, o, data) for s, p, o in _axioms(ontology) if (s, p, o) not in data)
        try:
            _conforms, results, _text = _compiled_shapes(shapes).validate(
                data, allow_infos=True, allow_warnings=True, abort_on_first=False
            )
            return results
        except BaseException as err:  # pyo3 panics derive from BaseException
            if isinstance(err, KeyboardInterrupt | SystemExit):
                raise
            logging.getLogger(__name__).warning("pyshacl-turbo failed (%s); validating with pyshacl", err)
            ontology = None  # the axioms are in ``data`` already
    _conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",  # RDFS/OWL inference would paper over missing types and wrong domains
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        meta_shacl=False,
        advanced=True,  # the SPARQL targets of the rules over numerous nodes (see shapes.ttl)
        inplace=True,
    )
    return results


def _term_text(node: Node | None) -> str | None:
    if node is None:
        return None
    return str(node)


def _rule_template(shapes: Graph, constraint: Node | None, shape: Node | None) -> str | None:
    for source in (constraint, shape):
        if source is None:
            continue
        message = shapes.value(source, SH.message)
        if message is not None:
            return str(message)
    return None


def _records(results: Graph, shapes: Graph, document: str) -> list[ValidationRecord]:
    records = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        shape = results.value(result, SH.sourceShape)
        constraint = results.value(result, SH.sourceConstraint)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        message = messages[0] if messages else str(results.value(result, SH.sourceConstraintComponent))
        severity = results.value(result, SH.resultSeverity)
        records.append(
            ValidationRecord(
                document=document,
                severity=_SEVERITY_NAMES.get(cast(URIRef, severity), str(severity)),
                focus=str(results.value(result, SH.focusNode)),
                path=_term_text(results.value(result, SH.resultPath)),
                value=_term_text(results.value(result, SH.value)),
                message=message,
                shape=str(shape) if isinstance(shape, URIRef) else "(anonymous shape)",
                rule=_rule_template(shapes, constraint, shape) or message,
            )
        )
    # One value can break two constraints of a shape with one message (e.g. sh:datatype and
    # sh:languageIn of a title): report it once.
    return sorted(set(records), key=lambda r: (r.severity, r.rule, r.focus, r.value or ""))


def validate_document_graph(
    graph: Graph,
    references: list[Graph],
    source_texts: Mapping[str, str] | None = None,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    engine: str | None = None,
) -> list[ValidationRecord]:
    """Validate one document's named graph with the reference data it links to (``engine``: see
    :func:`_run_shacl`)."""
    shapes = shapes if shapes is not None else load_shapes()
    ontology = ontology if ontology is not None else load_ontology()
    documents = _documents_in(graph, _document_classes(ontology))
    name = str(documents[0]) if len(documents) == 1 else str(graph.identifier)
    records = []
    if not documents:
        records.append(_finding(name, "The document graph holds no pg:Document.", graph.identifier))
    # What validation needs beyond the document's own triples (the reference data it links to, its
    # source text) is added to the graph for the time of the check and removed after, so that no
    # copy of the document graph is made (memory per heading stays one graph's worth).
    extra = [t for t in _reference_closure(graph, references) if t not in graph]
    extra += [t for t in _axioms(ontology) if t not in graph]
    for doc in documents:
        text = None if source_texts is None else source_texts.get(str(doc))
        if text is not None:
            extra.append((doc, PG.sourceText, Literal(text)))
        elif source_texts is not None:
            records.append(
                _finding(
                    str(doc),
                    "The source text was not found: mention quotes were not checked.",
                    doc,
                    "Warning",
                )
            )
    if check_engine(engine or get_settings().validation_engine) == "turbo":
        # the compiled engine reads the triples once, into its own store: no graph is changed
        joined = _Joined(graph, extra)
        return records + _records(_run_shacl(joined, shapes, None, "turbo"), shapes, name)
    data = _QueryCachingGraph(store=graph.store, identifier=graph.identifier)
    try:
        data.addN((s, p, o, data) for s, p, o in extra)
        records += _records(_run_shacl(data, shapes, None, engine), shapes, name)
    finally:
        for triple in extra:
            data.remove(triple)
    return records


class _Joined(Graph):
    """A graph's triples followed by more (none of them in it), read without copying either.

    What the compiled engine is given for a document: it reads every triple once into its own store
    (``pyshacl_turbo.rdf._term_input`` iterates the graph), so nothing is added to the document's
    graph and removed again. Pattern lookups work too, over both parts."""

    def __init__(self, graph: Graph, more: list[tuple[Node, Node, Node]]):
        super().__init__(identifier=graph.identifier, namespace_manager=graph.namespace_manager)
        self._graph = graph
        self._more = more

    def triples(self, pattern, *args, **kwargs):  # type: ignore[override]
        yield from self._graph.triples(pattern)
        for triple in self._more:
            if all(want is None or want == have for want, have in zip(pattern, triple, strict=True)):
                yield triple

    def __iter__(self):
        return self.triples((None, None, None))

    def __len__(self) -> int:
        return len(self._graph) + len(self._more)

    def __contains__(self, triple: object) -> bool:
        return triple in self._more or cast(Any, triple) in self._graph


def _finding(document: str, message: str, focus: Node, severity: str = "Violation") -> ValidationRecord:
    return ValidationRecord(document, severity, str(focus), None, None, message, VALIDATOR, message)


def _validate_reference_data(
    references: list[Graph], shapes: Graph, ontology: Graph, engine: str | None = None
) -> list[ValidationRecord]:
    reference_data = _QueryCachingGraph()
    for graph in references:
        reference_data += graph
    return _records(_run_shacl(reference_data, shapes, ontology, engine), shapes, REFERENCE_DATA)


@dataclass(frozen=True)
class _Job:
    """Everything the validation of a dataset needs; forked workers inherit it (no pickling)."""

    documents: list[Graph]
    references: list[Graph]
    source_texts: Mapping[str, str] | None
    shapes: Graph
    ontology: Graph
    engine: str | None = None

    def run(self, index: int) -> list[ValidationRecord]:
        """Validate document graph ``index``, or the reference data for ``len(documents)``."""
        if index == len(self.documents):
            return _validate_reference_data(self.references, self.shapes, self.ontology, self.engine)
        return validate_document_graph(
            self.documents[index],
            self.references,
            self.source_texts,
            self.shapes,
            self.ontology,
            self.engine,
        )


_forked_job: _Job | None = None


def _run_forked(index: int) -> list[ValidationRecord]:
    assert _forked_job is not None
    return _forked_job.run(index)


def _run_jobs(job: _Job, workers: int) -> list[list[ValidationRecord]]:
    """The records of each document graph, then those of the reference data.

    pyshacl is pure Python, so documents are validated in parallel in forked processes (which
    inherit the parsed graphs) when there are several and fork is available; largest first. The
    workers die with the process that forked them, and are stopped when it is interrupted.
    """
    count = len(job.documents) + (1 if job.references else 0)
    sizes = [len(g) for g in job.documents] + [sum(len(g) for g in job.references)]
    workers = min(workers, count)
    small = sum(sizes) < get_settings().validation_parallel_min_triples
    if workers <= 1 or small or "fork" not in multiprocessing.get_all_start_methods():
        return [job.run(i) for i in range(count)]
    order = sorted(range(count), key=lambda i: -sizes[i])
    global _forked_job
    _forked_job = job
    # Objects the workers only read stay out of the garbage collector's passes, so a worker does not
    # copy the parent's pages by touching them (copy-on-write after fork).
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            # ``with`` ends in pool.terminate(): on an exception or an interrupt, no worker outlives it
            by_index = dict(zip(order, pool.imap(_run_forked, order, chunksize=1), strict=True))
    finally:
        _forked_job = None
        gc.unfreeze()
    return [by_index[i] for i in range(count)]


def validate_dataset(
    ds: Dataset,
    source_texts: Mapping[str, str] | None = None,
    workers: int | None = None,
    engine: str | None = None,
) -> ValidationResult:
    """Validate every document graph of ``ds`` (one at a time) and the reference graphs once.

    ``source_texts`` maps a document IRI to the full decoded text of its source file; with it the
    mention quotes are compared with the text at their offsets. A document missing from a given
    mapping is reported as a warning; with no mapping at all the quote checks are skipped.
    ``workers`` processes validate documents in parallel (default: setting ``validation_workers``);
    ``engine``: ``turbo`` or ``pyshacl`` (default: setting ``validation_engine``).
    """
    documents, references = _named_graphs(ds)
    return validate_graphs(documents, references, source_texts, workers, engine)


def validate_graphs(
    documents: list[Graph],
    references: list[Graph],
    source_texts: Mapping[str, str] | None = None,
    workers: int | None = None,
    engine: str | None = None,
) -> ValidationResult:
    """:func:`validate_dataset` over the named graphs themselves: one graph per document, and the
    reference graphs (regions, industry scheme; the ontology comes from its file)."""
    started = time.perf_counter()
    shapes, ontology = load_shapes(), load_ontology()
    documents = sorted((g for g in documents if len(g)), key=lambda g: str(g.identifier))
    references = [g for g in references if len(g) and g.identifier != ONTOLOGY_GRAPH]
    job = _Job(documents, references, source_texts, shapes, ontology, engine)
    workers = get_settings().validation_workers if workers is None else workers
    result = ValidationResult()
    for records in _run_jobs(job, workers):
        result.add(records)
    document_classes = _document_classes(ontology)
    for graph in documents:
        result.documents.append(str(graph.identifier))
        doc_iris = _documents_in(graph, document_classes)
        result.quotes_checked += sum(1 for d in doc_iris if source_texts and str(d) in source_texts)
    result.seconds = time.perf_counter() - started
    return result


def validate_references(references: list[Graph], engine: str | None = None) -> list[ValidationRecord]:
    """The findings about the reference graphs alone (a build checks them once, made from the
    documents it keeps)."""
    references = [g for g in references if len(g) and g.identifier != ONTOLOGY_GRAPH]
    if not references:
        return []
    return _validate_reference_data(references, load_shapes(), load_ontology(), engine)


def document_of(record: ValidationRecord, graph_documents: Mapping[str, str]) -> str | None:
    """The document IRI a finding is about (``graph_documents``: graph name -> document IRI), or
    None for the reference data."""
    if record.document == REFERENCE_DATA:
        return None
    return graph_documents.get(record.document, record.document)


# --- a built TriG file -------------------------------------------------------------------------


def _rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    # rdflib writes a plain literal as one without a datatype; keep the two indistinguishable.
    return (
        Literal(term.value)
        if datatype == str(_XSD_STRING)
        else Literal(term.value, datatype=URIRef(datatype))
    )


_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


def load_trig(path: Path) -> Dataset:
    """A TriG file as an rdflib Dataset (parsed by pyoxigraph, several times faster than rdflib)."""
    ds = Dataset()
    graphs: dict[str, Graph] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
        name = quad.graph_name
        key = "" if isinstance(name, ox.DefaultGraph) else name.value
        graph = graphs.get(key)
        if graph is None:
            graph = ds.default_graph if not key else ds.graph(cast(URIRef | BNode, _rdflib_term(name)))
            graphs[key] = graph
        graph.add((_rdflib_term(quad.subject), _rdflib_term(quad.predicate), _rdflib_term(quad.object)))
    return ds


def find_source_texts(ds: Dataset, search_dirs: list[Path]) -> dict[str, str]:
    """Map each document IRI to its source text: the copy a build's index names for it, else the
    file named by its pg:sourceFile, in ``search_dirs``."""
    texts: dict[str, str] = {}
    for graph in _named_graphs(ds)[0]:
        for doc, name in graph.subject_objects(PG.sourceFile):
            copies = [store.source_copy(Path(folder), str(doc)) for folder in search_dirs]
            for candidate in [c for c in copies if c is not None] + [
                Path(f) / str(name) for f in search_dirs
            ]:
                if not candidate.is_file():
                    continue
                try:
                    # decoded exactly as the pipeline decoded it, so that offsets index the same text
                    texts[str(doc)] = stored_text(candidate)
                except InputError:
                    continue  # reported as a document whose source text was not found
                break
    return texts


def validate_trig(
    path: Path, corpus_dirs: list[Path] | None = None, engine: str | None = None
) -> ValidationResult:
    """Validate a built TriG file; source files are looked up in ``<trig dir>/sources/`` (where the
    build copies them), then in ``corpus_dirs``."""
    path = Path(path)
    started = time.perf_counter()
    ds = load_trig(path)
    search_dirs = [path.parent / "sources", *(corpus_dirs or [])]
    result = validate_dataset(ds, find_source_texts(ds, search_dirs), engine=engine)
    result.seconds = time.perf_counter() - started
    return result
