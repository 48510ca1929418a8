"""REST helpers over the NetworkX layer: ``/api/trace``, ``/api/path``, ``/api/compare``, ``/api/export``.

Each runs :mod:`plangraph.network` / :mod:`plangraph.export` on a query worker's store through
:meth:`QueryEngine.network <plangraph.web.workers.QueryEngine.network>`: the event loop only awaits,
the call is stopped at its time limit (``query_timeout``; ``export_timeout`` for exports) and an
export holds at most ``max_export_nodes`` nodes. Answers pass through as the worker wrote them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from ..export import EXPORT_FORMATS, FORMATS
from ..reading.nodes import NODE_TYPES
from ..settings import Settings
from ..trace import ROUTES
from .sparql import TRUNCATED_HEADER
from .worker_process import Outcome
from .workers import EngineError, QueryEngine, QueryTimeout

#: Header with the one-line summary of an export ("2131 nodes and 3060 edges").
SUMMARY_HEADER = "X-Plangraph-Export"
#: Headers a cross-origin client may read on these answers (added to the app's CORS list).
EXPOSED_HEADERS = ("Content-Disposition", SUMMARY_HEADER)


# --- models (for the OpenAPI documentation; tests check the answers against them) -----------


class NodeModel(BaseModel):
    iri: str
    label: str
    type: str = Field(description=f"one of {', '.join(NODE_TYPES)} (empty when unknown)")


class EvidenceModel(BaseModel):
    quote: str = Field(description="the text of the source the step was read from")
    role: str = Field(
        description="what it attests: a predicate (pg:supportsIndustry, pg:promotesIndustry …), "
        "or item, box, group, division, mention"
    )
    document: str | None = Field(description="IRI of the document")
    source_file: str | None
    line: int | None = Field(description="1-based line in the source file")
    mention: str | None = Field(
        None, description="IRI of the pg:Mention with this quote (open /source?mention=… to see it)"
    )


class StepModel(BaseModel):
    node: NodeModel
    predicate: str | None = Field(description="compact predicate of the edge from the previous node")
    forward: bool = Field(description="true: previous —predicate→ node; false: node —predicate→ previous")
    evidence: list[EvidenceModel]


class TracePathModel(BaseModel):
    route: str = Field(description=f"one of {', '.join(ROUTES)}, strongest first")
    industry: NodeModel = Field(description="the industry reached: the one asked for or a narrower one")
    text: str
    steps: list[StepModel]
    evidence: list[EvidenceModel]


class TracedProjectModel(NodeModel):
    route: str = Field(description="its strongest route")
    box: NodeModel | None = Field(description="the box (专栏) that lists it")
    item_number: int | None
    evidence: list[EvidenceModel]
    paths: list[TracePathModel]


class DocumentGroupModel(BaseModel):
    document: NodeModel | None
    source_file: str | None
    count: int
    projects: list[TracedProjectModel] = Field(
        description="ranked: direct, then reaching a narrower industry, park, section, box"
    )


class TracedIndustryModel(NodeModel):
    narrower_of: str | None = Field(description="the broader industry it was reached from")


class TraceResponse(BaseModel):
    query: str
    industry: NodeModel
    industries: list[TracedIndustryModel] = Field(description="the industry asked, then narrower ones")
    count: int
    documents: list[DocumentGroupModel]


class PathResponse(BaseModel):
    a: str
    b: str
    from_: NodeModel = Field(alias="from")
    to: NodeModel
    found: bool
    length: int = Field(description="number of relations on the path (0 when not connected)")
    text: str
    steps: list[StepModel]


class TargetModel(BaseModel):
    year: str | None
    text: str
    value: str | None = Field(description="the number as a decimal string, when the cell is one")
    kind: str


class IndicatorChangeModel(NodeModel):
    unit: str | None
    a: TargetModel
    b: TargetModel
    change: str | None = Field(description="B minus A, when both are numbers")


class IndustryChangesModel(BaseModel):
    added: list[NodeModel]
    dropped: list[NodeModel]
    kept: list[NodeModel]


class CompareResponse(BaseModel):
    plan_a: NodeModel
    plan_b: NodeModel
    industries: IndustryChangesModel
    indicators: list[IndicatorChangeModel]
    indicators_only_a: list[NodeModel]
    indicators_only_b: list[NodeModel]


class ConceptModel(BaseModel):
    iri: str
    label: str
    measure: str = Field(description="Level, Growth or Reduction (empty when the scheme does not say)")
    unit: str | None = Field(description="the concept's default unit, that `comparable` is in")
    change_of: str | None = Field(description="for a growth or reduction concept: its level concept")
    changes: list[str] = Field(description="for a level concept: its growth and reduction concepts")


class ComparedValueModel(BaseModel):
    document: str
    document_label: str
    source_file: str
    period: str = Field(description="a plan's years (2016–2020), or the year a work report is delivered in")
    place: NodeModel | None
    indicator: NodeModel = Field(description="the indicator as the document prints it")
    year: int | None
    text: str = Field(description="the value as printed")
    kind: str = Field(description="Baseline, Target or Actual")
    source: str = Field(description="table, growth column or sentence")
    amount: str | None
    upper: str | None = Field(description="the upper end of a range (5%—5.5%)")
    unit: str | None
    qualifier: str | None = Field(description="AtLeast, MoreThan, AtMost, LessThan or Approximately")
    cumulative: bool = Field(description="a total over the plan period ([5], 〔20〕)")
    form: str | None = Field(
        description="for a target that is no number: AssignedByHigherLevel, InStepWith, …"
    )
    comparable: str | None = Field(description="the amount in the concept's unit (a range: its middle)")
    evidence: EvidenceModel | None
    mention: str | None = Field(description="IRI of the pg:Mention (open /source?mention=… to see it)")


class IndicatorComparisonResponse(BaseModel):
    concept: ConceptModel
    places: list[str]
    years: list[int]
    count: int
    rows: list[ComparedValueModel]


class PriorityCellModel(BaseModel):
    row: str = Field(description="IRI of the place (or document)")
    industry: str
    evidence: list[EvidenceModel]


class PrioritiesResponse(BaseModel):
    by: str = Field(description="place or document")
    rows: list[NodeModel]
    industries: list[NodeModel]
    cells: list[PriorityCellModel] = Field(
        description="the promoted (row, industry) pairs, with their sentences"
    )


class ProblemModel(BaseModel):
    detail: str
    name: str | None = None
    kind: str | None = None
    suggestions: list[str] = Field(default_factory=list, description="the closest known names")


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    meaning = {
        400: "missing or malformed parameter, or an ambiguous name (the candidates are listed)",
        404: "an unknown name; `suggestions` lists the closest known ones",
        503: "the time limit was reached or every worker was busy",
    }
    return {s: {"model": ProblemModel, "description": meaning[s]} for s in statuses}


# --- plumbing --------------------------------------------------------------------------------


class BadRequestRoute(APIRoute):
    """Answers a missing or malformed parameter with 400 (like the rest of the API), not 422."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as err:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in err.errors()
                )
                return JSONResponse({"detail": problems}, status_code=400)

        return route


