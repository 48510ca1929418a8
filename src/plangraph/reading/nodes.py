"""The kinds of node the readers show (the *things* of the graph), their colours, and ``describe``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ..vocab import PG
from .labels import label_or_name, node_labels
from .sparql import select_rows
from .terms import iri_ref, local_name

#: Node types in the order used to break ties (an industry wins over a division of the same name)
#: and to group search results.
NODE_TYPES: tuple[str, ...] = (
    "Industry",
    "Park",
    "Project",
    "BoxItem",
    "Region",
    "Indicator",
    "Document",
    "Box",
    "Division",
    "Observation",
    "Organization",
)

#: One palette for every export, page and legend (Tableau 10: distinct, colour-blind aware).
PALETTE: dict[str, str] = {
    "Region": "#4e79a7",
    "Industry": "#e15759",
    "Park": "#f28e2b",
    "Project": "#59a14f",
    "BoxItem": "#8cd17d",
    "Document": "#76b7b2",
    "Division": "#bab0ac",
    "Box": "#edc948",
    "Indicator": "#b07aa1",
    "Observation": "#ff9da7",
    "Organization": "#9c755f",
}

#: Classes that map onto a node type although they are not named like it.
SUBCLASSES: dict[str, str] = {"FiveYearPlan": "Document", "WorkReport": "Document"}


@dataclass(frozen=True)
class NodeRef:
    """A node as shown to people: IRI, label and type."""

    iri: str
    label: str
    type: str

    def to_json(self) -> dict:
        return {"iri": self.iri, "label": self.label, "type": self.type}

    def __str__(self) -> str:
        return self.label


def class_map(store: ox.Store) -> dict[str, str]:
    """Class IRI -> node type, including subclasses the ontology declares."""
    classes = {str(PG[t]): t for t in NODE_TYPES}
    classes.update({str(PG[sub]): base for sub, base in SUBCLASSES.items()})
    bases = " ".join(iri_ref(str(PG[t])) for t in NODE_TYPES)
    for sub, base in select_rows(
        store, f"SELECT ?sub ?base WHERE {{ VALUES ?base {{ {bases} }} ?sub rdfs:subClassOf+ ?base }}"
    ):
        if isinstance(sub, str):
            classes.setdefault(sub, local_name(base))
    return classes


def typed_nodes(store: ox.Store) -> dict[str, tuple[str, str]]:
    """Every node of the view: IRI -> (type, subtype). ``subtype`` is the most specific class
    (``FiveYearPlan`` for a plan), equal to ``type`` when there is nothing more specific."""
    classes = class_map(store)
    values = " ".join(iri_ref(c) for c in classes)
    classes_of: dict[str, set[str]] = defaultdict(set)
    for node, cls in select_rows(store, f"SELECT ?n ?c WHERE {{ VALUES ?c {{ {values} }} ?n a ?c }}"):
        if isinstance(node, str):
            classes_of[node].add(cls)
    found: dict[str, tuple[str, str]] = {}
    for node, cls_set in classes_of.items():
        kind = min((classes[c] for c in cls_set), key=NODE_TYPES.index)
        specific = sorted(local_name(c) for c in cls_set if classes[c] == kind and local_name(c) != kind)
        found[node] = (kind, specific[0] if specific else kind)
    # Publishers are "a node with rdfs:label" in the contract, often without a class.
    for (org,) in select_rows(
        store, "SELECT DISTINCT ?o WHERE { ?d dcterms:publisher ?o FILTER(isIRI(?o)) }"
    ):
        found.setdefault(org, ("Organization", "Organization"))
    return found


def check_types(types: Iterable[str]) -> set[str]:
    """Type names as given (any case; a subclass such as FiveYearPlan, or Organisation) ->
    the names to match against a node's ``type`` or ``subtype``."""
    known = {t.lower(): t for t in NODE_TYPES}
    known.update({sub.lower(): sub for sub in SUBCLASSES})
    known["organisation"] = "Organization"
    chosen = set()
    for name in types:
        key = name.strip().lower()
        if key not in known:
            raise ValueError(f"unknown node type {name!r}; known types: {', '.join(NODE_TYPES)}")
        chosen.add(known[key])
    return chosen


def describe(
    store: ox.Store, iris: Iterable[str], kinds: dict[str, tuple[str, str]] | None = None
) -> dict[str, NodeRef]:
    """NodeRefs (label and type) for the given IRIs; unknown IRIs get their local name and no type."""
    wanted = set(iris)
    kinds = typed_nodes(store) if kinds is None else kinds
    labels = node_labels(store, wanted)
    return {i: NodeRef(i, label_or_name(labels, i), kinds[i][0] if i in kinds else "") for i in wanted}
