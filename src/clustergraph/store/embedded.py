"""The embedded store: the release in an on-disk Oxigraph database, queried by killable
worker processes.

The server process never parses or evaluates a query itself: `guard.py` checks the text, and a
worker (`worker.py`) parses, evaluates and serializes it, handing back bytes or rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from clustergraph.settings import Settings
from clustergraph.store.base import QueryRequest, SerializedResult, Solutions
from clustergraph.store.database import prepare_database
from clustergraph.store.guard import Limits, inspect_query
from clustergraph.store.jobs import GraphJob, GraphNamesJob, QueryJob
from clustergraph.store.terms import from_rdflib
from clustergraph.store.worker import WorkerConfig, WorkerPool


class EmbeddedStore:
    def __init__(self, settings: Settings) -> None:
        database = prepare_database(settings.release_path, settings.store_path)
        self._limits = Limits(settings.max_query_bytes, settings.max_query_depth)
        self._max_results = settings.max_results
        self._pool = WorkerPool(
            WorkerConfig(
                database,
                network_namespace=settings.worker_network_namespace,
                seccomp=settings.worker_seccomp,
                allow_unisolated=settings.allow_unisolated_queries,
                memory_bytes=settings.query_memory_mb * 2**20,
            ),
            settings.query_workers,
            settings.query_timeout_s,
        )
        self._graph_names: tuple[str, ...] | None = None

    @property
    def isolation(self) -> str:
        return self._pool.isolation.describe()

    @property
    def restarts(self) -> int:
        """Workers replaced so far (timeouts, disconnected clients, crashes)."""
        return self._pool.restarts

    def solutions(self, request: QueryRequest) -> Solutions:
        answer: Solutions = self._pool.run(self._job(request, None), request.cancel)
        return answer

    def serialized(self, request: QueryRequest, media_type: str) -> SerializedResult:
        answer: SerializedResult = self._pool.run(self._job(request, media_type), request.cancel)
        return answer

    def graph(self, name: str | None, media_type: str, *, entailment: bool = True) -> bytes:
        answer: bytes = self._pool.run(GraphJob(name, media_type, entailment))
        return answer

    def graph_names(self) -> Sequence[str]:
        if self._graph_names is None:
            self._graph_names = self._pool.run(GraphNamesJob())
        return self._graph_names

    def close(self) -> None:
        self._pool.close()

    def _job(self, request: QueryRequest, media_type: str | None) -> QueryJob:
        info = inspect_query(request.text, self._limits)
        if not request.trusted:
            self._pool.require_isolation()
        return QueryJob(
            text=request.text,
            bindings={name: from_rdflib(term) for name, term in request.bindings.items()},
            dataset=request.dataset,
            use_query_dataset=info.has_dataset,
            limit=min(request.limit or self._max_results, self._max_results),
            media_type=media_type,
        )
