"""The SPARQL 1.1 Protocol endpoint as a FastAPI router: ``sparql_router(engine)``.

Queries by GET, by URL-encoded POST and by direct POST (``application/sparql-query``); updates by
URL-encoded or direct POST (``application/sparql-update``), only when the server allows them and the
request carries the update token. ``default-graph-uri`` / ``named-graph-uri`` (and, for updates,
``using-graph-uri`` / ``using-named-graph-uri``) select the dataset; without them the default graph
is the union of all named graphs. A GET without a query returns the service description.

Every request is checked before it reaches a worker: one UTF-8 operation, a known media type, the
size limits of :mod:`plangraph.settings`. Errors are plain text with a status that says whose fault
it was: 400 (the query), 401/403 (updates), 413/415 (the request), 503 (time limit or busy workers).
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from ..settings import Settings
from ..sparql_check import QueryTooComplex, check_complexity
from . import conneg, results
from .sparql_text import DatasetConflict, add_using_clauses, fetches_remote, is_iri
from .workers import EngineError, Job, Outcome, QueryEngine

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORMAT_PARAMS = ("format", "output", "results")

#: Response headers that report the row limit (exposed to browsers through CORS).
ROWS_HEADER = "X-Plangraph-Rows"
TRUNCATED_HEADER = "X-Plangraph-Truncated"
EXPOSED_HEADERS = (ROWS_HEADER, TRUNCATED_HEADER)


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class ProtocolRequest:
    """A parsed protocol request: one operation and its parameters."""

    operation: str
    """``query``, ``update`` or ``description`` (a GET without a query)."""
    text: str = ""
    params: dict[str, list[str]] = field(default_factory=dict)
    accept: str | None = None
    method: str = "GET"

    def graphs(self, name: str) -> list[str]:
        values = self.params.get(name, [])
        for value in values:
            if not is_iri(value):
                raise ProtocolError(400, f"{name} must be an absolute IRI, not {value!r}")
        return values

    @property
    def format(self) -> str | None:
        for name in FORMAT_PARAMS:
            if self.params.get(name):
                return self.params[name][0]
        return None


def _media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """``text/plain; charset=UTF-8`` -> (``text/plain``, {"charset": "utf-8"})."""
    if not header:
        return "", {}
    media, *params = header.split(";")
    parsed = {}
    for param in params:
        name, _, value = param.partition("=")
        parsed[name.strip().lower()] = value.strip().strip('"').lower()
    return media.strip().lower(), parsed


def _parse_form(raw: str | bytes, where: str) -> dict[str, list[str]]:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as err:
        raise ProtocolError(
            400, f"the {where} is not valid UTF-8 ({err.reason} at byte {err.start})"
        ) from None
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return params


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(
            413, f"request body of {declared} bytes is over the limit of {limit} (max_request_bytes)"
        )
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ProtocolError(413, f"request body is over the limit of {limit} bytes (max_request_bytes)")
    return bytes(body)


def _check_charset(params: dict[str, str]) -> None:
    charset = params.get("charset")
    if charset and charset.replace("-", "") != "utf8":
        raise ProtocolError(415, f"only UTF-8 is accepted, not charset={charset}")


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise ProtocolError(
            400, f"the request body is not valid UTF-8 ({err.reason} at byte {err.start})"
        ) from None


async def parse_protocol_request(request: Request, settings: Settings) -> ProtocolRequest:
    """Read a GET or POST request into one protocol operation, or raise ProtocolError."""
    url_params = _parse_form(request.scope.get("query_string", b""), "query string")
    accept = request.headers.get("accept")
    if request.method == "GET":
        return _operation(url_params, accept, "GET", settings)
    media, media_params = _media_type(request.headers.get("content-type"))
    body = await _read_body(request, settings.max_request_bytes)
    if media == FORM:
        _check_charset(media_params)
        params = _parse_form(body, "request body")
        for key, values in url_params.items():
            params.setdefault(key, [])[:0] = values
    elif media in (SPARQL_QUERY, SPARQL_UPDATE):
        _check_charset(media_params)
        name = "query" if media == SPARQL_QUERY else "update"
        if url_params.get(name):
            raise ProtocolError(400, f"the {name} is given both in the body and in the URL")
        params = dict(url_params)
        params[name] = [_decode(body)]
    elif not media and not body:
        params = url_params  # everything is in the URL (allowed for POST by the protocol tests)
    elif not media:
        raise ProtocolError(
            415,
            f"POST needs a Content-Type: {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}",
            {"Accept-Post": _ACCEPTS},
        )
    else:
        raise ProtocolError(
            415,
            f"unsupported Content-Type {media}; use {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}",
            {"Accept-Post": _ACCEPTS},
        )
    return _operation(params, accept, "POST", settings)


_ACCEPTS = f"{FORM}, {SPARQL_QUERY}, {SPARQL_UPDATE}"


def _operation(
    params: dict[str, list[str]], accept: str | None, method: str, settings: Settings
) -> ProtocolRequest:
    queries, updates = params.get("query", []), params.get("update", [])
    if len(queries) + len(updates) > 1:
        raise ProtocolError(400, "a request carries exactly one query or one update, not several")
    if not queries and not updates:
        if method == "POST":
            raise ProtocolError(400, "no query or update in the request")
        return ProtocolRequest("description", params=params, accept=accept, method=method)
    operation = "query" if queries else "update"
    text = (queries or updates)[0]
    if operation == "update" and method == "GET":
        raise ProtocolError(400, "SPARQL Update must be sent with POST, never GET")
    if not text.strip():
        raise ProtocolError(400, f"the {operation} is empty")
    if len(text) > settings.max_query_length:
        raise ProtocolError(
            413,
            f"the {operation} is {len(text)} characters long; the limit is {settings.max_query_length} (max_query_length)",
        )
    return ProtocolRequest(operation, text, params, accept, method)


def _endpoint_iri(request: Request) -> str:
    return str(request.url.replace(query="", fragment=""))


def _result_response(outcome: Outcome) -> Response:
    if outcome.status >= 300:
        headers = {"Retry-After": "5"} if outcome.status == 503 else None
        return PlainTextResponse(outcome.message + "\n", status_code=outcome.status, headers=headers)
    if outcome.kind == "update":
        return Response(status_code=204)
    headers = {"Vary": "Accept"}
    if outcome.rows >= 0:  # a graph its query bounds under the cap is not counted
        headers[ROWS_HEADER] = str(outcome.rows)
    if outcome.truncated:
        headers[TRUNCATED_HEADER] = f"true; limit={outcome.rows}"
    return Response(outcome.body, status_code=200, headers=headers, media_type=outcome.content_type)


def _refuse_remote_fetches(text: str) -> None:
    """SERVICE (in queries and updates) and LOAD would make the server fetch any URL a client names."""
    remote = fetches_remote(text)
    if remote == "SERVICE":
        raise ProtocolError(400, "federated queries (SERVICE) are disabled on this endpoint")
    if remote == "LOAD":
        raise ProtocolError(400, "LOAD is disabled on this endpoint: it would make the server fetch a URL")


def _check_update_allowed(request: Request, settings: Settings) -> None:
    if not settings.allow_updates:
        raise ProtocolError(
            403,
            "this endpoint is read-only: SPARQL Update is refused "
            "(the server must be started with --allow-updates and --update-token)",
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expected = settings.update_token or ""
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
        raise ProtocolError(
            401,
            "SPARQL Update needs the header 'Authorization: Bearer <update token>'",
            {"WWW-Authenticate": 'Bearer realm="plangraph SPARQL Update"'},
        )


async def run_protocol_request(engine: QueryEngine, request: Request, op: ProtocolRequest) -> Response:
    settings = engine.settings
    base_iri = _endpoint_iri(request)
    try:
        check_complexity(op.text, settings.max_query_nesting)
    except QueryTooComplex as err:
        raise ProtocolError(400, str(err)) from None
    if op.operation == "update":
        _check_update_allowed(request, settings)
    _refuse_remote_fetches(op.text)
    if op.operation == "update":
        try:
            text = add_using_clauses(
                op.text, op.graphs("using-graph-uri"), op.graphs("using-named-graph-uri")
            )
        except DatasetConflict as err:
            raise ProtocolError(400, str(err)) from None
        job = Job("update", text, base_iri=base_iri)
    else:
        default_graphs, named_graphs = op.graphs("default-graph-uri"), op.graphs("named-graph-uri")
        dataset_given = bool(default_graphs or named_graphs)
        job = Job(
            "query",
            op.text,
            base_iri=base_iri,
            default_graphs=tuple(default_graphs) if dataset_given else None,
            named_graphs=tuple(named_graphs) if dataset_given else None,
            accept=op.accept,
            format=op.format,
            max_rows=settings.max_result_rows,
            max_nesting=settings.max_query_nesting,
        )
    return _result_response(await engine.run(job))


# --- service description ---------------------------------------------------------------------

#: The read-only SPARQL 1.1 Graph Store Protocol endpoint (web/linked_data.py).
GRAPH_STORE_PATH = "/store"
DCAT = "http://www.w3.org/ns/dcat#"

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCTERMS_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
    "trig": "TriG",
    "nquads": "N-Quads",
}


def limits_text(settings: Settings) -> list[str]:
    """The limits a client meets, one sentence each (in the description and the docs)."""
    return [
        f"query_timeout = {settings.query_timeout:g} s: a query still running then is stopped (HTTP 503).",
        f"max_result_rows = {settings.max_result_rows}: longer results are cut; the response then has "
        f"the header {TRUNCATED_HEADER}.",
        f"max_query_length = {settings.max_query_length} characters (HTTP 413 above it).",
        f"max_request_bytes = {settings.max_request_bytes} bytes of request body (HTTP 413 above it).",
        f"query_workers = {settings.query_workers}: queries run in parallel in this many worker processes.",
        f"client_max_queries = {settings.client_max_queries}: queries of one client run at once; the "
        "rest wait their turn, and the wait counts toward query_timeout.",
        f"max_query_nesting = {settings.max_query_nesting}: deeper nesting of groups, parentheses or "
        "brackets is refused (HTTP 400).",
        f"worker_memory_mb = {settings.worker_memory_mb}: a query needing more memory is stopped (HTTP 503).",
        "Updates: "
        + ("allowed with the update token." if settings.allow_updates else "refused (read-only)."),
        "Dataset: a query that names none (no FROM / FROM NAMED, no default-graph-uri / "
        "named-graph-uri) reads the union of the named graphs as its default graph, each triple "
        "once however many graphs state it; FROM and FROM NAMED, or the protocol parameters (which "
        "win), replace that dataset as SPARQL 1.1 says.",
        "Federated queries (SERVICE) and LOAD are disabled.",
    ]


async def service_description(engine: QueryEngine, endpoint: str) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint, as triples."""
    sd = lambda name: ox.NamedNode(SD + name)  # noqa: E731
    service = ox.NamedNode(endpoint)
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, DCTERMS_TITLE, ox.Literal("plangraph SPARQL endpoint")),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(
            service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")
        ),
    ]
    if engine.settings.allow_updates:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    # The Graph Store Protocol endpoint, as a DCAT data service (the service description vocabulary
    # has no term for it), and the VoID description of the dataset.
    store = ox.NamedNode(endpoint.removesuffix("/sparql") + GRAPH_STORE_PATH)
    triples += [
        ox.Triple(service, ox.NamedNode("http://purl.org/dc/terms/relation"), store),
        ox.Triple(store, RDF_TYPE, ox.NamedNode(DCAT + "DataService")),
        ox.Triple(store, ox.NamedNode(DCAT + "endpointURL"), store),
        ox.Triple(
            store,
            ox.NamedNode("http://purl.org/dc/terms/conformsTo"),
            ox.NamedNode("http://www.w3.org/TR/sparql11-http-rdf-update/"),
        ),
        ox.Triple(
            store,
            RDFS_COMMENT,
            ox.Literal("Graph Store Protocol, read-only: GET or HEAD ?graph=IRI or ?default.", language="en"),
        ),
        ox.Triple(
            service,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
            ox.NamedNode(endpoint.removesuffix("/sparql") + "/.well-known/void"),
        ),
    ]
    for fmt in conneg.all_formats():
        triples.append(
            ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + _FORMAT_IRIS[fmt.key]))
        )
    for sentence in limits_text(engine.settings):
        triples.append(ox.Triple(service, RDFS_COMMENT, ox.Literal(sentence, language="en")))
    dataset, default_graph = ox.BlankNode(), ox.BlankNode()
    triples += [
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
    ]
    rows = await engine.cached_select(
        "service-description-graphs",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    )
    total = 0
    for row in rows:
        count = int(row["n"]["value"])
        total += count
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(row["g"]["value"])),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, VOID_TRIPLES, ox.Literal(str(count), datatype=XSD_INTEGER)),
        ]
    triples.append(ox.Triple(default_graph, VOID_TRIPLES, ox.Literal(str(total), datatype=XSD_INTEGER)))
    return triples


