"""Bounded resources, through the service as deployed (uvicorn on 127.0.0.1): an answer of 100 MB
is cut at the byte limit while the server process stays small; each client may run only so many
queries at once; a slow request body and an idle keep-alive connection are cut off."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from served import LiveServer, live_server

from clustergraph.api.limits import ClientSlots
from clustergraph.errors import TooManyQueries
from clustergraph.settings import Settings

pytestmark = pytest.mark.slow

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(7)) + " }"
GROWTH_LIMIT_KB = 64 * 1024
BODY_TIMEOUT_S = 1
KEEP_ALIVE_S = 1


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(
        tmp_path_factory.mktemp("bounds"),
        query_timeout_s=120,
        max_queries_per_client=1,
        body_timeout_s=BODY_TIMEOUT_S,
        keep_alive_s=KEEP_ALIVE_S,
    ) as live:
        yield live


def test_a_100_mb_answer_is_cut_at_the_byte_limit_while_the_server_stays_small(
    server: LiveServer, huge_answer_query: str
) -> None:
    limit = Settings().max_answer_bytes
    for _ in range(3):  # whatever the first requests load lazily is loaded before measuring
        httpx.get(f"{server.base}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}).raise_for_status()
    before_kb = server.memory_kb("VmRSS")
    body = bytearray()
    headers = {"Accept": "application/sparql-results+json"}
    query = {"query": huge_answer_query}
    with httpx.stream("POST", f"{server.base}/sparql", data=query, headers=headers, timeout=120) as response:
        assert response.status_code == 200
        assert response.headers["X-Clustergraph-Truncated"] == "true"
        for chunk in response.iter_bytes():
            body += chunk
    peak_kb = server.memory_kb("VmHWM")
    assert limit // 2 < len(body) <= limit
    answer = json.loads(body)
    assert answer["truncated"] is True
    assert 0 < len(answer["results"]["bindings"]) < 10_000
    assert len(answer["results"]["bindings"][0]["c10"]["value"]) == 10 * 2**10
    assert peak_kb - before_kb < GROWTH_LIMIT_KB, f"the server grew by {(peak_kb - before_kb) // 1024} MB"


def test_a_client_may_run_only_so_many_queries_at_once(server: LiveServer) -> None:
    def runaway() -> None:
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{server.base}/sparql", params={"query": RUNAWAY}, timeout=5)

    client = threading.Thread(target=runaway)
    client.start()
    for _ in range(500):  # until the runaway query is running (/health takes no client's place)
        if httpx.get(f"{server.base}/health").json()["pools"]["sparql"]["busy"]:
            break
        time.sleep(0.01)
    response = httpx.get(f"{server.base}/sparql", params={"query": "ASK {}"})
    assert response.status_code == 429
    assert response.json()["error"] == "TooManyQueries"
    assert response.headers["Retry-After"] == "1"
    client.join()
    for _ in range(500):  # once the client gave up, its place is free again
        if httpx.get(f"{server.base}/sparql", params={"query": "ASK {}"}).status_code == 200:
            break
        time.sleep(0.01)
    else:
        pytest.fail("the client's place was never given back")


def test_a_body_that_does_not_arrive_in_time_is_refused(server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK"
        )
        answer = _read_all(connection)
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_an_idle_keep_alive_connection_is_closed(server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=KEEP_ALIVE_S * 20) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = _read_all(connection)
    assert answer.startswith(b"HTTP/1.1 200 ")


def _read_all(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (the socket's timeout bounds the wait)."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def test_beyond_the_connection_limit_the_server_answers_503(tmp_path: Path) -> None:
    with live_server(tmp_path, max_connections=2) as small:  # uvicorn refuses at the limit: 2 means 1
        with socket.create_connection(("127.0.0.1", small.port), timeout=30) as idle:
            idle.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert idle.recv(65536).startswith(b"HTTP/1.1 200 ")  # and the connection stays open
            assert httpx.get(f"{small.base}/health").status_code == 503
        for _ in range(500):  # once that connection has closed, there is room again
            if httpx.get(f"{small.base}/health").status_code == 200:
                break
            time.sleep(0.01)
        else:
            pytest.fail("the server never took a connection again")


def test_the_queries_running_are_counted_over_every_client() -> None:
    """What tells the store that a query is alone in the server (`QueryRequest.alone`)."""
    slots = ClientSlots(per_client=2)
    first = slots.take("10.0.0.1")
    assert slots.running() == 1
    second, third = slots.take("10.0.0.1"), slots.take("10.0.0.2")
    assert slots.running() == 3
    with pytest.raises(TooManyQueries):
        slots.take("10.0.0.1")
    assert slots.running() == 3  # a refused query is not counted
    second()
    second()  # given back twice: counted once
    first()
    assert slots.running() == 1
    third()
    assert slots.running() == 0
