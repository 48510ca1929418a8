"""Linked Data over the graph: dereferenceable IRIs, the ontology, VoID, dumps and a read-only
SPARQL 1.1 Graph Store Protocol endpoint, as one FastAPI router (``linked_data_router``).

Data IRIs are slash IRIs under ``https://w3id.org/plangraph/id/`` (the public contract), each
naming a thing (a park, a plan), not a document. So they follow the W3C's 303 pattern ("Cool URIs
for the Semantic Web", section 4.3; "Best Practice Recipes for Publishing RDF Vocabularies"): the
thing's path on this server, ``/id/{path}``, answers ``303 See Other`` to a document about it,
the entity page for a browser, else ``/data/{path}``, one generic document whose format is
negotiated (Turtle, JSON-LD with a published ``@context``, N-Triples, RDF/XML; ``Vary: Accept``,
``Content-Location`` and ``Link`` to the alternates). A hash IRI would have put every thing of a
kind into one document and would break the contract's IRIs. The ontology's terms are hash IRIs
(``…/ontology#Park``): ``/ontology`` is the one document that defines them all, negotiated the
same way, its HTML page with an anchor per term. A named graph's IRI (``/id/graph/…``) answers
303 to its content on the Graph Store endpoint.

``/store?graph=IRI`` and ``/store?default`` serve the Graph Store Protocol (GET and HEAD; it is
read-only). The default graph is the union of all graphs, each triple once. A client that asks
``/sparql?graph=…`` is sent to ``/store`` (307) by the SPARQL endpoint. ``/.well-known/void``
describes the dataset (VoID), ``/dumps/plangraph.{ext}`` are the dumps it links to.

Everything reads the graph through the query engine (:class:`~plangraph.web.workers.QueryEngine`),
so the time limits and sizes of :mod:`plangraph.settings` apply as to ``/sparql``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from .. import __version__ as PLANGRAPH_VERSION
from ..export import EXPORT_FORMATS, ExportFormat
from ..settings import Settings, get_settings
from ..validate import load_ontology, load_shapes
from ..vocab import ID, PG, STANDARD_PREFIXES
from . import conneg, results
from .network_api import run_call
from .pages import entity_url, make_environment
from .sparql import TRUNCATED_HEADER, limits_text
from .sparql_text import is_iri
from .worker_process import Job
from .workers import EngineError, QueryEngine

ONTOLOGY_IRI = "https://w3id.org/plangraph/ontology"
GRAPH_PREFIX = str(ID) + "graph/"
GSP = "http://www.w3.org/TR/sparql11-http-rdf-update/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
FORMATS_NS = "http://www.w3.org/ns/formats/"

#: Formats of documents about things, the ontology and VoID (the first is the default).
DOCUMENT_FORMATS: tuple[conneg.Format, ...] = tuple(
    f for key in ("turtle", "jsonld", "ntriples", "rdfxml") for f in conneg.GRAPH_FORMATS if f.key == key
)
HTML = conneg.Format("html", "page", "text/html", ("application/xhtml+xml",), ("html",), "html", "HTML")
#: The W3C format IRIs (http://www.w3.org/ns/formats/) of the dumps' media types.
_FORMAT_IRIS = {
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "trig": "TriG",
    "nquads": "N-Quads",
    "jsonld": "JSON-LD",
}


# --- content negotiation -----------------------------------------------------------------------


def choose(request: Request, offered: tuple[conneg.Format, ...], html: bool = True) -> conneg.Format:
    """HTML when a browser prefers it (and a page exists), else a ``format=`` parameter, the
    Accept header, or the first offered format."""
    accept = request.headers.get("accept")
    if html and conneg.accepts_html_first(accept, offered):
        return HTML
    wanted = request.query_params.get("format")
    if wanted:
        for fmt in offered:
            if wanted.lower() in fmt.names or wanted.lower() in fmt.media_types():
                return fmt
    return conneg.negotiate(accept, offered) or offered[0]


def _link(target: str, rel: str, media_type: str | None = None) -> str:
    return f'<{target}>; rel="{rel}"' + (f'; type="{media_type}"' if media_type else "")


def alternates(path: str, offered: tuple[conneg.Format, ...], page: str | None = None) -> list[str]:
    links = [_link(f"{path}?format={f.names[0]}", "alternate", f.media_type) for f in offered]
    if page:
        links.append(_link(page, "alternate", "text/html"))
    return links


def document_response(
    body: bytes, fmt: conneg.Format, path: str, links: list[str], extra: dict[str, str] | None = None
) -> Response:
    headers = {
        "Vary": "Accept",
        "Content-Location": f"{path}?format={fmt.names[0]}",
        "Link": ", ".join(links),
        **(extra or {}),
    }
    return Response(body, media_type=fmt.content_type, headers=headers)


# --- JSON-LD with a published context --------------------------------------------------------


@cache
def jsonld_context() -> dict:
    """The JSON-LD context of the vocabulary, made from the ontology: the standard prefixes, a
    short term for every pg: class and property (object properties as ``@id``, datatype
    properties typed by their XSD range), and the labels the graph uses."""
    ontology = load_ontology()
    shapes = load_shapes()
    context: dict[str, object] = {p: ns for p, ns in STANDARD_PREFIXES.items() if p != "id"}
    for term in sorted(set(ontology.subjects(RDF.type, None)), key=str):
        if not isinstance(term, URIRef) or not str(term).startswith(str(PG)):
            continue
        name = str(term)[len(str(PG)) :]
        kinds = set(ontology.objects(term, RDF.type))
        if OWL.ObjectProperty in kinds:
            context[name] = {"@id": f"pg:{name}", "@type": "@id"}
        elif OWL.DatatypeProperty in kinds:
            datatype = _value_datatype(ontology, shapes, term)
            typed = (
                datatype is not None and datatype != str(RDF.langString) and not datatype.endswith("#string")
            )
            context[name] = {"@id": f"pg:{name}", **({"@type": datatype} if typed else {})}
        elif OWL.Class in kinds or (OWL.NamedIndividual in kinds):
            context[name] = f"pg:{name}"
    context.update(
        label="rdfs:label",
        comment="rdfs:comment",
        title="dcterms:title",
        prefLabel="skos:prefLabel",
        altLabel="skos:altLabel",
        notation="skos:notation",
        broader={"@id": "skos:broader", "@type": "@id"},
        narrower={"@id": "skos:narrower", "@type": "@id"},
        inScheme={"@id": "skos:inScheme", "@type": "@id"},
        isPartOf={"@id": "dcterms:isPartOf", "@type": "@id"},
        publisher={"@id": "dcterms:publisher", "@type": "@id"},
        wasDerivedFrom={"@id": "prov:wasDerivedFrom", "@type": "@id"},
    )
    return {"@context": context}


def _value_datatype(ontology: Graph, shapes: Graph, prop: URIRef) -> str | None:
    rng = ontology.value(prop, RDFS.range)
    if rng is not None and rng != RDFS.Literal:
        return str(rng)
    required = {shapes.value(s, SH.datatype) for s in shapes.subjects(SH.path, prop)} - {None}
    return str(required.pop()) if len(required) == 1 else None


def compact_jsonld(ntriples: bytes, context_url: str) -> bytes:
    """N-Triples as JSON-LD compacted with the vocabulary's context, which the document names by
    its URL (``/context.jsonld``) so any JSON-LD processor can fetch it."""
    graph = Graph().parse(data=ntriples.decode("utf-8"), format="nt")
    context = jsonld_context()["@context"]
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    data["@context"] = context_url
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


# --- reading through the engine ----------------------------------------------------------------


@dataclass
class GraphAnswer:
    status: int
    body: bytes = b""
    count: int = 0
    truncated: bool = False
    message: str = ""


async def construct(engine: QueryEngine, text: str, fmt: conneg.Format, max_rows: int) -> GraphAnswer:
    """A CONSTRUCT run by a query worker (its time limit applies), serialised in ``fmt``."""
    outcome = await engine.run(Job("query", text, format=fmt.key, max_rows=max_rows))
    if outcome.status != 200:
        return GraphAnswer(outcome.status, message=outcome.message)
    return GraphAnswer(200, outcome.body, outcome.rows, outcome.truncated)


def _describe_query(iri: str) -> str:
    """The thing's own triples, the triples that point at it, and its mentions (provenance)."""
    node = f"<{iri}>"
    return f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
        {{ {node} ?p ?o BIND({node} AS ?s) }}
        UNION {{ ?s ?p {node} BIND({node} AS ?o) }}
        UNION {{ {node} <{PG.mention}> ?s . ?s ?p ?o }}
    }}"""


async def rdf_document(
    engine: QueryEngine, request: Request, query: str, fmt: conneg.Format, max_rows: int, compact: bool = True
) -> GraphAnswer:
    """``query``'s graph in ``fmt``. JSON-LD is compacted with the published context (``compact``;
    in a thread, so the event loop stays free), else written expanded by the worker."""
    compacting = compact and fmt.key == "jsonld"
    wanted = conneg.by_name("ntriples", conneg.GRAPH) if compacting else fmt
    assert wanted is not None
    answer = await construct(engine, query, wanted, max_rows)
    if answer.status == 200 and compacting:
        context_url = str(request.base_url) + "context.jsonld"
        answer.body = await asyncio.to_thread(compact_jsonld, answer.body, context_url)
    return answer


def _problem(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def _engine_problem(err: EngineError) -> PlainTextResponse:
    return _problem(err.status, err.message, {"Retry-After": "5"})


# --- the ontology --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    name: str
    iri: str
    labels: dict[str, str]
    comment: str
    kind: str


_KINDS = (
    (OWL.Class, "Classes 类"),
    (OWL.ObjectProperty, "Object properties 对象属性"),
    (OWL.DatatypeProperty, "Datatype properties 数据属性"),
    (OWL.NamedIndividual, "Individuals 个体"),
)


@cache
def ontology_terms() -> list[tuple[str, list[Term]]]:
    """The pg: terms of the ontology by kind, with their labels and English comment."""
    ontology = load_ontology()
    groups = []
    for kind, title in _KINDS:
        terms = []
        for term in sorted(set(ontology.subjects(RDF.type, kind)), key=str):
            if not str(term).startswith(str(PG)):
                continue
            labels = {
                str(o.language): str(o)
                for o in ontology.objects(term, RDFS.label)
                if isinstance(o, Literal) and o.language
            }
            comments = [
                str(o) for o in ontology.objects(term, RDFS.comment) if getattr(o, "language", None) == "en"
            ]
            name = str(term)[len(str(PG)) :]
            terms.append(Term(name, str(term), labels, comments[0] if comments else "", title))
        groups.append((title, terms))
    return groups


@cache
def ontology_bytes(fmt_key: str) -> bytes:
    """The ontology file (Turtle as written, with its comments) or its conversion."""
    path = get_settings().ontology_dir / "plangraph.ttl"
    if fmt_key == "turtle":
        return path.read_bytes()
    if fmt_key == "jsonld":
        graph = Graph().parse(path, format="turtle")
        data = json.loads(
            graph.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True)
        )
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    fmt = conneg.by_name(fmt_key, conneg.GRAPH)
    assert fmt is not None
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return results.write_graph([ox.Triple(t.subject, t.predicate, t.object) for t in triples], fmt)


# --- VoID ----------------------------------------------------------------------------------------


def _void_dumps(base: str) -> list[tuple[str, ExportFormat]]:
    return [(f"{base}dumps/plangraph.{f.extension}", f) for f in EXPORT_FORMATS if f.rdf_format is not None]


async def void_description(engine: QueryEngine, settings: Settings, base: str) -> list[ox.Triple]:
    """The VoID description of the dataset: its subsets (one per named graph), sizes, classes,
    vocabularies, licence, SPARQL and Graph Store endpoints, and the dumps."""

    def node(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    def v(name: str) -> ox.NamedNode:
        return node(VOID + name)

    def lit(value: object) -> ox.Literal:
        if isinstance(value, int):
            return ox.Literal(str(value), datatype=node("http://www.w3.org/2001/XMLSchema#integer"))
        return ox.Literal(str(value), language="en")

    rdf_type = node(str(RDF.type))
    dcterms = "http://purl.org/dc/terms/"
    dataset = node(f"{base}.well-known/void#dataset")
    triples = [
        ox.Triple(dataset, rdf_type, v("Dataset")),
        ox.Triple(
            dataset, node(dcterms + "title"), lit("plangraph: Chinese development plans and work reports")
        ),
        ox.Triple(
            dataset,
            node(dcterms + "description"),
            lit(
                "A knowledge graph of five-year plans and government work reports: documents, their "
                "divisions, boxes and tables, regions, industries, parks, projects and indicator "
                "targets, every fact with the sentence it was read from. One named graph per document; "
                "the default graph is their union."
            ),
        ),
        ox.Triple(dataset, node(dcterms + "license"), node(settings.dataset_license)),
        ox.Triple(dataset, node(dcterms + "creator"), lit(f"plangraph {PLANGRAPH_VERSION}")),
        ox.Triple(dataset, v("sparqlEndpoint"), node(base + "sparql")),
        ox.Triple(dataset, v("uriSpace"), ox.Literal(str(ID))),
        ox.Triple(dataset, v("vocabulary"), node(str(PG))),
        ox.Triple(dataset, v("feature"), node(FORMATS_NS + "Turtle")),
        ox.Triple(dataset, v("feature"), node(FORMATS_NS + "JSON-LD")),
        ox.Triple(dataset, v("feature"), node(FORMATS_NS + "N-Triples")),
    ]
    for url, fmt in _void_dumps(base):
        triples.append(ox.Triple(dataset, v("dataDump"), node(url)))
        triples.append(ox.Triple(node(url), node(dcterms + "format"), ox.Literal(fmt.media_type)))
        triples.append(ox.Triple(node(url), node(DCAT + "mediaType"), ox.Literal(fmt.media_type)))
    store = node(f"{base}.well-known/void#graph-store")
    triples += [
        ox.Triple(dataset, node(DCAT + "accessService"), store),
        ox.Triple(store, rdf_type, node(DCAT + "DataService")),
        ox.Triple(store, node(DCAT + "endpointURL"), node(base + "store")),
        ox.Triple(store, node(dcterms + "conformsTo"), node(GSP)),
    ]
    namespaces = await engine.cached_select(
        "void-vocabularies",
        "SELECT DISTINCT ?p WHERE { { ?s ?p ?o } UNION { ?s a ?p } }",
    )
    for ns in sorted({_namespace(r["p"]["value"]) for r in namespaces} & set(STANDARD_PREFIXES.values())):
        if ns != str(ID):
            triples.append(ox.Triple(dataset, v("vocabulary"), node(ns)))
    total = await engine.cached_select(
        "void-triples",
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }",
    )
    triples.append(ox.Triple(dataset, v("triples"), lit(int(total[0]["n"]["value"]))))
    classes = await engine.cached_select(
        "void-classes",
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c",
    )
    for row in classes:
        # Named, not blank: the description is the same bytes every time (caches, HEAD, ETags).
        partition = node(f"{base}.well-known/void#class-{quote(row['c']['value'], safe='')}")
        triples += [
            ox.Triple(dataset, v("classPartition"), partition),
            ox.Triple(partition, v("class"), node(row["c"]["value"])),
            ox.Triple(partition, v("entities"), lit(int(row["n"]["value"]))),
        ]
    graphs = await engine.cached_select(
        "void-graphs",
        f"""SELECT ?g (COUNT(*) AS ?n) (SAMPLE(?t) AS ?title) (SAMPLE(?f) AS ?file) WHERE {{
              GRAPH ?g {{ ?s ?p ?o }}
              OPTIONAL {{ GRAPH ?g {{ ?doc <{PG.sourceFile}> ?f OPTIONAL {{ ?doc <{dcterms}title> ?t }} }} }}
            }} GROUP BY ?g ORDER BY ?g""",
    )
    for row in graphs:
        name = row["g"]["value"]
        subset = node(
            f"{base}.well-known/void#{quote(name[len(GRAPH_PREFIX) :] if name.startswith(GRAPH_PREFIX) else name, safe='')}"
        )
        triples += [
            ox.Triple(dataset, v("subset"), subset),
            ox.Triple(subset, rdf_type, v("Dataset")),
            ox.Triple(subset, v("triples"), lit(int(row["n"]["value"]))),
            ox.Triple(subset, node("http://www.w3.org/ns/sparql-service-description#name"), node(name)),
            ox.Triple(subset, v("dataDump"), node(f"{base}store?{urlencode({'graph': name})}")),
        ]
        if "title" in row:
            triples.append(
                ox.Triple(subset, node(dcterms + "title"), ox.Literal(row["title"]["value"], language="zh"))
            )
        if "file" in row:
            triples.append(ox.Triple(subset, node(dcterms + "source"), ox.Literal(row["file"]["value"])))
    return triples


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


# --- the router ------------------------------------------------------------------------------

#: Why each status of the Linked Data routes is answered (their OpenAPI description lists them).
_STATUS_MEANING = {
    303: "See Other: the document about the thing (its URL in Location)",
    400: "malformed parameters (a plain-text message says which)",
    404: "nothing known under that name (plain text)",
    405: "a method the read-only store does not allow",
    503: "the time limit was reached, every worker was busy, or the answer was too large (plain text)",
}


#: A path no route matches (a newline in it) gets the framework's JSON 404, the others plain text.
_NOT_FOUND_CONTENT: dict[str, Any] = {"text/plain": {}, "application/json": {}}


def _data_iri(path: str) -> str | None:
    """The data IRI ``/id/{path}`` and ``/data/{path}`` name, or None when the path makes no valid
    IRI (a space, a control character): such a name can denote nothing in the graph."""
    iri = str(ID) + path
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    return iri


def _documented(formats: tuple[conneg.Format, ...], *statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses``: 200 in each of ``formats``, the other statuses as plain text or empty."""
    answers: dict[int | str, dict[str, Any]] = {
        200: {"description": "the document", "content": {f.media_type: {} for f in formats}}
    }
    for status in statuses:
        content: dict[str, Any] = {} if status == 303 else {"text/plain": {}}
        if status == 404:
            content = _NOT_FOUND_CONTENT
        answers[status] = {"description": _STATUS_MEANING[status], "content": content}
    return answers


