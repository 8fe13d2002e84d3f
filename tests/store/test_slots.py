"""A pool's free slots: waiters served first come, first served, threads and coroutines alike; a free
slot taken is the one given back last; none lost when a waiter gives up or is cancelled."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from fresh_loop import on_fresh_loop

from clustergraph.errors import QueryTimeout
from clustergraph.store.slots import Slots

POLL_S = 0.01


def never() -> None:
    """A waiter that never gives up."""


def give_up() -> None:
    raise QueryTimeout("gave up")


def test_a_free_slot_is_taken_at_once_by_a_thread_and_by_a_coroutine() -> None:
    slots: Slots[str] = Slots()
    slots.put("a")
    slots.put("b")
    assert slots.take(POLL_S, never) == "b"
    assert on_fresh_loop(lambda: slots.take_async(POLL_S, never)) == "a"
    assert slots.free() == []


def test_a_slot_is_the_sole_one_taken_only_while_no_other_is_taken_or_waited_for() -> None:
    """What lets a pool's one query wait for its answer without yielding the loop (`WorkerPool`)."""
    slots: Slots[str] = Slots()
    slots.put("a")
    slots.put("b")
    assert not slots.sole_taken(2)
    first = slots.take(POLL_S, never)
    assert slots.sole_taken(2)
    second = slots.take(POLL_S, never)
    assert not slots.sole_taken(2)
    waiter = threading.Thread(target=lambda: slots.take(POLL_S, never))
    waiter.start()
    while not slots._waiting:  # the waiter has joined the line
        time.sleep(POLL_S)
    slots.put(second)  # goes to the waiter: two taken again
    waiter.join()
    assert not slots.sole_taken(2)
    slots.put(first)
    assert slots.sole_taken(2)


def test_the_free_slot_given_back_last_is_taken_first() -> None:
    """One client's queries in a row go to the same worker, whose caches are still warm."""
    slots: Slots[str] = Slots()
    for name in ("a", "b", "c"):
        slots.put(name)
    taken = [slots.take(POLL_S, never) for _ in range(2)]
    assert taken == ["c", "b"]
    slots.put("c")
    assert slots.take(POLL_S, never) == "c"
    assert slots.free() == ["a"]


def test_a_slot_given_back_goes_to_the_longest_waiter_thread_or_coroutine() -> None:
    slots: Slots[int] = Slots()
    served: list[tuple[str, int]] = []

    async def coroutine() -> None:
        served.append(("coroutine", await slots.take_async(POLL_S, never)))

    def loop() -> None:
        asyncio.run(coroutine())

    waiter = threading.Thread(target=lambda: served.append(("thread", slots.take(POLL_S, never))))
    waiter.start()
    time.sleep(0.2)  # the thread is in line first
    other = threading.Thread(target=loop)
    other.start()
    time.sleep(0.2)
    slots.put(1)
    slots.put(2)
    waiter.join(10)
    other.join(10)
    assert dict(served) == {"thread": 1, "coroutine": 2}  # in the order they waited, whoever woke first
    assert slots.free() == []


@pytest.mark.parametrize("side", ["thread", "coroutine"])
def test_a_waiter_that_gives_up_leaves_the_line_and_loses_no_slot(side: str) -> None:
    slots: Slots[int] = Slots()
    with pytest.raises(QueryTimeout):
        if side == "thread":
            slots.take(POLL_S, give_up)
        else:
            on_fresh_loop(lambda: slots.take_async(POLL_S, give_up))
    slots.put(7)
    assert slots.free() == [7]


def test_a_cancelled_coroutine_loses_no_slot() -> None:
    slots: Slots[int] = Slots()

    async def run() -> None:
        waiting = asyncio.ensure_future(slots.take_async(POLL_S, never))
        await asyncio.sleep(0.05)
        slots.put(3)  # offered, and the waiter cancelled before it wakes
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    on_fresh_loop(run)
    assert slots.free() == [3]
    assert slots.drain() == [3] and slots.free() == []
