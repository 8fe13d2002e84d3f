"""Pools of query worker processes that can be killed.

pyoxigraph has no query timeout, a thread cannot be killed, and some queries crash the interpreter
(DESIGN.md, "Known hazards"). So every query runs in a worker process that holds the store open
read-only (or, for a release of at most `WorkerConfig.memory_quads` quads, a copy of it in memory,
at about 250 bytes a quad, where Oxigraph answers most queries 1.3-5.5x faster and a full scan about
as fast: `benchmarks/engine_store.py`). A query past its deadline, or whose client
went away, is stopped by killing its worker, which is then replaced, while the other workers go on
answering. A worker that dies on its own (a segfault) is replaced the same way, and the query that
killed it gets `QueryCrashed`. Each worker may take only so much memory (RLIMIT_DATA,
`query_memory_mb` beyond its needs at start, the copy of the release included): a query that wants
more makes Oxigraph abort on a failed allocation, and gets `ResultTooLarge`, instead of growing by
hundreds of megabytes a second until the machine's OOM killer steps in.

A `Spawner` starts the workers of every pool of a store: it keeps one warm spare started, so that a
killed worker's slot is filled by a process that has already opened the store; it backs off when
workers fail to start (the store cannot be opened, no process or file can be had: EAGAIN, EMFILE,
ENOMEM), leaving the slot vacant rather than lost, to be filled by a later query; and it knows every
worker it started, so that `close()` leaves none behind, busy or idle.

An answer larger than one pipe message crosses in chunks that the caller takes one at a time
(`WorkerPool.stream`), so the server process never holds a whole answer.

Inside the worker, queries run on a thread with a large stack, so that chains of thousands of
operators (`1+1+...`, `?a||?b||...`), which Oxigraph parses and evaluates recursively, fit in
memory instead of overflowing; and before anything else the worker takes itself off the network
(`isolation.py`: a new network namespace and a seccomp filter on sockets, each where the kernel allows
it), so that no query reaches any address whatever gets past the guard in `guard.py`. A pool whose
workers got neither runs no untrusted query unless `WorkerConfig.allow_unisolated` says so.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import resource
import select
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
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
from clustergraph.store.base import Cancellation, ChunkedResult, Departure, SerializedResult
from clustergraph.store.isolation import Isolation, isolate
from clustergraph.store.jobs import Engine, Failed, Job, Streamed
from clustergraph.store.slots import Slots, wake
from clustergraph.store.watch import Check, Watch, Watches
from clustergraph.store.wire import answer_messages, job_message, read_answer, read_job, receive, send

log = logging.getLogger(__name__)

QUERY_STACK_BYTES = 512 * 1024 * 1024  # reserved address space, committed only as deep queries need it
STARTUP_TIMEOUT_S = 60.0
BACKOFF_S, MAX_BACKOFF_S = 0.5, 30.0  # after a failed start, wait this long, doubling, before the next
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
    memory_quads: int = 0  # copy a release of at most this many quads into memory (0: query it on disk)


class Spawner:
    """Starts the workers of a store's pools: see the module docstring."""

    def __init__(self, config: WorkerConfig, *, spare: bool = True) -> None:
        self._config = config
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._keep_spare = spare
        self._spare: _Worker | None = None
        self._failures = 0
        self._not_before = 0.0
        self._closed = False

    def start(self) -> _Worker:
        """A worker, maybe not ready yet: the warm spare if it is alive, and a new spare in its place.
        StoreError if no process can be started now (the cause is logged; later calls retry)."""
        with self._lock:
            if self._closed:
                raise StoreError("the store is closed")
            worker, self._spare = self._spare, None
            if worker is None or not worker.alive():
                if worker is not None:
                    self._forget(worker)
                worker = self._spawn()
            if self._keep_spare:
                with suppress(StoreError):
                    self._spare = self._spawn()
            return worker

    def started(self, worker: _Worker, ready: bool) -> None:
        """A worker's start-up is over: a failure delays the next attempts (doubling, up to a limit)."""
        with self._lock:
            if ready:
                self._failures = 0
            else:
                self._back_off()

    def retire(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.discard(worker)

    def pids(self) -> list[int]:
        """The process ids of the workers started and not yet stopped (busy, idle or spare)."""
        with self._lock:
            return sorted(worker.pid for worker in self._workers)

    @property
    def allow_unisolated(self) -> bool:
        return self._config.allow_unisolated

    @property
    def spare_ready(self) -> bool:
        spare = self._spare
        return spare is not None and spare.alive()

    def close(self) -> None:
        """Stop every worker this spawner started, busy or idle; start none after."""
        with self._lock:
            self._closed = True
            workers, self._workers, self._spare = list(self._workers), set(), None
        for worker in workers:
            worker.stop()

    def _spawn(self) -> _Worker:
        wait_s = self._not_before - time.monotonic()
        if wait_s > 0:
            raise StoreError(f"query workers are failing to start; the next attempt is in {wait_s:.1f} s")
        try:
            worker = _Worker.start(self._context, self._config)
        except OSError as error:  # EAGAIN, EMFILE, ENOMEM: no process, pipe or memory to be had
            log.error("a query worker could not be started: %s", error)
            self._back_off()
            raise StoreError("no query worker could be started; the server is short of processes or memory") from None
        self._workers.add(worker)
        return worker

    def _back_off(self) -> None:
        self._failures += 1
        self._not_before = time.monotonic() + min(MAX_BACKOFF_S, BACKOFF_S * 2 ** (self._failures - 1))

    def _forget(self, worker: _Worker) -> None:
        worker.stop()
        self._workers.discard(worker)


class WorkerPool:
    """`run(job)` on the first free one of `size` workers. Waiting for a free worker and running the
    query (with handing over its answer) are each bounded by `timeout_s`; a worker's start-up (at
    most STARTUP_TIMEOUT_S) counts for neither. A slot whose worker died or could not be started is
    left vacant, and refilled by the next query that takes it."""

    def __init__(
        self, spawner: Spawner, size: int, timeout_s: float, name: str = "queries", *, spin_s: float = 0.0
    ) -> None:
        """`spin_s`: how long `stream_async` waits for the answer of a query that is `alone` without
        yielding the event loop (`_Worker.call_async`); 0, never."""
        self.name = name
        self._spawner = spawner
        self._timeout_s = timeout_s
        self._spin_s = spin_s
        self._slots: Slots[_Worker | None] = Slots()
        self._size = size
        self._restarts = 0
        self._closed = False
        self._lock = threading.Lock()
        self._watches = Watches()  # the loop's waits for this pool's workers (`stream_async`)
        self._busy = f"all {size} workers for {name} stayed busy for {timeout_s:g} s"
        self._too_long = f"the query ran longer than {timeout_s:g} s and was stopped"
        workers: list[_Worker] = []
        try:
            for _ in range(size):
                workers.append(spawner.start())
            for worker in workers:
                worker.wait_ready(None)
        except BaseException:
            for worker in workers:
                spawner.retire(worker)
            raise
        for worker in workers:
            self._slots.put(worker)
        self._isolation = min((worker.isolation for worker in workers), key=_strength)
        if not self._isolation.active:
            log.warning(
                "query workers could not be taken off the network here (no network namespace, no seccomp); %s",
                "untrusted queries run anyway, as configured"
                if spawner.allow_unisolated
                else "untrusted queries are refused",
            )

    def run(self, job: Job, cancel: Cancellation | None = None, timeout_s: float | None = None) -> Any:
        """The job's answer; `timeout_s` (for a probe, say) replaces the pool's own limit."""
        answer = self._ask(job, cancel, timeout_s or self._timeout_s)
        if isinstance(answer, _Chunks):
            return answer.joined()
        return answer

    def stream(self, job: Job, cancel: Cancellation | None = None) -> ChunkedResult:
        """The answer of a job that serializes, handed over chunk by chunk (see `ChunkedResult`)."""
        return _chunked(job, self._ask(job, cancel, self._timeout_s))

    async def stream_async(
        self, job: Job, cancel: Cancellation | None = None, gone: Departure | None = None, *, alone: bool = False
    ) -> ChunkedResult:
        """`stream` on the running event loop, with no thread: waiting for a worker and for its answer
        are awaited (the rest of a streamed answer is still read chunk by chunk, blocking). `gone` is
        done once the client has left, which stops the query as setting `cancel` does. `alone`: the
        caller knows of no other query in the server, which may then wait for the answer without
        yielding the loop, if the pool sees none either (`_Worker.call_async`)."""
        watch = self._watches.of(asyncio.get_running_loop(), _POLL_S)
        for tries_left in (1, 0):
            worker = await self._acquire_async(cancel, gone)
            deadline = time.monotonic() + self._timeout_s
            spin_s = self._spin_s if alone and self._slots.sole_taken(self._size) else 0.0
            try:
                check = partial(_check, deadline, cancel, self._too_long, gone)
                answer = await worker.call_async(job, watch, check, spin_s)
                break
            except _Unsent:  # it had died while idle: the query goes to a fresh worker, as if nothing happened
                self._release(worker, healthy=False)
                if not tries_left:
                    raise QueryCrashed("no query worker could take the query; they were restarted") from None
            except BaseException:
                self._release(worker, healthy=False)
                raise
        if type(answer) is SerializedResult:  # whole, the usual answer: `_settle` and `_chunked` in short
            self._release(worker, healthy=True)
            return ChunkedResult.whole(answer)
        return _chunked(job, self._settle(worker, answer, deadline, cancel, self._timeout_s))

    def state(self) -> dict[str, int]:
        slots = self._slots.free()
        vacant = sum(slot is None for slot in slots)
        return {"size": self._size, "busy": self._size - len(slots), "vacant": vacant, "restarts": self._restarts}

    def close(self) -> None:
        """Stop the idle workers now and each busy one as its query ends."""
        self._closed = True
        for slot in self._slots.drain():
            if slot is not None:
                self._spawner.retire(slot)

    @property
    def isolation(self) -> Isolation:
        """What keeps the workers off the network (the weakest any worker got at start)."""
        return self._isolation

    def require_isolation(self) -> None:
        """Refuse an untrusted query where the workers could not be isolated, unless allowed."""
        if not self._isolation.active and not self._spawner.allow_unisolated:
            raise IsolationUnavailable(
                "this server cannot keep query workers off the network here (the kernel grants neither a "
                "network namespace nor a seccomp filter), so it does not evaluate SPARQL sent by clients; "
                "the operator may accept the risk with CLUSTERGRAPH_ALLOW_UNISOLATED_QUERIES=true"
            )

    @property
    def restarts(self) -> int:
        """Workers replaced so far (timeouts, clients gone, crashes)."""
        return self._restarts

    def _ask(self, job: Job, cancel: Cancellation | None, timeout_s: float) -> Any:
        worker = self._acquire(cancel, timeout_s)
        deadline = time.monotonic() + timeout_s
        try:
            answer = worker.call(job, deadline, cancel, timeout_s)
        except BaseException:
            self._release(worker, healthy=False)
            raise
        return self._settle(worker, answer, deadline, cancel, timeout_s)

    def _settle(
        self, worker: _Worker, answer: Any, deadline: float, cancel: Cancellation | None, timeout_s: float
    ) -> Any:
        """The worker's first message as the answer: the rest to read (the worker stays busy), a
        failure to raise, or the whole answer (the worker goes back to the pool)."""
        if isinstance(answer, Streamed):
            return _Chunks(self, worker, answer, deadline, cancel, timeout_s)
        self._release(worker, healthy=True)
        if isinstance(answer, Failed):
            raise answer.error
        return answer

    def _acquire(self, cancel: Cancellation | None, timeout_s: float) -> _Worker:
        """A ready worker for one query: the slot's own, or (if it died or is vacant) a new one."""
        if self._closed:
            raise StoreError("the store is closed")
        return self._ready(self._checkout(cancel, timeout_s), cancel)

    async def _acquire_async(self, cancel: Cancellation | None, gone: Departure | None) -> _Worker:
        """`_acquire`, awaiting a free slot; starting a worker for a vacant slot (rare) runs on a thread."""
        if self._closed:
            raise StoreError("the store is closed")
        deadline = time.monotonic() + self._timeout_s
        slot = await self._slots.take_async(_POLL_S, lambda: _check(deadline, cancel, self._busy, gone))
        if slot is not None:  # alive or not: one that died while idle cannot take the job (`_Unsent`)
            return slot
        delivery = _Delivery()
        try:
            return await asyncio.to_thread(self._ready_for, delivery, slot, cancel)
        except BaseException:  # the request was cancelled meanwhile, or no worker could start
            left = delivery.abandon()
            if left is not None:
                self._release(left, healthy=True)
            raise

    def _ready_for(self, delivery: _Delivery, slot: _Worker | None, cancel: Cancellation | None) -> _Worker:
        """`_ready` on a thread for a coroutine that may be cancelled before the worker is ready."""
        worker = self._ready(slot, cancel)
        if not delivery.deliver(worker):
            self._release(worker, healthy=True)
        return worker

    def _ready(self, slot: _Worker | None, cancel: Cancellation | None) -> _Worker:
        """The slot's worker if it is alive, else a new one, ready; the slot is left vacant on failure."""
        worker = slot
        try:
            if worker is not None and not worker.alive():  # died while idle (the OOM killer, say)
                self._retire(worker)
                worker = None
            if worker is None:
                worker = self._spawner.start()
                self._start_up(worker, cancel)
            return worker
        except BaseException:
            if worker is not None:
                self._spawner.retire(worker)
            self._slots.put(None)
            raise

    def _start_up(self, worker: _Worker, cancel: Cancellation | None) -> None:
        try:
            worker.wait_ready(cancel)
        except StoreError:
            self._spawner.started(worker, ready=False)
            raise
        self._spawner.started(worker, ready=True)

    def _release(self, worker: _Worker, healthy: bool) -> None:
        if healthy and not self._closed:
            self._slots.put(worker)
            return
        self._spawner.retire(worker)
        if not healthy:
            with self._lock:
                self._restarts += 1
        if not self._closed:
            self._slots.put(None)

    def _retire(self, worker: _Worker) -> None:
        self._spawner.retire(worker)
        with self._lock:
            self._restarts += 1

    def _checkout(self, cancel: Cancellation | None, timeout_s: float) -> _Worker | None:
        deadline = time.monotonic() + timeout_s
        busy = f"all {self._size} workers for {self.name} stayed busy for {timeout_s:g} s"
        return self._slots.take(_POLL_S, lambda: _check(deadline, cancel, busy))


class _Delivery:
    """A worker started on a thread for a coroutine that may be cancelled meanwhile: whichever of the
    two comes second gives the worker back to the pool, so that its slot is never lost."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        self._abandoned = False

    def deliver(self, worker: _Worker) -> bool:
        """True if the coroutine is still there to take `worker`; False if it left (give it back)."""
        with self._lock:
            if self._abandoned:
                return False
            self._worker = worker
            return True

    def abandon(self) -> _Worker | None:
        """The coroutine leaves; the worker delivered before it could take it, if any (give it back)."""
        with self._lock:
            self._abandoned = True
            worker, self._worker = self._worker, None
            return worker


class _Chunks(Iterator[bytes]):
    """The chunks of a `Streamed` answer, read from the worker that sends them; the worker goes back
    to its pool after the last one, and is killed if the reader gives up before."""

    def __init__(
        self,
        pool: WorkerPool,
        worker: _Worker,
        head: Streamed,
        deadline: float,
        cancel: Cancellation | None,
        timeout_s: float,
    ) -> None:
        self._timeout_s = timeout_s
        self.head = head
        self._pool = pool
        self._worker: _Worker | None = worker
        self._left = head.size
        self._deadline = deadline
        self._cancel = cancel
        self._lock = threading.Lock()
        self._reading = False
        self._abandoned = False

    def __next__(self) -> bytes:
        with self._lock:
            worker = self._worker
            done = worker is None or self._left <= 0
            self._reading = not done
        if done:
            self._finish()
            raise StopIteration
        assert worker is not None
        try:
            chunk = worker.receive_bytes(self._deadline, self._cancel, self._timeout_s)
        except BaseException:
            self._abandoned = True
            raise
        finally:
            with self._lock:
                self._reading = False
            if self._abandoned:
                self._finish()
        self._left -= len(chunk)
        return chunk

    def joined(self) -> SerializedResult:
        return SerializedResult(b"".join(self), self.head.media_type, self.head.truncated)

    def close(self) -> None:
        """Give up the rest: the worker is killed (at once, or when a read under way returns)."""
        with self._lock:
            self._abandoned = self._abandoned or self._left > 0
            if self._reading:
                return
        self._finish()

    def _finish(self) -> None:
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            self._pool._release(worker, healthy=not self._abandoned and self._left <= 0)


class _Worker:
    """One worker process and the server's ends of its two pipes: jobs go down one, answers come up
    the other. Two pipes, not one duplex socket pair (`multiprocessing.Pipe()`): on a Unix socket, a
    reader and a writer wait in one queue, so the server reading an answer woke the worker already
    blocked reading its next job, for nothing, a context switch per query (`perf` showed 17% of a
    worker's time in `finish_task_switch`, and 2.4% of the server's in waking it from `read`);
    a pipe wakes only those waiting for what changed (benchmarks/README.md, "Two pipes").

    On the loop path the answers' pipe is watched by the loop for as long as the worker serves queries there
    (`_Watched`): adding and removing a reader for every query (two epoll_ctl calls, uvloop's
    bookkeeping) cost the server 70–77 against 54–59 µs of CPU per type lookup through the store
    (`benchmarks/server_cost.py`), a fifth of its share of the trip. A descriptor the loop watches
    must not be closed under it (libuv aborts when the number comes back as another file's), so
    `stop` leaves the closing to the loop that watches it."""

    def __init__(self, process: SpawnProcess, answers: Connection, jobs: Connection, config: WorkerConfig) -> None:
        self._process = process
        self._connection = answers  # read here, and watched by the loop
        self._jobs = jobs  # written here
        self._config = config
        self._ready = False
        self.isolation = Isolation()
        self._lock = threading.RLock()  # `_watched` and `_stopped`, between the loop and `stop` on any thread
        self._watched: _Watched | None = None
        self._stopped = False

    @classmethod
    def start(cls, context: multiprocessing.context.SpawnContext, config: WorkerConfig) -> _Worker:
        jobs_read, jobs_written = context.Pipe(duplex=False)
        answers_read, answers_written = context.Pipe(duplex=False)
        process = context.Process(
            target=_serve, args=(jobs_read, answers_written, config), name="clustergraph-query", daemon=True
        )
        try:
            process.start()
        except BaseException:
            answers_read.close()
            jobs_written.close()
            raise
        finally:
            jobs_read.close()
            answers_written.close()
        return cls(process, answers_read, jobs_written, config)

    def wait_ready(self, cancel: Cancellation | None) -> None:
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

    def call(self, job: Job, deadline: float, cancel: Cancellation | None, timeout_s: float) -> Any:
        try:
            send(self._jobs.fileno(), job_message(job))
            self._wait(deadline, cancel, timeout_s)
            return read_answer(receive(self._connection.fileno()), job)
        except (EOFError, OSError):
            raise self._death() from None

    async def call_async(self, job: Job, watch: Watch, check: Check, spin_s: float = 0.0) -> Any:
        """`call`, awaiting the answer on `watch`'s loop instead of blocking a thread (`check` gives up:
        the deadline, the client). The job is written at once (an idle worker is reading); the answer
        is read once its first byte is there, and the worker writes a message whole, so reading it does
        not wait on the worker's work.

        With `spin_s`, the answer is first waited for without yielding the loop, for at most that
        long: a cheap query's answer comes back in less time than it takes to wake a process that
        went to sleep for it (on this machine, a type lookup's p50 at one connection fell from
        about 370 to 280 µs in ad hoc interleaved wrk runs, and ours now answers about as fast as
        `benchmarks/process_hop.py`'s bare hop; benchmarks/README.md, "Waiting for an answer without
        sleeping").
        The pool asks for it only for a query with no other in the server (`QueryRequest.alone`),
        when the loop has no other query to look after meanwhile; a request that arrives during the
        wait is read at most `spin_s` later."""
        try:
            descriptor = self._connection.fileno()  # OSError once stopped (and the number perhaps reused)
            send(self._jobs.fileno(), job_message(job))
        except OSError:  # EPIPE: the worker is gone, the job unread (cheaper than asking whether it lives)
            raise _Unsent from None
        try:
            if spin_s and _readable_within(descriptor, spin_s):
                return read_answer(receive(self._connection.fileno()), job)  # stopped meanwhile: OSError
            loop = watch.loop
            ready: asyncio.Future[None] = loop.create_future()
            watched = self._watched_on(loop, descriptor)
            watched.answer = ready
            watch.enter(ready, check)
            try:
                await ready
            finally:
                watch.leave(ready)
                watched.answer = None
            return read_answer(receive(self._connection.fileno()), job)  # stopped meanwhile: OSError
        except (EOFError, OSError):
            raise self._death() from None

    def _watched_on(self, loop: asyncio.AbstractEventLoop, descriptor: int) -> _Watched:
        """The loop's watch on the pipe: kept from query to query, made on the first (or after the
        pipe was readable with no query waiting, or when another loop watched it before)."""
        with self._lock:
            watched = self._watched
            if watched is not None and watched.loop is loop:
                return watched
            if self._stopped:
                raise OSError("the worker is stopped")
            if watched is not None:  # another loop's (a closed one, in practice): it lets go there
                watched.let_go_from_elsewhere()
            watched = _Watched(self, loop, descriptor)
            loop.add_reader(descriptor, watched.readable)  # which makes it non-blocking (`wire.py` copes)
            self._watched = watched
        return watched

    def _unwatched(self, watched: _Watched) -> None:
        """`watched`'s loop has stopped watching the pipe: close it now if the worker was stopped meanwhile."""
        with self._lock:
            if self._watched is watched:
                self._watched = None
            close = self._stopped and self._watched is None
        if close:
            self._close()

    def _close(self) -> None:
        """Both pipes, once: by `stop`, or by the loop that watched the answers' pipe (never both, which
        could close a number already reused by another file)."""
        self._jobs.close()
        self._connection.close()

    def receive_bytes(self, deadline: float, cancel: Cancellation | None, timeout_s: float) -> bytes:
        """The next raw chunk of a streamed answer."""
        try:
            self._wait(deadline, cancel, timeout_s)
            return receive(self._connection.fileno())
        except (EOFError, OSError):
            raise self._death() from None

    def _wait(self, deadline: float, cancel: Cancellation | None, timeout_s: float) -> None:
        while not self._connection.poll(_POLL_S):
            _check(deadline, cancel, f"the query ran longer than {timeout_s:g} s and was stopped")

    def alive(self) -> bool:
        return self._process.is_alive()

    @property
    def pid(self) -> int:
        return self._process.pid or 0

    def stop(self) -> None:
        """Kill the process and wait for it (it is not `close()`d: a reader may still ask why it died).
        The pipes are closed now, or by the loop that watches them once it has stopped watching."""
        with self._lock:
            self._stopped = True
            watched = self._watched
        if watched is None:
            self._close()
        else:
            watched.let_go_from_elsewhere()
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)

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


