"""Queries run in killable worker processes: a runaway query is stopped while others are answered, a
client that leaves stops its query, a crash costs one worker (replaced) and one answer, and no query
reaches the network. Answers are bounded in bytes and cross in chunks; untrusted queries have
workers of their own; a worker that cannot be started costs no capacity for good; `close()` leaves
no process behind."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from fresh_loop import on_fresh_loop
from smallrelease import SMALL_RELEASE, TIMEOUT_S, store_settings

from clustergraph.errors import (
    IsolationUnavailable,
    QueryCancelled,
    QueryCrashed,
    QueryFailed,
    QueryRefused,
    QueryTimeout,
    ResultTooLarge,
    StoreError,
)
from clustergraph.store.base import ChunkedResult, Dataset, QueryRequest, Solutions
from clustergraph.store.database import prepare_database
from clustergraph.store.embedded import EmbeddedStore
from clustergraph.store.formats import SPARQL_JSON
from clustergraph.store.jobs import CHUNK_BYTES, QueryJob
from clustergraph.store.worker import Spawner, WorkerConfig, WorkerPool, _opened, _Worker

# 24 quads to the 7th power: billions of rows to count, far past any timeout used here.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(7)) + " }"
QUICK = "ASK { ?s ?p ?o }"
PATIENT_S = 120.0  # a timeout no test waits for: what stops these queries is something else


def job(text: str, media_type: str | None = None, max_bytes: int | None = None) -> QueryJob:
    limit = 10 if media_type is None else 10_000
    return QueryJob(text, {}, Dataset(), False, limit=limit, media_type=media_type, max_bytes=max_bytes)


def running(pids: list[int]) -> list[int]:
    """Those of `pids` that are still processes (neither gone nor a zombie)."""
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rpartition(")")[2].split()[0]
        except FileNotFoundError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


@contextmanager
def pool_of(
    config: WorkerConfig, size: int = 1, timeout_s: float = PATIENT_S, spin_s: float = 0.0
) -> Iterator[WorkerPool]:
    """A pool of `size` workers (and no spare), every process of which is gone afterwards."""
    spawner = Spawner(config, spare=False)
    try:
        yield WorkerPool(spawner, size, timeout_s, spin_s=spin_s)
    finally:
        spawner.close()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_database(SMALL_RELEASE, tmp_path_factory.mktemp("worker") / "store")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    opened = EmbeddedStore(store_settings(tmp_path, query_workers=2))
    yield opened
    opened.close()


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP port on 127.0.0.1 that records whether anything connected to it."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        yield server


def nobody_connected(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def test_a_runaway_query_is_stopped_while_others_are_answered(store: EmbeddedStore) -> None:
    with ThreadPoolExecutor(max_workers=1) as executor:
        runaway: Future[Solutions] = executor.submit(store.solutions, QueryRequest(RUNAWAY))
        answers = [store.solutions(QueryRequest(QUICK)).boolean for _ in range(5)]
        assert not runaway.done()
        assert answers == [True] * 5
        with pytest.raises(QueryTimeout, match=f"longer than {TIMEOUT_S:g} s"):
            runaway.result(timeout=TIMEOUT_S * 10)
    assert store.restarts == 1
    assert [store.solutions(QueryRequest(QUICK)).boolean for _ in range(4)] == [True] * 4


def test_a_cancelled_query_is_stopped(database: Path) -> None:
    with pool_of(WorkerConfig(database)) as pool:
        cancel = threading.Event()
        threading.Timer(0.5, cancel.set).start()
        with pytest.raises(QueryCancelled):
            pool.run(job(RUNAWAY), cancel)
        assert pool.restarts == 1
        assert pool.run(job(QUICK)).boolean is True


def test_a_crashing_worker_is_replaced(database: Path) -> None:
    """With a tiny stack, a chain of 20 000 additions overflows it: the worker dies of SIGSEGV."""
    chain = "SELECT ?x WHERE { BIND(" + "+".join(["1"] * 20_000) + " AS ?x) }"
    with pool_of(WorkerConfig(database, stack_bytes=256 * 1024)) as pool:
        with pytest.raises(QueryCrashed, match="SIGSEGV"):
            pool.run(job(chain))
        assert pool.restarts == 1
        assert pool.run(job(QUICK)).boolean is True


def test_deep_queries_fit_in_the_workers_stack(database: Path) -> None:
    """Past the guard (which would refuse it), nesting that kills a default-sized stack is answered."""
    with pool_of(WorkerConfig(database)) as pool:
        nested = "ASK " + "{" * 6000 + "}" * 6000
        assert pool.run(job(nested)).boolean is True
        assert pool.restarts == 0


def test_deep_nesting_is_refused_before_parsing(store: EmbeddedStore) -> None:
    with pytest.raises(QueryRefused, match="deeper than"):
        store.solutions(QueryRequest("ASK " + "{" * 20_000 + "}" * 20_000))
    assert store.restarts == 0


def test_service_is_refused_and_opens_no_socket(store: EmbeddedStore, listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    with pytest.raises(QueryRefused, match="SERVICE"):
        store.solutions(QueryRequest(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"))
    assert nobody_connected(listener)


NAMESPACES = sys.platform == "linux" and (
    subprocess.run(["unshare", "--net", "--user", "--map-root-user", "true"], check=False).returncode == 0
    or subprocess.run(["unshare", "--net", "true"], check=False).returncode == 0
)


@pytest.mark.parametrize(
    ("namespace", "seccomp"),
    [
        pytest.param(
            True,
            False,
            id="network-namespace",
            marks=pytest.mark.skipif(not NAMESPACES, reason="this kernel grants no network namespace"),
        ),
        pytest.param(False, True, id="seccomp-where-namespaces-are-refused"),
        pytest.param(True, True, id="both"),
    ],
)
def test_workers_have_no_network_even_past_the_guard(
    database: Path, listener: socket.socket, namespace: bool, seccomp: bool
) -> None:
    """The query goes straight to a worker, as if the guard had been fooled: Oxigraph tries the
    SERVICE, and fails without a connection."""
    port = listener.getsockname()[1]
    with pool_of(WorkerConfig(database, network_namespace=namespace, seccomp=seccomp)) as pool:
        assert pool.isolation.seccomp == seccomp
        assert pool.isolation.network_namespace == (namespace and NAMESPACES)
        with pytest.raises(QueryFailed):
            pool.run(job(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"))
        assert pool.run(job(QUICK)).boolean is True
    assert nobody_connected(listener)


def test_without_isolation_clients_queries_are_refused_and_the_projects_run(tmp_path: Path) -> None:
    """Fail closed: where a worker can be kept off the network by no means, a client's SPARQL is not
    evaluated, while the project's own queries still are."""
    store = EmbeddedStore(store_settings(tmp_path, worker_network_namespace=False, worker_seccomp=False))
    try:
        assert store.isolation == "none"
        with pytest.raises(IsolationUnavailable, match="CLUSTERGRAPH_ALLOW_UNISOLATED_QUERIES"):
            store.solutions(QueryRequest(QUICK))
        assert store.solutions(QueryRequest(QUICK, trusted=True)).boolean is True
    finally:
        store.close()


