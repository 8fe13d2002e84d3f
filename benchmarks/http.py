"""HTTP: this service beside rdflib-endpoint, Oxigraph's own server and a bare FastAPI floor, in one run.

All servers run at once on 127.0.0.1, over the same release, and get the same SPARQL text (the named
queries with example parameters written in, and the raw queries); this service is also measured through
its analysts' API (`/api/queries/{name}`, parameters bound as terms). For each query and concurrency the
servers are measured one after another, so that a noisy neighbour on this shared machine hurts all of them
alike, and the ratios the targets speak of are taken within this one run. Before measuring, each server's
answer to each query is fetched once and its size (rows, or triples) compared with the others'.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from rdflib import Graph

from benchmarks import loadgen
from benchmarks.loadgen import Target
from benchmarks.peers import RELEASE_ENV
from benchmarks.servers import HOST, Server, free_port, running
from benchmarks.workload import WorkItem, build_workload
from clustergraph.release_format import DATASET_FILE

REPOSITORY = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The uvicorn settings every Python server here runs with: one process, default loop and HTTP parser,
# no access log (logging each request would measure the terminal).
UVICORN_FLAGS = ("--host", HOST, "--log-level", "warning", "--no-access-log")
FLOOR, OURS_SPARQL, OURS_API, RDFLIB, OXIGRAPH = "floor", "ours /sparql", "ours /api", "rdflib-endpoint", "oxigraph"
_FORM_ACCEPT = {"CONSTRUCT": "text/turtle", "DESCRIBE": "text/turtle"}
_JSON_RESULTS = "application/sparql-results+json"


@dataclass(frozen=True)
class HttpConfig:
    release_dir: Path
    queries_dir: Path
    work_dir: Path
    concurrencies: tuple[int, ...] = (1, 16)
    max_requests: int = 3000  # per measurement (one server, one query, one concurrency)
    max_seconds: float = 2.0  # per measurement
    examples: dict[str, list[str]] | None = None
    only_queries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Endpoint:
    """One way of asking one server: how to turn a work item into a request, if it can be asked at all."""

    name: str
    server: Server
    target: Callable[[WorkItem], Target | None]


@dataclass
class HttpRun:
    servers: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    measurements: list[dict[str, Any]] = field(default_factory=list)


def run_http(config: HttpConfig) -> dict[str, Any]:
    items, skipped = build_workload(config.queries_dir, config.examples)
    if config.only_queries:
        items = [i for i in items if i.label in config.only_queries]
    run = HttpRun()
    with ExitStack() as stack:
        endpoints = _start_servers(config, stack, run)
        for item in items:
            run.answers[item.label] = _check_answers(item, endpoints)
        _measure(config, items, endpoints, run)
    return {
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in config.__dict__.items()},
        "skipped_queries": skipped,
        "servers": run.servers,
        "missing": run.missing,
        "answers": run.answers,
        "measurements": run.measurements,
    }


# -- servers --------------------------------------------------------------------------------


def _start_servers(config: HttpConfig, stack: ExitStack, run: HttpRun) -> list[Endpoint]:
    starters: list[tuple[str, Callable[[HttpConfig, Path], Any]]] = [
        (FLOOR, start_floor),
        (OURS_SPARQL, _ours),
        (RDFLIB, start_rdflib_endpoint),
        (OXIGRAPH, start_oxigraph),
    ]
    endpoints: list[Endpoint] = []
    for name, starter in starters:
        try:
            server, extra = stack.enter_context(starter(config, config.work_dir / "logs" / f"{name.split()[0]}.log"))
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            run.missing[name] = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            continue
        run.servers[name] = {
            "base_url": server.base_url,
            "pid": server.pid,
            "startup_s": round(server.startup_s, 2),
            **extra,
        }
        endpoints += _endpoints(name, server)
    return endpoints


def _endpoints(name: str, server: Server) -> list[Endpoint]:
    base = server.base_url
    if name == FLOOR:
        return [Endpoint(FLOOR, server, lambda item: _sparql_target(f"{base}/sparql", item))]
    if name == OURS_SPARQL:
        return [
            Endpoint(OURS_SPARQL, server, lambda item: _sparql_target(f"{base}/sparql", item)),
            Endpoint(OURS_API, server, lambda item: _api_target(base, item)),
        ]
    path = "/query" if name == OXIGRAPH else "/sparql"
    return [Endpoint(name, server, lambda item: _sparql_target(f"{base}{path}", item))]


def _sparql_target(url: str, item: WorkItem) -> Target:
    return Target(f"{url}?query={quote(item.concrete_text())}", _FORM_ACCEPT.get(item.query.form, _JSON_RESULTS))


def _api_target(base: str, item: WorkItem) -> Target | None:
    if item.origin != "named":
        return None
    query = f"?{urlencode(dict(item.raw))}" if item.raw else ""
    return Target(f"{base}/api/queries/{item.name}{query}", "application/json")


def _uvicorn(app: str) -> list[str]:
    return [sys.executable, "-m", "uvicorn", app, "--factory", *UVICORN_FLAGS]


@contextmanager
def start_floor(config: HttpConfig, log: Path) -> Iterator[tuple[Server, dict[str, Any]]]:
    port = free_port()
    with running(
        FLOOR,
        [*_uvicorn("benchmarks.peers:floor_app"), "--port", str(port)],
        port=port,
        ready_path="/sparql",
        log=log,
        cwd=REPOSITORY,
    ) as server:
        yield server, {}


@contextmanager
def start_rdflib_endpoint(config: HttpConfig, log: Path) -> Iterator[tuple[Server, dict[str, Any]]]:
    port = free_port()
    command = [*_uvicorn("benchmarks.peers:rdflib_endpoint_app"), "--port", str(port)]
    with running(
        RDFLIB,
        command,
        port=port,
        ready_path="/sparql?query=ASK%7B%7D",
        log=log,
        cwd=REPOSITORY,
        env={RELEASE_ENV: str(config.release_dir.resolve())},
    ) as server:
        yield server, {"loaded_in_s": round(server.startup_s, 2)}


@contextmanager
def start_oxigraph(config: HttpConfig, log: Path) -> Iterator[tuple[Server, dict[str, Any]]]:
    """`oxigraph load` into a fresh database, then `oxigraph serve-read-only` with the union default graph."""
    location = config.work_dir / "oxigraph-db"
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(config.release_dir / DATASET_FILE)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    loaded = time.perf_counter() - started
    port = free_port()
    command = [
        str(BIN / "oxigraph"),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{HOST}:{port}",
        "--union-default-graph",
    ]
    with running(OXIGRAPH, command, port=port, ready_path="/query?query=ASK%7B%7D", log=log) as server:
        yield server, {"loaded_in_s": round(loaded, 2)}


@contextmanager
def _ours(config: HttpConfig, log: Path) -> Iterator[tuple[Server, dict[str, Any]]]:
    """The service's app (`create_app` from the environment's settings) on the embedded store, in a fresh
    folder, under the same uvicorn settings as the others (`clustergraph serve` also logs every request)."""
    store = config.work_dir / "ours-store"
    shutil.rmtree(store, ignore_errors=True)
    port = free_port()
    env = {
        "CLUSTERGRAPH_PROJECT_DIR": str(REPOSITORY),
        "CLUSTERGRAPH_RELEASE_DIR": str(config.release_dir.resolve()),
        "CLUSTERGRAPH_STORE_DIR": str(store.resolve()),
        "CLUSTERGRAPH_STORE": "embedded",
    }
    command = [*_uvicorn("clustergraph.main:app"), "--port", str(port)]
    with running(OURS_SPARQL, command, port=port, ready_path="/health", log=log, env=env, cwd=REPOSITORY) as server:
        yield server, {"loaded_in_s": round(server.startup_s, 2)}


# -- answers ----------------------------------------------------------------------------------


def _check_answers(item: WorkItem, endpoints: list[Endpoint]) -> dict[str, Any]:
    """Each server's answer once: status, size in rows or triples; `agree` says whether the sizes match."""
    answers: dict[str, Any] = {}
    for endpoint in endpoints:
        target = endpoint.target(item)
        if target is None or endpoint.name == FLOOR:
            continue
        answers[endpoint.name] = _answer_size(target, item)
    sizes = {a.get("size") for name, a in answers.items() if name != OURS_API and a.get("status") == 200}
    return {"servers": answers, "agree": len(sizes) == 1}