class _Watched:
    """A loop's reader on a worker's pipe, kept while the worker answers queries on that loop: it wakes
    the query awaiting an answer; readable with none waiting (the worker died, or a thread is reading
    an answer of the threads' path, or the chunks of a streamed one), it stops watching."""

    def __init__(self, worker: _Worker, loop: asyncio.AbstractEventLoop, descriptor: int) -> None:
        self.worker = worker
        self.loop = loop
        self.descriptor = descriptor
        self.answer: asyncio.Future[None] | None = None  # set and read on the loop's thread only
        self._watching = True

    def readable(self) -> None:
        if self.answer is not None:
            wake(self.answer)
        else:
            self.let_go()

    def let_go(self) -> None:
        """Stop watching (on the loop's thread); a query still awaiting the answer wakes to find the
        worker gone."""
        if self._watching:
            self._watching = False
            self.loop.remove_reader(self.descriptor)
            self.worker._unwatched(self)
        if self.answer is not None:
            wake(self.answer)

    def let_go_from_elsewhere(self) -> None:
        """`let_go` from any thread: at once on the loop's own, else by the loop when it next runs; a
        closed loop watches nothing any more."""
        if self.loop.is_closed():
            self._watching = False
            self.worker._unwatched(self)
            return
        try:
            on_loop = asyncio.get_running_loop() is self.loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            self.let_go()
            return
        try:
            self.loop.call_soon_threadsafe(self.let_go)
        except RuntimeError:  # closed meanwhile
            self._watching = False
            self.worker._unwatched(self)


class _Unsent(Exception):
    """The job could not be written to the worker: it had died (while idle), so never saw it."""


def _readable_within(descriptor: int, within_s: float) -> bool:
    """Whether `descriptor` has something to read (or its other end closed) within `within_s`, asked
    again and again without sleeping: see `_Worker.call_async`."""
    poller = select.poll()
    poller.register(descriptor, select.POLLIN)
    until = time.perf_counter() + within_s
    while time.perf_counter() < until:
        if poller.poll(0):
            return True
    return False


def _chunked(job: Job, answer: Any) -> ChunkedResult:
    if isinstance(answer, _Chunks):
        return ChunkedResult(answer.head.media_type, answer.head.truncated, answer, answer.close)
    if not isinstance(answer, SerializedResult):
        raise TypeError(f"{type(job).__name__} does not answer with a serialized result")
    return ChunkedResult.whole(answer)


def _strength(isolation: Isolation) -> int:
    return isolation.network_namespace + isolation.seccomp


def _check(deadline: float, cancel: Cancellation | None, timeout_message: str, gone: Departure | None = None) -> None:
    if (cancel is not None and cancel.is_set()) or (gone is not None and gone.done()):
        raise QueryCancelled("the client went away")
    if time.monotonic() >= deadline:
        raise QueryTimeout(timeout_message)


def _serve(jobs: Connection, answers: Connection, config: WorkerConfig) -> None:
    """The worker process: answer the jobs of one pipe on the other until the parent closes the first."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops its workers
    isolation = isolate(network_namespace=config.network_namespace, seccomp=config.seccomp)
    threading.stack_size(config.stack_bytes)
    loop = threading.Thread(target=_answer_jobs, args=(jobs, answers, config, isolation), name="query")
    loop.start()
    loop.join()


def _answer_jobs(jobs: Connection, answers: Connection, config: WorkerConfig, isolation: Isolation) -> None:
    try:
        engine = Engine(_opened(config))
    except OSError as error:
        answers.send(Failed(StoreError(f"the store at {config.database} cannot be opened: {error}")))
        return
    if config.memory_bytes is not None:
        _limit_memory(config.memory_bytes)
    answers.send(Ready(isolation))
    inbox, outbox = jobs.fileno(), answers.fileno()
    while True:
        try:
            job = read_job(receive(inbox))
        except (EOFError, OSError):
            return
        try:
            answer = engine.run(job)
        except MemoryError:
            answer = Failed(ResultTooLarge(_too_much_memory(config.memory_bytes or 0)))
        for message in answer_messages(answer):
            send(outbox, message)


def _opened(config: WorkerConfig) -> ox.Store:
    """The release's database, read-only; copied into memory if it holds at most `config.memory_quads`
    quads (counted without keeping them, so that a large release costs no more than a look)."""
    on_disk = ox.Store.read_only(str(config.database))
    if config.memory_quads <= 0:
        return on_disk
    quads = on_disk.quads_for_pattern(None, None, None, None)
    if sum(1 for _ in itertools.islice(quads, config.memory_quads + 1)) > config.memory_quads:
        return on_disk
    in_memory = ox.Store()
    in_memory.bulk_extend(on_disk.quads_for_pattern(None, None, None, None))
    return in_memory


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