def test_the_risk_of_no_isolation_can_be_accepted(tmp_path: Path) -> None:
    settings = store_settings(
        tmp_path, worker_network_namespace=False, worker_seccomp=False, allow_unisolated_queries=True
    )
    store = EmbeddedStore(settings)
    try:
        assert store.solutions(QueryRequest(QUICK)).boolean is True
    finally:
        store.close()


def test_a_query_that_wants_too_much_memory_is_stopped(database: Path) -> None:
    """Sorting 24^5 rows needs far more than 32 MB: the query is stopped, the worker replaced."""
    greedy = "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(5)) + " } ORDER BY ?o4 ?s0"
    with pool_of(WorkerConfig(database, memory_bytes=32 * 2**20)) as pool:
        with pytest.raises(ResultTooLarge, match="32 MB"):
            pool.run(job(greedy))
        assert pool.run(job(QUICK)).boolean is True


def test_a_long_answer_crosses_in_chunks_and_is_cut_at_the_byte_limit(database: Path, huge_answer_query: str) -> None:
    limit = 4 * CHUNK_BYTES
    with pool_of(WorkerConfig(database)) as pool:
        answer = pool.stream(job(huge_answer_query, SPARQL_JSON, max_bytes=limit))
        chunks = list(answer)
        assert answer.body is None and answer.truncated
        assert len(chunks) > 1 and all(len(chunk) <= CHUNK_BYTES for chunk in chunks)
        body = json.loads(b"".join(chunks))
        assert len(b"".join(chunks)) <= limit
        assert body["truncated"] is True and 0 < len(body["results"]["bindings"]) < 10_000
        assert pool.state() == {"size": 1, "busy": 0, "vacant": 0, "restarts": 0}