def _answer_size(target: Target, item: WorkItem) -> dict[str, Any]:
    try:
        response = asyncio.run(loadgen.fetch(target))
    except (TimeoutError, OSError, ValueError) as error:
        return {"status": None, "error": f"{type(error).__name__}: {error}"}
    out: dict[str, Any] = {"status": response.status, "bytes": len(response.body)}
    if response.status != 200:
        out["error"] = response.body[:300].decode("utf-8", errors="replace")
        return out
    try:
        out["size"] = _size(response.body, item, target.accept)
    except (ValueError, KeyError, SyntaxError) as error:
        out["error"] = f"unreadable answer: {error}"
    return out


def _size(body: bytes, item: WorkItem, accept: str) -> int | bool:
    if accept == "text/turtle":
        return len(Graph().parse(data=body.decode("utf-8"), format="turtle"))
    document = json.loads(body)
    if accept == "application/json":
        rows = document.get("rows", document.get("results", []))
        return len(rows) if isinstance(rows, list) else -1
    if "boolean" in document:
        return bool(document["boolean"])
    return len(document["results"]["bindings"])


# -- measuring --------------------------------------------------------------------------------


def _measure(config: HttpConfig, items: list[WorkItem], endpoints: list[Endpoint], run: HttpRun) -> None:
    floor = [e for e in endpoints if e.name == FLOOR]
    others = [e for e in endpoints if e.name != FLOOR]
    for concurrency in config.concurrencies:
        if floor and items:
            run.measurements.append(_one(config, floor[0], items[0], concurrency, query="(constant)"))
        for item in items:
            for endpoint in others:
                if endpoint.target(item) is not None:
                    run.measurements.append(_one(config, endpoint, item, concurrency, query=item.label))


def _one(config: HttpConfig, endpoint: Endpoint, item: WorkItem, concurrency: int, *, query: str) -> dict[str, Any]:
    target = endpoint.target(item)
    assert target is not None
    result = loadgen.run_load(
        target, concurrency=concurrency, max_requests=config.max_requests, max_seconds=config.max_seconds
    )
    return {"server": endpoint.name, "query": query, **result.summary()}
