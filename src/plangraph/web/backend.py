"""An external SPARQL server behind plangraph's endpoint (``plangraph serve --sparql-backend URL``).

When the embedded store is outgrown, the dump is loaded into a SPARQL server of its own (Oxigraph
server, Virtuoso, QLever: docs/serving.md says how) and plangraph passes queries through to it with
the same guarantees as for its own workers: the query checks (length, nesting, no SERVICE or LOAD),
the fair per-client queue and one deadline (:class:`~plangraph.web.workers.QueryEngine` runs a
:class:`RemoteWorker` per concurrent connection instead of a process), the row cap (a LIMIT of the
cap plus one, then counted and cut in the bytes, exactly as for the embedded store) and the result
formats of the endpoint. A query past its time limit has its connection closed; the backend should
also be started with its own timeout (``oxigraph serve-read-only --timeout-s``) so that it stops
the query too. Updates are not passed on, and traces and exports need the embedded store.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from ..vocab import STANDARD_PREFIXES
from . import conneg, results
from .sparql_text import tokens
from .worker_process import Job, Outcome

#: What is asked of the backend for each result family: formats whose rows can be counted exactly.
_ASK_FOR = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_ids = itertools.count(1)
logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per query passed on


def with_prefixes(text: str) -> str:
    """The query with the standard prefixes it uses but does not declare (the backend knows none)."""
    declared = set()
    toks = tokens(text)
    for i, token in enumerate(toks[:-1]):
        if token.is_keyword("PREFIX") and toks[i + 1].kind == "pname":
            declared.add(toks[i + 1].text.split(":", 1)[0])
    used = {t.text.split(":", 1)[0] for t in toks if t.kind == "pname"}
    missing = sorted((used - declared) & set(STANDARD_PREFIXES))
    head = "".join(f"PREFIX {p}: <{STANDARD_PREFIXES[p]}>\n" for p in missing)
    return head + text


class RemoteWorker:
    """One connection to the backend, used like a query worker process by the engine."""

    def __init__(self, url: str, generation: int, timeout: float):
        self.url = url
        self.generation = generation
        self.pid = -next(_ids)  # not a process: a negative id in the pool's description
        self.applied = 0
        self.info: dict = {}
        self.last_words: list[str] = []
        self.started = time.perf_counter()
        # The engine stops waiting at the query's deadline and closes the client; the read timeout
        # also ends the thread of a request the backend keeps running past it.
        self.client = httpx.Client(timeout=httpx.Timeout(timeout + 1.0))

    def wait_ready(self, timeout: float) -> None:
        from .workers import EngineUnavailable

        try:
            response = self.client.post(
                self.url, data={"query": "ASK {}"}, headers={"Accept": _ASK_FOR["json"]}, timeout=timeout
            )
        except httpx.HTTPError as err:
            raise EngineUnavailable(f"the SPARQL backend {self.url} does not answer ({err})") from None
        if response.status_code != 200:
            raise EngineUnavailable(
                f"the SPARQL backend {self.url} answered {response.status_code} to ASK {{}}"
            )
        self.info = {
            "quads": None,
            "startup_seconds": time.perf_counter() - self.started,
            "backend": self.url,
        }

    async def call(self, job: Job) -> Outcome:
        """The job, run in a thread (httpx's blocking client; closing it ends a request at once)."""
        return await asyncio.get_running_loop().run_in_executor(None, self.call_blocking, job)

    def call_blocking(self, job: Job) -> Outcome:
        started = time.perf_counter()
        try:
            outcome = self._call(job)
        except httpx.HTTPError as err:
            outcome = Outcome(503, message=f"the SPARQL backend did not answer ({type(err).__name__}: {err})")
        except (ValueError, SyntaxError) as err:  # an answer that is not what it says it is
            outcome = Outcome(503, message=f"the SPARQL backend's answer could not be read ({err})")
        outcome.seconds = time.perf_counter() - started
        return outcome

    def _call(self, job: Job) -> Outcome:
        if job.op != "query":
            return Outcome(
                503, message="updates, traces and exports need the embedded store, not --sparql-backend"
            )
        text = job.text
        form = results.query_form(text)
        if form == "SELECT":
            text, _ = results.cap_select(text, job.max_rows + 1)
        params: list[tuple[str, str]] = [("query", with_prefixes(text))]
        params += [("default-graph-uri", g) for g in job.default_graphs or ()]
        params += [("named-graph-uri", g) for g in job.named_graphs or ()]
        graph = form in ("CONSTRUCT", "DESCRIBE")
        family = conneg.GRAPH if graph else conneg.RESULTS
        fmt = conneg.choose(family, job.accept, job.format)
        accept = "application/n-triples" if graph else _ASK_FOR[fmt.key]
        response = self.client.post(
            self.url,
            content=urlencode(params).encode("ascii"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        if response.status_code >= 400:
            status = 400 if response.status_code < 500 else 503
            return Outcome(
                status, message=f"the SPARQL backend answered {response.status_code}: {response.text.strip()}"
            )
        body = response.content
        if graph:
            return self._graph(body, fmt, job.max_rows)
        if form == "ASK":
            answer = ox.parse_query_results(
                body, format=ox.QueryResultsFormat.JSON if fmt.key == "json" else ox.QueryResultsFormat.XML
            )
            value = bool(answer) if isinstance(answer, ox.QueryBoolean) else False
            return Outcome(200, results.write_boolean(value, fmt), fmt.content_type, "boolean", fmt.key, 1)
        written = results.count_and_cut(body, fmt.key, job.max_rows)
        return Outcome(
            200, written.body, fmt.content_type, "solutions", fmt.key, written.rows, written.truncated
        )

    @staticmethod
    def _graph(ntriples: bytes, fmt: conneg.Format, limit: int) -> Outcome:
        lines = list(dict.fromkeys(line for line in ntriples.splitlines(keepends=True) if line.strip()))
        truncated = len(lines) > limit
        body = b"".join(lines[:limit])
        if fmt.key not in ("ntriples", "nquads"):
            triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            body = results.write_graph(triples, fmt)
        return Outcome(200, body, fmt.content_type, "graph", fmt.key, min(len(lines), limit), truncated)

    def kill(self) -> None:
        self.client.close()  # a request under way fails at once; its thread returns

    def close(self) -> None:
        self.kill()
