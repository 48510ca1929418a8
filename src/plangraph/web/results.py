"""Writers for SPARQL result sets (JSON, XML, CSV, TSV) and graphs, with a row limit.

pyoxigraph serialises a whole result iterator and cannot stop after *n* rows, so result sets are
collected up to the ``max_result_rows`` limit and written here, following the W3C formats
(SPARQL 1.1 Query Results JSON, XML, CSV and TSV, with the SPARQL 1.2 triple-term extension).
Graphs are collected the same way and written by pyoxigraph.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from ..vocab import STANDARD_PREFIXES
from .conneg import Format

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"

# Characters XML 1.0 cannot carry at all; they are written as U+FFFD rather than break the document.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: Prefixes used when writing Turtle, TriG and RDF/XML: the ones queries get predeclared.
PREFIXES = STANDARD_PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class Rows:
    """At most ``limit`` solutions of a SELECT, and whether more were cut off."""

    variables: list[str]
    rows: list[list[Term | None]]
    truncated: bool


def collect_solutions(solutions: ox.QuerySolutions, limit: int) -> Rows:
    variables = [v.value for v in solutions.variables]
    taken = [[solution[i] for i in range(len(variables))] for solution in islice(solutions, limit + 1)]
    return Rows(variables, taken[:limit], len(taken) > limit)


def collect_triples(triples: Iterable[ox.Triple], limit: int) -> tuple[list[ox.Triple], bool]:
    """Distinct triples (a CONSTRUCT template can repeat one), at most ``limit``."""
    seen: dict[ox.Triple, None] = {}
    for triple in triples:
        seen.setdefault(triple, None)
        if len(seen) > limit:
            return list(islice(seen, limit)), True
    return list(seen), False


# --- JSON ------------------------------------------------------------------------------------


def json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": json_term(term.subject),
                "predicate": json_term(term.predicate),
                "object": json_term(term.object),
            },
        }
    out: dict = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if getattr(term, "direction", None) is not None:
            out["its:dir"] = str(term.direction.name).lower()
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def write_json(rows: Rows) -> bytes:
    bindings = [
        {var: json_term(term) for var, term in zip(rows.variables, row, strict=True) if term is not None}
        for row in rows.rows
    ]
    doc = {"head": {"vars": rows.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_json_boolean(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": value}).encode("utf-8")


# --- XML -------------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    return xml_escape(_XML_INVALID.sub("\ufffd", text))


def xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{xml_term(term.subject)}</subject>"
            f"<predicate>{xml_term(term.predicate)}</predicate>"
            f"<object>{xml_term(term.object)}</object></triple>"
        )
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
    return f"<literal>{_xml_text(term.value)}</literal>"


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def write_xml(rows: Rows) -> bytes:
    out = io.StringIO()
    out.write(_XML_HEAD + "<head>")
    for var in rows.variables:
        out.write(f"<variable name={quoteattr(var)}/>")
    out.write("</head><results>")
    for row in rows.rows:
        out.write("<result>")
        for var, term in zip(rows.variables, row, strict=True):
            if term is not None:
                out.write(f"<binding name={quoteattr(var)}>{xml_term(term)}</binding>")
        out.write("</result>")
    out.write("</results></sparql>\n")
    return out.getvalue().encode("utf-8")


def write_xml_boolean(value: bool) -> bytes:
    return f"{_XML_HEAD}<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n".encode()


# --- CSV and TSV -----------------------------------------------------------------------------


def csv_value(term: Term | None) -> str:
    """SPARQL 1.1 CSV: IRIs and literals as their bare text, blank nodes as ``_:label``."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        value = f"_:{term.value}"
    elif isinstance(term, ox.Triple):
        value = f"<< {tsv_term(term.subject)} {tsv_term(term.predicate)} {tsv_term(term.object)} >>"
    else:
        value = term.value
    if any(c in value for c in '",\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_csv(rows: Rows) -> bytes:
    lines = [",".join(rows.variables)]
    lines += [",".join(csv_value(term) for term in row) for row in rows.rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_BARE_NUMBER = {
    XSD + "integer": re.compile(r"[+-]?\d+"),
    XSD + "decimal": re.compile(r"[+-]?\d*\.\d+"),
    XSD + "double": re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+"),
    XSD + "boolean": re.compile(r"true|false"),
}


def tsv_term(term: Term | None) -> str:
    """SPARQL 1.1 TSV: terms in SPARQL/Turtle syntax; numbers and booleans bare when they can be."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return f"<< {tsv_term(term.subject)} {tsv_term(term.predicate)} {tsv_term(term.object)} >>"
    text = '"' + term.value.translate(_TSV_ESCAPES) + '"'
    if term.language:
        return f"{text}@{term.language}"
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return text
    pattern = _BARE_NUMBER.get(datatype)
    if pattern is not None and pattern.fullmatch(term.value):
        return term.value
    return f"{text}^^<{datatype}>"


def write_tsv(rows: Rows) -> bytes:
    lines = ["\t".join(f"?{var}" for var in rows.variables)]
    lines += ["\t".join(tsv_term(term) for term in row) for row in rows.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_boolean_table(value: bool, separator: str) -> bytes:
    """ASK as CSV/TSV (not defined by the W3C formats): one column, the convention of Apache Jena."""
    head = "_askResult" if separator == "," else "?_askResult"
    return f"{head}\r\n{'true' if value else 'false'}\r\n".encode()


# --- dispatch --------------------------------------------------------------------------------

_ROW_WRITERS = {"json": write_json, "xml": write_xml, "csv": write_csv, "tsv": write_tsv}


def write_rows(rows: Rows, fmt: Format) -> bytes:
    return _ROW_WRITERS[fmt.key](rows)


def write_boolean(value: bool, fmt: Format) -> bytes:
    if fmt.key == "json":
        return write_json_boolean(value)
    if fmt.key == "xml":
        return write_xml_boolean(value)
    return write_boolean_table(value, "," if fmt.key == "csv" else "\t")


_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


def write_graph(triples: list[ox.Triple], fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in one of the RDF formats (prefixes, the standard ones by default, where they apply)."""
    rdf_format = _RDF_FORMATS[fmt.key]
    used = (prefixes or PREFIXES) if fmt.key in ("turtle", "trig", "rdfxml") else None
    return ox.serialize(triples, format=rdf_format, prefixes=used)


def iter_json_rows(body: bytes) -> Iterator[dict[str, dict]]:
    """Bindings of a SPARQL JSON result as ``{var: {"type", "value", ...}}`` dicts."""
    yield from json.loads(body)["results"]["bindings"]
