"""ReDoc at /redoc, from the copy fastapi-offline ships, with one change: its footer's Redocly logo,
which the script fetches from Redocly's CDN whatever the options, is pointed at this site's favicon.
(Swagger UI at /docs needs no change: `FastAPIOffline` serves it as is.)"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse, Response

from clustergraph.api.linking import LinkerDep

REDOC = Path(fastapi_offline.__file__).parent / "static" / "redoc.standalone.js"
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
FAVICON = "/static/favicon.svg"

router = APIRouter(include_in_schema=False)


@router.get("/redoc", response_class=HTMLResponse)
def redoc(linker: LinkerDep) -> HTMLResponse:
    return get_redoc_html(
        openapi_url=f"{linker.base}/openapi.json",
        title="clustergraph - ReDoc",
        redoc_js_url=f"{linker.base}/redoc.standalone.js",
        redoc_favicon_url=f"{linker.base}{FAVICON}",
        with_google_fonts=False,
    )


@router.get("/redoc.standalone.js")
def redoc_script() -> Response:
    return Response(local_redoc(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})


@lru_cache(maxsize=1)
def local_redoc() -> str:
    return REDOC.read_text(encoding="utf-8").replace(REDOCLY_LOGO, FAVICON)
