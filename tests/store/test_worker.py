"""Queries run in killable worker processes: a runaway query is stopped while others are answered, a
client that leaves stops its query, a crash costs one worker (replaced) and one answer, and no query
reaches the network."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from smallrelease import SMALL_RELEASE, TIMEOUT_S, store_settings

from clustergraph.errors import (
    IsolationUnavailable,
    QueryCancelled,
    QueryCrashed,
    QueryFailed,
    QueryRefused,
    QueryTimeout,
    ResultTooLarge,
)
from clustergraph.store.base import Dataset, QueryRequest, Solutions
from clustergraph.store.database import prepare_database
from clustergraph.store.embedded import EmbeddedStore
from clustergraph.store.jobs import QueryJob
from clustergraph.store.worker import WorkerConfig, WorkerPool

# 24 quads to the 7th power: billions of rows to count, far past any timeout used here.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(7)) + " }"
QUICK = "ASK { ?s ?p ?o }"
PATIENT_S = 120.0  # a timeout no test waits for: what stops these queries is something else


def job(text: str) -> QueryJob:
    return QueryJob(text, {}, Dataset(), use_query_dataset=False, limit=10, media_type=None)


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
    pool = WorkerPool(WorkerConfig(database), size=1, timeout_s=PATIENT_S)
    try:
        cancel = threading.Event()
        threading.Timer(0.5, cancel.set).start()
        with pytest.raises(QueryCancelled):
            pool.run(job(RUNAWAY), cancel)
        assert pool.restarts == 1
        assert pool.run(job(QUICK)).boolean is True
    finally:
        pool.close()


def test_a_crashing_worker_is_replaced(database: Path) -> None:
    """With a tiny stack, a chain of 20 000 additions overflows it: the worker dies of SIGSEGV."""
    pool = WorkerPool(WorkerConfig(database, stack_bytes=256 * 1024), size=1, timeout_s=PATIENT_S)
    chain = "SELECT ?x WHERE { BIND(" + "+".join(["1"] * 20_000) + " AS ?x) }"
    try:
        with pytest.raises(QueryCrashed, match="SIGSEGV"):
            pool.run(job(chain))
        assert pool.restarts == 1
        assert pool.run(job(QUICK)).boolean is True
    finally:
        pool.close()


def test_deep_queries_fit_in_the_workers_stack(database: Path) -> None:
    """Past the guard (which would refuse it), nesting that kills a default-sized stack is answered."""
    pool = WorkerPool(WorkerConfig(database), size=1, timeout_s=PATIENT_S)
    try:
        nested = "ASK " + "{" * 6000 + "}" * 6000
        assert pool.run(job(nested)).boolean is True
        assert pool.restarts == 0
    finally:
        pool.close()


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
    pool = WorkerPool(WorkerConfig(database, network_namespace=namespace, seccomp=seccomp), size=1, timeout_s=PATIENT_S)
    try:
        assert pool.isolation.seccomp == seccomp
        assert pool.isolation.network_namespace == (namespace and NAMESPACES)
        with pytest.raises(QueryFailed):
            pool.run(job(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"))
        assert pool.run(job(QUICK)).boolean is True
    finally:
        pool.close()
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
    pool = WorkerPool(WorkerConfig(database, memory_bytes=32 * 2**20), size=1, timeout_s=PATIENT_S)
    greedy = "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(5)) + " } ORDER BY ?o4 ?s0"
    try:
        with pytest.raises(ResultTooLarge, match="32 MB"):
            pool.run(job(greedy))
        assert pool.run(job(QUICK)).boolean is True
    finally:
        pool.close()
