"""Running a store call so that a client that disconnects stops its query.

While the query runs, the request's ASGI channel is watched, and when the client goes away the query
is stopped: the store kills the worker running it (`store/worker.py`) instead of finishing work
nobody will read. A store that can await its workers on the event loop (`StreamsOnLoop`, the
embedded store) is awaited there directly; any other store's blocking call runs on a thread, and
its `cancel` event is set when the client leaves.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cache, partial
from typing import Any, TypeVar, cast

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from clustergraph.errors import QueryCancelled
from clustergraph.store.base import Cancellation, ChunkedResult, GraphStore, QueryRequest, StreamsOnLoop

T = TypeVar("T")
_GONE = "the client disconnected; its query was stopped"


async def stream_cancellable(
    request: Request, store: GraphStore, query: QueryRequest, media_type: str, cancel: Cancellation
) -> ChunkedResult:
    """`store.stream(query, media_type)`, as `run_cancellable` runs it; `query.cancel` must be `cancel`."""
    if not _streams_on_loop(type(store)):
        return await run_cancellable(request, partial(store.stream, query, media_type), cancel)
    gone = _Departure(request)
    try:
        return await cast(StreamsOnLoop, store).stream_async(query, media_type, gone)
    except QueryCancelled:
        cancel.set()
        raise QueryCancelled(_GONE) from None
    finally:
        gone.close()


class _Departure:
    """Whether the client has left, watched from the first time anyone asks: the store asks only
    while a query waits or runs past its first poll (50 ms), so a quicker query costs no watcher."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self._watch: asyncio.Future[None] | None = None

    def done(self) -> bool:
        if self._watch is None:
            self._watch = asyncio.ensure_future(_disconnected(self._request))
        return self._watch.done()

    def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()


async def run_cancellable(request: Request, call: Callable[[], T], cancel: Cancellation) -> T:
    """`call()` on a thread; QueryCancelled (after setting `cancel`) if the client disconnects first."""
    async with _watching(request) as gone:
        work = asyncio.ensure_future(run_in_threadpool(call))
        try:
            waits: set[asyncio.Future[Any]] = {work, gone}
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not work.done():
                cancel.set()
        if work not in done:
            await asyncio.wait({work})
            work.exception()  # whatever the stopped call raised, nobody is listening
            raise QueryCancelled(_GONE)
        return work.result()


@cache
def _streams_on_loop(store_class: type) -> bool:
    """Asked once per class: checking a protocol at every request costs more than the check is worth."""
    return issubclass(store_class, StreamsOnLoop)


@asynccontextmanager
async def _watching(request: Request) -> AsyncIterator[asyncio.Future[None]]:
    """A future that completes when the client has gone (the request body must have been read)."""
    watch = asyncio.ensure_future(_disconnected(request))
    try:
        yield watch
    finally:
        watch.cancel()


async def _disconnected(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass
