"""HEAD and OPTIONS wherever GET is served (RFC 9110 9.3.2 and 9.3.7), as ASGI middleware.

FastAPI routes answer only the methods they are declared with, so a HEAD or a plain OPTIONS
(not a CORS preflight, which the CORS middleware answers) got 405 on every page. This layer:

- answers HEAD by running the GET and sending its status and headers without the body
  (``Content-Length`` stays that of the GET, as RFC 9110 allows);
- answers OPTIONS with 204 and an ``Allow`` header listing what the path accepts, or 404 for a
  path that nothing serves;
- adds HEAD and OPTIONS to the ``Allow`` header of a 405 wherever GET is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The order methods are listed in ``Allow``.
_ORDER = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")


def _sorted(methods: Iterable[str]) -> str:
    return ", ".join(sorted(set(methods), key=lambda m: (_ORDER.index(m) if m in _ORDER else 99, m)))


def flat_routes(routes: Sequence[BaseRoute]) -> list[Any]:
    """The app's routes with included routers opened up. FastAPI 0.13x keeps a router's routes
    inside the app's route list as such; newer FastAPI keeps the included router as one entry and
    offers ``iter_route_contexts`` to reach its routes (each with ``path_regex`` and ``methods``)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return list(routes)
    return list(iter_route_contexts(routes))


def allowed_methods(routes: Iterable[Any], path: str) -> set[str]:
    """Every method some route accepts at this path (HEAD and OPTIONS where GET is one)."""
    methods: set[str] = set()
    for route in routes:
        regex = getattr(route, "path_regex", None)
        if regex is None or not regex.match(path):
            continue
        # A mount (the static files) has no methods of its own: it serves GET and HEAD.
        methods |= set(getattr(route, "methods", None) or {"GET", "HEAD"})
    if "GET" in methods:
        methods |= {"HEAD", "OPTIONS"}
    return methods


class MethodsMiddleware:
    """See the module's description. ``routes``: the app's routes (``app.router.routes``)."""

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]):
        self.app = app
        self.routes = routes  # the app's list: routes added after the middleware count too
        self._flat: list[Any] | None = None

    def allowed(self, scope: Scope) -> set[str]:
        if self._flat is None:  # the routes are all there once requests arrive
            self._flat = flat_routes(self.routes)
        return allowed_methods(self._flat, scope["path"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS" and not _is_preflight(scope):
            await self._options(scope, send)
        elif method == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, _without_body(send))
        else:
            await self.app(scope, receive, self._completing_allow(scope, send))

    async def _options(self, scope: Scope, send: Send) -> None:
        methods = self.allowed(scope)
        status = 204 if methods else 404
        headers = [(b"allow", _sorted(methods | {"OPTIONS"}).encode())] if methods else []
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*headers, (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    def _completing_allow(self, scope: Scope, send: Send) -> Send:
        async def sender(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                methods = self.allowed(scope)
                if methods:
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                    message = {**message, "headers": [*headers, (b"allow", _sorted(methods).encode())]}
            await send(message)

        return sender


def _is_preflight(scope: Scope) -> bool:
    names = {k.lower() for k, _ in scope.get("headers", [])}
    return b"origin" in names and b"access-control-request-method" in names


def _without_body(send: Send) -> Send:
    async def sender(message: Message) -> None:
        if message["type"] == "http.response.body":
            if not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await send(message)

    return sender
