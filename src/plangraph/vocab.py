"""Namespaces of the public vocabulary and the rules that mint data IRIs.

IRIs are deterministic (see ``../shared/design/ontology-contract.md``): the same inputs give the
same IRIs, and an entity keeps its IRI when other documents are added. Names become IRI path
segments through a short hash of their normalised form, so IRIs stay ASCII and stable.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

PG = Namespace("https://w3id.org/plangraph/ontology#")
ID = Namespace("https://w3id.org/plangraph/id/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
QB = Namespace("http://purl.org/linked-data/cube#")

__all__ = ["DCTERMS", "ELI", "ID", "OWL", "PG", "PROV", "QB", "RDF", "RDFS", "SKOS", "XSD"]

#: Prefixes every query may use without declaring them (the CLI, the endpoint and saved queries).
STANDARD_PREFIXES = {
    "pg": str(PG),
    "id": str(ID),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "prov": str(PROV),
    "eli": str(ELI),
    "qb": str(QB),
}

#: Named graphs of reference data; each document's triples go in ``document_graph(doc)``.
ONTOLOGY_GRAPH = ID["graph/ontology"]
REGIONS_GRAPH = ID["graph/regions"]
INDUSTRIES_GRAPH = ID["graph/industries"]
INDICATORS_GRAPH = ID["graph/indicators"]  # the indicator scheme, its candidates and the units

_PUNCT = "。，、；;：:,.！!？?\"'“”‘’《》<>【】[]()（）—-·•… "


def normalise_name(text: str) -> str:
    """The form names are compared in: NFKC, no white space, no punctuation at either end."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return text.strip(_PUNCT)


def name_key(text: str) -> str:
    """A short, stable ASCII key for a name (12 hex digits of the SHA-1 of its normal form)."""
    return hashlib.sha1(normalise_name(text).encode("utf-8")).hexdigest()[:12]


def region_iri(admin_code: str) -> URIRef:
    return ID[f"region/{admin_code}"]


def document_iri(region_code: str, doc_type: str, period: str) -> URIRef:
    """``doc_type`` is a short slug (``plan``, ``report``, ``doc``); ``period`` e.g. ``2016-2020``."""
    return ID[f"doc/{region_code}/{doc_type}/{period}"]


def variant_document_iri(doc: URIRef, source: str) -> URIRef:
    """A second document that would get ``doc`` (same region, type and period), told apart by
    its source (file name and position in the file)."""
    return URIRef(f"{doc}-{name_key(source)}")


def document_graph(doc: URIRef) -> URIRef:
    return URIRef(str(doc).replace(str(ID) + "doc/", str(ID) + "graph/doc/", 1))


def division_iri(doc: URIRef, order: int) -> URIRef:
    return URIRef(f"{doc}/div/{order}")


def box_iri(doc: URIRef, order: int) -> URIRef:
    return URIRef(f"{doc}/box/{order}")


def box_item_iri(box: URIRef, number: int) -> URIRef:
    return URIRef(f"{box}/item/{number}")


def statement_iri(doc: URIRef, key: str) -> URIRef:
    """``key`` identifies the reified triple and the mention it was read from (a short hash)."""
    return URIRef(f"{doc}/stmt/{key}")


def observation_iri(doc: URIRef, box_order: int, row: int, column: int) -> URIRef:
    return URIRef(f"{doc}/obs/{box_order}-{row}-{column}")


def quantity_iri(observation: URIRef, part: str) -> URIRef:
    """``part``: ``value`` (the cell read as a value) or ``growth`` (the growth column)."""
    return URIRef(f"{observation}/{part}")


def stated_target_iri(doc: URIRef, start: int, end: int) -> URIRef:
    """A target stated in a sentence, by the offsets of the clause it was read from."""
    return URIRef(f"{doc}/target/{start}-{end}")


def mention_iri(doc: URIRef, start: int, end: int) -> URIRef:
    return URIRef(f"{doc}/mention/{start}-{end}")


def industry_iri(concept_key: str) -> URIRef:
    """``concept_key`` is the scheme's key (ASCII slug) or, for candidates, ``name_key(name)``."""
    return ID[f"industry/{concept_key}"]


def park_iri(region_code: str, name: str) -> URIRef:
    return ID[f"park/{region_code}/{name_key(name)}"]


def project_iri(region_code: str, name: str) -> URIRef:
    return ID[f"project/{region_code}/{name_key(name)}"]


def indicator_iri(name: str) -> URIRef:
    return ID[f"indicator/{name_key(name)}"]


def organisation_iri(name: str) -> URIRef:
    return ID[f"org/{name_key(name)}"]
