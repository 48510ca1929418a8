"""Running SELECTs on a store, and slicing many IRIs into VALUES blocks.

The web pages send the same query texts through the query workers (asynchronously); this module
is the synchronous side, for the library and the CLI. Both slice IRIs the same way
(:data:`VALUES_BATCH`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from ..store import select
from .terms import SPARQL_PREFIXES, iri_ref, python_value

#: IRIs per VALUES block of a look-up query (keeps each query text modest).
VALUES_BATCH = 200

#: Above this many IRIs, :func:`select_for` scans instead of joining VALUES blocks: oxigraph joins
#: long VALUES blocks slowly, and one unbound scan filtered in Python is cheap.
SCAN_ABOVE = 300

Reader = Callable[[ox.Store, str], list[tuple]]


def select_rows(store: ox.Store, sparql: str) -> list[tuple]:
    """The solutions of a SELECT as tuples of Python values (see :func:`.terms.python_value`)."""
    return [tuple(python_value(v) for v in row) for row in select(store, SPARQL_PREFIXES + sparql)]


def select_lang_rows(store: ox.Store, sparql: str) -> list[tuple]:
    """Like :func:`select_rows`, but literals come back as ``(text, language)``."""
    return [
        tuple((v.value, v.language or "") if isinstance(v, ox.Literal) else python_value(v) for v in row)
        for row in select(store, SPARQL_PREFIXES + sparql)
    ]


def slices(iris: Iterable[str], size: int = VALUES_BATCH) -> Iterator[list[str]]:
    """The distinct IRIs, sorted, in slices of at most ``size``."""
    ordered = sorted(set(iris))
    for i in range(0, len(ordered), size):
        yield ordered[i : i + size]


def values_block(variable: str, iris: Iterable[str]) -> str:
    """``VALUES ?variable { <a> <b> }`` (ValueError for a value that is not an IRI)."""
    return f"VALUES ?{variable} {{ {' '.join(iri_ref(i) for i in iris)} }}"


def select_for(
    store: ox.Store, variable: str, iris: Iterable[str], body: str, reader: Reader = select_rows
) -> list[tuple]:
    """Run ``body`` with ``?variable`` bound to each of ``iris``: ``{VALUES}`` in the body is
    replaced by a VALUES block per slice (``reader`` reads the rows: :func:`select_rows`, or
    :func:`select_lang_rows` to keep languages).

    For many IRIs, when ``?variable`` is the first projected variable, the query runs once
    unbound and its rows are filtered here instead (see :data:`SCAN_ABOVE`)."""
    wanted = set(iris)
    if not wanted:
        return []
    if len(wanted) > SCAN_ABOVE and re.match(rf"\s*SELECT\s+(DISTINCT\s+)?\?{variable}\b", body):
        return [row for row in reader(store, body.replace("{VALUES}", "")) if row[0] in wanted]
    found: list[tuple] = []
    for chunk in slices(wanted):
        found.extend(reader(store, body.replace("{VALUES}", values_block(variable, chunk))))
    return found
