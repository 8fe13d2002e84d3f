"""`clustergraph load-remote` on each engine: the article's release, as `clustergraph build` writes it,
goes into a fresh server with every named graph intact, and the service answers from it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic
from smallrelease import store_settings

from clustergraph.cli import main
from clustergraph.dataset import load_release
from clustergraph.errors import StoreError
from clustergraph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from clustergraph.store.base import QueryRequest
from clustergraph.store.remote import RemoteStore
from clustergraph.store.remote_load import ChallengedAuth, graph_store_request, load_remote
from engines import Engine

pytestmark = pytest.mark.slow


def release_graph(store: ox.Store, name: str) -> Graph:
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name))]
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")


def test_load_remote_puts_each_graph_of_the_release_intact(
    own_engine: Engine,
    release_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in own_engine.remote_settings().items():
        if value is not None:
            monkeypatch.setenv(f"CLUSTERGRAPH_{name.upper()}", str(value))
    assert main(["--release", str(release_dir), "load-remote"]) == 0
    release = load_release(release_dir)
    names = sorted(g.value for g in release.named_graphs() if isinstance(g, ox.NamedNode))
    assert {str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)} < set(names) and len(names) >= 3
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"{name}: {len(release_graph(release, name))} triples" for name in names]

    settings = store_settings(tmp_path, release_dir=release_dir, **own_engine.remote_settings())
    remote = RemoteStore(settings)
    try:
        assert list(remote.graph_names()) == names
        for name in names:
            served = Graph().parse(data=remote.graph(name, "application/n-triples"), format="nt")
            expected = release_graph(release, name)
            _, only_served, only_expected = graph_diff(served, expected)
            assert isomorphic(served, expected), (name, sorted(only_served)[:5], sorted(only_expected)[:5])
        total = remote.solutions(QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        assert int(total.rows[0]["n"].value) == len(release)
    finally:
        remote.close()


def test_the_graph_store_refuses_a_load_without_credentials(engine: Engine, tmp_path: Path) -> None:
    if engine.user is None:
        pytest.skip(f"{engine.name}'s test server takes writes from anyone on 127.0.0.1")
    settings = store_settings(tmp_path, **{**engine.remote_settings(), "remote_store_password": "wrong"})
    with pytest.raises(StoreError, match="answered 401"):
        load_remote(settings)


def test_the_store_urls_own_parameters_are_kept(tmp_path: Path) -> None:
    """QLever, for one, takes its access token as a query parameter of the Graph Store URL."""
    seen: list[httpx.URL] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(201)

    with httpx.Client(transport=httpx.MockTransport(server)) as client:
        graph_store_request(client, "PUT", "http://store.test/?access-token=secret", "https://w3id.org/g", b"")
    assert dict(seen[0].params) == {"access-token": "secret", "graph": "https://w3id.org/g"}


def test_credentials_follow_the_servers_challenge() -> None:
    seen: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization", ""))
        if not request.headers.get("Authorization"):
            return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="graphs"'})
        return httpx.Response(201)

    with httpx.Client(transport=httpx.MockTransport(server), auth=ChallengedAuth("loader", "secret")) as client:
        assert client.put("http://store.test/", content=b"").status_code == 201
    assert seen[0] == "" and seen[1].startswith("Basic ")
