"""The `query_*` and `bad_query_*` cases of the W3C SPARQL 1.1 Protocol test suite, against the
service as deployed (uvicorn on 127.0.0.1).

The suite's manifest (`sparql11/protocol/manifest.ttl`, shipped in rdflib's source distribution)
names its cases and describes each in one line; the requests and expected answers below are written
out from those descriptions, over the store tests' small release instead of the suite's kasei.us
files (this service does not fetch data from the web). The `update_*` and `bad_update_*` cases do
not apply: the service is read-only and refuses every update (see test_sparql.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from served import LiveServer, live_server

from clustergraph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, source_graph

pytestmark = pytest.mark.slow

CASE = "http://example.org/test/case/"
ONTOLOGY, INFERRED = str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)
SOURCE = source_graph("creative-economy-2017-07")
JSON = "application/sparql-results+json"
RESULT_TYPES = {JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples"}
OREGON_ASKED = f"ASK {{ <{CASE}oregon> ?p ?o }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("protocol")) as live:
        yield live


@pytest.fixture(scope="module")
def endpoint(server: LiveServer) -> str:
    return f"{server.base}/sparql"


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].partition(";")[0]


def boolean(response: httpx.Response) -> bool:
    assert response.status_code == 200, response.text
    assert media_type(response) == JSON
    return bool(response.json()["boolean"])


def rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    bindings = response.json()["results"]["bindings"]
    return [{name: term["value"] for name, term in row.items()} for row in bindings]


def test_query_post_form(endpoint: str) -> None:
    """query via URL-encoded POST"""
    assert boolean(httpx.post(endpoint, data={"query": "ASK {}"}, headers={"Accept": JSON})) is True


def test_query_dataset_default_graphs_get(endpoint: str) -> None:
    """GET query with protocol-specified default graph"""
    assert boolean(httpx.get(endpoint, params={"query": OREGON_ASKED, "default-graph-uri": SOURCE})) is True
    assert boolean(httpx.get(endpoint, params={"query": OREGON_ASKED, "default-graph-uri": ONTOLOGY})) is False


def test_query_dataset_default_graphs_post(endpoint: str) -> None:
    """POST query with protocol-specified default graphs"""
    form = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": [ONTOLOGY, SOURCE]}
    assert rows(httpx.post(endpoint, data=form)) == [{"n": "22"}]  # 8 ontology triples and 14 of the source


def test_query_dataset_named_graphs_post(endpoint: str) -> None:
    """POST query with protocol-specified named graphs"""
    form = {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": [ONTOLOGY, SOURCE]}
    assert sorted(row["g"] for row in rows(httpx.post(endpoint, data=form))) == sorted([ONTOLOGY, SOURCE])


def test_query_dataset_named_graphs_get(endpoint: str) -> None:
    """GET query with protocol-specified named graphs"""
    params = {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": INFERRED}
    assert rows(httpx.get(endpoint, params=params)) == [{"g": INFERRED}]


def test_query_dataset_full(endpoint: str) -> None:
    """query with protocol-specified dataset (both named and default graphs)"""
    params = {
        "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g",
        "default-graph-uri": INFERRED,
        "named-graph-uri": SOURCE,
    }
    answer = rows(httpx.get(endpoint, params=params))
    assert sorted(answer, key=lambda row: row.get("g", "")) == [{"n": "2"}, {"g": SOURCE, "n": "14"}]


def test_query_multiple_dataset(endpoint: str) -> None:
    """query specifying dataset in both query string and protocol; test for use of protocol-specified dataset"""
    params = {"query": f"ASK FROM <{ONTOLOGY}> {{ <{CASE}oregon> ?p ?o }}", "default-graph-uri": SOURCE}
    assert boolean(httpx.get(endpoint, params=params)) is True
    assert boolean(httpx.get(endpoint, params={"query": params["query"]})) is False  # the query's own FROM


def test_query_get(endpoint: str) -> None:
    """query via GET"""
    assert rows(httpx.get(endpoint, params={"query": "SELECT (1 AS ?value) {}"})) == [{"value": "1"}]


@pytest.mark.parametrize("accept", [None, *sorted(RESULT_TYPES)])
def test_query_content_type_select(endpoint: str, accept: str | None) -> None:
    """query appropriate content type (expect one of: XML, JSON, CSV, TSV)"""
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(endpoint, params={"query": "SELECT (1 AS ?value) {}"}, headers=headers)
    assert response.status_code == 200
    assert media_type(response) in RESULT_TYPES
    assert accept is None or media_type(response) == accept


@pytest.mark.parametrize("accept", [None, "application/sparql-results+xml", JSON])
def test_query_content_type_ask(endpoint: str, accept: str | None) -> None:
    """query appropriate content type (expect one of: XML, JSON)"""
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(endpoint, params={"query": "ASK {}"}, headers=headers)
    assert response.status_code == 200
    assert media_type(response) in {JSON, "application/sparql-results+xml"}
    assert "true" in response.text


@pytest.mark.parametrize("accept", [None, *sorted(RDF_TYPES)])
def test_query_content_type_describe(endpoint: str, accept: str | None) -> None:
    """query appropriate content type (expect one of: RDF/XML, Turtle, N-Triples, RDFa)"""
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(endpoint, params={"query": f"DESCRIBE <{CASE}oregon>"}, headers=headers)
    assert response.status_code == 200
    assert media_type(response) in RDF_TYPES
    graph = Graph().parse(data=response.text, format={"application/rdf+xml": "xml"}.get(media_type(response), "turtle"))
    assert (URIRef(CASE + "oregon"), None, None) in graph


@pytest.mark.parametrize("accept", [None, *sorted(RDF_TYPES)])
def test_query_content_type_construct(endpoint: str, accept: str | None) -> None:
    """query appropriate content type (expect one of: RDF/XML, Turtle, N-Triples, RDFa); the suite's
    query has relative IRIs, which resolve against the endpoint's URL"""
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(endpoint, params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"}, headers=headers)
    assert response.status_code == 200
    assert media_type(response) in RDF_TYPES
    graph = Graph().parse(data=response.text, format={"application/rdf+xml": "xml"}.get(media_type(response), "turtle"))
    base = endpoint.removesuffix("sparql")
    assert set(graph) == {(URIRef(base + "s"), URIRef(base + "p"), Literal(1))}


def test_query_post_direct(endpoint: str) -> None:
    """query via POST directly"""
    response = httpx.post(endpoint, content=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert boolean(response) is True


def test_bad_query_method(endpoint: str) -> None:
    """invoke query operation with a method other than GET or POST"""
    assert httpx.put(endpoint, params={"query": "ASK {}"}).status_code == 405


def test_bad_multiple_queries(endpoint: str) -> None:
    """invoke query operation with more than one query string"""
    response = httpx.get(endpoint, params={"query": ["ASK {}", "SELECT * {}"]})
    assert response.status_code == 400


def test_bad_query_wrong_media_type(endpoint: str) -> None:
    """invoke query operation with a POST with media type that's not url-encoded or application/sparql-query"""
    response = httpx.post(endpoint, content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_bad_query_missing_form_type(endpoint: str) -> None:
    """invoke query operation with url-encoded body, but without application/x-www-url-form-urlencoded media type"""
    assert httpx.post(endpoint, content=b"query=ASK%20%7B%7D").status_code == 415


def test_bad_query_missing_direct_type(endpoint: str) -> None:
    """invoke query operation with SPARQL body, but without application/sparql-query media type"""
    assert httpx.post(endpoint, content=b"ASK {}").status_code == 415


def test_bad_query_non_utf8(endpoint: str) -> None:
    """invoke query operation with direct POST, but with a non-UTF8 encoding (UTF-16)"""
    headers = {"Content-Type": "application/sparql-query; charset=UTF-16"}
    response = httpx.post(endpoint, content="ASK {}".encode("utf-16"), headers=headers)
    assert response.status_code == 400
    assert "UTF-8" in response.json()["message"]


def test_bad_query_syntax(endpoint: str) -> None:
    """invoke query operation with invalid query syntax (4XX result)"""
    response = httpx.get(endpoint, params={"query": "ASK {[}"})
    assert response.status_code == 400
    assert response.json()["message"].startswith("line 1, column ")


def test_a_get_whose_query_string_is_not_utf8_is_400(endpoint: str) -> None:
    """The same bytes that a POST is refused for (a lone 0xFF after percent-decoding) are refused in a GET."""
    response = httpx.get(f"{endpoint}?query=ASK%20%7B%7D%20%23%FF")
    assert response.status_code == 400
    assert "not UTF-8" in json.loads(response.text)["message"]
