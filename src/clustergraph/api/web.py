"""Everything the analysts, linked-data clients and browsers use, added to the app in one call.

`create_app` calls `include_public_routes(app, settings)`; the named queries are read here, once, so
adding a `.rq` file to `queries/` adds an endpoint on the next start.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from clustergraph.api.openapi import with_slugs
from clustergraph.api.routes import analysis, docs, linked_data, resources
from clustergraph.api.routes.pages import pages_router
from clustergraph.api.routes.queries import named_query_router
from clustergraph.queries import load_catalog
from clustergraph.settings import Settings


def include_public_routes(app: FastAPI, settings: Settings) -> None:
    catalog = load_catalog(settings.project_dir / "queries")
    app.include_router(named_query_router(catalog, settings.max_results))
    app.include_router(resources.router)
    app.include_router(linked_data.router)
    app.include_router(pages_router(catalog))
    app.include_router(analysis.router)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(packages=[("clustergraph", "static")]), name="static")
    app.openapi = with_slugs(app, catalog)  # type: ignore[method-assign]
