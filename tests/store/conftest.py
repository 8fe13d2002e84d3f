"""Store fixtures: a tiny release (`data/release`), an embedded store over it, real SPARQL servers
(`engines.py`: Oxigraph's and Virtuoso, on 127.0.0.1) loaded with it, and `store`, which runs each
contract test once per backend: the embedded store and the remote store on each engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from smallrelease import Loaded, store_settings

from clustergraph.settings import Settings
from clustergraph.store.base import GraphStore
from clustergraph.store.embedded import EmbeddedStore
from clustergraph.store.remote import RemoteStore
from clustergraph.store.remote_load import load_remote
from engines import REMOTE_ENGINES, Engine, Engines, started


@pytest.fixture(scope="session")
def embedded_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(store_settings(tmp_path_factory.mktemp("embedded")))
    yield store
    store.close()


@pytest.fixture(scope="session", params=REMOTE_ENGINES)
def engine(request: pytest.FixtureRequest, engines: Engines) -> Engine:
    """One engine's server, shared by the session's tests (each test runs once per engine)."""
    return engines[request.param]


@pytest.fixture
def own_engine(request: pytest.FixtureRequest, engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A server of the same engine for one test alone, which may stop it."""
    with started(engine.name, tmp_path) as running:
        yield running


@pytest.fixture(scope="session")
def loaded(engines: Engines, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Loaded]]:
    """The remote store on an engine (by name) loaded with the tiny release, once per session."""
    stores: dict[str, Loaded] = {}

    def store_on(name: str) -> Loaded:
        if name not in stores:
            settings = store_settings(tmp_path_factory.mktemp("remote"), **engines[name].remote_settings())
            load_remote(settings)
            stores[name] = Loaded(settings, RemoteStore(settings))
        return stores[name]

    yield store_on
    for loaded_store in stores.values():
        loaded_store.store.close()


@pytest.fixture
def remote_store(loaded: Callable[[str], Loaded], engine: Engine) -> RemoteStore:
    store: RemoteStore = loaded(engine.name).store  # Loaded comes from a path mypy does not follow
    return store


@pytest.fixture
def remote_settings(loaded: Callable[[str], Loaded], engine: Engine) -> Settings:
    settings: Settings = loaded(engine.name).settings
    return settings


@pytest.fixture(params=["embedded", *REMOTE_ENGINES])
def store(request: pytest.FixtureRequest, loaded: Callable[[str], Loaded]) -> GraphStore:
    """Each backend: the embedded store, then the remote store on each engine."""
    if request.param == "embedded":
        embedded: GraphStore = request.getfixturevalue("embedded_store")
        return embedded
    remote: GraphStore = loaded(request.param).store
    return remote
