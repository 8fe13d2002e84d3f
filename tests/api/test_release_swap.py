"""A running `clustergraph serve` takes up each new release by itself (polling) or on SIGHUP, without
a restart and without failing a request; servers sharing a store folder never pull a database from
under each other."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from benchmarks.replicate import replicate_source

from clustergraph.compile.build import build
from clustergraph.namespaces import ID

pytestmark = pytest.mark.slow

SOURCE = "creative-economy-2017-07"
NEW_CASE = ID["source/creative-economy-2017-07-copy-1/case/oregon"]
ASK_NEW_CASE = f"ASK {{ <{NEW_CASE}> ?p ?o }}"
CLIENTS = 8
REQUESTS_PER_CLIENT = 2_000  # a bound, never reached unless the swap hangs
WAIT_S = 120
SPARQL_JSON = {"Accept": "application/sparql-results+json"}


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def health(self) -> dict[str, object]:
        answer: dict[str, object] = httpx.get(f"{self.base}/health", timeout=30).json()
        return answer

    def wait_for_release(self, digest: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            if self.health()["release"] == digest:
                return
            time.sleep(0.1)
        raise AssertionError(f"still serving {self.health()['release']}, not {digest}:\n{self.log.read_text()}")


@pytest.fixture
def project(article_project: Path) -> Path:
    return article_project


@pytest.fixture
def start_server(tmp_path: Path, project: Path) -> Iterator[object]:
    started: list[Server] = []

    def start(name: str, poll_s: float) -> Server:
        port = _free_port()
        log = tmp_path / f"{name}.log"
        env = {
            **os.environ,
            "CLUSTERGRAPH_PROJECT_DIR": str(project),
            "CLUSTERGRAPH_RELEASE_DIR": str(tmp_path / "release"),
            "CLUSTERGRAPH_STORE_DIR": str(tmp_path / "store"),
            "CLUSTERGRAPH_RELEASE_POLL_S": str(poll_s),
            "CLUSTERGRAPH_QUERY_WORKERS": "2",
        }
        command = [sys.executable, "-m", "clustergraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        with log.open("w") as output:
            process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        server = Server(f"http://127.0.0.1:{port}", process, log)
        started.append(server)
        _wait_until_up(server)
        return server

    yield start
    for server in started:
        server.process.terminate()
        server.process.wait(timeout=60)


@dataclass
class Load:
    """Clients asking, in a bounded loop, whether the new case exists; what each answer said."""

    base: str
    stop: threading.Event = field(default_factory=threading.Event)
    answers: list[tuple[bool, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def run(self) -> None:
        with httpx.Client(timeout=60) as client:
            for _ in range(REQUESTS_PER_CLIENT):
                if self.stop.is_set():
                    return
                try:
                    reply = client.get(f"{self.base}/sparql", params={"query": ASK_NEW_CASE}, headers=SPARQL_JSON)
                except httpx.HTTPError as error:
                    self.failures.append(repr(error))
                    continue
                if reply.status_code != 200:
                    self.failures.append(f"{reply.status_code}: {reply.text[:200]}")
                else:
                    self.answers.append((reply.json()["boolean"], reply.headers["etag"]))


def add_source(project: Path) -> None:
    replicate_source(project / "data" / SOURCE, project / "data" / f"{SOURCE}-copy-1", 1)


def test_a_new_source_is_served_without_a_restart_or_a_failed_request(
    project: Path, tmp_path: Path, start_server: object
) -> None:
    first = build(project, tmp_path / "release")
    server = start_server("polling", 0.2)  # type: ignore[operator]
    load = Load(server.base)
    clients = [threading.Thread(target=load.run) for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    try:
        add_source(project)
        second = build(project, tmp_path / "release")
        server.wait_for_release(second.version.name)
        seen = len(load.answers)
        deadline = time.monotonic() + WAIT_S
        while len(load.answers) < seen + 50 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        load.stop.set()
        for client in clients:
            client.join()
    assert load.failures == []
    assert (False, f'W/"{first.version.name}"') in load.answers
    assert (True, f'W/"{second.version.name}"') in load.answers
    assert set(load.answers) <= {(False, f'W/"{first.version.name}"'), (True, f'W/"{second.version.name}"')}
    assert server.process.poll() is None


def test_sighup_swaps_at_once_and_the_server_lives_on(project: Path, tmp_path: Path, start_server: object) -> None:
    build(project, tmp_path / "release")
    server = start_server("sighup", 0)  # type: ignore[operator]
    add_source(project)
    second = build(project, tmp_path / "release")
    server.process.send_signal(signal.SIGHUP)
    server.wait_for_release(second.version.name)
    reply = httpx.get(f"{server.base}/sparql", params={"query": ASK_NEW_CASE}, headers=SPARQL_JSON, timeout=30)
    assert reply.json()["boolean"] is True
    assert reply.headers["x-clustergraph-release"] == second.version.name


def test_a_second_server_never_removes_the_database_the_first_serves(
    project: Path, tmp_path: Path, start_server: object
) -> None:
    first = build(project, tmp_path / "release")
    old = start_server("old", 0)  # type: ignore[operator]
    old_database = tmp_path / "store" / f"release-{first.version.name}"
    add_source(project)
    second = build(project, tmp_path / "release")
    new = start_server("new", 0)  # type: ignore[operator]
    assert new.health()["release"] == second.version.name
    assert old_database.is_dir()
    for _ in range(3):  # the old server's workers still read their database
        reply = httpx.get(f"{old.base}/sparql", params={"query": ASK_NEW_CASE}, headers=SPARQL_JSON, timeout=30)
        assert (reply.status_code, reply.json()["boolean"]) == (200, False)
    old.process.send_signal(signal.SIGHUP)
    old.wait_for_release(second.version.name)
    deadline = time.monotonic() + WAIT_S
    while old_database.exists() and time.monotonic() < deadline:  # collected once nobody serves it
        time.sleep(0.1)
    assert not old_database.exists()


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode}:\n{server.log.read_text()}")
        try:
            if httpx.get(f"{server.base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not start within {WAIT_S} s:\n{server.log.read_text()}")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
