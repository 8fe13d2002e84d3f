"""A pool's free slots, handed out first come, first served, to threads that block and to coroutines
that await alike.

Of the free slots, the one given back last is taken first: under light load one worker answers
query after query with its caches warm, instead of the pool's workers taking turns. Taking turns
cost a `/sparql` worker 170 µs of CPU per type lookup against 100 µs, and the server process 76 against
61 µs (sequential queries through the embedded store; benchmarks/README.md, "Speed as shipped").

The API's pool is used from threads (its callers block); the `/sparql` pool from the event loop, so
that a query costs no thread-pool hop (`WorkerPool.stream_async`). Both wait here when every worker
is busy. A slot given back goes straight to the longest waiter, or onto the free list if nobody
waits. A waiter that gives up (its deadline passed, its client left) is skipped; one that gives up
just as a slot reaches it hands that slot on, so that no slot is ever lost.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

from clustergraph.store.watch import Watches

S = TypeVar("S")


class Slots(Generic[S]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: deque[S] = deque()
        self._waiting: deque[_Handoff[S]] = deque()
        self._watches = Watches()

    def put(self, slot: S) -> None:
        with self._lock:
            while self._waiting:
                if self._waiting.popleft().offer(slot):
                    return
            self._free.append(slot)

    def take(self, poll_s: float, check: Callable[[], None]) -> S:
        """A slot, blocking; `check()` runs every `poll_s` while waiting and may raise to give up."""
        handoff = self._wait_in_line(None)
        if not isinstance(handoff, _Handoff):
            return handoff
        assert handoff.arrived is not None
        try:
            while not handoff.arrived.wait(poll_s):
                check()
        except BaseException:
            self._leave(handoff)
            raise
        return handoff.slot()

    async def take_async(self, poll_s: float, check: Callable[[], None]) -> S:
        """A slot, awaited on the running loop; `check()` as for `take` (by the loop's `Watch`)."""
        loop = asyncio.get_running_loop()
        handoff = self._wait_in_line(loop)
        if not isinstance(handoff, _Handoff):
            return handoff
        assert handoff.future is not None
        watch = self._watches.of(loop, poll_s)
        watch.enter(handoff.future, check)
        try:
            await handoff.future
        except BaseException:  # given up, or the request itself was cancelled
            self._leave(handoff)
            raise
        finally:
            watch.leave(handoff.future)
        return handoff.slot()

    def sole_taken(self, size: int) -> bool:
        """Whether one of `size` slots is taken and nobody waits for one: read without the lock, a
        hint for the taker, not a promise."""
        return len(self._free) == size - 1 and not self._waiting

    def drain(self) -> list[S]:
        """Every free slot, taken at once."""
        with self._lock:
            free, self._free = list(self._free), deque()
        return free

    def free(self) -> list[S]:
        """The free slots now (a copy)."""
        with self._lock:
            return list(self._free)

    def _wait_in_line(self, loop: asyncio.AbstractEventLoop | None) -> S | _Handoff[S]:
        with self._lock:
            if self._free:
                return self._free.pop()
            handoff: _Handoff[S] = _Handoff(loop)
            self._waiting.append(handoff)
            return handoff

    def _leave(self, handoff: _Handoff[S]) -> None:
        """Leave the line; a slot that reached the waiter meanwhile is passed on."""
        if not handoff.abandon():
            self.put(handoff.slot())


class _Handoff(Generic[S]):
    """One waiter's place in line: a slot is offered once, or the waiter abandons it first."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._lock = threading.Lock()
        self._open = True
        self._slot: list[S] = []
        self._loop = loop
        self._loop_thread = threading.get_ident()  # a coroutine's handoff is made on its loop's thread
        # a thread waits on an event, a coroutine on a future of its loop
        self.arrived = threading.Event() if loop is None else None
        self.future: asyncio.Future[None] | None = loop.create_future() if loop is not None else None

    def offer(self, slot: S) -> bool:
        """True if the waiter gets `slot`; False if it had given up (or its loop is gone)."""
        with self._lock:
            if not self._open:
                return False
            self._open = False
            self._slot.append(slot)  # before the waiter can wake and read it
            if self._loop is not None and threading.get_ident() == self._loop_thread:
                wake(self.future)  # given back on the loop itself (the /sparql pool): no wake-up call
            elif self._loop is not None:
                try:
                    self._loop.call_soon_threadsafe(wake, self.future)
                except RuntimeError:  # the loop is closed: nobody is left to take it
                    self._slot.clear()
                    return False
        if self.arrived is not None:
            self.arrived.set()
        return True

    def abandon(self) -> bool:
        """True if no slot had arrived: the waiter leaves the line empty-handed."""
        with self._lock:
            if self._open:
                self._open = False
                return True
            return False

    def slot(self) -> S:
        return self._slot[0]


def wake(future: asyncio.Future[None] | None) -> None:
    """Complete `future` unless it is done (a loop callback: a waiter may have been cancelled meanwhile)."""
    if future is not None and not future.done():
        future.set_result(None)
