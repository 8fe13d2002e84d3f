"""The app factory: `create_app(settings)` builds the whole service and opens nothing until it starts.

The store is opened in the lifespan (loading the release if it changed, starting the query workers)
and closed when the server stops; tests build as many apps as they like, each with its own settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.types import ASGIApp

from clustergraph import __version__
from clustergraph.api.browsing import BrowserErrors, HeadAsGet
from clustergraph.api.errors import REQUEST_ID_HEADER, ErrorAnswers
from clustergraph.api.limits import ClientSlots
from clustergraph.api.metrics import Metrics
from clustergraph.api.release_tag import RELEASE_HEADER
from clustergraph.api.routes import graphs, health, sparql
from clustergraph.api.routes.sparql import SPARQL_PATH, TRUNCATED_HEADER
from clustergraph.api.shortcut import EndpointApp, routes_for, take_shortcut
from clustergraph.api.stamps import StampsMiddleware
from clustergraph.api.web import include_public_routes
from clustergraph.settings import Settings
from clustergraph.store import open_store

DESCRIPTION = """A knowledge graph of regional cluster policy (US states, European practice, cluster
life cycle, organizational roles), from the Journal of Creative Economy, No. 7, 2017.

Researchers: SPARQL 1.1 at `/sparql`, downloads at `/graphs`. Analysts: `/api/...`.
Every IRI under https://w3id.org/clustergraph/ dereferences here."""


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = await run_in_threadpool(open_store, settings)
        try:
            yield
        finally:
            store, app.state.store = app.state.store, None
            await run_in_threadpool(store.close)

    # Swagger UI (/docs) and ReDoc (/redoc) from assets shipped in the fastapi-offline package: no CDN.
    app = FastAPIOffline(
        title="clustergraph",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        favicon_url="/static/favicon.svg",
        redoc_url=None,  # served by api.routes.docs, without the one image ReDoc fetches from its CDN
        # FastAPI's OpenTelemetry hooks: off, as nothing here exports to a collector (`/metrics` is
        # Prometheus'); on, they look for a configured provider on every request
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    metrics = Metrics(lambda: app.state.store)
    errors = ErrorAnswers(metrics)
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.store = None
    app.state.client_slots = ClientSlots(settings.max_queries_per_client)
    errors.install(app)
    for router in (sparql.router, graphs.router, health.router):
        app.include_router(router)
    include_public_routes(app, settings)
    stack = middlewares(settings, metrics)
    for middleware in reversed(stack):
        app.add_middleware(middleware.cls, *middleware.args, **middleware.kwargs)
    endpoints = EndpointApp(routes_for(sparql.router.routes, SPARQL_PATH), errors)
    take_shortcut(app, SPARQL_PATH, wrapped(endpoints, middlewares(settings, metrics, head=False)))
    return app


def middlewares(settings: Settings, metrics: Metrics, *, head: bool = True) -> list[Middleware]:
    """Every request's middlewares, the outermost first: both the app and its `/sparql` shortcut;
    `HeadAsGet` only with `head` (the shortcut takes no HEAD request: it goes the long way)."""
    stack = [
        *([Middleware(HeadAsGet)] if head else []),
        Middleware(BrowserErrors, settings=settings),
        Middleware(StampsMiddleware, metrics=metrics),
    ]
    if settings.cors_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_credentials=False,  # no cookies or auth here, so "*" is never paired with them
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=[TRUNCATED_HEADER, "Link", REQUEST_ID_HEADER, "ETag", RELEASE_HEADER],
            )
        )
    return stack


def wrapped(app: ASGIApp, stack: list[Middleware]) -> ASGIApp:
    for middleware in reversed(stack):
        app = middleware.cls(app, *middleware.args, **middleware.kwargs)
    return app
