"""The shortcut to `/sparql`: the busiest path, taken without the framework's own layers.

A query sent to `/sparql` (GET or POST) goes through the app's middlewares (`api.app.middlewares`,
the one list both paths are built from: HEAD, browser errors, request id, release and metrics, CORS)
straight to its endpoint, skipping what FastAPI and Starlette put around every route: their error
and telemetry middlewares, the body-limit and exit-stack layers, and matching the path against
every route. `/sparql` reads its own parameters and bounds its own body, so they add nothing there
but time: with the middlewares merged (`api.stamps`), what surrounds the route now costs the server
process 28–31 µs of a type lookup's 162–177, against 112–113 of 286–294 before (benchmarks/README.md,
"The /sparql shortcut"). Errors get the very answers the app's exception handlers give
(`api.errors.ErrorAnswers`). Any other method (HEAD, OPTIONS, a wrong one) takes the ordinary path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clustergraph.api.errors import ErrorAnswers

SHORTCUT_METHODS = frozenset(("GET", "POST"))


def take_shortcut(app: FastAPI, path: str, fast: ASGIApp) -> None:
    """Make `app` send GET and POST requests for `path` to `fast`, and all others through its own
    middleware stack (which Starlette builds at the first request)."""
    build = app.build_middleware_stack

    def build_with_shortcut() -> ASGIApp:
        return _Fork(path, fast, build())

    app.build_middleware_stack = build_with_shortcut  # type: ignore[method-assign]


class EndpointApp:
    """An ASGI app answering with a route's endpoint (`endpoint(request) -> Response`) for each of
    its methods; an exception raised before the answer started becomes the app's error answer."""

    def __init__(self, routes: Mapping[str, APIRoute], errors: ErrorAnswers) -> None:
        self._routes = dict(routes)
        self._errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._routes[scope["method"]]
        scope["route"] = route  # what the metrics label a request with, as the router would set it
        request = Request(scope, receive)
        started = False

        async def noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            response = await route.endpoint(request)
            await response(scope, receive, noting_start)
        except Exception as error:
            if started:  # half an answer is out: nothing to do but let the server close the connection
                raise
            answer = await self._errors(request, error)
            await answer(scope, receive, send)


def routes_for(routes: Sequence[BaseRoute], path: str) -> dict[str, APIRoute]:
    """The routes for `path`, by method."""
    return {
        method: route
        for route in routes
        if isinstance(route, APIRoute) and route.path == path
        for method in route.methods or ()
    }


class _Fork:
    def __init__(self, path: str, fast: ASGIApp, rest: ASGIApp) -> None:
        self._path = path
        self._fast = fast
        self._rest = rest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self._path and scope["method"] in SHORTCUT_METHODS:
            await self._fast(scope, receive, send)
        else:
            await self._rest(scope, receive, send)
