"""Request counts, latencies, errors, the process and the store's capacity, for Prometheus, through
`prometheus-client`.

Each app has its own registry (tests build many apps in one process), with the client's process
collector (memory, CPU, open files) and a collector that reads the store's pools when scraped.
Requests are labelled by route template (`/api/cases/{slug}`, not the concrete path), so the number
of series stays bounded whatever clients ask for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self, store: Callable[[], Any]) -> None:
        """`store()` gives the store open now (or None), read at each scrape."""
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.registry.register(_StoreCollector(store))
        self._requests = Counter(
            "clustergraph_requests",
            "HTTP requests answered, by route template.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "clustergraph_request_duration_seconds",
            "Time from request to the end of the response, by route template.",
            ["route"],
            buckets=BUCKETS_S,
            registry=self.registry,
        )
        self._errors = Counter(
            "clustergraph_errors",
            "Errors answered, by kind (the error body's `error`).",
            ["kind"],
            registry=self.registry,
        )
        self._timeouts = Counter(
            "clustergraph_query_timeouts", "Queries stopped at the time limit.", registry=self.registry
        )
        # each label combination's two series, looked up once (`labels()` checks and locks every time)
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """One request answered (`api.stamps` calls this)."""
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            series = (self._requests.labels(method, route, str(status)), self._latency.labels(route))
            self._series[key] = series
        series[0].inc()
        series[1].observe(seconds)

    def count_error(self, kind: str) -> None:
        self._errors.labels(kind).inc()
        if kind == "QueryTimeout":
            self._timeouts.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _StoreCollector(Collector):
    """The store's capacity at scrape time: workers (or connections) by pool and state, restarts,
    the warm spare, and the isolation the query workers run under."""

    def __init__(self, store: Callable[[], Any]) -> None:
        self._store = store

    def collect(self) -> Iterator[Metric]:
        store = self._store()
        if store is None:
            return
        state = store.state()
        workers = GaugeMetricFamily(
            "clustergraph_workers", "Query workers (or remote connections) by pool and state.", labels=["pool", "state"]
        )
        restarts = CounterMetricFamily("clustergraph_worker_restarts", "Query workers replaced.", labels=["pool"])
        for pool, numbers in state.items():
            if "size" not in numbers:
                continue
            busy, vacant = numbers.get("busy", 0), numbers.get("vacant", 0)
            workers.add_metric([pool, "busy"], busy)
            workers.add_metric([pool, "vacant"], vacant)
            workers.add_metric([pool, "idle"], numbers["size"] - busy - vacant)
            if "restarts" in numbers:
                restarts.add_metric([pool], numbers["restarts"])
        yield workers
        yield restarts
        if "spare" in state:
            ready = state["spare"]["ready"]
            yield GaugeMetricFamily("clustergraph_spare_worker_ready", "Whether a warm spare is started.", value=ready)
        means = store.isolation.split("+")
        for mean in ("network-namespace", "seccomp"):
            yield GaugeMetricFamily(
                f"clustergraph_query_isolation_{mean.replace('-', '_')}",
                f"1 if query workers are kept off the network by {mean}.",
                value=float(mean in means),
            )
