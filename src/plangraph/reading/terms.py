"""Terms as the readers of the graph see them, and the pieces of query text built from them."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..vocab import STANDARD_PREFIXES
from ..web.sparql_text import is_iri, string_literal

__all__ = [
    "SPARQL_PREFIXES",
    "Term",
    "compact",
    "iri_ref",
    "is_iri",
    "local_name",
    "python_value",
    "string_literal",
    "term_from_json",
    "term_from_oxigraph",
]

#: The prefixes every query of the readers may use (the same as the endpoint's).
SPARQL_PREFIXES = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in STANDARD_PREFIXES.items())

_INTEGER_TYPES = frozenset({"integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"})


def local_name(iri: str) -> str:
    """``https://w3id.org/plangraph/ontology#supportsIndustry`` -> ``supportsIndustry``."""
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri


def compact(iri: str) -> str:
    """``pg:Project`` / ``id:region/210800`` for an IRI under a standard prefix (the longest
    namespace wins), else the IRI itself."""
    best = ""
    short = iri
    for prefix, namespace in STANDARD_PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best = namespace
            short = f"{prefix}:{iri[len(namespace) :]}"
    return short


def iri_ref(iri: str) -> str:
    """``<iri>`` for query text; ValueError for anything that is not an absolute IRI."""
    if not is_iri(iri):
        raise ValueError(f"not an absolute IRI: {iri!r}")
    return f"<{iri}>"


@dataclass
class Term:
    """An RDF term as shown to people: a link (IRI), a value (literal) or a blank node."""

    kind: str  # "uri" | "literal" | "bnode" (the SPARQL JSON names)
    value: str
    label: str = ""
    lang: str = ""
    datatype: str = ""

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def text(self) -> str:
        return self.label or (compact(self.value) if self.is_iri else self.value)

    def to_json(self) -> dict:
        out = {"type": self.kind, "value": self.value}
        if self.label:
            out["label"] = self.label
        if self.lang:
            out["lang"] = self.lang
        if self.datatype:
            out["datatype"] = self.datatype
        return out


def term_from_json(binding: dict) -> Term:
    """The term of one SPARQL JSON results binding."""
    kind = binding["type"]
    kind = "literal" if kind == "typed-literal" else kind
    return Term(
        kind, binding["value"], lang=binding.get("xml:lang", ""), datatype=binding.get("datatype", "")
    )


def term_from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    return Term("literal", term.value, lang=term.language or "", datatype=term.datatype.value)


def python_value(term: object) -> object:
    """A query result term as a Python value: IRIs and strings as str, integers as int; blank
    nodes stay terms (they only make sense inside the store that answered)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype is not None and local_name(term.datatype.value) in _INTEGER_TYPES:
            try:
                return int(term.value)
            except ValueError:
                return term.value
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return term
