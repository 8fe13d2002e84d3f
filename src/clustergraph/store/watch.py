"""One timer per event loop for every wait on it that must give up in time.

A query awaited on the loop (its turn for a worker, then the worker's answer) must still be stopped at
its deadline and when its client leaves, looked at every `poll_s`. A timer of its own per wait (a
`call_later`, a second future and its callbacks) is work for every query, most of which end long
before their first poll. (With it gone and the pipe's messages made cheaper, `wire.py`, the server's
CPU per type lookup fell from 124 to 84 µs: `benchmarks/server_cost.py`, benchmarks/README.md, "A
cheaper trip through the store".) So the waits on one loop are entered
in one `Watch`, whose single timer ticks every `poll_s` while any wait is in it: at each tick it runs
the `check` of every wait entered before the previous tick (so a wait is first looked at between one
and two polls after it began, and a quick query is never looked at), and a check that raises fails
that wait's future with the error, which the awaiting coroutine then raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

Check = Callable[[], None]


class Watch:
    """The waits on `loop` (see the module docstring); used only from that loop's thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, poll_s: float) -> None:
        self.loop = loop
        self.poll_s = poll_s
        self._fresh: dict[asyncio.Future[None], Check] = {}  # entered since the last tick
        self._waiting: dict[asyncio.Future[None], Check] = {}  # looked at at every tick
        self._timer: asyncio.TimerHandle | None = None

    def enter(self, future: asyncio.Future[None], check: Check) -> None:
        self._fresh[future] = check
        if self._timer is None:
            self._timer = self.loop.call_later(self.poll_s, self._tick)

    def leave(self, future: asyncio.Future[None]) -> None:
        if self._fresh.pop(future, None) is None:
            self._waiting.pop(future, None)

    def _tick(self) -> None:
        self._timer = None
        for future, check in list(self._waiting.items()):
            if future.done():
                continue
            try:
                check()
            except Exception as error:  # handed to the waiter, which raises it
                self._waiting.pop(future, None)
                future.set_exception(error)
        self._waiting.update(self._fresh)
        self._fresh.clear()
        if self._waiting:
            self._timer = self.loop.call_later(self.poll_s, self._tick)


class Watches:
    """The `Watch` of the running loop for one owner (a pool, its slots): a new loop gets a new one."""

    def __init__(self) -> None:
        self._current: Watch | None = None

    def of(self, loop: asyncio.AbstractEventLoop, poll_s: float) -> Watch:
        watch = self._current
        if watch is None or watch.loop is not loop or watch.poll_s != poll_s:
            watch = self._current = Watch(loop, poll_s)
        return watch
