"""Traces, paths, plan comparisons and exports, run inside a query worker process.

The traversals (:mod:`plangraph.trace`, :mod:`plangraph.network`, :mod:`plangraph.compare`) and
:mod:`plangraph.export` read a pyoxigraph store through many small
queries and then work in Python (NetworkX); neither part can be interrupted from another thread.
So the web app runs them where the store already is, in the query workers
(:class:`~plangraph.web.workers.QueryEngine`), with the same guard as SPARQL: a call that outlives
its time limit has its worker killed and replaced. No second copy of the graph is loaded and the
server's event loop only awaits the answer.

Answers come back as bytes: JSON for ``trace``, ``path`` and ``compare`` (errors too, with the
closest known names), the file's content for ``export``. Evidence in the JSON gains a ``mention``
key, the IRI of the ``pg:Mention`` it was read from (when one matches), so pages and clients can
link each quote to the highlighted source.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox

from ..compare import compare_indicator, compare_plans, parse_years, priorities
from ..evidence import format_path
from ..export import export_bytes
from ..network import shortest_path
from ..reading.names import AmbiguousEntity, UnknownEntity, resolve
from ..reading.nodes import describe
from ..reading.sparql import VALUES_BATCH
from ..settings import get_settings, set_settings
from ..store import select
from ..trace import trace_industry
from .worker_process import NETWORK_SETTINGS, Job, Outcome

JSON_TYPE = "application/json"


def _json(data: object, status: int = 200, message: str = "") -> Outcome:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Outcome(status, body, JSON_TYPE, kind="json", message=message)


def _problem(status: int, message: str, **extra: object) -> Outcome:
    return _json({"detail": message, **extra}, status, message)


# --- evidence -> mentions --------------------------------------------------------------------


def _evidence_items(data: Any) -> Iterator[dict]:
    """Every evidence object (``quote`` + ``role``) anywhere in a JSON answer."""
    if isinstance(data, dict):
        if "quote" in data and "role" in data:
            yield data
            return
        for value in data.values():
            yield from _evidence_items(value)
    elif isinstance(data, list):
        for value in data:
            yield from _evidence_items(value)


def link_mentions(store: ox.Store, data: Any) -> None:
    """Add ``mention`` (IRI or None) to each evidence object: the mention of that document and
    line whose quote is the evidence's quote (the first in the text when several are)."""
    items = list(_evidence_items(data))
    wanted = {
        (e["document"], e["line"])
        for e in items
        if isinstance(e.get("document"), str) and isinstance(e.get("line"), int)
    }
    found: dict[tuple[str, int, str], tuple[int, str]] = {}
    ordered = sorted(wanted)
    for i in range(0, len(ordered), VALUES_BATCH):
        rows = " ".join(f"({ox.NamedNode(d)} {line})" for d, line in ordered[i : i + VALUES_BATCH])
        answer = select(
            store,
            f"""SELECT ?doc ?line ?m ?q ?start WHERE {{ VALUES (?doc ?line) {{ {rows} }}
                  ?m a pg:Mention ; pg:document ?doc ; pg:line ?line ; pg:quote ?q .
                  OPTIONAL {{ ?m pg:start ?start }} }}""",
        )
        for doc, line, mention, quote, start in answer:
            key = (doc.value, int(line.value), quote.value)
            position = int(start.value) if start is not None else 1 << 62
            found[key] = min(found.get(key, (position, mention.value)), (position, mention.value))
    for e in items:
        hit = found.get((e.get("document"), e.get("line"), e.get("quote")))  # type: ignore[arg-type]
        e["mention"] = hit[1] if hit else None


# --- the calls -------------------------------------------------------------------------------


def _text(params: dict, name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"missing parameter {name!r}")
    return value.strip()


def trace(store: ox.Store, params: dict) -> Outcome:
    data = trace_industry(store, _text(params, "industry")).to_json()
    link_mentions(store, data)
    return _json(data)