def test_a_reader_that_gives_up_stops_the_worker(database: Path, huge_answer_query: str) -> None:
    with pool_of(WorkerConfig(database)) as pool:
        answer = pool.stream(job(huge_answer_query, SPARQL_JSON, max_bytes=64 * CHUNK_BYTES))
        next(iter(answer))
        answer.close()
        assert pool.restarts == 1
        assert pool.run(job(QUICK)).boolean is True


def test_a_worker_that_cannot_be_spawned_leaves_its_slot_vacant_not_lost(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_process(*args: object) -> _Worker:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    with pool_of(WorkerConfig(database), timeout_s=1.0) as pool:
        with pytest.raises(QueryTimeout):
            pool.run(job(RUNAWAY))
        with monkeypatch.context() as patch:
            patch.setattr(_Worker, "start", classmethod(no_process))
            with pytest.raises(StoreError, match="no query worker could be started"):
                pool.run(job(QUICK))
            assert pool.state() == {"size": 1, "busy": 0, "vacant": 1, "restarts": 1}
            with pytest.raises(StoreError, match="next attempt"):  # backing off: not even tried
                pool.run(job(QUICK))
        answers = []
        for _ in range(100):  # the back-off is 0.5 s after one failure
            try:
                answers.append(pool.run(job(QUICK)).boolean)
                break
            except StoreError:
                time.sleep(0.05)
        assert answers == [True]
        assert pool.state() == {"size": 1, "busy": 0, "vacant": 0, "restarts": 1}


def test_untrusted_queries_run_on_workers_of_their_own(tmp_path: Path) -> None:
    """While a client's runaway query holds the one /sparql worker, the API's queries are answered and
    another client's query waits (here until it gives up)."""
    settings = store_settings(tmp_path, query_workers=1, api_workers=1, spare_worker=False, query_timeout_s=PATIENT_S)
    store = EmbeddedStore(settings)
    try:
        with ThreadPoolExecutor(max_workers=1) as executor:
            stop_runaway, give_up = threading.Event(), threading.Event()
            runaway = executor.submit(store.solutions, QueryRequest(RUNAWAY, cancel=stop_runaway))
            while store.state()["sparql"]["busy"] == 0:
                time.sleep(0.01)
            assert store.solutions(QueryRequest(QUICK, trusted=True)).boolean is True
            threading.Timer(0.5, give_up.set).start()
            with pytest.raises(QueryCancelled):
                store.solutions(QueryRequest(QUICK, cancel=give_up))
            assert store.state()["sparql"]["restarts"] == 0  # it waited for a worker: it never had one
            stop_runaway.set()
            with pytest.raises(QueryCancelled):
                runaway.result()
    finally:
        store.close()


def test_a_warm_spare_takes_a_killed_workers_place_and_close_leaves_no_worker(tmp_path: Path) -> None:
    store = EmbeddedStore(store_settings(tmp_path, query_workers=1, api_workers=1))
    try:
        assert len(running(store.worker_pids())) == 3  # one per pool, and the spare
        with pytest.raises(QueryTimeout):
            store.solutions(QueryRequest(RUNAWAY))
        assert store.solutions(QueryRequest(QUICK)).boolean is True
        assert store.state()["sparql"]["restarts"] == 1
        assert len(running(store.worker_pids())) == 3  # the spare took the slot, and a new spare was started
        with ThreadPoolExecutor(max_workers=1) as executor:
            busy = executor.submit(store.solutions, QueryRequest(RUNAWAY))
            while store.state()["sparql"]["busy"] == 0:
                time.sleep(0.01)
            workers = store.worker_pids()
            store.close()
            assert running(workers) == []
            assert store.worker_pids() == []
            with pytest.raises((QueryCrashed, StoreError)):
                busy.result()
    finally:
        store.close()
    with pytest.raises(StoreError, match="closed"):
        store.solutions(QueryRequest(QUICK))


# -- the loop path: /sparql awaits its workers on the event loop, with no thread ---------------------


def stream_on_loop(pool: WorkerPool, query: QueryJob, gone: float | None = None) -> bytes:
    """`pool.stream_async(query)` on a fresh loop, the answer's chunks joined; `gone`: the client
    leaves after that many seconds."""

    async def run() -> bytes:
        left: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if gone is not None:
            asyncio.get_running_loop().call_later(gone, left.set_result, None)
        answer = await pool.stream_async(query, None, left, alone=True)  # the pool's spin, if it has one
        return answer.body if answer.body is not None else b"".join(answer)

    answer: bytes = on_fresh_loop(run)
    return answer


# The loop path awaits an answer on the loop, or (`spin_s`) first waits for it without yielding the
# loop; a second is longer than any answer here takes, so that the answer is read on the spinning path.
SPINS = [pytest.param(0.0, id="awaited"), pytest.param(1.0, id="spinning")]


@pytest.mark.parametrize("spin_s", SPINS)
@pytest.mark.parametrize(
    "max_bytes",
    [
        pytest.param(None, id="one-read"),
        pytest.param(100_000, id="more-than-a-pipe-buffer"),
        pytest.param(4 * CHUNK_BYTES, id="in-chunks"),
    ],
)
def test_answers_of_every_size_cross_on_the_loop_path_again_and_again(
    database: Path, huge_answer_query: str, max_bytes: int | None, spin_s: float
) -> None:
    """The loop watches a worker's pipe without blocking; the pipe must block again for the reads
    that follow, on this path and on the threads' path alike."""
    text = QUICK if max_bytes is None else huge_answer_query
    with pool_of(WorkerConfig(database), spin_s=spin_s) as pool:
        for _ in range(3):
            raw = stream_on_loop(pool, job(text, SPARQL_JSON, max_bytes=max_bytes))
            body = json.loads(raw)
            assert body["boolean"] if max_bytes is None else max_bytes // 2 < len(raw) <= max_bytes
            assert json.loads(b"".join(pool.stream(job(text, SPARQL_JSON, max_bytes=max_bytes))))
        assert pool.state() == {"size": 1, "busy": 0, "vacant": 0, "restarts": 0}


@pytest.mark.parametrize("alone", [True, False])
def test_a_query_alone_is_answered_without_yielding_the_loop_and_any_other_is_awaited(
    database: Path, alone: bool
) -> None:
    """A callback the loop holds ready runs after the answer of a query that is `alone` (the pool
    waited for it without yielding), before the answer of any other (the pool awaited it)."""

    async def order() -> list[str]:
        events: list[str] = []
        asyncio.get_running_loop().call_soon(events.append, "the loop's turn")
        answer = await pool.stream_async(job(QUICK, SPARQL_JSON), alone=alone)
        events.append("answered" if json.loads(answer.body or b"")["boolean"] else "wrong answer")
        return events

    with pool_of(WorkerConfig(database), spin_s=1.0) as pool:
        expected = ["answered", "the loop's turn"] if alone else ["the loop's turn", "answered"]
        assert on_fresh_loop(order) == expected


@pytest.mark.parametrize("spin_s", [pytest.param(0.0, id="awaited"), pytest.param(0.2, id="spinning")])
def test_a_runaway_query_on_the_loop_path_is_stopped_and_the_loop_stays_free(database: Path, spin_s: float) -> None:
    """Waiting for an answer without yielding the loop lasts `spin_s` at most: then it is awaited."""
    ticks = 0

    async def run() -> None:
        nonlocal ticks
        query = asyncio.ensure_future(pool.stream_async(job(RUNAWAY, SPARQL_JSON), alone=True))
        while not query.done():
            ticks += 1
            await asyncio.sleep(0.01)
        query.result()

    with pool_of(WorkerConfig(database), timeout_s=1.0, spin_s=spin_s) as pool:
        with pytest.raises(QueryTimeout, match="longer than 1 s"):
            on_fresh_loop(run)
        assert ticks > 20  # the loop went on while the worker ran
        assert pool.restarts == 1
        assert json.loads(stream_on_loop(pool, job(QUICK, SPARQL_JSON)))["boolean"] is True


def test_a_client_that_leaves_stops_its_query_on_the_loop_path(database: Path) -> None:
    with pool_of(WorkerConfig(database)) as pool:
        with pytest.raises(QueryCancelled):
            stream_on_loop(pool, job(RUNAWAY, SPARQL_JSON), gone=0.5)
        assert pool.restarts == 1
        assert json.loads(stream_on_loop(pool, job(QUICK, SPARQL_JSON)))["boolean"] is True


def test_coroutines_and_threads_share_the_workers(database: Path) -> None:
    """Eight threads and eight coroutines at once on two workers: every one is answered, and every
    worker is back in its slot afterwards."""

    async def many() -> list[ChunkedResult]:
        return list(await asyncio.gather(*(pool.stream_async(job(QUICK, SPARQL_JSON)) for _ in range(8))))

    with pool_of(WorkerConfig(database), size=2) as pool, ThreadPoolExecutor(max_workers=8) as executor:
        threads = [executor.submit(pool.run, job(QUICK)) for _ in range(8)]
        on_loop = on_fresh_loop(many)
        assert all(json.loads(answer.body or b"")["boolean"] for answer in on_loop)
        assert all(future.result().boolean for future in threads)
        assert pool.state() == {"size": 2, "busy": 0, "vacant": 0, "restarts": 0}


def test_a_request_cancelled_while_its_worker_starts_gives_the_worker_back(database: Path) -> None:
    """A vacant slot's worker is started on a thread; the request awaiting it is cancelled meanwhile (its
    client left, the server stops it): the worker, once ready, goes back to the pool, not lost with it."""

    async def cancelled_then_settled() -> dict[str, int]:
        query = asyncio.ensure_future(pool.stream_async(job(QUICK, SPARQL_JSON)))
        while pool.state()["vacant"] == 1:  # the slot is taken and its worker is being started
            await asyncio.sleep(0.001)
        query.cancel()
        with pytest.raises(asyncio.CancelledError):
            await query
        for _ in range(1000):  # bounded: a worker starts within seconds
            if pool.state()["busy"] == 0:
                break
            await asyncio.sleep(0.01)
        return pool.state()

    with pool_of(WorkerConfig(database), timeout_s=1.0) as pool:
        with pytest.raises(QueryTimeout):
            pool.run(job(RUNAWAY))
        assert pool.state() == {"size": 1, "busy": 0, "vacant": 1, "restarts": 1}
        assert on_fresh_loop(cancelled_then_settled) == {"size": 1, "busy": 0, "vacant": 0, "restarts": 1}
        assert json.loads(stream_on_loop(pool, job(QUICK, SPARQL_JSON)))["boolean"] is True


def test_a_worker_answers_alike_from_memory_and_from_disk(database: Path) -> None:
    """A small release is copied into the worker's memory (`memory_quads`); a larger one, or 0, stays
    on disk. The answers, over the union default graph, named graphs and the graph names, are the same."""
    texts = [
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } ORDER BY ?s ?o",
    ]
    answers = []
    for memory_quads in (0, 1, 10**6):  # on disk; too small to copy; copied
        with pool_of(WorkerConfig(database, memory_quads=memory_quads)) as pool:
            answers.append([pool.run(job(text, SPARQL_JSON)).body for text in texts])
    assert answers[0] == answers[1] == answers[2]
    assert json.loads(answers[0][0])["results"]["bindings"][0]["n"]["value"] != "0"


