"""`clustergraph serve`: the app for these settings, under uvicorn."""

from __future__ import annotations

import uvicorn

from clustergraph.api.app import create_app
from clustergraph.settings import Settings


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted; the release is loaded (if it changed) before the first request."""
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
