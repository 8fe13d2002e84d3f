"""`/health` for load balancers and operators, `/metrics` for Prometheus.

`/health` asks the store a trivial query (`ASK {}`) through the same path queries take, bounded by
`health_timeout_s`, and answers 503 when the store cannot answer in time: a stopped remote server, a
store whose workers cannot start, or workers all stuck. It also reports each pool's capacity and the
isolation untrusted queries run under.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from clustergraph.api.deps import SettingsDep, get_store
from clustergraph.api.metrics import CONTENT_TYPE, Metrics
from clustergraph.api.release_tag import release_digest
from clustergraph.errors import ClusterGraphError

router = APIRouter(tags=["operations"])
log = logging.getLogger(__name__)


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    store: str
    probe_ms: float | None = None
    problem: str | None = None
    pools: Mapping[str, Mapping[str, int]] = {}
    isolation: str | None = None
    release: str | None = Field(default=None, description="Digest of the release version served (embedded store).")


@router.get(
    "/health",
    summary="Whether the store answers a probe query now; capacity and isolation",
    responses={503: {"model": Health, "description": "The store did not answer the probe."}},
)
async def health(request: Request, settings: SettingsDep) -> JSONResponse:
    try:
        store = await get_store(request)
    except ClusterGraphError as error:
        return _answer(Health(status="unavailable", store=settings.store, problem=str(error)))
    started = time.perf_counter()
    report = Health(
        status="ok",
        store=settings.store,
        pools=store.state(),
        isolation=store.isolation,
        release=release_digest(store),
    )
    try:
        await run_in_threadpool(store.probe, settings.health_timeout_s)
    except ClusterGraphError as error:
        log.error("health probe failed: %s", error)
        problem = f"the store did not answer a probe within {settings.health_timeout_s:g} s ({type(error).__name__})"
        return _answer(report.model_copy(update={"status": "unavailable", "problem": problem}))
    return _answer(report.model_copy(update={"probe_ms": round((time.perf_counter() - started) * 1000, 3)}))


@router.get("/metrics", summary="Requests, latencies, errors, process and pool gauges (Prometheus text format)")
def metrics(request: Request) -> Response:
    registry: Metrics = request.app.state.metrics
    return Response(registry.render(), media_type=CONTENT_TYPE)


def _answer(report: Health) -> JSONResponse:
    return JSONResponse(report.model_dump(mode="json"), status_code=200 if report.status == "ok" else 503)
