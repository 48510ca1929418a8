"""The web application: SPARQL endpoint, REST helpers and the web UI over one build.

    create_app(build_dir, settings) -> FastAPI     (library use, tests)
    serve(build_dir, host, port, allow_updates, update_token)   (`plangraph serve`)

Everything reads the graph through one :class:`~plangraph.web.workers.QueryEngine`, so the limits of
:mod:`plangraph.settings` (time, rows, sizes) apply to the pages and the API as to the endpoint.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__ as PLANGRAPH_VERSION
from ..settings import Settings, get_settings
from ..store import STORE_NAME, StoreError, trig_path
from .api import api_router
from .linked_data import linked_data_router
from .methods import MethodsMiddleware
from .network_api import EXPOSED_HEADERS as NETWORK_HEADERS
from .network_api import network_router
from .network_pages import network_pages_router
from .pages import STATIC_DIR, pages_router
from .sources import SourceTexts
from .sparql import EXPOSED_HEADERS, sparql_router
from .workers import ClientMiddleware, QueryEngine

log = logging.getLogger(__name__)

#: Where a build keeps copies of its source files (``build/sources/<file name>``).
SOURCES_DIR = "sources"


def check_build(build_dir: Path, settings: Settings) -> None:
    """Fail early, with the command to run, when there is nothing to serve."""
    if not trig_path(build_dir).exists() and not (Path(build_dir) / STORE_NAME).exists():
        raise StoreError(
            f"{build_dir}: no built graph ({trig_path(build_dir).name} and {STORE_NAME}/ are missing); "
            "run `plangraph build` first"
        )


def create_app(build_dir: Path, settings: Settings | None = None) -> FastAPI:
    """The FastAPI app over a build directory; the query workers start with the app."""
    settings = settings or get_settings()
    build_dir = Path(build_dir)
    engine = QueryEngine(build_dir, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await engine.start()
        try:
            yield
        finally:  # the jobs under way finish (or meet their own time limit) first
            await engine.stop(grace=max(settings.query_timeout, settings.export_timeout))

    app = FastAPI(
        title="plangraph",
        version=PLANGRAPH_VERSION,
        description=(
            "A knowledge graph of Chinese development plans and work reports, with provenance. "
            "SPARQL 1.1 Protocol endpoint at `/sparql`, Graph Store Protocol (read-only) at `/store`, "
            "Linked Data at `/id/…`, `/ontology` and `/.well-known/void`, REST helpers under `/api`, web UI at `/`."
        ),
        lifespan=lifespan,
        docs_url=None,  # served below with the bundled Swagger UI and ReDoc (no CDN)
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.build_dir = build_dir
    app.add_middleware(MethodsMiddleware, routes=app.router.routes)
    app.add_middleware(  # outermost: CORS preflights are answered before MethodsMiddleware
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "Authorization"],
        expose_headers=[*EXPOSED_HEADERS, *NETWORK_HEADERS, "Link", "Content-Location", "Location"],
        max_age=3600,
    )
    app.add_middleware(ClientMiddleware)  # names each request's client for the fair queue
    # Source texts: the copies the build made, else the corpus folder (older builds).
    texts = SourceTexts([build_dir / SOURCES_DIR, settings.corpus_dir])
    app.include_router(sparql_router(engine, html_redirect="/editor"))
    app.include_router(api_router(engine, settings, texts))
    app.include_router(network_router(engine, settings))
    app.include_router(pages_router(engine, settings, texts))
    app.include_router(network_pages_router(engine, settings))
    app.include_router(linked_data_router(engine, settings))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    add_api_docs(app)
    return app


def add_api_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from the copies in ``static/vendor/``: the UI
    promises to load nothing from elsewhere (no CDN, no web fonts, no validator badge)."""
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} API",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} API",
            redoc_js_url="/static/vendor/redoc.standalone.js",
            redoc_favicon_url="/static/favicon.svg",
            with_google_fonts=False,
        )


def serve(
    build_dir: Path,
    host: str,
    port: int,
    allow_updates: bool = False,
    update_token: str | None = None,
    sparql_backend: str | None = None,
) -> None:
    """Serve the app with uvicorn until interrupted (`plangraph serve`)."""
    import uvicorn

    base = get_settings()
    allow_updates = allow_updates or base.allow_updates
    update_token = update_token or base.update_token
    if allow_updates and not update_token:
        raise ValueError(
            "--allow-updates needs --update-token (or PLANGRAPH_UPDATE_TOKEN): updates are never open"
        )
    sparql_backend = sparql_backend or base.sparql_backend
    if sparql_backend and allow_updates:
        raise ValueError("--sparql-backend serves queries only: updates go to the backend itself")
    settings = base.with_overrides(
        allow_updates=allow_updates,
        update_token=update_token,
        host=host,
        port=port,
        sparql_backend=sparql_backend,
    )
    if not sparql_backend:
        check_build(Path(build_dir), settings)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    app = create_app(Path(build_dir), settings)
    # On SIGTERM uvicorn stops accepting and waits for the requests under way: every one of them
    # ends within its own time limit (then answered 503), so none is cut off with a 500.
    grace = max(settings.query_timeout, settings.export_timeout) + 5
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=int(grace))
