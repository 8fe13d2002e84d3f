"""`clustergraph serve`: the app for these settings, under uvicorn, with its transport limits."""

from __future__ import annotations

import uvicorn

from clustergraph.api.app import create_app
from clustergraph.settings import Settings


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted; the release is loaded (if it changed) before the first request.
    Beyond `max_connections` uvicorn answers 503; an idle keep-alive connection closes after
    `keep_alive_s` (a request body's own deadline is the SPARQL route's `body_timeout_s`)."""
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=settings.keep_alive_s,
    )