def linked_data_router(engine: QueryEngine, settings: Settings) -> APIRouter:
    router = APIRouter(tags=["Linked Data"])
    env = make_environment()

    def base(request: Request) -> str:
        return str(request.base_url)

    @router.get(
        "/id/{path:path}",
        summary="A data IRI: 303 to the document about it",
        status_code=303,
        response_class=Response,
        responses={
            303: {"description": _STATUS_MEANING[303], "content": {}},
            404: {"description": _STATUS_MEANING[404], "content": _NOT_FOUND_CONTENT},
        },
    )
    async def thing(path: str, request: Request) -> Response:
        """``https://w3id.org/plangraph/id/{path}`` dereferenced on this server: 303 See Other to
        the entity page (browsers) or to ``/data/{path}`` (RDF clients); a named graph's IRI to
        its content on the Graph Store endpoint."""
        iri = _data_iri(path)
        if iri is None:
            return _problem(404, f"/id/{path} is not a valid IRI of this dataset")
        if iri.startswith(GRAPH_PREFIX):
            target = "/store?" + urlencode({"graph": iri})
        elif choose(request, DOCUMENT_FORMATS) is HTML:
            target = entity_url(iri)
        else:
            target = f"/data/{quote(path)}"
        headers = {"Vary": "Accept", "Link": _link(f"/data/{quote(path)}", "describedby")}
        return RedirectResponse(target, status_code=303, headers=headers)

    @router.get(
        "/data/{path:path}",
        summary="The description of a data IRI (content negotiation)",
        response_class=Response,
        responses=_documented(DOCUMENT_FORMATS, 303, 404, 503),
    )
    async def description(path: str, request: Request) -> Response:
        """The triples about ``https://w3id.org/plangraph/id/{path}``: its own, those that point
        at it, and its mentions. Turtle, JSON-LD, N-Triples or RDF/XML by Accept or ``format=``;
        a browser is sent to the entity page."""
        iri = _data_iri(path)
        if iri is None:
            return _problem(404, f"/data/{path} is not a valid IRI of this dataset")
        fmt = choose(request, DOCUMENT_FORMATS)
        if fmt is HTML:
            return RedirectResponse(entity_url(iri), status_code=303, headers={"Vary": "Accept"})
        try:
            answer = await rdf_document(engine, request, _describe_query(iri), fmt, settings.max_result_rows)
        except EngineError as err:
            return _engine_problem(err)
        if answer.status != 200:
            return _problem(answer.status, answer.message)
        if answer.count == 0:
            return _problem(404, f"the graph says nothing about {iri}")
        here = f"/data/{quote(path)}"
        links = [_link(iri, "describes"), *alternates(here, DOCUMENT_FORMATS, entity_url(iri))]
        extra = {TRUNCATED_HEADER: f"true; limit={answer.count}"} if answer.truncated else None
        return document_response(answer.body, fmt, here, links, extra)

    @router.get(
        "/context.jsonld",
        summary="The JSON-LD context of the vocabulary",
        response_class=Response,
        responses=_documented(tuple(f for f in DOCUMENT_FORMATS if f.key == "jsonld")),
    )
    async def context() -> Response:
        body = json.dumps(jsonld_context(), ensure_ascii=False, indent=1).encode("utf-8")
        return Response(body, media_type="application/ld+json", headers={"Access-Control-Allow-Origin": "*"})

    async def ontology(request: Request) -> Response:
        fmt = choose(request, DOCUMENT_FORMATS)
        links = alternates("/ontology", DOCUMENT_FORMATS)
        if fmt is HTML:
            html = env.get_template("ontology.html").render(
                groups=ontology_terms(), limits=limits_text(settings), ontology_iri=ONTOLOGY_IRI
            )
            headers = {"Vary": "Accept", "Link": ", ".join(links)}
            return HTMLResponse(html, headers=headers)
        return document_response(ontology_bytes(fmt.key), fmt, "/ontology", links)

    for route in ("/ontology", "/ontology/1.0.0"):
        router.add_api_route(
            route,
            ontology,
            methods=["GET"],
            summary="The ontology (HTML, Turtle, JSON-LD, N-Triples, RDF/XML)",
            response_class=Response,
            responses=_documented((HTML, *DOCUMENT_FORMATS)),
            include_in_schema=route == "/ontology",
        )

    @router.get(
        "/.well-known/void",
        summary="VoID description of the dataset",
        response_class=Response,
        responses=_documented(DOCUMENT_FORMATS, 400, 503),
    )
    async def void(request: Request) -> Response:
        fmt = choose(request, DOCUMENT_FORMATS, html=False)
        try:
            triples = await void_description(engine, settings, base(request))
        except EngineError as err:
            return _engine_problem(err)
        except ValueError as err:
            return _problem(400, str(err))
        prefixes = {"void": VOID, "dcat": DCAT, "formats": FORMATS_NS, **results.PREFIXES}
        if fmt.key == "jsonld":
            body = compact_jsonld(
                results.write_graph(triples, DOCUMENT_FORMATS[2]), base(request) + "context.jsonld"
            )
        else:
            body = results.write_graph(triples, fmt, prefixes)
        return document_response(
            body, fmt, "/.well-known/void", alternates("/.well-known/void", DOCUMENT_FORMATS)
        )

    @router.get(
        "/dumps/plangraph.{extension}",
        summary="The whole graph as a file (the dumps VoID lists)",
        response_class=Response,
        responses=_documented(
            tuple(
                conneg.Format(f.key, "dump", f.media_type, (), (), f.extension, f.label)
                for f in EXPORT_FORMATS
                if f.rdf_format is not None
            ),
            404,
            503,
        ),
    )
    async def dump(extension: str) -> Response:
        """``ttl`` and ``nt``: the union of the graphs, each triple once; ``trig``, ``nq`` and
        ``jsonld``: one named graph per document. Made by a query worker within ``export_timeout``."""
        found = {f.extension: f for f in EXPORT_FORMATS if f.rdf_format is not None}.get(extension)
        if found is None:
            known = ", ".join(f"plangraph.{f.extension}" for f in EXPORT_FORMATS if f.rdf_format is not None)
            return _problem(404, f"no dump plangraph.{extension}; the dumps are {known}")
        outcome = await run_call(engine, "export", {"format": found.key}, settings.export_timeout)
        if outcome.status != 200:
            return Response(outcome.body, status_code=outcome.status, media_type=outcome.content_type)
        headers = {"Content-Disposition": f'attachment; filename="plangraph.{extension}"'}
        return Response(outcome.body, media_type=found.media_type, headers=headers)

    @router.get(
        "/store",
        summary="SPARQL 1.1 Graph Store Protocol (read-only): GET a graph",
        response_class=Response,
        responses=_documented(conneg.GRAPH_FORMATS, 400, 404, 503),
    )
    async def graph_store(request: Request) -> Response:
        """``?graph=IRI``: that named graph; ``?default``: the default graph, the union of all
        graphs with each triple once. Turtle, N-Triples, RDF/XML, JSON-LD, TriG or N-Quads by
        Accept or ``format=``. Read-only: PUT, POST and DELETE are refused (405)."""
        params = request.query_params
        graphs = params.getlist("graph")
        if ("default" in params) == bool(graphs) or len(graphs) > 1:
            return _problem(
                400, "give exactly one of ?graph=IRI or ?default (SPARQL 1.1 Graph Store Protocol)"
            )
        if graphs and not is_iri(graphs[0]):
            return _problem(400, f"graph must be an absolute IRI, not {graphs[0]!r}")
        fmt = choose(request, conneg.GRAPH_FORMATS, html=False)
        if graphs:
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graphs[0]}> {{ ?s ?p ?o }} }}"
        else:
            query = (
                "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
            )
        try:
            # Whole graphs: JSON-LD as the worker writes it (expanded), not compacted in the server.
            answer = await rdf_document(
                engine, request, query, fmt, settings.max_graph_triples, compact=False
            )
        except EngineError as err:
            return _engine_problem(err)
        if answer.status != 200:
            return _problem(answer.status, answer.message)
        if graphs and answer.count == 0:
            return _problem(404, f"no graph named {graphs[0]} in this store")
        if answer.truncated:
            return _problem(
                503,
                f"the graph has more than {settings.max_graph_triples} triples (max_graph_triples); "
                "download a dump instead (/dumps/plangraph.nq)",
            )
        return Response(answer.body, media_type=fmt.content_type, headers={"Vary": "Accept"})

    return router