async def description_response(engine: QueryEngine, request: Request, op: ProtocolRequest) -> Response:
    fmt = conneg.by_name(op.format, conneg.GRAPH)
    if fmt not in conneg.DESCRIPTION_FORMATS:
        fmt = conneg.negotiate(op.accept, conneg.DESCRIPTION_FORMATS) or conneg.DESCRIPTION_FORMATS[0]
    prefixes = {"sd": SD, "formats": FORMATS_NS, "void": "http://rdfs.org/ns/void#", **results.PREFIXES}
    body = results.write_graph(await service_description(engine, _endpoint_iri(request)), fmt, prefixes)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


# --- the router ------------------------------------------------------------------------------

_OPENAPI = {
    "parameters": [
        {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "SPARQL 1.1 query"},
        {
            "name": "default-graph-uri",
            "in": "query",
            "schema": {"type": "array", "items": {"type": "string"}},
            "description": "graphs whose merge is the default graph (replaces the union default)",
        },
        {
            "name": "named-graph-uri",
            "in": "query",
            "schema": {"type": "array", "items": {"type": "string"}},
            "description": "graphs available to GRAPH patterns",
        },
        {
            "name": "format",
            "in": "query",
            "schema": {"type": "string"},
            "description": "json, xml, csv, tsv (results); turtle, ntriples, jsonld, rdfxml, trig, nquads (graphs). "
            "Overrides Accept; 'output' and 'results' are synonyms.",
        },
    ],
    "requestBody": {
        "required": False,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "update": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "using-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "using-named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
            SPARQL_QUERY: {"schema": {"type": "string"}},
            SPARQL_UPDATE: {"schema": {"type": "string"}},
        },
    },
    "responses": {
        "200": {
            "description": "results, a graph or the service description, in the negotiated format",
            "content": {f.media_type: {} for f in conneg.all_formats()},
        },
        "204": {"description": "the update was applied"},
        "303": {"description": "a browser asking for HTML without a query is sent to the editor"},
        "400": {
            "description": "syntax error, malformed request, a query nested deeper than "
            "max_query_nesting, SERVICE or LOAD (plain text message)"
        },
        "401": {"description": "update without the right token"},
        "403": {"description": "update on a read-only endpoint"},
        "413": {"description": "query or request body too large"},
        "415": {"description": "unsupported Content-Type or charset"},
        "503": {
            "description": "the query hit query_timeout (time waiting for a worker included), no "
            "worker became free in time, its worker ran out of memory (worker_memory_mb) or crashed, "
            "or the server is shutting down (plain text message; Retry-After)"
        },
    },
}


