"""Store fixtures: a tiny release (`data/release`), an embedded store over it, a real Oxigraph server
(`oxigraph serve` from the PyPI package `oxigraph`, on 127.0.0.1) loaded with it, and `store`, which
runs each contract test once per backend."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from smallrelease import free_port, store_settings

from clustergraph.settings import Settings
from clustergraph.store.base import GraphStore
from clustergraph.store.embedded import EmbeddedStore
from clustergraph.store.remote import RemoteStore, load_remote


@pytest.fixture(scope="session")
def embedded_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(store_settings(tmp_path_factory.mktemp("embedded")))
    yield store
    store.close()


@contextmanager
def _running_oxigraph(tmp: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A fresh `oxigraph serve` (in memory) on a free port of 127.0.0.1: its base URL and process."""
    executable = shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.skip("the `oxigraph` server (PyPI package `oxigraph`) is not installed")
    port = free_port()
    with (tmp / "server.log").open("w") as log:
        process = subprocess.Popen(
            [executable, "serve", "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(f"{base}/query", process)
            yield base, process
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of an Oxigraph server shared by the session's tests."""
    with _running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as (base, _):
        yield base


@pytest.fixture
def own_oxigraph_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """An Oxigraph server for one test, which may stop it: its base URL and process."""
    with _running_oxigraph(tmp_path) as running:
        yield running


@pytest.fixture(scope="session")
def remote_settings(tmp_path_factory: pytest.TempPathFactory, oxigraph_server: str) -> Settings:
    settings = store_settings(
        tmp_path_factory.mktemp("remote"),
        store="remote",
        remote_query_url=f"{oxigraph_server}/query",
        remote_store_url=f"{oxigraph_server}/store",
    )
    load_remote(settings)
    return settings  # type: ignore[no-any-return]  # store_settings is a Settings, from a path mypy does not follow


@pytest.fixture(scope="session")
def remote_store(remote_settings: Settings) -> Iterator[RemoteStore]:
    store = RemoteStore(remote_settings)
    yield store
    store.close()


@pytest.fixture(
    params=["embedded", pytest.param("remote", marks=pytest.mark.slow)],
)
def store(request: pytest.FixtureRequest) -> GraphStore:
    backend: GraphStore = request.getfixturevalue(f"{request.param}_store")
    return backend


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited with status {process.returncode}")
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"oxigraph serve did not answer at {url} within 30 s")
