"""Query answers as bytes, written by pyoxigraph itself, with the ``max_result_rows`` limit.

No term of a result passes through Python on this path: pyoxigraph writes SPARQL Results JSON,
XML, CSV and TSV and every RDF format natively, and the limit is kept without reading the rows:

- a SELECT is run with a ``LIMIT`` of the limit plus one (:func:`cap_select`: pyoxigraph stops
  evaluating there), written whole by the engine, and its rows are then counted in the bytes by
  markers each format makes unambiguous (:func:`count_and_cut`). When there is one row too many
  it is cut off, and the answer is flagged as truncated;
- a CONSTRUCT or DESCRIBE is written by the engine as N-Triples (one triple a line, so counting
  and cutting are exact); for the other RDF formats the triples, at most the limit, are handed
  to the engine's writer as they come (one object per triple, no per-term work).

pyoxigraph writes each CONSTRUCT triple once, except triples holding a blank node, which are
made distinct here. XML 1.0 cannot carry some control
characters that a literal may hold: they are written as U+FFFD so the document stays well formed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from ..vocab import STANDARD_PREFIXES
from .conneg import Format
from .sparql_text import Shape, shape, tokens

#: Prefixes used when writing Turtle, TriG and RDF/XML: the ones queries get predeclared.
PREFIXES = STANDARD_PREFIXES

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}
#: Formats that write one triple per line (a triple's literal never holds a raw line break).
_LINE_FORMATS = ("ntriples", "nquads")


@dataclass
class Written:
    """An answer's bytes, how many rows (or triples) they hold and whether more were cut off."""

    body: bytes
    rows: int
    truncated: bool


# --- the limit as a LIMIT --------------------------------------------------------------------


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (the first at the top level), or ``""``."""
    return shape(text).form


def cap_select(text: str, cap: int, known: Shape | None = None) -> tuple[str, bool]:
    """The SELECT with its top-level LIMIT at most ``cap``, and whether it can return ``cap`` rows.

    A query without a LIMIT gets one (before a trailing VALUES clause, else after its last
    token, so a trailing comment cannot swallow it); a larger LIMIT is lowered. A query whose own
    LIMIT is below ``cap`` is left as it is: it can never be truncated.
    """
    found = known or shape(text)
    if found.limit is not None:
        at, number = found.limit
        if not number.isdigit():
            return text, True  # not a plain LIMIT n: the parser will say what is wrong
        if int(number) < cap:
            return text, False
        return f"{text[:at]}{cap}{text[at + len(number) :]}", True
    if found.end == 0:
        return text, True
    at = found.values_at if found.values_at is not None else found.end
    return f"{text[:at]} LIMIT {cap} {text[at:]}", True


def graph_bound(text: str) -> int | None:
    """Most triples a CONSTRUCT can give, when its text says: a template of plain triples (no
    ``;``, ``,``, ``[]``, lists or GRAPH) times its top-level LIMIT; else None."""
    toks = tokens(text)
    start = next((i for i, t in enumerate(toks) if t.depth == 0 and t.is_keyword("CONSTRUCT")), None)
    if start is None or start + 1 >= len(toks) or toks[start + 1].text != "{":
        return None  # not a CONSTRUCT, or the short form CONSTRUCT WHERE
    template, triples, pending = toks[start + 2 :], 0, 0
    for token in template:
        if token.depth == 0:  # the closing brace of the template
            break
        if token.text in (";", ",", "[", "(", "{") or token.is_keyword("GRAPH"):
            return None
        if token.text == ".":
            triples, pending = triples + (pending > 0), 0
        else:
            pending += 1
    triples += pending > 0
    limit = shape(text).limit
    if limit is None or not limit[1].isdigit():
        return None
    return triples * int(limit[1])


# --- counting and cutting rows in the bytes --------------------------------------------------

# A row boundary in pyoxigraph's JSON: one binding object closes, the next row opens with a
# variable name. Inside a string every '"' is escaped, so '{"' there can only be a string ending in
# '{' -- followed by ',' or '}', never by a name.
_JSON_ROW_START = re.compile(rb'\},\{"[^,}]')
_XML_INVALID = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_REPLACEMENT = "\ufffd".encode()


def _count_json(body: bytes) -> int:
    if body.endswith(b'"bindings":[]}}'):
        return 0
    return len(_JSON_ROW_START.findall(body)) + 1


def _last_json_row(body: bytes, end: int) -> int:
    """Offset of the '}' that closes the row before the last row starting before ``end``."""
    at = end
    while True:
        at = body.rindex(b'},{"', 0, at)
        if body[at + 4 : at + 5] not in (b",", b"}"):
            return at


def _json_rows_slowly(body: bytes, limit: int) -> Written:
    """Rows with no bindings at all (``{}``) have no marker to count by: read the document."""
    doc = json.loads(body)
    bindings = doc["results"]["bindings"]
    if len(bindings) <= limit:
        return Written(body, len(bindings), False)
    doc["results"]["bindings"] = bindings[:limit]
    return Written(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(), limit, True)


def _csv_row_ends(body: bytes) -> list[int]:
    """Offsets just after each line break that ends a CSV record (not one inside a quoted value)."""
    ends, quotes, start = [], 0, 0
    while (at := body.find(b"\r\n", start)) >= 0:
        quotes += body.count(b'"', start, at)
        start = at + 2
        if quotes % 2 == 0:
            ends.append(start)
    return ends


def count_and_cut(body: bytes, key: str, limit: int) -> Written:
    """Count the rows of a serialised result set and cut it to ``limit`` rows.

    Cutting walks back from the end one row at a time: the query was capped at one row more than
    the limit, so there is one row to cut.
    """
    if key == "json":
        if b"{}" in body:
            return _json_rows_slowly(body, limit)
        rows = _count_json(body)
        if rows <= limit:
            return Written(body, rows, False)
        if limit == 0:
            return Written(body[: body.index(b'"bindings":[') + 12] + b"]}}", 0, True)
        end = len(body)
        for _ in range(rows - limit):
            end = _last_json_row(body, end)
        return Written(body[: end + 1] + b"]}}", limit, True)
    if key == "xml":
        body = _XML_INVALID.sub(_REPLACEMENT, body)
        rows = body.count(b"<result>")
        if rows <= limit:
            return Written(body, rows, False)
        closing = body[body.rindex(b"</result>") + len(b"</result>") :]
        end = len(body)
        for _ in range(rows - limit):
            end = body.rindex(b"<result>", 0, end)
        return Written(body[:end] + closing, limit, True)
    if key == "tsv":  # one line per row after the header; TSV escapes line breaks in terms
        rows = body.count(b"\n") - 1
        if rows <= limit:
            return Written(body, rows, False)
        end = len(body) - 1
        for _ in range(rows - limit):
            end = body.rindex(b"\n", 0, end)
        return Written(body[: end + 1], limit, True)
    # CSV: records end with CRLF, which a quoted value may also hold.
    if b'"' not in body:
        rows = body.count(b"\r\n") - 1
        if rows <= limit:
            return Written(body, rows, False)
    ends = _csv_row_ends(body)
    if len(ends) - 1 <= limit:
        return Written(body, len(ends) - 1, False)
    return Written(body[: ends[limit]], limit, True)


# --- writing answers -------------------------------------------------------------------------


def write_solutions(solutions: ox.QuerySolutions, fmt: Format, limit: int) -> Written:
    """A SELECT's solutions, written by pyoxigraph, cut to ``limit`` rows.

    ``solutions`` must come from a query capped with :func:`cap_select` at ``limit + 1``, so at
    most one row is cut.
    """
    return count_and_cut(_written(solutions.serialize(format=_RESULT_FORMATS[fmt.key])), fmt.key, limit)


def _written(body: bytes | None) -> bytes:
    """What pyoxigraph's ``serialize`` returns when given no file: always bytes."""
    assert body is not None
    return body


