"""What every HTTP answer carries and what is counted about it, in one pass over the answer's start:

- an id for the request (`X-Request-Id`, and `request.state.request_id` for the error answers and
  the log), 16 random hex digits: from `random`, which the OS's random source seeds at start (and
  again in a forked child), rather than from the OS for each request, a system call every time;
- the release version that answered (`api.release_tag`): the one the store noted while running the
  request's queries, else the one it serves now;
- its route template, status and time, from its start to the last byte of its answer, in the metrics.

One middleware rather than three: each layer of an ASGI stack wraps `send` in another coroutine and
runs on every request, which on a cheap `/sparql` query is a measurable share of the server's time
(benchmarks/README.md, "The /sparql shortcut").
"""

from __future__ import annotations

import random
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clustergraph.api.errors import REQUEST_ID_HEADER
from clustergraph.api.metrics import Metrics
from clustergraph.api.release_tag import release_digest, release_headers
from clustergraph.store.served import ServedRelease

_REQUEST_ID = REQUEST_ID_HEADER.lower().encode("ascii")
_ETAG = b"etag"


class StampsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        identifier = f"{random.getrandbits(64):016x}"
        scope.setdefault("state", {})["request_id"] = identifier
        status = 500

        async def stamped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", ()), (_REQUEST_ID, identifier.encode("ascii"))]
                # the version that answered; for an answer that needed no query, the one in use
                digest = served.get("digest") or release_digest(getattr(scope["app"].state, "store", None))
                if digest is not None and _ETAG not in {name.lower() for name, _ in headers}:
                    headers.extend(release_headers(digest))
                message["headers"] = headers  # the message is the sender's to give away, as ASGI middlewares do
            await send(message)

        try:
            with ServedRelease() as served:
                await self.app(scope, receive, stamped)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - started)
