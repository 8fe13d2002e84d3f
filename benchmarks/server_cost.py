"""`python -m benchmarks.server_cost`: the server process's CPU per `/sparql` query, layer by layer.

wrk's figures (`benchmarks.speed`, `benchmarks.process_hop`) say how fast the whole service is; this
says where the server process spends its share, without HTTP and without wrk's noise: the type
lookup is sent, one request after another, straight into the app on uvloop (as uvicorn runs it),
and the process's CPU time is divided by the requests. Each layer is entered on its own, so the
difference between two rows is what the outer one adds:

- `app`: the whole ASGI app, as uvicorn calls it (middlewares, the `/sparql` shortcut, the route);
- `app, instant store`: the same app in front of a store that hands back the type lookup's answer at
  once, with no worker: what the app's own layers cost the server, apart from the trip to a worker;
- `route`: the `/sparql` GET endpoint and its response, called with a request object;
- `store`: the embedded store's `stream_async`, the query as the route hands it over;
- `process hop`: `benchmarks.process_hop`'s bare app on its own workers, the bound of the design;
- `percent-decoding the query string`: the URL's parameters decoded afresh, which the route now
  remembers per query string.

The time the server waits for its query workers is not CPU, except where it waits without sleeping:
a query sent one after another is alone in the server, so the `app` and `route` rows include the
wait for its answer (`answer_spin_us`); the `store` row's query is not marked alone, and does not.
The workers' own CPU (user and system, from `/proc/<pid>/stat`, in clock ticks: 10 ms on most Linux,
so a round of 2,000 requests reads it to about 5 µs a request) is printed beside each layer that
reaches them, for ours and for the process hop's workers: a worker's share of a query (receiving the
job, evaluating, serializing the answer within its limits, sending it) without wrk or HTTP. The best
of `--rounds` rounds of `--requests` each is printed, in µs per request; the two CPU figures of a
row are the same round's.

    .venv/bin/python -m benchmarks.server_cost --release release
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import uvloop
from starlette.requests import Request

from benchmarks.process_hop import RELEASE_ENV, TYPE_LOOKUP, HopApp
from clustergraph.api.app import create_app
from clustergraph.api.routes.sparql import SPARQL_PATH, _decoded_url_params, sparql_get
from clustergraph.settings import Settings
from clustergraph.store.base import ChunkedResult, Departure, QueryRequest, SerializedResult
from clustergraph.store.embedded import EmbeddedStore
from clustergraph.store.formats import SPARQL_JSON

Message = MutableMapping[str, Any]
Call = Callable[[], Awaitable[None]]
BASE = "http://127.0.0.1:8000"
_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _scope(app: object, query_string: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": SPARQL_PATH,
        "raw_path": SPARQL_PATH.encode(),
        "query_string": query_string,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", SPARQL_JSON.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "app": app,
        "state": {},
    }


def _answered(statuses: list[int]) -> Callable[[Message], Awaitable[None]]:
    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    return send


class _InstantStore:
    """In the store's place: the answer it is given, at once, for every query; no worker."""

    release_digest = "0" * 16  # what the answers' release headers name

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def stream_async(
        self, request: QueryRequest, media_type: str, gone: Departure | None = None
    ) -> ChunkedResult:
        return ChunkedResult.whole(SerializedResult(self._body, media_type))


def _ticks(pids: Sequence[int]) -> int:
    """The CPU the processes `pids` have used so far (user and system), in clock ticks."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()  # after the command, which may hold spaces
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total


async def _cpu_us(call: Call, requests: int, workers: Callable[[], Sequence[int]]) -> tuple[float, float]:
    """(this process's CPU, the workers' CPU) per request, in µs."""
    for _ in range(min(200, requests)):  # warm: caches, the LRU of parsed queries, the workers
        await call()
    pids = workers()
    ticks, started = _ticks(pids), time.process_time()
    for _ in range(requests):
        await call()
    server = (time.process_time() - started) / requests * 1e6
    return server, (_ticks(pids) - ticks) / _TICKS_PER_S / requests * 1e6


async def measure(release: Path, rounds: int, requests: int) -> dict[str, tuple[float, float]]:
    os.environ[RELEASE_ENV] = str(release.resolve())
    text = TYPE_LOOKUP.read_text(encoding="utf-8")
    query_string = ("query=" + quote(text)).encode()
    hop_text = "\n".join(line for line in text.splitlines() if not line.startswith("#+"))
    hop_query_string = ("query=" + quote(hop_text)).encode()
    statuses: list[int] = []
    send = _answered(statuses)
    with tempfile.TemporaryDirectory(prefix="server-cost-") as work:
        app = create_app(Settings(release_dir=release, store_dir=Path(work) / "store"))
        hop = HopApp()
        hop.start()

        async def whole_app() -> None:
            await app(_scope(app, query_string), _receive, send)

        instant = create_app(Settings(release_dir=release, store_dir=Path(work) / "unused"))  # no lifespan: no store

        async def instant_app() -> None:
            await instant(_scope(instant, query_string), _receive, send)

        async def route() -> None:
            scope = _scope(app, query_string)
            response = await sparql_get(Request(scope, _receive))
            await response(scope, _receive, send)

        async def store() -> None:
            embedded: EmbeddedStore = app.state.store
            request = QueryRequest(text, cancel=threading.Event(), base_iri=f"{BASE}{SPARQL_PATH}")
            result = await embedded.stream_async(request, SPARQL_JSON)
            assert result.body is not None, "the type lookup's answer comes whole"

        async def process_hop() -> None:
            await hop(_scope(hop, hop_query_string), _receive, send)

        async def decoding() -> None:  # what the route remembers per query string (`_url_params`)
            _decoded_url_params(query_string)

        def ours() -> list[int]:
            embedded: EmbeddedStore = app.state.store
            return embedded.worker_pids()

        def none() -> list[int]:
            return []

        layers: dict[str, tuple[Call, Callable[[], Sequence[int]]]] = {
            "app": (whole_app, ours),
            "app, instant store": (instant_app, none),
            "route": (route, ours),
            "store": (store, ours),
            "process hop": (process_hop, lambda: hop.pids),
            "percent-decoding the query string": (decoding, none),
        }
        best: dict[str, tuple[float, float]] = {}
        async with app.router.lifespan_context(app):
            answer = await app.state.store.stream_async(
                QueryRequest(text, base_iri=f"{BASE}{SPARQL_PATH}"), SPARQL_JSON
            )
            assert answer.body is not None, "the type lookup's answer comes whole"
            instant.state.store = _InstantStore(answer.body)
            for _ in range(rounds):  # interleaved, so that a noisy moment spreads over all of them
                for name, (call, pids) in layers.items():
                    measured = await _cpu_us(call, requests, pids)
                    best[name] = min(best.get(name, measured), measured)
    assert set(statuses) == {200}, f"answers other than 200: {sorted(set(statuses))}"
    return {name: (round(server, 1), round(workers, 1)) for name, (server, workers) in best.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--release", type=Path, default=Path("release"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    print("server CPU  workers' CPU  (µs per request, the best round by server CPU)")
    for name, (server, workers) in uvloop.run(measure(args.release, args.rounds, args.requests)).items():
        print(f"{server:10.1f}  {workers:12.1f}  {name}")


if __name__ == "__main__":
    main()
