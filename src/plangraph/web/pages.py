"""The HTML pages of the web UI (Jinja2 templates, every value autoescaped).

Documents are untrusted input: their text, names and quotes reach the pages only as template
values (escaped) or, for the source view, as escaped segments around the highlighted mention.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..query import saved_queries
from ..settings import Settings
from ..vocab import PG, STANDARD_PREFIXES
from . import graphdata
from .sources import PageImages, SourceTexts, origin_query, original_of
from .sparql import limits_text
from .sparql_text import is_iri
from .workers import EngineError, QueryEngine

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATES_DIR = WEB_DIR / "templates"


def entity_url(iri: str) -> str:
    return "/entity?iri=" + quote(iri, safe="")


def source_url(mention: graphdata.Mention) -> str:
    return "/source?mention=" + quote(mention.iri, safe="") + "#hl"


def industry_url(iri: str) -> str:
    return "/industry?iri=" + quote(iri, safe="")


def trace_url(industry: str) -> str:
    """The trace page of an industry (a name or IRI)."""
    return "/trace?industry=" + quote(industry, safe="")


def editor_url(query: str) -> str:
    return "/editor?query=" + quote(query, safe="")


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        entity_url=entity_url,
        source_url=source_url,
        industry_url=industry_url,
        trace_url=trace_url,
        editor_url=editor_url,
        compact=graphdata.compact,
        PG=str(PG),
    )
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env


def script_json(value: object) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element (no ``<``, ``>`` or ``&``)."""
    text = json.dumps(value, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# --- the source view -------------------------------------------------------------------------


@dataclass
class Segment:
    text: str
    marked: bool = False
    first_mark: bool = False


@dataclass
class Line:
    number: int
    segments: list[Segment]

    @property
    def marked(self) -> bool:
        return any(s.marked for s in self.segments)


def source_lines(text: str, start: int | None = None, end: int | None = None) -> list[Line]:
    """The text as numbered lines, the characters in [start, end) marked (a mark may span lines)."""
    lines: list[Line] = []
    offset = 0
    first = True
    for number, raw in enumerate(text.split("\n"), start=1):
        line_end = offset + len(raw)
        segments: list[Segment] = []
        if start is not None and end is not None and start < line_end + 1 and end > offset and end > start:
            a, b = max(start, offset) - offset, min(end, line_end) - offset
            if a > 0:
                segments.append(Segment(raw[:a]))
            if b > a:
                segments.append(Segment(raw[a:b], marked=True, first_mark=first))
                first = False
            if b < len(raw):
                segments.append(Segment(raw[b:]))
        else:
            segments.append(Segment(raw))
        lines.append(Line(number, [s for s in segments if s.text or s.marked]))
        offset = line_end + 1
    if lines and not lines[-1].segments and text.endswith("\n"):
        lines.pop()
    return lines


def find_quote(text: str, quote: str, line: int | None = None) -> tuple[int, int] | None:
    """[start, end) of ``quote`` in ``text``: the first occurrence from line ``line`` on (the
    line evidence names), else the first anywhere; None when it is not there."""
    if not quote:
        return None
    start_at = 0
    if line is not None and line > 1:
        start_at = sum(len(raw) + 1 for raw in text.split("\n")[: line - 1])
    found = text.find(quote, min(start_at, len(text)))
    if found < 0:
        found = text.find(quote)
    return (found, found + len(quote)) if found >= 0 else None


def _line_number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


# --- the router ------------------------------------------------------------------------------


def pages_router(engine: QueryEngine, settings: Settings, texts: SourceTexts) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    env = make_environment()
    page_images = PageImages()

    def render(name: str, status: int = 200, **context: object) -> HTMLResponse:
        context.setdefault("limits", limits_text(settings))
        html = env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)

    def failure(err: Exception, q: str = "") -> HTMLResponse:
        if isinstance(err, EngineError):
            return render("error.html", err.status, title="服务繁忙 Busy", message=err.message, q=q)
        return render("error.html", 400, title="请求有误 Bad request", message=str(err), q=q)

    @router.get("/", response_class=HTMLResponse)
    async def home() -> Response:
        try:
            corpus = await graphdata.corpus(engine)
        except (EngineError, ValueError) as err:
            return failure(err)
        return render("home.html", corpus=corpus, queries=saved_queries(settings.queries_dir))

    @router.get("/search", response_class=HTMLResponse)
    async def search_page(q: str = "") -> Response:
        text = q.strip()
        if is_iri(text):
            return RedirectResponse(entity_url(text), status_code=303)
        try:
            hits = await graphdata.search(engine, text, limit=200) if text else []
        except (EngineError, ValueError) as err:
            return failure(err, q)
        return render("search.html", q=q, hits=hits)

    @router.get("/entity", response_class=HTMLResponse)
    async def entity_page(iri: str = "") -> Response:
        if not is_iri(iri):
            return render(
                "error.html", 400, title="请求有误 Bad request", message=f"not an absolute IRI: {iri!r}"
            )
        try:
            found = await graphdata.entity(engine, texts, iri)
        except (EngineError, ValueError) as err:
            return failure(err)
        if not found.exists:
            return render(
                "error.html", 404, title="未找到 Not found", message=f"The graph says nothing about {iri}."
            )
        return render("entity.html", e=found)

    @router.get("/industry", response_class=HTMLResponse)
    async def industry(iri: str = "") -> Response:
        if not is_iri(iri):
            return render(
                "error.html", 400, title="请求有误 Bad request", message=f"not an absolute IRI: {iri!r}"
            )
        try:
            page = await graphdata.industry_page(engine, texts, iri)
        except (EngineError, ValueError) as err:
            return failure(err)
        if page is None:
            return render("error.html", 404, title="未找到 Not found", message=f"{iri} is not an industry.")
        return render("industry.html", page=page)

    @router.get("/industries", response_class=HTMLResponse)
    async def industries() -> Response:
        try:
            rows = await graphdata.industries(engine)
        except (EngineError, ValueError) as err:
            return failure(err)
        return render("industries.html", industries=rows)

    @router.get("/source", response_class=HTMLResponse)
    async def source(mention: str = "", doc: str = "", find: str = "", line: str = "") -> Response:
        """``?mention=IRI`` highlights a mention; ``?doc=IRI&find=text[&line=N]`` highlights a
        quoted text (evidence without a mention of its own) in that document."""
        if (mention and not is_iri(mention)) or (doc and not is_iri(doc)) or not (mention or doc):
            return render(
                "error.html", 400, title="请求有误 Bad request", message="give ?mention=IRI or ?doc=IRI"
            )
        try:
            view = await graphdata.source_view(engine, texts, doc or None, mention or None)
        except (EngineError, ValueError) as err:
            return failure(err)
        if view is None:
            return render("error.html", 404, title="未找到 Not found", message="No such document or mention.")
        lines: list[Line] = []
        found = None
        if view.text is not None:
            m = view.mention
            if m is None and find:
                found = find_quote(view.text, find[:2000], _line_number(line))
            start, end = (m.start, m.end) if m else (found or (None, None))
            lines = source_lines(view.text, start, end)
        original = None
        path = texts.path(view.source_file)
        if view.mention is not None and path is not None:
            try:
                rows = await engine.select(origin_query(view.mention.iri))
            except (EngineError, ValueError):
                rows = []
            original = original_of(path, rows[0]) if rows else None
        return render(
            "source.html", view=view, lines=lines, found=found, find=find, original=original, quote=quote
        )

    @router.get("/source/page.png")
    async def source_page(doc: str = "", page: str = "") -> Response:
        """A page of a PDF source, rendered (for the source view of a PDF mention)."""
        if not is_iri(doc) or not page.isdigit() or len(page) > 6:
            return Response("give ?doc=IRI&page=N", status_code=400, media_type="text/plain")
        try:
            files = await graphdata.document_files(engine, [doc])
        except (EngineError, ValueError) as err:
            return failure(err)
        path = texts.path(files.get(doc, ""))
        png = page_images.png(path, int(page)) if path is not None else None
        if png is None:
            return Response("no such PDF page", status_code=404, media_type="text/plain")
        return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=3600"})

    @router.get("/editor", response_class=HTMLResponse)
    async def editor(request: Request, query: str = "", saved: str = "") -> Response:
        queries = saved_queries(settings.queries_dir)
        text = query
        if saved and not text:
            text = next((q.text for q in queries if q.name == saved), "")
        try:
            terms = await _vocabulary(engine)
        except (EngineError, ValueError):
            terms = []
        config = {
            "query": text,
            "autorun": request.query_params.get("run") == "1",
            "endpoint": "/sparql",
            "prefixes": STANDARD_PREFIXES,
            "terms": terms,
            "saved": [
                {"name": q.name, "title": q.title, "description": q.description, "query": q.text}
                for q in queries
            ],
            "savedName": saved,
            "maxRows": settings.max_result_rows,
        }
        return render("editor.html", config=script_json(config))

    return router


async def _vocabulary(engine: QueryEngine) -> list[dict[str, str]]:
    """The pg: classes and properties the graph uses, for completion in the editor."""
    rows = await engine.cached_select(
        "editor-vocabulary",
        f"""SELECT DISTINCT ?t ?kind WHERE {{
            {{ ?s ?t ?o BIND("property" AS ?kind) }} UNION {{ ?s a ?t BIND("class" AS ?kind) }}
            FILTER(STRSTARTS(STR(?t), "{PG}"))
        }} ORDER BY ?t""",
    )
    return [{"label": graphdata.compact(r["t"]["value"]), "kind": r["kind"]["value"]} for r in rows]