def write_triples(triples: ox.QueryTriples, fmt: Format, limit: int, bound: int | None = None) -> Written:
    """A CONSTRUCT's or DESCRIBE's distinct triples, written by pyoxigraph, at most ``limit``.

    With a ``bound`` (:func:`graph_bound`) within the limit nothing can be cut, so pyoxigraph
    writes the format asked for straight away; the count is then not known (``rows`` is -1).
    """
    if bound is not None and bound <= limit and fmt.key not in _LINE_FORMATS:
        return Written(_written(triples.serialize(format=_RDF_FORMATS[fmt.key])), -1, False)
    if fmt.key in _LINE_FORMATS:
        body = _written(triples.serialize(format=ox.RdfFormat.N_TRIPLES))
        if b"_:" in body:  # pyoxigraph repeats a triple that holds a blank node: keep it once
            body = b"".join(dict.fromkeys(body.splitlines(keepends=True)))
        rows = body.count(b"\n")
        if rows <= limit:
            return Written(body, rows, False)
        cut = 0
        for _ in range(limit):
            cut = body.index(b"\n", cut) + 1
        return Written(body[:cut], limit, True)
    kept = _distinct(triples, limit + 1)
    return Written(write_graph(kept[:limit], fmt), min(len(kept), limit), len(kept) > limit)


def _distinct(triples: Iterable[ox.Triple], most: int) -> list[ox.Triple]:
    """The first ``most`` distinct triples (one object per triple; no term is read)."""
    iterator = iter(triples)
    seen: dict[ox.Triple, None] = dict.fromkeys(islice(iterator, most))
    while len(seen) < most:
        more = list(islice(iterator, most - len(seen)))
        if not more:
            break
        seen.update(dict.fromkeys(more))
    return list(islice(seen, most))


def write_graph(triples: Iterable[ox.Triple], fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in one of the RDF formats (prefixes, the standard ones by default, where they apply)."""
    used = (prefixes or PREFIXES) if fmt.key in ("turtle", "trig", "rdfxml") else None
    return _written(ox.serialize(triples, format=_RDF_FORMATS[fmt.key], prefixes=used))


def write_boolean(value: bool, fmt: Format) -> bytes:
    """An ASK answer. CSV and TSV (not defined by the W3C formats for booleans) are one
    ``_askResult`` column, the convention of Apache Jena."""
    if fmt.key == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt.key == "xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    head = "_askResult" if fmt.key == "csv" else "?_askResult"
    return f"{head}\r\n{'true' if value else 'false'}\r\n".encode()


def iter_json_rows(body: bytes) -> Iterator[dict[str, dict]]:
    """Bindings of a SPARQL JSON result as ``{var: {"type", "value", ...}}`` dicts."""
    yield from json.loads(body)["results"]["bindings"]
