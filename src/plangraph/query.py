"""Running SPARQL from the library and the CLI: saved queries, result formatting, graph statistics."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import store
from .reading.display import text_table
from .settings import get_settings


@dataclass
class SavedQuery:
    name: str  # file stem, e.g. "projects-by-box"
    title: str
    description: str
    text: str
    path: Path


def parse_saved_query(path: Path) -> SavedQuery:
    """A ``.rq`` file; its leading ``# title:`` and ``# description:`` comments describe it."""
    text = path.read_text(encoding="utf-8")
    title = description = ""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"#\s*(title|description)\s*:\s*(.*)", line)
        if m and m.group(1) == "title":
            title = m.group(2).strip()
        elif m:
            description = m.group(2).strip()
    return SavedQuery(path.stem, title or path.stem, description, text, path)


def saved_queries(folder: Path | None = None) -> list[SavedQuery]:
    folder = folder or get_settings().queries_dir
    return [parse_saved_query(p) for p in sorted(folder.glob("*.rq"))]


def read_query(arg: str) -> str:
    """SPARQL text from an argument: a ``.rq`` file, the name of a saved query, or the text itself."""
    path = Path(arg)
    if arg.endswith(".rq") and path.exists():
        return path.read_text(encoding="utf-8")
    saved = get_settings().queries_dir / f"{arg}.rq"
    if re.fullmatch(r"[\w.-]+", arg) and saved.exists():
        return saved.read_text(encoding="utf-8")
    return arg


def run_query(st: ox.Store, text: str) -> store.QueryResults:
    """Query results (solutions, boolean or triples), the default graph being the union of graphs."""
    try:
        return store.query(st, text)
    except SyntaxError as err:
        raise ValueError(f"SPARQL syntax error: {err}") from err


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode | ox.BlankNode):
        return term.value
    return str(term)


def _written(data: bytes | None) -> str:
    """What pyoxigraph's ``serialize`` wrote (bytes, since no output file is given)."""
    assert data is not None
    return data.decode("utf-8")


def format_results(results: object, fmt: str = "table") -> str:
    """Render query results as an aligned table, JSON (SPARQL results), CSV or TSV."""
    if isinstance(results, ox.QueryBoolean | bool):
        return ("true" if bool(results) else "false") + "\n"
    if isinstance(results, ox.QueryTriples):
        return _written(results.serialize(format=ox.RdfFormat.TURTLE))
    assert isinstance(results, ox.QuerySolutions)
    if fmt == "json":
        return _written(results.serialize(format=ox.QueryResultsFormat.JSON)) + "\n"
    if fmt == "tsv":
        return _written(results.serialize(format=ox.QueryResultsFormat.TSV))
    names = [v.value for v in results.variables]
    rows = [[_cell(sol[name]) for name in names] for sol in results]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return buf.getvalue()
    return _table(names, rows)


#: Widest column of a results table in a terminal (longer cells are cut with an ellipsis).
TABLE_CELL_WIDTH = 60


def _table(names: list[str], rows: list[list[str]]) -> str:
    parts = text_table([names, *rows], max_width=TABLE_CELL_WIDTH, rule=True)
    parts.append(f"({len(rows)} rows)")
    return "\n".join(parts) + "\n"


_STATS = {
    "documents": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:Document }",
    "five-year plans": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:FiveYearPlan }",
    "work reports": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:WorkReport }",
    "divisions": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:Division }",
    "boxes": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:Box }",
    "observations": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:Observation }",
    "indicators": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:Indicator }",
    "regions named": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:Region ; pg:mention ?m }",
    "industries promoted": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?d pg:promotesIndustry ?x }",
    "parks": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:Park }",
    "projects": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:Project }",
    "mentions": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pg:Mention }",
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "named graphs": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
}


def graph_stats(st: ox.Store) -> dict[str, int]:
    out = {}
    for key, q in _STATS.items():
        solutions = list(store.select(st, q))
        out[key] = int(solutions[0]["n"].value) if solutions else 0
    return out


def to_json(results: object) -> object:
    """Results as plain Python (used by tests and the REST helpers)."""
    return json.loads(format_results(results, "json"))
