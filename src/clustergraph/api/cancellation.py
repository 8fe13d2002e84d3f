"""Running a store call so that a client that disconnects stops its query.

The store's calls block, so they run on a thread; meanwhile the request's ASGI channel is watched,
and when the client goes away the query's `cancel` event is set, which makes the store kill the
worker running it (`store/worker.py`) instead of finishing work nobody will read.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from clustergraph.errors import QueryCancelled

T = TypeVar("T")


async def run_cancellable(request: Request, call: Callable[[], T], cancel: threading.Event) -> T:
    """`call()` on a thread; QueryCancelled (after setting `cancel`) if the client disconnects first."""
    work = asyncio.ensure_future(run_in_threadpool(call))
    watch = asyncio.ensure_future(_disconnected(request))
    try:
        done, _ = await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        if not work.done():
            cancel.set()
    if work not in done:
        await asyncio.wait({work})
        work.exception()  # whatever the stopped call raised, nobody is listening
        raise QueryCancelled("the client disconnected; its query was stopped")
    return work.result()


async def _disconnected(request: Request) -> None:
    """Return once the client has gone (the request body must have been read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
