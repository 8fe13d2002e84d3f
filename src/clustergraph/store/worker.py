"""A pool of query worker processes that can be killed.

pyoxigraph has no query timeout, a thread cannot be killed, and some queries crash the interpreter
(DESIGN.md, "Known hazards"). So every query runs in a worker process that holds the store open
read-only: a query past its deadline, or whose client went away, is stopped by killing its worker,
which is then replaced, while the other workers go on answering. A worker that dies on its own
(a segfault) is replaced the same way, and the query that killed it gets `QueryCrashed`. Each
worker may take only so much memory (RLIMIT_DATA, `query_memory_mb` beyond its needs at start):
a query that wants more makes Oxigraph abort on a failed allocation, and gets `ResultTooLarge`,
instead of growing by hundreds of megabytes a second until the machine's OOM killer steps in.

Inside the worker, queries run on a thread with a large stack, so that chains of thousands of
operators (`1+1+...`, `?a||?b||...`), which Oxigraph parses and evaluates recursively, fit in
memory instead of overflowing; and before anything else the worker takes itself off the network
(`isolation.py`: a new network namespace and a seccomp filter on sockets, each where the kernel allows
it), so that no query reaches any address whatever gets past the guard in `guard.py`. A pool whose
workers got neither runs no untrusted query unless `WorkerConfig.allow_unisolated` says so.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import resource
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from clustergraph.errors import (
    IsolationUnavailable,
    QueryCancelled,
    QueryCrashed,
    QueryTimeout,
    ResultTooLarge,
    StoreError,
)
from clustergraph.store.isolation import Isolation, isolate
from clustergraph.store.jobs import Engine, Failed, Job

log = logging.getLogger(__name__)

QUERY_STACK_BYTES = 512 * 1024 * 1024  # reserved address space, committed only as deep queries need it
STARTUP_TIMEOUT_S = 60.0
_POLL_S = 0.05  # how often a waiting request looks at its deadline and its client


@dataclass(frozen=True)
class Ready:
    """A worker's first message: the store is open; and what keeps it off the network."""

    isolation: Isolation


@dataclass(frozen=True)
class WorkerConfig:
    database: Path
    network_namespace: bool = True  # leave the network by unshare(2), where the kernel allows it
    seccomp: bool = True  # forbid every socket but a Unix one, where libseccomp is there
    allow_unisolated: bool = False  # run untrusted queries even in workers that got neither
    stack_bytes: int = QUERY_STACK_BYTES
    memory_bytes: int | None = None  # what one query may allocate, beyond the worker's own needs


class WorkerPool:
    """`run(job)` on the first free worker. Waiting for a free worker and running the query are
    each bounded by `timeout_s`; a worker's start-up (at most STARTUP_TIMEOUT_S) counts for neither."""

    def __init__(self, config: WorkerConfig, size: int, timeout_s: float) -> None:
        self._config = config
        self._timeout_s = timeout_s
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._size = size
        self._restarts = 0
        self._lock = threading.Lock()
        workers = [_Worker.start(self._context, config) for _ in range(size)]
        try:
            for worker in workers:
                worker.wait_ready(None)
        except BaseException:
            for worker in workers:
                worker.stop()
            raise
        for worker in workers:
            self._idle.put(worker)
        self._isolation = min((worker.isolation for worker in workers), key=_strength)
        if not self._isolation.active:
            log.warning(
                "query workers could not be taken off the network here (no network namespace, no seccomp); %s",
                "untrusted queries run anyway, as configured"
                if config.allow_unisolated
                else "untrusted queries are refused",
            )

    def run(self, job: Job, cancel: threading.Event | None = None) -> Any:
        worker = self._checkout(cancel)
        if not worker.alive():  # died while idle (the OOM killer, say): not this query's doing
            worker = self._replace(worker)
        answer, healthy = None, False
        try:
            worker.wait_ready(cancel)
            answer = worker.call(job, time.monotonic() + self._timeout_s, cancel, self._timeout_s)
            healthy = True
        finally:
            self._idle.put(worker if healthy else self._replace(worker))
        if isinstance(answer, Failed):
            raise answer.error
        return answer

    def close(self) -> None:
        for _ in range(self._size):
            try:
                self._idle.get(timeout=1.0).stop()
            except queue.Empty:
                break

    def _checkout(self, cancel: threading.Event | None) -> _Worker:
        deadline = time.monotonic() + self._timeout_s
        while True:
            try:
                return self._idle.get(timeout=_POLL_S)
            except queue.Empty:
                busy = f"all {self._size} query workers stayed busy for {self._timeout_s:g} s"
                _check(deadline, cancel, busy)

    @property
    def isolation(self) -> Isolation:
        """What keeps the workers off the network (the weakest any worker got at start)."""
        return self._isolation

    def require_isolation(self) -> None:
        """Refuse an untrusted query where the workers could not be isolated, unless allowed."""
        if not self._isolation.active and not self._config.allow_unisolated:
            raise IsolationUnavailable(
                "this server cannot keep query workers off the network here (the kernel grants neither a "
                "network namespace nor a seccomp filter), so it does not evaluate SPARQL sent by clients; "
                "the operator may accept the risk with CLUSTERGRAPH_ALLOW_UNISOLATED_QUERIES=true"
            )

    @property
    def restarts(self) -> int:
        """Workers replaced so far (timeouts, clients gone, crashes)."""
        return self._restarts

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop()
        with self._lock:
            self._restarts += 1
        return _Worker.start(self._context, self._config)


