"""The label of a node, the same on every page, in every trace, table and export.

One rule, :func:`best_label`, over the literal properties a node has:

- an observation (a cell of an indicator table, or a target stated in a sentence) is its
  indicator, year and printed value: ``地区生产总值 2020 2100``;
- anything else is named by its best name: ``skos:prefLabel``, then ``rdfs:label``,
  ``dcterms:title``, ``pg:quote`` (a mention), ``skos:altLabel`` and ``pg:sourceFile`` (a document
  without a title), Chinese before untagged before other languages, shorter before longer;
- a division or box puts its printed number before that name: ``第二章 产业发展``.

:data:`LABEL_QUERY` reads everything the rule needs; :func:`labels_from_rows` applies it to the
rows, whichever way the query was run (:func:`node_labels` runs it on a store; the web pages run it
through their query workers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from .sparql import select_for, select_lang_rows
from .terms import local_name

#: Properties whose values name a node, best first (local names of skos:, rdfs:, dcterms:, pg:).
NAME_PROPERTIES: tuple[str, ...] = ("prefLabel", "label", "title", "quote", "altLabel", "sourceFile")

#: The IRIs of :data:`NAME_PROPERTIES`, for queries (search looks through all but pg:quote).
NAME_PROPERTY_IRIS: tuple[str, ...] = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "https://w3id.org/plangraph/ontology#quote",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "https://w3id.org/plangraph/ontology#sourceFile",
)

#: The label of every node of ``{VALUES}`` (bound to ``?x``): rows (node, property, literal); the
#: property ``pg:indicator`` carries the label of an observation's indicator.
LABEL_QUERY = """SELECT ?x ?p ?l WHERE { {VALUES}
    { VALUES ?p { skos:prefLabel rdfs:label dcterms:title pg:quote skos:altLabel pg:sourceFile
                  pg:number pg:valueText pg:year }
      ?x ?p ?l FILTER(isLiteral(?l)) }
    UNION { ?x pg:indicator ?i . ?i rdfs:label ?l BIND(pg:indicator AS ?p) } }"""


def _language_rank(lang: str) -> int:
    lang = lang.lower()
    return 0 if lang.startswith("zh") else 1 if not lang else 2


def _first(values: list[tuple[str, str]]) -> str | None:
    """Chinese first, then untagged, then any; among those the shortest, then the first in
    code-point order (so the choice does not depend on the order the store answers in)."""
    if not values:
        return None
    return min(values, key=lambda v: (_language_rank(v[1]), len(v[0]), v[0]))[0]


def best_label(values: dict[str, list[tuple[str, str]]]) -> str | None:
    """The label of a node from its literal properties: local property name -> [(text, lang)]
    (``indicator`` holds the observation's indicator label). None when it has no name at all."""
    indicator, printed = _first(values.get("indicator", [])), _first(values.get("valueText", []))
    if indicator and printed is not None:
        parts = [indicator, _first(values.get("year", [])), printed]
        return " ".join(p for p in parts if p)
    name = next((n for n in (_first(values.get(p, [])) for p in NAME_PROPERTIES) if n), None)
    number = _first(values.get("number", []))
    if number and name and not name.startswith(number):
        return f"{number} {name}"
    return name or number


def labels_from_rows(rows: Iterable[tuple[str, str, str, str]]) -> dict[str, str]:
    """Labels from the rows of :data:`LABEL_QUERY` as (node, property IRI, text, language);
    nodes without any name are left out."""
    values: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for node, prop, text, lang in rows:
        values[node][local_name(prop)].append((text, lang))
    found = {node: best_label(props) for node, props in values.items()}
    return {node: label for node, label in found.items() if label}


def node_labels(store: ox.Store, iris: Iterable[str]) -> dict[str, str]:
    """The label of each IRI that has one (see :func:`best_label`)."""
    answer = select_for(store, "x", iris, LABEL_QUERY, reader=select_lang_rows)
    return labels_from_rows((node, prop, *literal) for node, prop, literal in answer)


def label_or_name(labels: dict[str, str], iri: str) -> str:
    """The label, or the IRI's local name for a node without any."""
    return labels.get(iri) or local_name(iri)