@pytest.mark.parametrize(("memory_quads", "in_memory"), [(0, False), (1, False), (10**6, True)])
def test_only_a_small_enough_release_is_copied_into_memory(database: Path, memory_quads: int, in_memory: bool) -> None:
    store = _opened(WorkerConfig(database, memory_quads=memory_quads))
    insert = "INSERT DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }"
    if in_memory:  # a copy: writable, and the database is left as it was
        store.update(insert)
        assert len(store) == len(_opened(WorkerConfig(database))) + 1
    else:  # the database itself, opened read-only
        with pytest.raises(RuntimeError, match="read-write"):
            store.update(insert)


@pytest.mark.parametrize("path", ["loop", "threads"])
def test_a_worker_that_died_while_idle_is_replaced_before_the_next_query(database: Path, path: str) -> None:
    """Killed between two queries (the OOM killer, say): the next query is answered by a fresh worker,
    as if nothing had happened, and the pool counts one restart."""
    with pool_of(WorkerConfig(database)) as pool:
        assert json.loads(stream_on_loop(pool, job(QUICK, SPARQL_JSON)))["boolean"] is True
        (idle,) = pool._slots.free()
        assert idle is not None
        os.kill(idle.pid, signal.SIGKILL)
        for _ in range(500):  # until every thread of it has exited (its first may be a zombie before)
            if not idle.alive():
                break
            time.sleep(0.01)
        if path == "loop":
            assert json.loads(stream_on_loop(pool, job(QUICK, SPARQL_JSON)))["boolean"] is True
        else:
            assert pool.run(job(QUICK)).boolean is True
        assert pool.state() == {"size": 1, "busy": 0, "vacant": 0, "restarts": 1}


