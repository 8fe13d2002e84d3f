"""The embedded store: the release in an on-disk Oxigraph database, queried by killable
worker processes (which copy a small release into memory: `worker_memory_quads`), and swapped for
the next release without a restart.

The server process never parses or evaluates a query itself: `guard.py` checks the text, and a
worker (`worker.py`) parses, evaluates and serializes it, handing back rows, or bytes chunk by chunk.
Untrusted queries (from `/sparql`) and the API's own queries run in separate pools of workers, so a
few slow `/sparql` queries cannot stall the analysts' pages.

A *generation* is one database with its workers. When the release's `current` version changes
(noticed by polling every `release_poll_s`, or at once on `reload()`, which `serve` calls on SIGHUP),
the new version's database is opened and its workers started beside the old generation; new requests
go to the new one, and the old one is closed only once its last request (its last streamed chunk) is done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from clustergraph.errors import ClusterGraphError
from clustergraph.namespaces import PREFIXES
from clustergraph.settings import Settings
from clustergraph.store.base import ChunkedResult, Departure, QueryRequest, SerializedResult, Solutions
from clustergraph.store.database import Lease, collect_garbage, open_database, wanted_digest
from clustergraph.store.guard import Limits, inspect_query
from clustergraph.store.jobs import GraphJob, GraphNamesJob, QueryJob
from clustergraph.store.served import note_release
from clustergraph.store.terms import from_rdflib
from clustergraph.store.worker import Spawner, WorkerConfig, WorkerPool

PROBE = "ASK {}"
log = logging.getLogger(__name__)


class _Generation:
    """One database and its workers, counting the requests that still use it."""

    def __init__(self, lease: Lease, settings: Settings) -> None:
        config = WorkerConfig(
            lease.database,
            network_namespace=settings.worker_network_namespace,
            seccomp=settings.worker_seccomp,
            allow_unisolated=settings.allow_unisolated_queries,
            memory_bytes=settings.query_memory_mb * 2**20,
            memory_quads=settings.worker_memory_quads,
        )
        self.lease = lease
        self.digest = lease.digest  # read for every request
        self.spawner = Spawner(config, spare=settings.spare_worker)
        try:
            self.api = WorkerPool(self.spawner, settings.api_workers, settings.query_timeout_s, "the API")
            self.sparql = WorkerPool(
                self.spawner,
                settings.query_workers,
                settings.query_timeout_s,
                "/sparql",
                spin_s=settings.answer_spin_us / 1e6,
            )
        except BaseException:
            self.spawner.close()
            raise
        self.graph_names: tuple[str, ...] | None = None
        self._users = 0
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)  # waited on only to retire: `leave` tells it
        self._draining = False

    def pool(self, request: QueryRequest) -> WorkerPool:
        return self.api if request.trusted else self.sparql

    def enter(self) -> None:
        with self._lock:
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            if self._draining:
                self._idle.notify_all()

    def retire(self, *, drain: bool = True) -> None:
        """Stop the workers and give up the lease: once the requests still running here are done
        (`drain`, for a swap), or now (when the server stops)."""
        if drain:
            with self._idle:
                self._draining = True
                self._idle.wait_for(lambda: self._users == 0)
        self.api.close()
        self.sparql.close()
        self.spawner.close()
        self.lease.release()


class EmbeddedStore:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._limits = Limits(settings.max_query_bytes, settings.max_query_depth)
        self._max_results = settings.max_results
        self._max_bytes = settings.max_answer_bytes
        self._swap = threading.Lock()  # held only to read or replace `_current`
        self._reloading = threading.Lock()  # one reload at a time
        self._current = self._open()
        self._refused: str | None = None  # the last version that could not be opened
        self._retired_restarts = 0
        self._closed = threading.Event()
        self._wake = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="release-watcher", daemon=True)
        self._watcher.start()

    @property
    def release_digest(self) -> str:
        """The digest of the release version being served."""
        return self._current.lease.digest

    @property
    def isolation(self) -> str:
        """What keeps the workers that run clients' queries off the network."""
        return self._current.sparql.isolation.describe()

    @property
    def restarts(self) -> int:
        """Workers replaced so far (timeouts, disconnected clients, crashes)."""
        current = self._current
        return self._retired_restarts + current.api.restarts + current.sparql.restarts

    def solutions(self, request: QueryRequest) -> Solutions:
        answer: Solutions = self._query(request, None)
        return answer

    def serialized(self, request: QueryRequest, media_type: str) -> SerializedResult:
        answer: SerializedResult = self._query(request, media_type)
        return answer

    def stream(self, request: QueryRequest, media_type: str) -> ChunkedResult:
        """Chunk by chunk; the generation stays in use until the last chunk is taken or the rest given up."""
        generation = self._enter()
        try:
            inner = generation.pool(request).stream(self._job(request, media_type, generation), request.cancel)
        except BaseException:
            generation.leave()
            raise
        return _holding(inner, generation)

    async def stream_async(
        self, request: QueryRequest, media_type: str, gone: Departure | None = None
    ) -> ChunkedResult:
        """`stream` on the running event loop, with no thread hop (`WorkerPool.stream_async`)."""
        generation = self._enter()
        try:
            job = self._job(request, media_type, generation)
            inner = await generation.pool(request).stream_async(job, request.cancel, gone, alone=request.alone)
        except BaseException:
            generation.leave()
            raise
        return _holding(inner, generation)

    def graph(self, name: str | None, media_type: str, *, entailment: bool = True) -> bytes:
        with self._using() as generation:
            answer: bytes = generation.api.run(GraphJob(name, media_type, entailment))
        return answer

    def graph_names(self) -> Sequence[str]:
        with self._using() as generation:
            if generation.graph_names is None:
                generation.graph_names = generation.api.run(GraphNamesJob())
            return generation.graph_names

    def probe(self, timeout_s: float) -> None:
        """`ASK {}` through the API's pool, waiting at most `timeout_s` for a worker and the answer."""
        request = QueryRequest(PROBE, trusted=True)
        with self._using() as generation:
            generation.api.run(self._job(request, None, generation), timeout_s=timeout_s)

    def state(self) -> Mapping[str, Mapping[str, int]]:
        current = self._current
        return {
            "api": current.api.state(),
            "sparql": current.sparql.state(),
            "spare": {"ready": int(current.spawner.spare_ready)},
        }

    def worker_pids(self) -> list[int]:
        """The query worker processes this store has running now."""
        return self._current.spawner.pids()

    def reload(self, *, retry: bool = True) -> bool:
        """Serve the release's current version if it is not the one served; True if it swapped.

        A version that could not be opened raises StoreError and is tried again only with `retry`
        (polling does not retry it; SIGHUP does).
        """
        with self._reloading:
            wanted = wanted_digest(self._settings.release_path)
            if self._closed.is_set() or wanted in (None, self.release_digest):
                return False
            if wanted == self._refused and not retry:
                return False
            self._refused = wanted
            fresh = self._open()
            self._refused = None
            with self._swap:
                old, self._current = self._current, fresh
            log.info("serving release %s (was %s)", fresh.lease.digest, old.lease.digest)
            old.retire()
            self._retired_restarts += old.api.restarts + old.sparql.restarts
            collect_garbage(self._settings.store_path)
            return True

    def request_reload(self) -> None:
        """Ask the watcher to look for a new release now (safe to call from a signal handler)."""
        self._wake.set()

    def close(self) -> None:
        self._closed.set()
        self._wake.set()
        self._watcher.join()
        self._current.retire(drain=False)

    def _open(self) -> _Generation:
        lease = open_database(self._settings.release_path, self._settings.store_path)
        try:
            return _Generation(lease, self._settings)
        except BaseException:
            lease.release()
            raise

    def _watch(self) -> None:
        poll_s = self._settings.release_poll_s or None  # 0: only when asked
        while True:
            asked = self._wake.wait(poll_s)
            self._wake.clear()
            if self._closed.is_set():
                return
            try:
                self.reload(retry=asked)
            except (ClusterGraphError, OSError, ValueError) as error:  # a broken release: keep serving the old
                log.error("the new release could not be served, still serving %s: %s", self.release_digest, error)

    def _enter(self) -> _Generation:
        with self._swap:
            generation = self._current
            generation.enter()
        note_release(generation.digest)
        return generation

    @contextmanager
    def _using(self) -> Iterator[_Generation]:
        generation = self._enter()
        try:
            yield generation
        finally:
            generation.leave()

    def _query(self, request: QueryRequest, media_type: str | None) -> Any:
        with self._using() as generation:
            return generation.pool(request).run(self._job(request, media_type, generation), request.cancel)

    def _job(self, request: QueryRequest, media_type: str | None, generation: _Generation) -> QueryJob:
        info = inspect_query(request.text, self._limits)
        if not request.trusted:
            generation.sparql.require_isolation()
        return QueryJob(
            request.text,
            {name: from_rdflib(term) for name, term in request.bindings.items()} if request.bindings else {},
            request.dataset,
            info.has_dataset,
            min(request.limit or self._max_results, self._max_results),
            media_type,
            self._max_bytes,
            request.base_iri if info.relative_iris else None,  # a base costs Oxigraph ~30 µs a query
            not info.prefixes_used.isdisjoint(PREFIXES),
        )


def _holding(inner: ChunkedResult, generation: _Generation) -> ChunkedResult:
    """`inner`, keeping `generation` in use until its chunks are all taken or the rest is given up."""
    if inner.body is not None:  # whole already: nothing left to read from the workers
        generation.leave()
        return inner
    left = threading.Event()

    def leave() -> None:
        if not left.is_set():
            left.set()
            generation.leave()

    def chunks() -> Iterator[bytes]:
        try:
            yield from inner
        finally:
            leave()

    def close() -> None:
        try:
            inner.close()
        finally:
            leave()

    return ChunkedResult(inner.media_type, inner.truncated, chunks(), close)
