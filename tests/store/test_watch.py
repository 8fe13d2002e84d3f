"""One timer per loop looks after every wait on it: a wait whose check raises is failed with that error,
a wait that ends within its first poll is never checked, and the timer stops once nothing waits."""

from __future__ import annotations

import asyncio

import pytest
from fresh_loop import on_fresh_loop

from clustergraph.errors import QueryTimeout
from clustergraph.store.watch import Watch, Watches

POLL_S = 0.01


def test_a_wait_whose_check_raises_gets_the_error_and_the_others_wait_on() -> None:
    checked: list[str] = []

    def patient() -> None:
        checked.append("patient")

    def impatient() -> None:
        checked.append("impatient")
        raise QueryTimeout("waited too long")

    async def run() -> bool:
        watch = Watch(asyncio.get_running_loop(), POLL_S)
        first: asyncio.Future[None] = watch.loop.create_future()
        second: asyncio.Future[None] = watch.loop.create_future()
        watch.enter(first, impatient)
        watch.enter(second, patient)
        with pytest.raises(QueryTimeout, match="waited too long"):
            await first
        watch.leave(first)
        await asyncio.sleep(POLL_S * 3)
        done = second.done()
        watch.leave(second)
        return done

    assert on_fresh_loop(run) is False
    assert checked.count("impatient") == 1 and checked.count("patient") >= 2


def test_a_quick_wait_is_never_checked_and_the_timer_stops() -> None:
    checked: list[int] = []

    async def run() -> bool:
        watch = Watch(asyncio.get_running_loop(), POLL_S)
        for _ in range(100):
            future: asyncio.Future[None] = watch.loop.create_future()
            watch.enter(future, lambda: checked.append(1))
            watch.loop.call_soon(future.set_result, None)
            await future
            watch.leave(future)
        await asyncio.sleep(POLL_S * 3)
        return watch._timer is None

    assert on_fresh_loop(run) is True
    assert checked == []


def test_each_loop_gets_a_watch_of_its_own() -> None:
    watches = Watches()

    async def watch_of_this_loop() -> tuple[Watch, Watch]:
        loop = asyncio.get_running_loop()
        return watches.of(loop, POLL_S), watches.of(loop, POLL_S)

    first, again = on_fresh_loop(watch_of_this_loop)
    other, _ = on_fresh_loop(watch_of_this_loop)
    assert first is again and other is not first