@pytest.mark.parametrize("spin_s", SPINS)
def test_a_crash_on_the_loop_path_is_reported_at_once_and_the_worker_replaced(database: Path, spin_s: float) -> None:
    """The loop keeps watching a worker's pipe from query to query; a worker that dies under a query
    wakes it at once (not at its time limit), and the next query gets a fresh worker."""
    chain = "SELECT ?x WHERE { BIND(" + "+".join(["1"] * 20_000) + " AS ?x) }"

    async def crash_then_answer() -> tuple[float, bool]:
        assert (await pool.stream_async(job(QUICK, SPARQL_JSON))).body  # watched from now on
        started = time.monotonic()
        with pytest.raises(QueryCrashed, match="SIGSEGV"):
            await pool.stream_async(job(chain, SPARQL_JSON), alone=True)
        took = time.monotonic() - started
        answer = await pool.stream_async(job(QUICK, SPARQL_JSON))
        return took, json.loads(answer.body or b"")["boolean"]

    with pool_of(WorkerConfig(database, stack_bytes=256 * 1024), timeout_s=PATIENT_S, spin_s=spin_s) as pool:
        took, answered = on_fresh_loop(crash_then_answer)
        assert took < PATIENT_S / 4 and answered is True
        assert pool.restarts == 1


def test_workers_watched_by_a_running_loop_are_closed_from_another_thread(database: Path) -> None:
    """`close()` on another thread while the loop that watches the workers' pipes still runs: each pipe
    is closed by that loop, and no worker process is left."""
    closed = threading.Event()

    def close() -> None:
        spawner.close()
        closed.set()

    async def query_then_wait_for_close() -> list[int]:
        assert (await pool.stream_async(job(QUICK, SPARQL_JSON))).body
        pids = spawner.pids()
        threading.Thread(target=close).start()
        while not closed.is_set():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # the loop's turn to let go of the pipes
        return pids

    spawner = Spawner(WorkerConfig(database), spare=False)
    pool = WorkerPool(spawner, 2, PATIENT_S)
    pids = on_fresh_loop(query_then_wait_for_close)
    assert running(pids) == []
    assert all(worker._connection.closed and worker._jobs.closed for worker in pool._slots.free() if worker is not None)
