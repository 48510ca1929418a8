"""The trace and compare pages, and the bundled Cytoscape.js the trace page draws with.

Both read the same worker calls as ``/api/trace`` and ``/api/compare…`` (:mod:`.network_api`), so
they share their limits and their cache. The compare page compares two plans, one indicator across
documents (a table and a chart drawn with the bundled Chart.js, ``static/vendor``), or the
industries places promote. Templates autoescape everything; graphs and chart data reach the
browser as JSON in ``<script type="application/json">`` elements.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from ..export import EXPORT_FORMATS
from ..settings import Settings
from . import graphdata
from .network_api import run_call, split_types
from .pages import make_environment, script_json
from .sparql import limits_text
from .trace_view import ROLE_NAMES, ROUTE_NAMES, trace_view
from .workers import EngineError, QueryEngine

#: The vendored Cytoscape.js of the HTML export (``plangraph/resources``), served to the trace page.
CYTOSCAPE = "cytoscape.min.js"
#: How the kinds of value are named on the compare page.
KIND_NAMES = {"Target": "目标 target", "Baseline": "基期 baseline", "Actual": "实际 actual"}
#: Longest name accepted in the page's search box (as /api/trace).
MAX_NAME = 200
#: Formats offered for download on the trace page, (format, label): the network formats of the
#: export registry.
DOWNLOADS = tuple((f.key, f.label) for f in EXPORT_FORMATS if f.kind == "network")


def api_url(path: str, **params: object) -> str:
    """``path?name=value…`` with the values percent-encoded (empty ones left out)."""
    return path + "?" + urlencode({k: str(v) for k, v in params.items() if v not in (None, "")})


def export_url(fmt: str, **filters: object) -> str:
    return api_url("/api/export", format=fmt, **filters)


@cache
def cytoscape_asset() -> tuple[bytes, str]:
    """The library's bytes and a short hash of them (the URL's version, so it can be cached)."""
    content = resources.files("plangraph.resources").joinpath(CYTOSCAPE).read_bytes()
    return content, hashlib.sha256(content).hexdigest()[:12]


def cytoscape_url() -> str:
    return f"/vendor/{CYTOSCAPE}?v={cytoscape_asset()[1]}"


def network_pages_router(engine: QueryEngine, settings: Settings) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    env = make_environment()
    env.globals.update(
        export_url=export_url,
        api_url=api_url,
        cytoscape_url=cytoscape_url,
        route_names=ROUTE_NAMES,
        kind_names=KIND_NAMES,
        role_names=ROLE_NAMES,
        downloads=DOWNLOADS,
    )

    def render(name: str, status: int = 200, **context: object) -> HTMLResponse:
        context.setdefault("limits", limits_text(settings))
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    def failure(status: int, message: str) -> HTMLResponse:
        title = "服务繁忙 Busy" if status >= 500 else "请求有误 Bad request"
        return render("error.html", status, title=title, message=message)

    async def industry_names() -> list[str]:
        try:
            return sorted({s.industry.text for s in await graphdata.industries(engine)})
        except (EngineError, ValueError):
            return []  # the box still works without suggestions

    @router.get("/trace", response_class=HTMLResponse)
    async def trace_page(industry: str = "") -> Response:
        text = industry.strip()
        names = await industry_names()
        if not text:
            return render("trace.html", industry_text="", view=None, problem=None, names=names)
        if len(text) > MAX_NAME:
            return failure(400, f"an industry name has at most {MAX_NAME} characters")
        outcome = await run_call(engine, "trace", {"industry": text})
        answer = json.loads(outcome.body) if outcome.body else {}
        if outcome.status == 200:
            view = trace_view(answer, settings.max_export_nodes)
            return render(
                "trace.html",
                industry_text=view.industry["label"],  # the name, also when an IRI was given
                view=view,
                problem=None,
                names=names,
                graph_json=script_json(view.graph),
                depth=settings.default_depth,
            )
        if outcome.status in (400, 404):
            return render(
                "trace.html", outcome.status, industry_text=text, view=None, problem=answer, names=names
            )
        return failure(outcome.status, answer.get("detail", outcome.message))

    @router.get("/compare", response_class=HTMLResponse)
    async def compare_page(
        a: str = "",
        b: str = "",
        indicator: str = "",
        industries: str = "",
        view: str = "",
        years: str = "",
        by: str = "place",
        documents: Annotated[list[str] | None, Query()] = None,
        places: str = "",
    ) -> Response:
        try:
            docs = await _documents(engine)
            concepts = await _concept_names(engine)
        except (EngineError, ValueError) as err:
            return failure(getattr(err, "status", 400), str(err))
        a, b, indicator, industries = a.strip(), b.strip(), indicator.strip(), industries.strip()
        chosen_docs = [d for d in documents or [] if d.strip()]
        if any(len(text) > MAX_NAME for text in (indicator, industries, places, years)):
            return failure(400, f"a name or list has at most {MAX_NAME} characters")
        if view not in ("indicator", "priorities", "plans"):
            # nothing chosen yet: every form; a two-plan link (?a=…&b=…) or a question decides
            view = "plans" if a or b else "priorities" if industries else "indicator" if indicator else "all"
        context: dict = {
            "documents": docs,
            "concepts": concepts,
            "a": a,
            "b": b,
            "indicator": indicator,
            "industries": industries,
            "chosen_documents": chosen_docs,
            "places": places.strip(),
            "years": years.strip(),
            "by": by if by in ("place", "document") else "place",
            "view": view,
            "result": None,
            "problem": None,
            "values": None,
            "matrix": None,
        }
        filters: dict[str, Any] = {}
        params: dict[str, Any]
        if chosen_docs:
            filters["documents"] = chosen_docs
        if places.strip():
            filters["places"] = split_types([places])
        if view == "plans" and a and b:
            call, params, slot = "compare", {"a": a, "b": b}, "result"
        elif view == "indicator" and indicator:
            call, slot = "compare_indicator", "values"
            params = {
                "indicator": indicator,
                **filters,
                **({"years": years.strip()} if years.strip() else {}),
            }
        elif view == "priorities":
            call, slot = "priorities", "matrix"
            params = {"by": context["by"], **filters}
            if industries:
                params["industries"] = split_types([industries])
        else:
            return render("compare.html", **context)
        outcome = await run_call(engine, call, params)
        answer = json.loads(outcome.body) if outcome.body else {}
        if outcome.status == 200:
            context[slot] = answer
            if slot == "values":
                context["chart_json"] = script_json(chart_data(answer))
                context["download"] = {
                    fmt: api_url("/api/compare/indicator", **_query(params), format=fmt)
                    for fmt in ("csv", "json")
                }
            if slot == "matrix":
                context["cells"] = {(c["row"], c["industry"]): c["evidence"] for c in answer["cells"]}
                context["download"] = {
                    fmt: api_url("/api/compare/priorities", **_query(params), format=fmt)
                    for fmt in ("csv", "json")
                }
            return render("compare.html", **context)
        if outcome.status in (400, 404):
            return render("compare.html", outcome.status, **{**context, "problem": answer})
        return failure(outcome.status, answer.get("detail", outcome.message))

    @router.get(f"/vendor/{CYTOSCAPE}")
    async def cytoscape_js() -> Response:
        content, _ = cytoscape_asset()
        # The URL carries a hash of the content, so browsers may keep it as long as they like.
        return Response(
            content,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=31536000, immutable"},
        )

    return router


def _query(params: dict) -> dict[str, str]:
    """Parameters of a worker call as query parameters (lists comma-separated)."""
    return {k: ",".join(v) if isinstance(v, list) else str(v) for k, v in params.items()}


def chart_data(answer: dict) -> dict:
    """What the compare page's chart draws: one series a place, its points (year, amount in the
    concept's unit) with the printed value, kind and source of each; totals over a plan period
    ([5], 〔20〕) are left to the table."""
    series: dict[str, list[dict]] = {}
    for row in answer.get("rows", []):
        # a total over the plan period ([14]) is not a yearly figure: it stays in the table
        if row.get("comparable") is None or row.get("year") is None or row.get("cumulative"):
            continue
        place = (row.get("place") or {}).get("label") or row["document_label"]
        series.setdefault(place, []).append(
            {
                "x": row["year"],
                "y": float(row["comparable"]),
                "kind": row["kind"],
                "source": row["source"],
                "text": row["text"],
                "document": row["document_label"],
                "period": row["period"],
            }
        )
    return {
        "label": answer["concept"]["label"],
        "unit": answer["concept"].get("unit") or "",
        "series": [
            {"label": place, "points": sorted(points, key=lambda p: p["x"])}
            for place, points in series.items()
        ],
    }


async def _concept_names(engine: QueryEngine) -> list[str]:
    """The indicator concepts the documents print, for the compare form's suggestions."""
    rows = await engine.cached_select(
        "compare-concepts",
        """SELECT DISTINCT ?l WHERE { ?i pg:indicatorConcept ?c . ?c skos:prefLabel ?l FILTER(lang(?l) = "zh") }
           ORDER BY ?l""",
    )
    return [r["l"]["value"] for r in rows]


async def _documents(engine: QueryEngine) -> list[tuple[str, str, str]]:
    """(IRI, title, source file) of every document, for the compare form."""
    rows = await engine.cached_select(
        "compare-documents",
        """SELECT ?doc ?file (SAMPLE(?t) AS ?title) WHERE {
             ?doc pg:sourceFile ?file OPTIONAL { ?doc dcterms:title ?t } } GROUP BY ?doc ?file ORDER BY ?file""",
    )
    return [
        (r["doc"]["value"], r["title"]["value"] if "title" in r else r["file"]["value"], r["file"]["value"])
        for r in rows
    ]
