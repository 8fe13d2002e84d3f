"""No client's query makes the service open a connection, in any deployment: a real server, started
where the kernel refuses network namespaces (simulated: the server is told not to use them), meets
the bypasses that once fetched a local URL; one that can isolate its workers by no means refuses to
evaluate clients' SPARQL at all, and says so, while its own pages keep working."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from served import served

pytestmark = pytest.mark.slow


@pytest.fixture
def canary() -> Iterator[socket.socket]:
    """A TCP port on 127.0.0.1 that records whether anything connected to it."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        yield listener


def nobody_connected(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def bypasses(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/x"
    return [
        f"SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o . ?s ?p trueSERVICE <{url}> {{ }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o . ?s ?p 1.5e3SERVICE <{url}> {{ }} }}",
        f"PREFIX : <{url}> SELECT * WHERE {{ ?s ?p ?o . ?s ?p trueSERVICE:x {{ }} }}",
        f"PREFIX service: <http://e/> PREFIX : <{url}> SELECT * WHERE {{ service:x {{ }} }}",
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p ex:.SERVICE <{url}> {{ }} }}",
        "ASK { FILTER(1<2)#>\n" + "(" * 2000 + "1" + ")" * 2000 + ") }",
    ]


@pytest.fixture(scope="module")
def seccomp_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("seccomp"), worker_network_namespace="false") as base:
        yield base


def test_health_and_metrics_say_which_isolation_is_active(seccomp_only: str) -> None:
    assert httpx.get(f"{seccomp_only}/health").json()["isolation"] == "seccomp"
    metrics = httpx.get(f"{seccomp_only}/metrics").text
    assert "clustergraph_query_isolation_seccomp 1" in metrics
    assert "clustergraph_query_isolation_network_namespace 0" in metrics


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_bypasses_neither_fetch_nor_crash(seccomp_only: str, canary: socket.socket, method: str) -> None:
    for query in bypasses(canary.getsockname()[1]):
        sent: dict[str, Any] = {"params": {"query": query}} if method == "GET" else {"data": {"query": query}}
        response = httpx.request(
            method, f"{seccomp_only}/sparql", **sent, headers={"Accept": "application/sparql-results+json"}
        )
        assert response.status_code == 400, (query, response.text)
    assert nobody_connected(canary)
    assert httpx.get(f"{seccomp_only}/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_without_any_isolation_clients_sparql_is_refused(tmp_path: Path) -> None:
    with served(tmp_path, worker_network_namespace="false", worker_seccomp="false") as base:
        assert httpx.get(f"{base}/health").json()["isolation"] == "none"
        refused = httpx.get(f"{base}/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert refused.status_code == 503
        assert "CLUSTERGRAPH_ALLOW_UNISOLATED_QUERIES" in refused.json()["message"]
        assert httpx.get(f"{base}/api/cases").status_code == 200  # the project's own query: trusted
