"""Deterministic TriG: the same dataset always gives the same bytes.

Graphs are written in IRI order, each as sorted N-Triples-style statements grouped by subject in
Turtle syntax, so two builds of the same inputs are byte-identical and diffs between builds are
readable.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import NamespaceManager

from .vocab import DCTERMS, ELI, ID, OWL, PG, PROV, QB, RDF, RDFS, SKOS, XSD

PREFIXES = {
    "pg": PG,
    "id": ID,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "prov": PROV,
    "eli": ELI,
    "qb": QB,
}


def _namespaces() -> NamespaceManager:
    nm = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        nm.bind(prefix, ns, override=True)
    return nm


def _term(term: object, nm: NamespaceManager) -> str:
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, ns in PREFIXES.items():
            local = text[len(str(ns)) :]
            if text.startswith(str(ns)) and local and _safe_local(local):
                return f"{prefix}:{local}"
        return term.n3()
    if isinstance(term, Literal | BNode):
        return term.n3(nm)
    raise TypeError(f"cannot write {term!r}")


def _safe_local(local: str) -> bool:
    return (
        all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in local)
        and not local[0].isdigit()
        and not local.endswith("-")
    )


def _sort_key(term: object) -> tuple[str, str]:
    return (type(term).__name__, str(term) if not isinstance(term, Literal) else term.n3())


def graph_body(graph: Graph, nm: NamespaceManager) -> list[str]:
    lines: list[str] = []
    for s in sorted(set(graph.subjects()), key=_sort_key):
        pairs = sorted(graph.predicate_objects(s), key=lambda po: (_sort_key(po[0]), _sort_key(po[1])))
        lines.append(f"    {_term(s, nm)}")
        for i, (p, o) in enumerate(pairs):
            end = " ." if i == len(pairs) - 1 else " ;"
            lines.append(f"        {_term(p, nm)} {_term(o, nm)}{end}")
    return lines


def _has_blank_nodes(graph: Graph) -> bool:
    return any(isinstance(t, BNode) for triple in graph for t in triple)


HEADER = "\n".join(f"@prefix {prefix}: <{ns}> ." for prefix, ns in PREFIXES.items()) + "\n"
"""The prefixes every TriG file plangraph writes starts with."""


def graph_block(graph: Graph, nm: NamespaceManager | None = None) -> str:
    """One named graph as ``write_trig`` writes it (empty for an empty graph): a build's workers
    serialise each document's graph on its own, and the blocks are put together in IRI order."""
    if not len(graph):
        return ""
    body = to_canonical_graph(graph) if _has_blank_nodes(graph) else graph
    lines = ["", f"{graph.identifier.n3()} {{", *graph_body(body, nm or _namespaces()), "}"]
    return "\n".join(lines) + "\n"


def write_trig(graphs: Dataset | Iterable[Graph], path: Path) -> None:
    """Write the named graphs (of a Dataset, or given one by one) in IRI order, each written out
    as soon as it is serialised; blank nodes (in the ontology's OWL lists) get canonical labels
    (rdflib.compare), so they too are the same in every build."""
    nm = _namespaces()
    if isinstance(graphs, Dataset):
        default = graphs.default_graph.identifier
        graphs = [g for g in graphs.graphs() if g.identifier != default]
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER)
        for graph in sorted((g for g in graphs if len(g)), key=lambda g: str(g.identifier)):
            out.write(graph_block(graph, nm))