def sparql_router(engine: QueryEngine, path: str = "/sparql", html_redirect: str | None = None) -> APIRouter:
    """A router serving the SPARQL 1.1 Protocol at ``path`` over ``engine``.

    ``html_redirect``: where to send a browser that GETs the endpoint without a query (for example
    the web UI's editor); without it, browsers get the service description like everyone else.
    The host app must start and stop the engine (``await engine.start()`` / ``stop()``) or let the
    first query start it.
    """
    router = APIRouter(tags=["SPARQL"])

    async def endpoint(request: Request) -> Response:
        try:
            op = await parse_protocol_request(request, engine.settings)
            if op.operation == "description":
                if "graph" in op.params or "default" in op.params:
                    # A Graph Store Protocol request: the graph store is /store (read-only).
                    return RedirectResponse(
                        f"{GRAPH_STORE_PATH}?{request.url.query}", status_code=307, headers={"Vary": "Accept"}
                    )
                if html_redirect and conneg.accepts_html_first(op.accept, conneg.DESCRIPTION_FORMATS):
                    return RedirectResponse(html_redirect, status_code=303)
                return await description_response(engine, request, op)
            return await run_protocol_request(engine, request, op)
        except ProtocolError as err:
            return PlainTextResponse(err.message + "\n", status_code=err.status, headers=err.headers)
        except EngineError as err:
            return PlainTextResponse(err.message + "\n", status_code=err.status, headers={"Retry-After": "5"})

    for method in ("GET", "POST"):
        router.add_api_route(
            path,
            endpoint,
            methods=[method],
            operation_id=f"sparql_{method.lower()}",
            summary=f"SPARQL 1.1 Protocol endpoint ({method}: "
            + ("query, or the service description without one)" if method == "GET" else "query or update)"),
            description=__doc__,
            response_class=Response,
            openapi_extra=_OPENAPI,
        )
    return router
