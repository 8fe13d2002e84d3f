"""`python -m benchmarks.process_hop`: the fastest a query can be answered by another process, beside the floor.

Issue 8 asks for the type lookup at half the constant-FastAPI floor's throughput (16 connections) and within
twice its p50 (one connection), while item 1 wants every untrusted query evaluated in a separate, killable
process. This measures what that second requirement alone costs, with nothing of ours in the way: a bare
ASGI app under the same uvicorn (no framework, no middleware, no guard, no limits) hands the query text to
one of two worker processes over a pipe, awaits the answer on the event loop, and returns the worker's
SPARQL JSON; each worker holds the release in an in-memory pyoxigraph store and does nothing else. Its
ratios to the floor bound every design with a process hop on this machine: if this lean app misses a
target, so must the service.

    .venv/bin/python -m benchmarks.process_hop --release release --rounds 5 --seconds 3

Prints one JSON object: per round and server, wrk's throughput at 16 connections and p50 at one, then
the medians and the two ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import ExitStack
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from benchmarks.servers import HOST, free_port, running
from benchmarks.speed import ours_as_shipped, settle, wrk
from clustergraph.release_format import DATASET_FILE

RELEASE_ENV = "CLUSTERGRAPH_BENCH_RELEASE"
WORKERS = 2
TYPE_LOOKUP = Path(__file__).parent / "queries" / "speed" / "type-lookup.rq"
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _worker(connection: Connection, dataset: str) -> None:
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=dataset, format=ox.RdfFormat.N_QUADS)
    while True:
        try:
            query = connection.recv_bytes().decode("utf-8")
        except EOFError:  # the app is gone
            return
        answer = store.query(query, use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions)
        connection.send_bytes(answer.serialize(format=ox.QueryResultsFormat.JSON) or b"")


class HopApp:
    """GET /sparql?query=…: the query to a free worker's pipe, its answer back; nothing else."""

    def __init__(self) -> None:
        self._free: list[Connection] = []
        self._waiting: list[asyncio.Future[Connection]] = []
        self.pids: list[int] = []  # its workers' (for `server_cost.py`, which times their CPU)

    def start(self) -> None:
        dataset = str(Path(os.environ[RELEASE_ENV]) / DATASET_FILE)
        context = multiprocessing.get_context("spawn")
        for _ in range(WORKERS):
            ours, theirs = context.Pipe()
            process = context.Process(target=_worker, args=(theirs, dataset), daemon=True)
            process.start()
            self.pids.append(process.pid or 0)
            self._free.append(ours)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await receive()
            self.start()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        query = _query_parameter(scope["query_string"])
        connection = await self._take()
        try:
            answer = await _round_trip(connection, query)
        finally:
            self._give_back(connection)
        headers = [(b"content-type", b"application/sparql-results+json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    async def _take(self) -> Connection:
        if self._free:
            return self._free.pop()
        waiter: asyncio.Future[Connection] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        return await waiter

    def _give_back(self, connection: Connection) -> None:
        if self._waiting:
            self._waiting.pop(0).set_result(connection)
        else:
            self._free.append(connection)


async def _round_trip(connection: Connection, query: bytes) -> bytes:
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(connection.fileno(), wake)
    try:
        connection.send_bytes(query)
        await ready
    finally:
        loop.remove_reader(connection.fileno())
    return connection.recv_bytes()


def _query_parameter(query_string: bytes) -> bytes:
    return parse_qs(query_string.decode("ascii"))["query"][0].encode("utf-8")


def hop_app() -> HopApp:
    return HopApp()


def _uvicorn(target: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def measure(release: Path, rounds: int, seconds: int, work: Path) -> dict[str, Any]:
    query = TYPE_LOOKUP.read_text(encoding="utf-8")
    query = "\n".join(line for line in query.splitlines() if not line.startswith("#+"))
    path = f"/sparql?query={quote(query)}"
    env = {RELEASE_ENV: str(release.resolve())}
    results: dict[str, list[dict[str, float | None]]] = {"floor": [], "process hop": [], "ours": []}
    targets = {"floor": "benchmarks.peers:floor_app", "process hop": "benchmarks.process_hop:hop_app"}
    ports = {name: free_port() for name in targets}
    logs = {"floor": work / "floor.log", "process hop": work / "hop.log"}
    with ExitStack() as stack:
        servers = [
            stack.enter_context(
                running(name, _uvicorn(target, ports[name]), port=ports[name], ready_path=path, log=logs[name], env=env)
            )
            for name, target in targets.items()
        ]
        servers.append(stack.enter_context(ours_as_shipped(release, work)))
        for index in range(rounds):
            for server in servers[index % 3 :] + servers[: index % 3]:
                many = wrk(server.base_url + path, connections=16, seconds=seconds)
                settle(os.getpgid(server.pid))
                one = wrk(server.base_url + path, connections=1, seconds=seconds)
                results[server.name].append({"c16_rps": many.rps, "c1_p50_ms": one.p50_ms})
    medians = {
        name: {key: statistics.median(float(run[key] or 0) for run in runs) for key in ("c16_rps", "c1_p50_ms")}
        for name, runs in results.items()
    }
    return {
        "load_average": os.getloadavg(),
        "rounds": results,
        "medians": medians,
        "against the floor": {
            name: {
                "throughput": round(medians[name]["c16_rps"] / medians["floor"]["c16_rps"], 3),
                "p50": round(medians[name]["c1_p50_ms"] / medians["floor"]["c1_p50_ms"], 2),
            }
            for name in ("process hop", "ours")
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--release", type=Path, default=Path("release"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("build/process-hop"))
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.release, args.rounds, args.seconds, args.work), indent=2))


if __name__ == "__main__":
    main()
