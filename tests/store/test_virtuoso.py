"""Where Virtuoso departs from the standards, each departure shown on the real server (so that a
Virtuoso that stops doing it makes its test fail and its mending can go) and hidden by the remote
store (`remote_answers.py`); and Virtuoso's SPARQL endpoint, as the tests configure it, only reads."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from smallrelease import CASE, GRAPHS, NOTE_TEXT, TEST, Loaded

from clustergraph.errors import QuerySyntaxError
from clustergraph.store.base import QueryRequest
from clustergraph.store.formats import N_TRIPLES, SPARQL_JSON, TSV
from engines import Engine, Engines

pytestmark = pytest.mark.slow

LANGUAGE_TAGGED = f"SELECT ?label WHERE {{ <{CASE}oregon> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
BLANK_NODE = f"SELECT ?part WHERE {{ ?c <{TEST}hasPart> ?part }}"


@pytest.fixture(scope="module")
def virtuoso(engines: Engines, loaded: Callable[[str], Loaded]) -> Engine:
    loaded("virtuoso")
    return engines["virtuoso"]


def ask_virtuoso(engine: Engine, text: str, accept: str, **params: Any) -> httpx.Response:
    return httpx.post(engine.query_url, data={"query": text, **params}, headers={"Accept": accept}, timeout=30)


def test_its_tsv_drops_language_tags_so_solutions_are_read_as_json(
    virtuoso: Engine, loaded: Callable[[str], Loaded]
) -> None:
    tsv = ask_virtuoso(virtuoso, LANGUAGE_TAGGED, TSV).text
    assert '"Oregon"' in tsv and "@en" not in tsv
    rows = loaded("virtuoso").store.solutions(QueryRequest(LANGUAGE_TAGGED)).rows
    assert {(row["label"].value, row["label"].lang) for row in rows} == {("Oregon", "en"), ("Орегон", "ru")}


def test_its_blank_node_labels_are_mended(virtuoso: Engine, loaded: Callable[[str], Loaded]) -> None:
    assert '"value": "nodeID://' in ask_virtuoso(virtuoso, BLANK_NODE, SPARQL_JSON).text
    (row,) = loaded("virtuoso").store.solutions(QueryRequest(BLANK_NODE)).rows
    assert row["part"].type == "bnode" and "/" not in row["part"].value


@pytest.mark.parametrize(("pattern", "expected"), [("?s ?p ?o", True), ("<http://example.org/none> ?p ?o", False)])
def test_its_ask_answers_are_selects_read_as_booleans(
    virtuoso: Engine, loaded: Callable[[str], Loaded], pattern: str, expected: bool
) -> None:
    assert ask_virtuoso(virtuoso, f"ASK {{ {pattern} }}", SPARQL_JSON).json()["head"]["vars"] == ["__ASK_RETVAL"]
    assert loaded("virtuoso").store.solutions(QueryRequest(f"ASK {{ {pattern} }}")).boolean is expected


def test_its_n_triples_are_tab_separated_and_come_out_spaced(virtuoso: Engine, loaded: Callable[[str], Loaded]) -> None:
    construct = f"CONSTRUCT {{ <{CASE}oregon> ?p ?o }} WHERE {{ <{CASE}oregon> ?p ?o }}"
    assert "\t" in ask_virtuoso(virtuoso, construct, N_TRIPLES).text
    body = loaded("virtuoso").store.serialized(QueryRequest(construct), N_TRIPLES).body
    assert body and b"\t" not in body


def test_an_empty_graph_pattern_gives_an_unbound_row_so_graphs_are_listed_by_scanning(
    virtuoso: Engine, loaded: Callable[[str], Loaded]
) -> None:
    bindings = ask_virtuoso(virtuoso, "SELECT ?g WHERE { GRAPH ?g { } }", SPARQL_JSON).json()["results"]["bindings"]
    assert bindings == [{}]
    assert tuple(loaded("virtuoso").store.graph_names()) == GRAPHS


def test_it_holds_graphs_of_its_own_which_the_store_does_not_see(
    virtuoso: Engine, loaded: Callable[[str], Loaded]
) -> None:
    everything = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = {b["g"]["value"] for b in ask_virtuoso(virtuoso, everything, SPARQL_JSON).json()["results"]["bindings"]}
    assert set(GRAPHS) < graphs
    assert tuple(loaded("virtuoso").store.graph_names()) == GRAPHS


def test_its_syntax_errors_are_said_without_the_query_it_ran(virtuoso: Engine, loaded: Callable[[str], Loaded]) -> None:
    raw = ask_virtuoso(virtuoso, "SELECT ?x WHERE { ?x a foo:Case }", SPARQL_JSON)
    assert raw.status_code == 400 and "SPARQL query:" in raw.text
    with pytest.raises(QuerySyntaxError) as error:
        loaded("virtuoso").store.solutions(QueryRequest("SELECT ?x WHERE {\n ?x a foo:Case }"))
    assert str(error.value).startswith('line 2: the prefix "foo:" is not declared')


@pytest.mark.parametrize("expression", ["true", "(1 = 1)", "NOT EXISTS { ?s <http://example.org/none> ?o }"])
def test_it_writes_the_booleans_a_query_computes_as_integers(virtuoso: Engine, expression: str) -> None:
    """Not mendable in the answer (an integer 1 cannot be told from a boolean): the service's own queries
    project numbers where they compute a flag (src/clustergraph/api/queries/roles.rq)."""
    text = f"SELECT ?b WHERE {{ BIND({expression} AS ?b) }}"
    (row,) = ask_virtuoso(virtuoso, text, SPARQL_JSON).json()["results"]["bindings"]
    assert (row["b"]["datatype"], row["b"]["value"]) == ("http://www.w3.org/2001/XMLSchema#integer", "1")


def test_it_tells_a_string_typed_xsd_string_from_the_plain_one(virtuoso: Engine) -> None:
    """The store sends such strings plain (`remote.as_sent`); the contract tests check its answer."""
    note = json.dumps(NOTE_TEXT)
    for datatype, found in (("", True), ("^^<http://www.w3.org/2001/XMLSchema#string>", False)):
        text = f"SELECT ?case WHERE {{ ?case <{TEST}note> {note}{datatype} }}"
        assert bool(ask_virtuoso(virtuoso, text, SPARQL_JSON).json()["results"]["bindings"]) is found


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        pytest.param("SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }", "SPARQL_SINV", id="service"),
        pytest.param("LOAD <{url}?query=ASK%7B%7D> INTO GRAPH <http://example.org/g>", "SPARUL_LOAD", id="load"),
        pytest.param("INSERT DATA { GRAPH <http://example.org/g> { <a:b> <a:c> 1 } }", "INSERT", id="insert"),
        pytest.param("CLEAR GRAPH <https://w3id.org/clustergraph/graph/ontology>", "No permission", id="clear"),
        pytest.param(
            'DEFINE get:soft "replace" SELECT * FROM <{url}?query=ASK%7B%7D> { ?s ?p ?o }', "SPONGE", id="sponge"
        ),
    ],
)
def test_its_sparql_endpoint_only_reads(virtuoso: Engine, text: str, refusal: str) -> None:
    """Sent to Virtuoso directly, past the service's guard: the server itself refuses."""
    response = ask_virtuoso(virtuoso, text.replace("{url}", virtuoso.query_url), SPARQL_JSON)
    assert response.status_code >= 400 and refusal in response.text