def _answer(outcome: Outcome) -> Response:
    headers = {"Retry-After": "5"} if outcome.status == 503 else None
    return Response(
        outcome.body, status_code=outcome.status, media_type=outcome.content_type, headers=headers
    )


async def run_call(engine: QueryEngine, call: str, params: dict, timeout: float | None = None) -> Outcome:
    """The worker's outcome, with engine failures (timeout, busy) as a 503 outcome."""
    try:
        return await engine.network(call, params, timeout)
    except QueryTimeout:
        limit = "export_timeout" if call == "export" else "query_timeout"
        seconds = getattr(engine.settings, limit) if timeout is None else timeout
        hint = "export a focus, a document or fewer types" if call == "export" else "try again later"
        message = f"the {call} was stopped after {seconds:g} s ({limit}); {hint}"
        return Outcome(503, json.dumps({"detail": message}, ensure_ascii=False).encode(), "application/json")
    except EngineError as err:
        body = json.dumps({"detail": err.message}, ensure_ascii=False).encode("utf-8")
        return Outcome(err.status, body, "application/json")


def _download(outcome: Outcome, stem: str, fmt: str) -> Response:
    """The answer; a CSV one as an attachment."""
    response = _answer(outcome)
    if outcome.status == 200 and fmt == "csv":
        response.headers["Content-Disposition"] = content_disposition(f"{stem}.csv", f"{stem}.csv")
    return response


def split_types(values: list[str] | None) -> list[str]:
    """``types=Project,Industry`` or ``types=Project&types=Industry``."""
    return [t.strip() for v in values or [] for t in v.split(",") if t.strip()]


