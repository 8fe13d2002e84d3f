"""For running under uvicorn directly: `uvicorn --factory clustergraph.main:app`.

Only wiring: the app is built when uvicorn calls `app()`, from the environment's settings, never at
import time.
"""

from __future__ import annotations

from fastapi import FastAPI

from clustergraph.api.app import create_app
from clustergraph.settings import get_settings


def app() -> FastAPI:
    return create_app(get_settings())
