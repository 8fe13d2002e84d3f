"""Running a coroutine to the end on an event loop of its own, in a thread of its own: the browser
tests keep Playwright's loop running in the main thread for the whole session, where `asyncio.run`
would refuse to start another. Imported by the tests beside it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def on_fresh_loop(coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(lambda: asyncio.run(coroutine())).result()
