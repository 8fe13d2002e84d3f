"""The remote store against each real engine on 127.0.0.1 (`engines.py`; the shared store tests in
`test_contract.py` run through it too): loading a release, bound parameters, and a server's errors."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef
from smallrelease import CASE, GRAPHS, QUADS, free_port, store_settings

from clustergraph.api.app import create_app
from clustergraph.errors import QuerySyntaxError, StoreError
from clustergraph.settings import Settings
from clustergraph.store import open_store
from clustergraph.store.base import QueryRequest
from clustergraph.store.guard import Limits, inspect_query
from clustergraph.store.remote import RemoteStore, as_sent
from clustergraph.store.remote_load import ChallengedAuth, load_remote
from clustergraph.store.terms import from_rdflib
from engines import Engine

pytestmark = pytest.mark.slow

STALE = "https://w3id.org/clustergraph/graph/source/withdrawn"
LIMITS = Limits(max_bytes=10_000, max_depth=16)
LABELS = "SELECT ?case ?label WHERE { ?case <http://www.w3.org/2000/01/rdf-schema#label> ?label }"


def test_load_puts_every_graph_and_drops_stale_ones(remote_settings: Settings, engine: Engine) -> None:
    assert remote_settings.remote_store_url is not None
    httpx.put(
        remote_settings.remote_store_url,
        params={"graph": STALE},
        content=b"<http://x/a> <http://x/b> <http://x/c> .\n",
        headers={"Content-Type": "application/n-triples"},
        auth=ChallengedAuth(engine.user, engine.password) if engine.user and engine.password else None,
    ).raise_for_status()
    assert load_remote(remote_settings) == QUADS
    store = RemoteStore(remote_settings)
    try:
        assert tuple(store.graph_names()) == GRAPHS
    finally:
        store.close()


def test_open_store_picks_the_remote_backend(remote_settings: Settings) -> None:
    store = open_store(remote_settings)
    try:
        assert isinstance(store, RemoteStore)
        assert store.solutions(QueryRequest("ASK { ?s ?p ?o }")).boolean is True
    finally:
        store.close()


def test_bindings_travel_as_a_values_block_opening_the_where_clause() -> None:
    bindings = {"case": from_rdflib(URIRef(CASE + "oregon")), "label": from_rdflib(Literal('a "b"', lang="en"))}
    text = "SELECT * WHERE { ?case ?p ?label FILTER(?label != 1) }"
    sent = as_sent(text, bindings, inspect_query(text, LIMITS))
    values = f'VALUES (?case ?label) {{ (<{CASE}oregon> "a \\"b\\""@en) }}'
    assert sent == f"SELECT * WHERE {{ {values}  ?case ?p ?label FILTER(?label != 1) }}"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        pytest.param("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "WHERE { VALUES", id="construct-template"),
        pytest.param("CONSTRUCT {} { ?s ?p ?o }", "{} { VALUES", id="construct-no-where-keyword"),
        pytest.param("SELECT * FROM <http://x/g> { ?s ?p ?o }", "> { VALUES", id="select-from"),
        pytest.param("ASK { ?s ?p ?o }", "ASK { VALUES", id="ask"),
    ],
)
def test_the_values_block_goes_into_the_where_clause(text: str, where: str) -> None:
    assert where in as_sent(text, {"s": from_rdflib(URIRef(CASE + "oregon"))}, inspect_query(text, LIMITS))


def test_a_construct_whose_template_is_its_pattern_gets_a_trailing_values_clause() -> None:
    text = "CONSTRUCT WHERE { ?s ?p ?o }"
    sent = as_sent(text, {"s": from_rdflib(URIRef(CASE + "oregon"))}, inspect_query(text, LIMITS))
    assert sent == f"{text}\nVALUES (?s) {{ (<{CASE}oregon>) }}\n"


@pytest.mark.parametrize(
    "value",
    [
        '" ) } ; DROP ALL #',
        'x" } } INSERT DATA { <http://x/a> <http://x/b> <http://x/c> } #',
        "\\u0022 ) }",
    ],
)
def test_injection_through_a_binding_changes_nothing(remote_store: RemoteStore, value: str) -> None:
    rows = remote_store.solutions(QueryRequest(LABELS, bindings={"label": Literal(value)})).rows
    assert rows == ()
    counts = remote_store.solutions(QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")).rows
    assert counts[0]["n"].value == str(sum(QUADS.values()))


def test_the_servers_syntax_error_is_passed_on(remote_store: RemoteStore) -> None:
    with pytest.raises(QuerySyntaxError):
        remote_store.solutions(QueryRequest("SELECT * WHERE { ?s ?p }"))


def test_an_unreachable_server_is_a_store_error(tmp_path: Path) -> None:
    settings = store_settings(tmp_path, store="remote", remote_query_url=f"http://127.0.0.1:{free_port()}/query")
    store = RemoteStore(settings)
    try:
        with pytest.raises(StoreError, match="unreachable"):
            store.solutions(QueryRequest("ASK { ?s ?p ?o }"))
    finally:
        store.close()


def test_a_remote_store_needs_its_url(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="CLUSTERGRAPH_REMOTE_QUERY_URL"):
        RemoteStore(store_settings(tmp_path, store="remote"))


def test_health_is_503_within_5_s_of_the_remote_store_stopping(own_engine: Engine, tmp_path: Path) -> None:
    process = own_engine.process
    settings = store_settings(tmp_path, store="remote", remote_query_url=own_engine.query_url)
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
        process.terminate()
        process.wait(timeout=10)
        stopped = time.monotonic()
        statuses = []
        while time.monotonic() < stopped + 5:
            statuses.append(client.get("/health").status_code)
            if statuses[-1] == 503:
                break
        assert statuses[-1] == 503
        report = client.get("/health").json()
        assert report["status"] == "unavailable" and own_engine.query_url not in report["problem"]
