"""`/health` for load balancers and `/metrics` for Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from clustergraph.api.deps import SettingsDep, StoreDep
from clustergraph.api.metrics import CONTENT_TYPE, Metrics

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str
    store: str
    graphs: int
    isolation: str


@router.get("/health", summary="Whether the service can reach its store")
def health(store: StoreDep, settings: SettingsDep) -> Health:
    return Health(status="ok", store=settings.store, graphs=len(store.graph_names()), isolation=store.isolation)


@router.get("/metrics", summary="Requests, latencies, errors and timeouts (Prometheus text format)")
def metrics(request: Request, store: StoreDep) -> PlainTextResponse:
    registry: Metrics = request.app.state.metrics
    extra: dict[str, tuple[str, str, float]] = {}
    restarts = getattr(store, "restarts", None)  # only the embedded store has workers
    if restarts is not None:
        extra["clustergraph_worker_restarts_total"] = ("counter", "Query workers replaced.", restarts)
    means = store.isolation.split("+")
    for mean in ("network-namespace", "seccomp"):
        name = f"clustergraph_query_isolation_{mean.replace('-', '_')}"
        extra[name] = ("gauge", f"1 if query workers are kept off the network by {mean}.", float(mean in means))
    return PlainTextResponse(registry.render(extra), media_type=CONTENT_TYPE)
