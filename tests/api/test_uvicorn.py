"""The service as deployed: `clustergraph serve` (uvicorn) on 127.0.0.1, spoken to by a real SPARQL
client (SPARQLWrapper) and by clients that give up waiting."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from served import live_server, served
from SPARQLWrapper import GET, JSON, POST, TURTLE, SPARQLWrapper

pytestmark = pytest.mark.slow

CASE = "http://example.org/test/case/"
TYPES = f"SELECT ?type WHERE {{ <{CASE}oregon> a ?type }} ORDER BY ?type"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(7)) + " }"
SERVER_TIMEOUT_S = 300  # far longer than any test waits: a query stopped sooner was stopped for another reason


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`clustergraph serve` in its own process; the base URL once /health answers."""
    with served(tmp_path_factory.mktemp("uvicorn"), query_timeout_s=str(SERVER_TIMEOUT_S), query_workers="2") as base:
        yield base


def test_sparqlwrapper_select_ask_and_construct(server: str) -> None:
    endpoint = f"{server}/sparql"
    select = SPARQLWrapper(endpoint)
    select.setQuery(TYPES)
    select.setReturnFormat(JSON)
    bindings = cast(dict[str, Any], select.query().convert())["results"]["bindings"]
    assert [b["type"]["value"] for b in bindings] == [
        "http://example.org/test#PolicyCase",
        "http://example.org/test#Practice",
    ]

    asserted = SPARQLWrapper(endpoint)
    asserted.setQuery(TYPES)
    asserted.setReturnFormat(JSON)
    asserted.setMethod(POST)
    asserted.addParameter("entailment", "none")
    rows = cast(dict[str, Any], asserted.query().convert())["results"]["bindings"]
    assert [b["type"]["value"] for b in rows] == ["http://example.org/test#PolicyCase"]

    ask = SPARQLWrapper(endpoint)
    ask.setQuery(f"ASK {{ <{CASE}oregon> ?p ?o }}")
    ask.setReturnFormat(JSON)
    assert ask.query().convert()["boolean"] is True  # type: ignore[index, call-overload]

    construct = SPARQLWrapper(endpoint)
    construct.setQuery(f"CONSTRUCT {{ <{CASE}oregon> ?p ?o }} WHERE {{ <{CASE}oregon> ?p ?o }}")
    construct.setReturnFormat(TURTLE)
    construct.setMethod(GET)
    graph = Graph().parse(data=construct.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert (URIRef(CASE + "oregon"), RDFS.label, Literal("Орегон", lang="ru")) in graph


def test_a_client_that_gives_up_stops_its_query_while_others_are_answered(server: str) -> None:
    gave_up = threading.Event()

    def impatient() -> None:
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{server}/sparql", params={"query": RUNAWAY}, timeout=3)
        gave_up.set()

    client = threading.Thread(target=impatient)
    client.start()
    answered: list[bool] = []
    while not gave_up.is_set() and len(answered) < 5:
        response = httpx.get(f"{server}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        answered.append(response.json()["boolean"])
    assert answered and all(answered)
    client.join(timeout=30)
    assert gave_up.is_set()
    assert _eventually_restarted(server), "the abandoned query was still running"


def test_json_results_through_the_real_server(server: str) -> None:
    response = httpx.post(
        f"{server}/sparql",
        content=TYPES,
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert response.text.splitlines() == [
        "type",
        "http://example.org/test#PolicyCase",
        "http://example.org/test#Practice",
    ]


@pytest.mark.parametrize(("settings", "logged"), [({}, False), ({"access_log": "true"}, True)], ids=["default", "on"])
def test_requests_are_logged_one_by_one_only_when_asked(tmp_path: Path, settings: dict[str, str], logged: bool) -> None:
    """The access log costs a share of every cheap query's time, so it is off unless configured;
    start-up and errors are logged either way."""
    with live_server(tmp_path, **settings) as live:
        httpx.get(f"{live.base}/sparql", params={"query": "ASK {}"}).raise_for_status()
        httpx.get(f"{live.base}/sparql", params={"query": "SELEC"})
        time.sleep(0.5)  # the log is written by the server process
        log = live.log.read_text()
    assert "Application startup complete" in log
    assert ('"GET /sparql?query=ASK' in log) is logged


def _eventually_restarted(server: str) -> bool:
    """Whether /metrics shows the worker replaced, within a wait far shorter than the server's timeout."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        metrics = httpx.get(f"{server}/metrics").text
        if re.search(r'^clustergraph_worker_restarts_total\{pool="sparql"\} [1-9]', metrics, re.MULTILINE):
            return True
        time.sleep(0.1)
    return False
