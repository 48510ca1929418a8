"""The trace and compare pages, and the bundled Cytoscape.js they draw with.

Both read the same worker calls as ``/api/trace`` and ``/api/compare`` (:mod:`.network_api`), so
they share their limits and their cache. Templates autoescape everything; the trace graph reaches
the browser as JSON in a ``<script type="application/json">`` element.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ..export import EXPORT_FORMATS
from ..settings import Settings
from . import graphdata
from .network_api import run_call
from .pages import make_environment, script_json
from .sparql import limits_text
from .trace_view import ROLE_NAMES, ROUTE_NAMES, trace_view
from .workers import EngineError, QueryEngine

#: The vendored Cytoscape.js of the HTML export (``plangraph/resources``), served to the trace page.
CYTOSCAPE = "cytoscape.min.js"
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
    async def compare_page(a: str = "", b: str = "") -> Response:
        try:
            documents = await _documents(engine)
        except (EngineError, ValueError) as err:
            return failure(getattr(err, "status", 400), str(err))
        a, b = a.strip(), b.strip()
        context = {"documents": documents, "a": a, "b": b, "result": None, "problem": None}
        if not (a and b):
            return render("compare.html", **context)
        outcome = await run_call(engine, "compare", {"a": a, "b": b})
        answer = json.loads(outcome.body) if outcome.body else {}
        if outcome.status == 200:
            return render("compare.html", **{**context, "result": answer})
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
