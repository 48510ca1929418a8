"""REST helpers under ``/api``: search, entity, industry, saved queries, health (OpenAPI at /docs)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..query import SavedQuery, saved_queries
from ..settings import Settings
from . import graphdata
from .sources import SourceTexts
from .sparql import ProtocolError, ProtocolRequest, run_protocol_request
from .sparql_text import is_iri
from .workers import EngineError, QueryEngine


class TermModel(BaseModel):
    type: str = Field(description="uri, literal or bnode")
    value: str
    label: str | None = Field(None, description="display label of an IRI (Chinese first)")
    lang: str | None = None
    datatype: str | None = None


class SearchHit(BaseModel):
    iri: str
    label: str
    matched: str = Field(description="the name that matched")
    types: list[TermModel]


class SearchResponse(BaseModel):
    query: str
    results: list[SearchHit]


class MentionModel(BaseModel):
    iri: str
    document: TermModel | None
    start: int | None = Field(description="0-based offset into the decoded source text")
    end: int | None = Field(description="end offset, exclusive")
    line: int | None
    quote: str
    context: dict[str, str] | None = Field(
        None, description="text before and after the quote in its sentence"
    )


class LinkModel(BaseModel):
    node: TermModel
    evidence: list[MentionModel]


class RelationGroup(BaseModel):
    predicate: TermModel
    total: int = Field(description="all values of this predicate (more than listed when large)")
    values: list[LinkModel]


class NameModel(BaseModel):
    property: str
    value: TermModel


class EntityResponse(BaseModel):
    iri: str
    label: str
    types: list[TermModel]
    names: list[NameModel]
    outgoing: list[RelationGroup]
    incoming: list[RelationGroup]
    mentions: list[MentionModel]
    mention_total: int


class SupportModel(BaseModel):
    node: TermModel
    industry: TermModel = Field(description="the industry itself or a narrower one")
    located_in: list[TermModel]
    evidence: list[MentionModel]


class IndustryResponse(BaseModel):
    industry: TermModel
    alt_labels: list[str]
    notation: list[str]
    broader: list[TermModel]
    narrower: list[TermModel]
    projects: list[SupportModel]
    parks: list[SupportModel]
    promoters: list[SupportModel] = Field(description="divisions and documents that set it as a goal")


class SavedQueryModel(BaseModel):
    name: str
    title: str
    description: str
    query: str
    run: str = Field(description="URL that runs it (content negotiation as /sparql)")


def _saved(query: SavedQuery) -> SavedQueryModel:
    return SavedQueryModel(
        name=query.name,
        title=query.title,
        description=query.description,
        query=query.text,
        run=f"/api/queries/{query.name}",
    )


def _support(s: graphdata.Support) -> dict[str, Any]:
    return {
        "node": s.node.to_json(),
        "industry": s.industry.to_json(),
        "located_in": [w.to_json() for w in s.where],
        "evidence": [m.to_json() for m in s.evidence],
    }


def _check_iri(iri: str) -> None:
    if not is_iri(iri):
        raise HTTPException(400, f"not an absolute IRI: {iri!r}")


#: Statuses the helpers answer besides 200 (FastAPI adds 422 for parameters it rejects itself).
_BAD: dict[int | str, dict[str, Any]] = {
    400: {"description": "a malformed parameter or query (JSON: detail)"}
}
_UNKNOWN: dict[int | str, dict[str, Any]] = {
    404: {"description": "nothing in the graph is about it (JSON: detail)"}
}
_BUSY: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "the query hit query_timeout, every worker stayed busy, a worker ran out of "
        "memory or the server is shutting down (JSON: detail; Retry-After)"
    }
}


def api_router(engine: QueryEngine, settings: Settings, texts: SourceTexts) -> APIRouter:
    """``/api/...`` over an engine; ``texts`` finds the source documents (for mention context)."""
    router = APIRouter(prefix="/api", tags=["API"])

    async def guarded(coro: Any) -> Any:
        try:
            return await coro
        except (EngineError, ProtocolError) as err:
            retry = {"Retry-After": "5"} if err.status == 503 else None
            raise HTTPException(err.status, err.message, headers=retry) from None
        except ValueError as err:
            raise HTTPException(400, str(err)) from None

    @router.get(
        "/search",
        response_model=SearchResponse,
        summary="Search entities by name (Chinese or other)",
        responses={**_BAD, **_BUSY},
    )
    async def api_search(
        q: str = Query(..., min_length=1, max_length=200, description="part of a name, e.g. 新材料"),
        limit: int = Query(50, ge=1, le=500),
    ) -> dict:
        hits = await guarded(graphdata.search(engine, q, limit))
        return {"query": q, "results": [h.to_json() for h in hits]}

    @router.get(
        "/entity",
        response_model=EntityResponse,
        summary="Everything the graph says about an IRI",
        responses={**_BAD, **_UNKNOWN, **_BUSY},
    )
    async def api_entity(iri: str = Query(..., description="the entity's IRI")) -> dict:
        _check_iri(iri)
        found = await guarded(graphdata.entity(engine, texts, iri))
        if not found.exists:
            raise HTTPException(404, f"nothing in the graph is about {iri}")
        return found.to_json()

    @router.get(
        "/industry",
        response_model=IndustryResponse,
        summary="Projects, parks and divisions supporting an industry",
        responses={**_BAD, **_UNKNOWN, **_BUSY},
    )
    async def api_industry(iri: str = Query(..., description="IRI of a pg:Industry concept")) -> dict:
        _check_iri(iri)
        page = await guarded(graphdata.industry_page(engine, texts, iri))
        if page is None:
            raise HTTPException(404, f"{iri} is not an industry of the graph")
        return {
            "industry": page.industry.to_json(),
            "alt_labels": page.alt_labels,
            "notation": page.notation,
            "broader": [t.to_json() for t in page.broader],
            "narrower": [t.to_json() for t in page.narrower],
            "projects": [_support(s) for s in page.projects],
            "parks": [_support(s) for s in page.parks],
            "promoters": [_support(s) for s in page.promoters],
        }

    @router.get("/queries", response_model=list[SavedQueryModel], summary="The saved queries of queries/")
    async def api_queries() -> list[SavedQueryModel]:
        return [_saved(q) for q in saved_queries(settings.queries_dir)]

    async def api_run_query(name: str, request: Request) -> Response:
        found = {q.name: q for q in saved_queries(settings.queries_dir)}
        if name not in found:
            raise HTTPException(404, f"no saved query named {name!r}")
        params = {key: [value] for key, value in request.query_params.items()}
        op = ProtocolRequest("query", found[name].text, params, request.headers.get("accept"), request.method)
        return await guarded(run_protocol_request(engine, request, op))

    for method in ("GET", "POST"):
        router.add_api_route(
            "/queries/{name}",
            api_run_query,
            methods=[method],
            operation_id=f"run_saved_query_{method.lower()}",
            summary="Run a saved query (results negotiated like /sparql; format= works too)",
            response_class=Response,
            responses={
                200: {"content": {"application/sparql-results+json": {}, "text/csv": {}, "text/turtle": {}}},
                **_BAD,
                404: {"description": "no saved query of that name (JSON: detail)"},
                **_BUSY,
            },
        )

    @router.get("/health", summary="Query workers and limits")
    async def api_health() -> dict:
        return {
            "engine": engine.describe(),
            "limits": {
                "query_timeout": settings.query_timeout,
                "max_result_rows": settings.max_result_rows,
                "max_query_length": settings.max_query_length,
                "max_request_bytes": settings.max_request_bytes,
                "query_workers": settings.query_workers,
                "allow_updates": settings.allow_updates,
                "export_timeout": settings.export_timeout,
                "max_export_nodes": settings.max_export_nodes,
            },
        }

    return router
