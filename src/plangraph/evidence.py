"""Evidence: the quoted sentences behind nodes and relations, and the steps of a path that carry them.

Mentions (``pg:mention``) are where the text names a node; reified statements
(``rdf:Statement`` with ``prov:wasDerivedFrom``) are where a relation was read. Traces, paths and
comparisons cite both the same way (:class:`Evidence`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .reading.nodes import NodeRef
from .reading.sparql import select_for, select_rows


@dataclass
class Evidence:
    """A quoted piece of a source document that supports a step of a path."""

    quote: str
    role: str  # what it attests: "pg:supportsIndustry", "box", "item", ...
    document: str | None = None
    source_file: str | None = None
    line: int | None = None

    def to_json(self) -> dict:
        return {
            "quote": self.quote,
            "role": self.role,
            "document": self.document,
            "source_file": self.source_file,
            "line": self.line,
        }

    def cite(self) -> str:
        where = ":".join(str(x) for x in (self.source_file, self.line) if x is not None)
        return f"“{self.quote}”" + (f" ({where})" if where else "")


def mentions_of(store: ox.Store, nodes: Iterable[str]) -> dict[str, list[Evidence]]:
    """Every mention of each node, in document and text order."""
    rows = select_for(
        store,
        "n",
        nodes,
        """SELECT ?n ?q ?line ?start ?doc ?file WHERE { {VALUES} ?n pg:mention ?m . ?m pg:quote ?q .
             OPTIONAL { ?m pg:line ?line } OPTIONAL { ?m pg:start ?start }
             OPTIONAL { ?m pg:document ?doc OPTIONAL { ?doc pg:sourceFile ?file } } }""",
    )
    found: dict[str, set[tuple]] = defaultdict(set)
    for node, quote, line, start, doc, file in rows:
        found[node].add((doc or "", start if isinstance(start, int) else 0, quote, line, file))
    return {
        node: [
            Evidence(q, "mention", d or None, f, ln if isinstance(ln, int) else None)
            for d, _, q, ln, f in sorted(v)
        ]
        for node, v in found.items()
    }


def with_role(evidence: Iterable[Evidence], role: str) -> list[Evidence]:
    return [Evidence(e.quote, role, e.document, e.source_file, e.line) for e in evidence]


def dedupe(evidence: Iterable[Evidence]) -> list[Evidence]:
    seen, kept = set(), []
    for e in evidence:
        key = (e.quote, e.document, e.line)
        if key not in seen:
            seen.add(key)
            kept.append(e)
    return kept


def first_mentions(
    store: ox.Store, nodes: Iterable[str]
) -> dict[str, tuple[str, int | None, str | None, int]]:
    """Node -> (quote, line, document, number of mentions) of its first mention."""
    rows = select_for(
        store,
        "n",
        nodes,
        """SELECT ?n ?q ?line ?start ?doc WHERE { {VALUES} ?n pg:mention ?m . ?m pg:quote ?q .
             OPTIONAL { ?m pg:line ?line } OPTIONAL { ?m pg:start ?start } OPTIONAL { ?m pg:document ?doc } }""",
    )
    by_node: dict[str, list[tuple]] = defaultdict(list)
    for node, quote, line, start, doc in rows:
        by_node[node].append((doc or "", start if isinstance(start, int) else 0, quote, line))
    first = {}
    for node, mentions in by_node.items():
        doc, _, quote, line = min(mentions)
        first[node] = (quote, line if isinstance(line, int) else None, doc or None, len(mentions))
    return first


def statement_quotes(store: ox.Store, subjects: Iterable[str]) -> dict[tuple[str, str, str], list[Evidence]]:
    """Evidence of reified relations whose subject is one of ``subjects``: (s, p, o) -> mentions."""
    rows = select_for(
        store,
        "s",
        subjects,
        """SELECT ?s ?p ?o ?q ?line ?start ?doc ?file WHERE { {VALUES}
             ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?m .
             ?m pg:quote ?q .
             OPTIONAL { ?m pg:line ?line } OPTIONAL { ?m pg:start ?start }
             OPTIONAL { ?m pg:document ?doc OPTIONAL { ?doc pg:sourceFile ?file } } }""",
    )
    found: dict[tuple[str, str, str], set[tuple]] = defaultdict(set)
    for s, p, o, quote, line, start, doc, file in rows:
        found[(s, p, o)].add((doc or "", start if isinstance(start, int) else 0, quote, line, file))
    return {
        key: [
            Evidence(q, "", d or None, f, ln if isinstance(ln, int) else None) for d, _, q, ln, f in sorted(v)
        ]
        for key, v in found.items()
    }


def source_files(store: ox.Store) -> dict[str, str]:
    return {d: f for d, f in select_rows(store, "SELECT ?d ?f WHERE { ?d pg:sourceFile ?f }")}


@dataclass
class PathStep:
    """One node of a path and the edge that led to it from the previous node."""

    node: NodeRef
    predicate: str | None = None  # compact predicate of the edge from the previous node
    forward: bool = True  # True: previous --predicate--> node; False: node --predicate--> previous
    evidence: list[Evidence] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "node": self.node.to_json(),
            "predicate": self.predicate,
            "forward": self.forward,
            "evidence": [e.to_json() for e in self.evidence],
        }


def _arrow(step: PathStep) -> str:
    name = step.predicate.split(":", 1)[-1] if step.predicate else ""
    return f" —{name}→ " if step.forward else f" ←{name}— "


def format_path(path: Sequence[PathStep]) -> str:
    """``A (Project) —supportsIndustry→ B (Industry) ←hostsIndustry— C (Park)``, then evidence."""
    if not path:
        return "no path"
    line = ""
    for i, step in enumerate(path):
        if i:
            line += _arrow(step)
        line += f"{step.node.label} ({step.node.type})"
    cited = [f"  {e.cite()}" for step in path for e in step.evidence]
    return "\n".join([line, *cited])
