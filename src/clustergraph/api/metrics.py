"""Request counts, latencies and errors in the Prometheus text format (version 0.0.4).

A few counters and one histogram do not justify a client library: this module keeps them under a
lock and writes the exposition format itself. Requests are labelled by route template (`/api/cases/
{slug}`, not the concrete path), so the number of series stays bounded whatever clients ask for.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass
class _Histogram:
    buckets: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS_S) + 1))
    total_s: float = 0.0
    count: int = 0

    def observe(self, seconds: float) -> None:
        self.buckets[bisect.bisect_left(BUCKETS_S, seconds)] += 1
        self.total_s += seconds
        self.count += 1


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, str, str]] = Counter()
        self._latency: dict[str, _Histogram] = {}
        self._errors: Counter[str] = Counter()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self._requests[(method, route, str(status))] += 1
            self._latency.setdefault(route, _Histogram()).observe(seconds)

    def count_error(self, kind: str) -> None:
        with self._lock:
            self._errors[kind] += 1

    def render(self, extra: Mapping[str, tuple[str, str, float]] | None = None) -> str:
        """The exposition text; `extra` adds `name -> (type, help, value)` read at scrape time."""
        with self._lock:
            lines = [*self._request_lines(), *self._latency_lines(), *self._error_lines()]
        for name, (kind, help_text, value) in (extra or {}).items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", f"{name} {value:g}"]
        return "\n".join(lines) + "\n"

    def _request_lines(self) -> Iterator[str]:
        yield "# HELP clustergraph_requests_total HTTP requests answered, by route template."
        yield "# TYPE clustergraph_requests_total counter"
        for (method, route, status), count in sorted(self._requests.items()):
            yield f"clustergraph_requests_total{_labels(method=method, route=route, status=status)} {count}"

    def _latency_lines(self) -> Iterator[str]:
        name = "clustergraph_request_duration_seconds"
        yield f"# HELP {name} Time from request to the end of the response, by route template."
        yield f"# TYPE {name} histogram"
        for route, histogram in sorted(self._latency.items()):
            cumulative = 0
            for bound, count in zip((*BUCKETS_S, float("inf")), histogram.buckets, strict=True):
                cumulative += count
                le = "+Inf" if bound == float("inf") else f"{bound:g}"
                yield f"{name}_bucket{_labels(route=route, le=le)} {cumulative}"
            yield f"{name}_sum{_labels(route=route)} {histogram.total_s:.6f}"
            yield f"{name}_count{_labels(route=route)} {histogram.count}"

    def _error_lines(self) -> Iterator[str]:
        yield "# HELP clustergraph_errors_total Errors answered, by kind (the error body's `error`)."
        yield "# TYPE clustergraph_errors_total counter"
        for kind, count in sorted(self._errors.items()):
            yield f"clustergraph_errors_total{_labels(kind=kind)} {count}"
        yield "# HELP clustergraph_query_timeouts_total Queries stopped at the time limit."
        yield "# TYPE clustergraph_query_timeouts_total counter"
        yield f"clustergraph_query_timeouts_total {self._errors['QueryTimeout']}"


class MetricsMiddleware:
    """Times every HTTP request from its start to the last byte of its response."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def timed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - started)


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{name}="{_escape(value)}"' for name, value in labels.items()) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
