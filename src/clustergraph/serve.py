"""`clustergraph serve`: the app for these settings, under uvicorn, with its transport limits.

SIGHUP asks the store to serve the release's current version now (it also polls for one); uvicorn
handles SIGINT and SIGTERM itself.
"""

from __future__ import annotations

import signal

import uvicorn
from fastapi import FastAPI

from clustergraph.api.app import create_app
from clustergraph.settings import Settings


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted; the release is loaded (if it changed) before the first request.
    Beyond `max_connections` uvicorn answers 503; an idle keep-alive connection closes after
    `keep_alive_s` (a request body's own deadline is the SPARQL route's `body_timeout_s`). Requests are
    logged one by one only with `access_log`; errors and start-up are logged either way."""
    app = create_app(settings)
    signal.signal(signal.SIGHUP, lambda _signum, _frame: request_reload(app))
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=settings.access_log,
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=settings.keep_alive_s,
    )


def request_reload(app: FastAPI) -> None:
    """Wake the store's release watcher; a store without one (a remote store) has nothing to reload."""
    reload = getattr(getattr(app.state, "store", None), "request_reload", None)
    if reload is not None:
        reload()
