"""The embedded store: the release in an on-disk Oxigraph database, queried by killable
worker processes.

The server process never parses or evaluates a query itself: `guard.py` checks the text, and a
worker (`worker.py`) parses, evaluates and serializes it, handing back rows, or bytes chunk by chunk.
Untrusted queries (from `/sparql`) and the API's own queries run in separate pools of workers, so a
few slow `/sparql` queries cannot stall the analysts' pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from clustergraph.settings import Settings
from clustergraph.store.base import ChunkedResult, QueryRequest, SerializedResult, Solutions
from clustergraph.store.database import prepare_database
from clustergraph.store.guard import Limits, inspect_query
from clustergraph.store.jobs import GraphJob, GraphNamesJob, QueryJob
from clustergraph.store.terms import from_rdflib
from clustergraph.store.worker import Spawner, WorkerConfig, WorkerPool

PROBE = "ASK {}"


class EmbeddedStore:
    def __init__(self, settings: Settings) -> None:
        database = prepare_database(settings.release_path, settings.store_path)
        self._limits = Limits(settings.max_query_bytes, settings.max_query_depth)
        self._max_results = settings.max_results
        self._max_bytes = settings.max_answer_bytes
        config = WorkerConfig(
            database,
            network_namespace=settings.worker_network_namespace,
            seccomp=settings.worker_seccomp,
            allow_unisolated=settings.allow_unisolated_queries,
            memory_bytes=settings.query_memory_mb * 2**20,
        )
        self._spawner = Spawner(config, spare=settings.spare_worker)
        try:
            self._api = WorkerPool(self._spawner, settings.api_workers, settings.query_timeout_s, "the API")
            self._sparql = WorkerPool(self._spawner, settings.query_workers, settings.query_timeout_s, "/sparql")
        except BaseException:
            self._spawner.close()
            raise
        self._graph_names: tuple[str, ...] | None = None

    @property
    def isolation(self) -> str:
        """What keeps the workers that run clients' queries off the network."""
        return self._sparql.isolation.describe()

    @property
    def restarts(self) -> int:
        """Workers replaced so far (timeouts, disconnected clients, crashes)."""
        return self._api.restarts + self._sparql.restarts

    def solutions(self, request: QueryRequest) -> Solutions:
        answer: Solutions = self._pool(request).run(self._job(request, None), request.cancel)
        return answer

    def serialized(self, request: QueryRequest, media_type: str) -> SerializedResult:
        answer: SerializedResult = self._pool(request).run(self._job(request, media_type), request.cancel)
        return answer

    def stream(self, request: QueryRequest, media_type: str) -> ChunkedResult:
        return self._pool(request).stream(self._job(request, media_type), request.cancel)

    def graph(self, name: str | None, media_type: str, *, entailment: bool = True) -> bytes:
        answer: bytes = self._api.run(GraphJob(name, media_type, entailment))
        return answer

    def graph_names(self) -> Sequence[str]:
        if self._graph_names is None:
            self._graph_names = self._api.run(GraphNamesJob())
        return self._graph_names

    def probe(self, timeout_s: float) -> None:
        """`ASK {}` through the API's pool, waiting at most `timeout_s` for a worker and the answer."""
        self._api.run(self._job(QueryRequest(PROBE, trusted=True), None), timeout_s=timeout_s)

    def state(self) -> Mapping[str, Mapping[str, int]]:
        return {
            "api": self._api.state(),
            "sparql": self._sparql.state(),
            "spare": {"ready": int(self._spawner.spare_ready)},
        }

    def worker_pids(self) -> list[int]:
        """The query worker processes this store has running now."""
        return self._spawner.pids()

    def close(self) -> None:
        self._api.close()
        self._sparql.close()
        self._spawner.close()

    def _pool(self, request: QueryRequest) -> WorkerPool:
        return self._api if request.trusted else self._sparql

    def _job(self, request: QueryRequest, media_type: str | None) -> QueryJob:
        info = inspect_query(request.text, self._limits)
        if not request.trusted:
            self._sparql.require_isolation()
        return QueryJob(
            text=request.text,
            bindings={name: from_rdflib(term) for name, term in request.bindings.items()},
            dataset=request.dataset,
            use_query_dataset=info.has_dataset,
            limit=min(request.limit or self._max_results, self._max_results),
            media_type=media_type,
            max_bytes=self._max_bytes,
            base_iri=request.base_iri,
        )