class _Worker:
    def __init__(self, process: SpawnProcess, connection: Connection, config: WorkerConfig) -> None:
        self._process = process
        self._connection = connection
        self._config = config
        self._ready = False
        self.isolation = Isolation()

    @classmethod
    def start(cls, context: multiprocessing.context.SpawnContext, config: WorkerConfig) -> _Worker:
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(child_end, config), name="clustergraph-query", daemon=True)
        process.start()
        child_end.close()
        return cls(process, parent_end, config)

    def wait_ready(self, cancel: threading.Event | None) -> None:
        """Block until the worker has opened the store; StoreError if it cannot."""
        if self._ready:
            return
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        try:
            while not self._connection.poll(_POLL_S):
                _check(deadline, cancel, f"a query worker took over {STARTUP_TIMEOUT_S:g} s to start")
            message = self._connection.recv()
        except (EOFError, OSError):
            raise StoreError(f"a query worker died while starting ({self._exit_status()})") from None
        if isinstance(message, Failed):
            raise message.error
        self._ready = True
        if isinstance(message, Ready):
            self.isolation = message.isolation

    def call(self, job: Job, deadline: float, cancel: threading.Event | None, timeout_s: float) -> Any:
        try:
            self._connection.send(job)
            while not self._connection.poll(_POLL_S):
                _check(deadline, cancel, f"the query ran longer than {timeout_s:g} s and was stopped")
            return self._connection.recv()
        except (EOFError, OSError):
            raise self._death() from None

    def alive(self) -> bool:
        return self._process.is_alive()

    def stop(self) -> None:
        self._connection.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)
        self._process.close()

    def _death(self) -> Exception:
        """Why the worker died under a query: out of its memory (Rust aborts), or a crash."""
        status = self._exit_status()
        if self._config.memory_bytes is not None and self._process.exitcode == -signal.SIGABRT:
            return ResultTooLarge(_too_much_memory(self._config.memory_bytes))
        return QueryCrashed(
            f"the query engine died on this query ({status}); it was restarted, and other queries are unaffected"
        )

    def _exit_status(self) -> str:
        self._process.join(timeout=1)
        code = self._process.exitcode
        if code is not None and code < 0:
            return f"killed by signal {signal.Signals(-code).name}"
        return f"exit status {code}"


def _strength(isolation: Isolation) -> int:
    return isolation.network_namespace + isolation.seccomp


def _check(deadline: float, cancel: threading.Event | None, timeout_message: str) -> None:
    if cancel is not None and cancel.is_set():
        raise QueryCancelled("the client went away")
    if time.monotonic() >= deadline:
        raise QueryTimeout(timeout_message)


def _serve(connection: Connection, config: WorkerConfig) -> None:
    """The worker process: answer jobs from the pipe until the parent closes it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops its workers
    isolation = isolate(network_namespace=config.network_namespace, seccomp=config.seccomp)
    threading.stack_size(config.stack_bytes)
    loop = threading.Thread(target=_answer_jobs, args=(connection, config, isolation), name="query")
    loop.start()
    loop.join()


def _answer_jobs(connection: Connection, config: WorkerConfig, isolation: Isolation) -> None:
    try:
        engine = Engine(ox.Store.read_only(str(config.database)))
    except OSError as error:
        connection.send(Failed(StoreError(f"the store at {config.database} cannot be opened: {error}")))
        return
    if config.memory_bytes is not None:
        _limit_memory(config.memory_bytes)
    connection.send(Ready(isolation))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            answer = engine.run(job)
        except MemoryError:
            answer = Failed(ResultTooLarge(_too_much_memory(config.memory_bytes or 0)))
        connection.send(answer)


def _limit_memory(budget: int) -> None:
    """Let this process allocate `budget` bytes more than it holds now (RLIMIT_DATA; Linux)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return
    in_use_kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmData:")), None)
    if in_use_kb is not None:
        limit = in_use_kb * 1024 + budget
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _too_much_memory(budget: int) -> str:
    return f"the query needed more than the {budget // 2**20} MB of memory a query may use, and was stopped"