def path(store: ox.Store, params: dict) -> Outcome:
    a, b = _text(params, "a"), _text(params, "b")
    steps = shortest_path(store, a, b)
    if steps:
        ends = [steps[0].node.to_json(), steps[-1].node.to_json()]
    else:  # not connected: still say which entities the names were taken for
        iris = [resolve(store, a), resolve(store, b)]
        refs = describe(store, iris)
        ends = [refs[i].to_json() for i in iris]
    data = {
        "a": a,
        "b": b,
        "from": ends[0],
        "to": ends[1],
        "found": bool(steps),
        "length": max(0, len(steps) - 1),
        "text": format_path(steps).split("\n", 1)[0] if steps else "",
        "steps": [s.to_json() for s in steps],
    }
    link_mentions(store, data)
    return _json(data)


def compare(store: ox.Store, params: dict) -> Outcome:
    return _json(compare_plans(store, _text(params, "a"), _text(params, "b")).to_json())


def _names(params: dict, name: str) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"parameter {name!r} is a list of names")
    return [v for v in value if v.strip()] or None


def _csv(text: str) -> Outcome:
    # a byte order mark, so that spreadsheet programs read the Chinese as UTF-8
    return Outcome(200, ("\ufeff" + text).encode("utf-8"), "text/csv; charset=utf-8", kind="csv")


def compare_many(store: ox.Store, params: dict) -> Outcome:
    """One indicator across documents, places and years (``format``: json or csv)."""
    comparison = compare_indicator(
        store,
        _text(params, "indicator"),
        documents=_names(params, "documents"),
        places=_names(params, "places"),
        years=parse_years(params.get("years") or None),
    )
    if params.get("format") == "csv":
        return _csv(comparison.to_csv())
    return _json(comparison.to_json())


def industry_priorities(store: ox.Store, params: dict) -> Outcome:
    """Places (or documents) x industries with the sentences (``format``: json or csv)."""
    top = params.get("top", 20)
    matrix = priorities(
        store,
        industries=_names(params, "industries"),
        documents=_names(params, "documents"),
        places=_names(params, "places"),
        by=params.get("by") or "place",
        top=int(top) if isinstance(top, int | str) and str(top).isdigit() else 20,
    )
    if params.get("format") == "csv":
        return _csv(matrix.to_csv())
    data = matrix.to_json()
    link_mentions(store, data)
    return _json(data)


def export(store: ox.Store, params: dict) -> Outcome:
    depth = params.get("depth")
    types = params.get("types") or None
    result = export_bytes(
        store,
        _text(params, "format"),
        focus=params.get("focus") or None,
        depth=int(depth) if depth is not None else None,
        document=params.get("document") or None,
        types=list(types) if types else None,
        bom=bool(params.get("bom")),
    )
    # export_bytes says in its summary when max_export_nodes cut the graph.
    truncated = "(cut at" in result.summary
    return Outcome(
        200,
        result.content,
        result.media_type,
        kind="export",
        format_key=result.extension,
        truncated=truncated,
        message=result.summary,
    )


CALLS: dict[str, Callable[[ox.Store, dict], Outcome]] = {
    "trace": trace,
    "path": path,
    "compare": compare,
    "compare_indicator": compare_many,
    "priorities": industry_priorities,
    "export": export,
}


def _apply_settings(values: dict) -> None:
    chosen = {k: v for k, v in values.items() if k in NETWORK_SETTINGS}
    if chosen:
        set_settings(get_settings().with_overrides(**chosen))


def run_network_job(store: ox.Store, job: Job) -> Outcome:
    """Run one call; every failure becomes an Outcome (404 with the closest names for an unknown
    one, 400 for bad arguments), so the worker keeps serving."""
    call = CALLS.get(job.text)
    if call is None:
        return _problem(400, f"unknown network call {job.text!r}; known: {', '.join(CALLS)}")
    _apply_settings(job.settings or {})
    try:
        return call(store, dict(job.params or {}))
    except AmbiguousEntity as err:  # before UnknownEntity, its base class
        return _problem(400, str(err), name=err.name, kind=err.kind, suggestions=err.suggestions)
    except UnknownEntity as err:
        return _problem(404, str(err), name=err.name, kind=err.kind, suggestions=err.suggestions)
    except ValueError as err:
        return _problem(400, str(err))
    except MemoryError:
        return _problem(503, "the request needed more memory than the server has")
    except Exception as err:  # a bug, not the client's doing: say so, keep the worker alive
        traceback.print_exc(file=sys.stderr)
        return _problem(500, f"internal error in {job.text}: {type(err).__name__}")