def download_name(extension: str, focus: str | None, document: str | None) -> tuple[str, str]:
    """(ASCII file name, UTF-8 file name) for Content-Disposition: plangraph[-document][-focus].ext"""
    parts = ["plangraph", *(p for p in (document, focus) if p)]
    # Names from requests may be IRIs or file names: keep the last segment without its extension,
    # and nothing that is unsafe in a file name.
    stems = [re.sub(r"\.[A-Za-z]{2,4}$", "", p.rstrip("/").rsplit("/", 1)[-1]) for p in parts]
    cleaned = [re.sub(r"[^\w.-]+", "_", stem).strip("._")[:60] for stem in stems]
    utf8 = "-".join(c for c in cleaned if c) + "." + extension
    ascii_name = "-".join(c for c in (re.sub(r"[^A-Za-z0-9_.-]", "", c) for c in cleaned) if c)
    return (ascii_name or "plangraph") + "." + extension, utf8


def content_disposition(ascii_name: str, utf8_name: str) -> str:
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(utf8_name, safe='')}"


# --- the router ------------------------------------------------------------------------------


def network_router(engine: QueryEngine, settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["Network"], route_class=BadRequestRoute)

    @router.get(
        "/trace",
        summary="Projects that serve an industry goal, and why",
        response_class=Response,
        responses={
            200: {"model": TraceResponse, "content": {"application/json": {}}},
            **_errors(400, 404, 503),
        },
    )
    async def api_trace(
        industry: str = Query(
            ...,
            min_length=1,
            max_length=200,
            description="an industry's name (中文), alternative name or IRI",
        ),
    ) -> Response:
        """Every project that supports the industry (or a narrower one), by route: **direct**
        (`pg:supportsIndustry`), **park** (located in a park that hosts it), **section** (listed in a
        box of a plan division that promotes it), **box** (listed in a box whose heading names it).
        Grouped by document and ranked by route, each with the paths that show it and the evidence
        sentences (with the IRI of their mention)."""
        return _answer(await run_call(engine, "trace", {"industry": industry.strip()}))

    @router.get(
        "/path",
        summary="The shortest chain of relations between two entities",
        response_class=Response,
        responses={
            200: {"model": PathResponse, "content": {"application/json": {}}},
            **_errors(400, 404, 503),
        },
    )
    async def api_path(
        a: str = Query(..., min_length=1, max_length=200, description="a name or IRI, e.g. 辽阳市"),
        b: str = Query(..., min_length=1, max_length=200, description="a name or IRI, e.g. 铝合金精深加工"),
    ) -> Response:
        """Relations are followed either way; each step carries its predicate, its direction and
        the sentence it was read from. `found` is false when the two are not connected."""
        return _answer(await run_call(engine, "path", {"a": a.strip(), "b": b.strip()}))

    @router.get(
        "/compare",
        summary="Compare two plans: industries added and dropped, indicator targets",
        response_class=Response,
        responses={
            200: {"model": CompareResponse, "content": {"application/json": {}}},
            **_errors(400, 404, 503),
        },
    )
    async def api_compare(
        a: str = Query(
            ..., min_length=1, max_length=300, description="plan A: IRI, source file or part of its title"
        ),
        b: str = Query(
            ..., min_length=1, max_length=300, description="plan B: IRI, source file or part of its title"
        ),
    ) -> Response:
        """Industries B promotes that A does not (added), the reverse (dropped) and both (kept);
        indicators with a target in both plans with the change (B minus A)."""
        return _answer(await run_call(engine, "compare", {"a": a.strip(), "b": b.strip()}))

    @router.get(
        "/compare/indicator",
        summary="One indicator across documents, places and years: values, units, kinds and evidence",
        response_class=Response,
        responses={
            200: {
                "model": IndicatorComparisonResponse,
                "content": {"application/json": {}, "text/csv": {}},
            },
            **_errors(400, 404, 503),
        },
    )
    async def api_compare_indicator(
        indicator: str = Query(
            ...,
            min_length=1,
            max_length=200,
            description="an indicator (地区生产总值, GDP, 城镇化率), concept key or IRI",
        ),
        documents: Annotated[
            list[str] | None,
            Query(description="documents (IRI, source file or title), comma-separated or repeated"),
        ] = None,
        places: Annotated[
            list[str] | None, Query(description="places: documents about them or within them")
        ] = None,
        years: str | None = Query(None, max_length=100, description="2025, 2020-2025 or 2020,2025"),
        format: str = Query("json", pattern="^(json|csv)$", description="json, or csv for a spreadsheet"),
    ) -> Response:
        """Every value of the indicator's concept: table cells, targets stated in sentences and (for
        a growth concept) the growth columns of its level's rows. Printed names meet through the
        concept (国内生产总值 and 地区生产总值 are GDP); `comparable` is the amount in the concept's
        unit (4.7 万元 is 47000 元)."""
        params: dict[str, Any] = {"indicator": indicator.strip(), "format": format}
        for name, value in (("documents", documents), ("places", places)):
            chosen = split_types(value)
            if chosen:
                params[name] = chosen
        if years and years.strip():
            params["years"] = years.strip()
        outcome = await run_call(engine, "compare_indicator", params)
        return _download(outcome, "plangraph-indicator", format)

    @router.get(
        "/compare/priorities",
        summary="Which places (or documents) promote which industries, with the sentences",
        response_class=Response,
        responses={
            200: {"model": PrioritiesResponse, "content": {"application/json": {}, "text/csv": {}}},
            **_errors(400, 404, 503),
        },
    )
    async def api_priorities(
        industries: Annotated[
            list[str] | None,
            Query(description="industries, comma-separated or repeated (default: the most promoted)"),
        ] = None,
        documents: Annotated[list[str] | None, Query(description="only these documents")] = None,
        places: Annotated[list[str] | None, Query(description="only documents about these places")] = None,
        by: str = Query("place", pattern="^(place|document)$", description="rows: place or document"),
        top: int = Query(20, ge=1, le=200, description="industries shown when none are given"),
        format: str = Query("json", pattern="^(json|csv)$"),
    ) -> Response:
        """An industry asked for counts with its narrower ones; each promoted cell lists the
        sentences that set the goal (with the IRI of their mention)."""
        params: dict[str, Any] = {"by": by, "top": top, "format": format}
        for name, value in (("industries", industries), ("documents", documents), ("places", places)):
            chosen = split_types(value)
            if chosen:
                params[name] = chosen
        outcome = await run_call(engine, "priorities", params)
        return _download(outcome, "plangraph-priorities", format)

    @router.get(
        "/export",
        summary="The graph, or a part of it, as a file (" + ", ".join(f.label for f in EXPORT_FORMATS) + ")",
        response_class=Response,
        responses={
            200: {
                "description": "the file, as an attachment",
                "content": {f.media_type.split(";")[0]: {} for f in EXPORT_FORMATS},
            },
            **_errors(400, 404, 503),
        },
    )
    async def api_export(
        format: str = Query(
            ...,
            min_length=1,
            max_length=20,
            description="; ".join(f"{f.key}: {f.description}" for f in EXPORT_FORMATS),
            json_schema_extra={"enum": list(FORMATS)},
        ),
        focus: str | None = Query(None, max_length=300, description="keep the neighbourhood of this entity"),
        depth: int | None = Query(
            None, ge=0, le=20, description=f"radius around focus (default {settings.default_depth})"
        ),
        document: str | None = Query(None, max_length=300, description="keep what this document names"),
        types: Annotated[
            list[str] | None, Query(description="node types, comma-separated or repeated")
        ] = None,
        bom: bool = Query(False, description="csv: start each table with a UTF-8 byte order mark (Excel)"),
    ) -> Response:
        """Network formats hold at most `max_export_nodes` nodes (a cut export says so in the
        `X-Plangraph-Truncated` header); RDF formats without filters dump every quad. The export
        runs in a query worker and is stopped after `export_timeout` seconds."""
        params: dict[str, Any] = {"format": format.strip()}
        if focus and focus.strip():
            params["focus"] = focus.strip()
        if depth is not None:
            params["depth"] = depth
        if document and document.strip():
            params["document"] = document.strip()
        chosen = split_types(types)
        if chosen:
            params["types"] = chosen
        if bom:
            params["bom"] = True
        outcome = await run_call(engine, "export", params, settings.export_timeout)
        if outcome.status != 200:
            return _answer(outcome)
        ascii_name, utf8_name = download_name(outcome.format_key, params.get("focus"), params.get("document"))
        headers = {
            "Content-Disposition": content_disposition(ascii_name, utf8_name),
            SUMMARY_HEADER: outcome.message.encode("ascii", "replace").decode("ascii"),
            "X-Content-Type-Options": "nosniff",
        }
        if outcome.truncated:
            headers[TRUNCATED_HEADER] = f"true; limit={settings.max_export_nodes}"
        return Response(outcome.body, media_type=outcome.content_type, headers=headers)

    return router
