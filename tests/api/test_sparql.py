"""`/sparql` and `/graphs` as the SPARQL 1.1 Protocol and Graph Store Protocol say, through the app.

Every answer is read back with a real parser: rdflib for RDF, the standard library for results."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS
from served import free_port

from clustergraph.api.app import create_app
from clustergraph.errors import QueryTimeout
from clustergraph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, source_graph
from clustergraph.settings import Settings
from clustergraph.store.base import QueryRequest
from clustergraph.store.remote_load import load_remote
from engines import REMOTE_ENGINES, Engines

SMALL_RELEASE = Path(__file__).parents[1] / "store" / "data" / "release"  # see its README
TEST = "http://example.org/test#"
CASE = "http://example.org/test/case/"
ONTOLOGY, INFERRED = str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)
SOURCE = source_graph("creative-economy-2017-07")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ORIGIN = "https://yasgui.example"
MAX_RESULTS = 5

LABELS = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?case ?label WHERE {{ ?case a <{TEST}PolicyCase> ; rdfs:label ?label }} ORDER BY ?label"""
LABEL_GRAPH = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {{ ?case rdfs:label ?label }} WHERE {{ ?case a <{TEST}PolicyCase> ; rdfs:label ?label }}"""
TYPES = f"SELECT ?type WHERE {{ <{CASE}oregon> a ?type }}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(7)) + " }"
LABEL_VALUES = ["Minnesota", "Oregon", "Миннесота", "Орегон"]
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def small_settings(tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "project_dir": tmp,
        "release_dir": SMALL_RELEASE,
        "store_dir": tmp / "store",
        "max_results": MAX_RESULTS,
        "query_timeout_s": 3.0,
        "cors_origins": [ORIGIN],
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def embedded_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on the embedded store alone, for what only it has: query workers, their isolation, releases."""
    with TestClient(create_app(small_settings(tmp_path_factory.mktemp("embedded")))) as test_client:
        yield test_client


@pytest.fixture(scope="module", params=["embedded", *REMOTE_ENGINES])
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, engines: Engines
) -> Iterator[TestClient]:
    """The app on the embedded store, and on the remote store on each engine loaded with the same release."""
    remote = engines[request.param].remote_settings() if request.param != "embedded" else {}
    settings = small_settings(tmp_path_factory.mktemp("sparql"), **remote)
    if remote:
        load_remote(settings)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def query(
    client: TestClient, text: str, how: str = "get", accept: str | None = None, **params: str | list[str]
) -> Response:
    """Send `text` the way the protocol allows: GET, form POST or direct POST."""
    headers = {"Accept": accept} if accept else {}
    if how == "get":
        return client.get("/sparql", params={"query": text, **params}, headers=headers)
    if how == "form":
        return client.post("/sparql", data={"query": text, **params}, headers=headers)
    headers["Content-Type"] = "application/sparql-query"
    return client.post("/sparql", content=text.encode(), params=params, headers=headers)


def values(response: Response, column: str) -> list[str]:
    """One column of a SELECT answer, parsed according to its Content-Type."""
    media_type = response.headers["content-type"].partition(";")[0]
    if media_type in ("application/sparql-results+json", "application/json"):
        return [b[column]["value"] for b in response.json()["results"]["bindings"] if column in b]
    if media_type == "application/sparql-results+xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        cells = ET.fromstring(response.content).iterfind(f".//r:binding[@name='{column}']/*", ns)
        return [cell.text or "" for cell in cells]
    if media_type == "text/csv":
        return [row[column] for row in csv.DictReader(io.StringIO(response.text, newline=""))]
    assert media_type == "text/tab-separated-values"
    rows = list(csv.reader(io.StringIO(response.text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))
    index = rows[0].index(f"?{column}")
    return [_turtle_string(row[index]) for row in rows[1:]]


def graph_of(response: Response) -> Graph:
    media_type = response.headers["content-type"].partition(";")[0]
    with warnings.catch_warnings():  # rdflib's JSON-LD parser warns about its own deprecated classes
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=response.content, format=RDFLIB_FORMATS[media_type])


def label_graph() -> Graph:
    graph = Graph()
    for slug, en, ru in (("oregon", "Oregon", "Орегон"), ("minnesota", "Minnesota", "Миннесота")):
        graph.add((URIRef(CASE + slug), RDFS.label, Literal(en, lang="en")))
        graph.add((URIRef(CASE + slug), RDFS.label, Literal(ru, lang="ru")))
    return graph


def assert_error(response: Response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error", "message"}
    assert body["error"] == kind
    assert "Traceback" not in response.text
    return str(body["message"])


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_select_by_each_way_of_asking(client: TestClient, how: str) -> None:
    response = query(client, LABELS, how)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert values(response, "label") == LABEL_VALUES


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        "application/json",
    ],
)
def test_select_in_every_results_format(client: TestClient, accept: str) -> None:
    response = query(client, LABELS, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"].partition(";")[0] == accept
    assert values(response, "label") == LABEL_VALUES


@pytest.mark.parametrize("accept", list(RDFLIB_FORMATS))
@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_construct_in_every_rdf_format(client: TestClient, accept: str, how: str) -> None:
    response = query(client, LABEL_GRAPH, how, accept=accept)
    assert response.status_code == 200
    assert isomorphic(graph_of(response), label_graph())


def test_describe_is_rdf(client: TestClient) -> None:
    response = query(client, f"DESCRIBE <{CASE}minnesota>", accept="application/n-triples")
    assert (URIRef(CASE + "minnesota"), RDFS.label, Literal("Миннесота", lang="ru")) in graph_of(response)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("application/*;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
        ("text/*, text/csv;q=0", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        ("text/html, application/xhtml+xml, */*;q=0.8", "application/sparql-results+json"),
    ],
)
def test_q_values_choose_the_format(client: TestClient, accept: str, expected: str) -> None:
    response = query(client, LABELS, accept=accept)
    assert response.headers["content-type"].partition(";")[0] == expected
    assert response.headers["vary"].startswith("Accept")


@pytest.mark.parametrize(
    ("text", "accept"),
    [
        (LABELS, "image/png"),
        (LABELS, "text/turtle"),
        (LABEL_GRAPH, "text/csv"),
        (LABELS, "application/sparql-results+json;q=0"),
    ],
)
def test_nothing_acceptable_is_406(client: TestClient, text: str, accept: str) -> None:
    message = assert_error(query(client, text, accept=accept), 406, "NotAcceptable")
    assert "available" in message


def test_ask(client: TestClient) -> None:
    response = query(client, f"ASK {{ <{CASE}oregon> ?p ?o }}")
    assert response.json()["boolean"] is True


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_a_malformed_query_is_400_with_the_parsers_message(client: TestClient, how: str) -> None:
    message = assert_error(query(client, "SELECT * WHERE { ?s ?p }", how), 400, "QuerySyntaxError")
    assert re.match(r"line 1\b", message)  # where, in the query as sent, then the parser's reason
    assert "define" not in message and "/graph/" not in message  # not the query as the server ran it
    if message.startswith("line 1, column 25"):  # Oxigraph's parser: what it expected there, as keywords
        assert "expected" in message and "'" not in message.partition("expected")[2]


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_an_undeclared_prefix_is_named_with_the_line_that_declares_it(client: TestClient, how: str) -> None:
    message = assert_error(query(client, "SELECT ?x WHERE { ?x a foo:Case }", how), 400, "QuerySyntaxError")
    assert 'the prefix "foo:" is not declared' in message
    assert 'add a line "PREFIX foo: <...>"' in message


def test_the_projects_prefixes_are_declared_for_every_query(client: TestClient) -> None:
    declared = f"SELECT ?label WHERE {{ <{CASE}oregon> rdfs:label ?label }} ORDER BY ?label"
    assert values(query(client, declared), "label") == ["Oregon", "Орегон"]


def test_a_query_may_declare_a_project_prefix_otherwise(client: TestClient) -> None:
    redeclared = f"PREFIX rdfs: <{TEST}> SELECT ?label WHERE {{ <{CASE}oregon> rdfs:label ?label }}"
    assert values(query(client, redeclared), "label") == []


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_an_empty_query_is_said_to_be_empty(client: TestClient, how: str, text: str) -> None:
    assert assert_error(query(client, text, how), 400, "QuerySyntaxError").startswith("the query is empty")


def test_a_relative_iri_resolves_against_the_endpoint(client: TestClient) -> None:
    response = query(client, "CONSTRUCT { <s> <p> 1 } WHERE {}", accept="application/n-triples")
    assert response.status_code == 200
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    assert response.text == f'<http://testserver/s> <http://testserver/p> "1"^^{integer} .\n'


def test_a_store_fault_is_5xx_with_a_request_id_and_no_detail(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/query"
    with TestClient(create_app(small_settings(tmp_path, store="remote", remote_query_url=nowhere))) as remote:
        response = query(remote, "ASK {}")
        message = assert_error(response, 503, "StoreError")
    assert "127.0.0.1" not in response.text and "/query" not in message
    assert response.json()["request_id"] == response.headers["X-Request-Id"]
    assert response.json()["request_id"] in message or "request id" in message


def test_an_error_repeats_only_a_short_prefix_of_what_was_sent(client: TestClient) -> None:
    huge = "application/x-" + "a" * 100_000
    response = query(client, "ASK {}", accept=huge)
    assert_error(response, 406, "NotAcceptable")
    assert len(response.content) < 1000


def test_links_follow_the_base_url_or_a_trusted_host_never_another_host(client: TestClient) -> None:
    for host, expected in [
        ("evil.example", "http://testserver/sparql"),
        ("localhost:8000", "http://localhost:8000/sparql"),
    ]:
        description = graph_of(client.get("/sparql", headers={"Host": host, "Accept": "text/turtle"}))
        assert set(description.subjects(RDF.type, SD.Service)) == {URIRef(expected)}


@pytest.mark.parametrize(
    ("method", "options"),
    [
        pytest.param(
            "post",
            {
                "content": b"INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            id="sparql-update-body",
        ),
        pytest.param("post", {"data": {"update": "CLEAR ALL"}}, id="update-in-form"),
        pytest.param("get", {"params": {"update": "CLEAR ALL"}}, id="update-in-url"),
        pytest.param("get", {"params": {"query": "DROP ALL"}}, id="update-as-query"),
        pytest.param(
            "post",
            {"content": b"LOAD <http://example.org/x>", "headers": {"Content-Type": "application/sparql-query"}},
            id="load-as-query",
        ),
    ],
)
def test_updates_are_refused(client: TestClient, method: str, options: dict[str, object]) -> None:
    response = getattr(client, method)("/sparql", **options)
    assert "read-only" in assert_error(response, 403, "UpdateRefused")
    assert values(query(client, COUNT), "n") == ["24"]


def test_service_is_refused(client: TestClient) -> None:
    response = query(client, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert "SERVICE" in assert_error(response, 400, "QueryRefused")


def test_deep_nesting_is_refused(client: TestClient) -> None:
    response = query(client, "ASK " + "{" * 3000 + "}" * 3000, "direct")
    assert "deeper than" in assert_error(response, 400, "QueryRefused")


@pytest.mark.parametrize(
    ("options", "status"),
    [
        ({"data": {"default-graph-uri": ONTOLOGY}}, 400),
        ({"params": {"query": [COUNT, COUNT]}, "method": "get"}, 400),
        ({"content": b"query=SELECT", "headers": {"Content-Type": "text/plain"}}, 415),
        ({"content": b"\xff\xfe", "headers": {"Content-Type": "application/sparql-query"}}, 400),
        (
            {
                "content": COUNT.encode(),
                "params": {"query": COUNT},
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
        ),
    ],
    ids=["no-query", "two-queries", "wrong-content-type", "not-utf8", "query-in-body-and-url"],
)
def test_protocol_errors(client: TestClient, options: dict[str, object], status: int) -> None:
    sent = dict(options)  # the parameters are shared by every backend's run
    method = str(sent.pop("method", "post"))
    response = getattr(client, method)("/sparql", **sent)
    assert response.status_code == status
    assert set(response.json()) == {"error", "message", "request_id"}


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_default_graph_uri(client: TestClient, how: str) -> None:
    assert values(query(client, COUNT, how, **{"default-graph-uri": ONTOLOGY}), "n") == ["8"]
    both = query(client, COUNT, how, None, **{"default-graph-uri": [ONTOLOGY, INFERRED]})
    assert values(both, "n") == ["10"]


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_named_graph_uri(client: TestClient, how: str) -> None:
    text = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert values(query(client, text, how, **{"named-graph-uri": INFERRED}), "g") == [INFERRED]
    assert sorted(values(query(client, text, how), "g")) == sorted([INFERRED, ONTOLOGY, SOURCE])


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_entailment_none_leaves_the_inferred_graph_out(client: TestClient, how: str) -> None:
    assert sorted(values(query(client, TYPES, how), "type")) == [TEST + "PolicyCase", TEST + "Practice"]
    assert values(query(client, TYPES, how, entailment="none"), "type") == [TEST + "PolicyCase"]
    assert query(client, TYPES, how, entailment="rdfs").status_code == 400


def test_a_cut_answer_says_so(client: TestClient) -> None:
    cut = query(client, EVERYTHING)
    assert cut.headers["x-clustergraph-truncated"] == "true"
    assert cut.json()["truncated"] is True
    assert len(cut.json()["results"]["bindings"]) == MAX_RESULTS
    whole = query(client, EVERYTHING + " LIMIT 2")
    assert "x-clustergraph-truncated" not in whole.headers
    assert "truncated" not in whole.json()


def test_a_runaway_query_is_503(client: TestClient) -> None:
    assert "stopped" in assert_error(query(client, RUNAWAY), 503, "QueryTimeout")
    assert values(query(client, COUNT), "n") == ["24"]


@pytest.mark.parametrize(
    "accept",
    ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples", None],
)
def test_service_description(client: TestClient, accept: str | None) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    description = graph_of(response)
    endpoint = URIRef("http://testserver/sparql")
    assert (endpoint, RDF.type, SD.Service) in description
    assert (endpoint, SD.endpoint, endpoint) in description
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in description
    assert set(description.objects(None, SD.name)) == {URIRef(g) for g in (ONTOLOGY, SOURCE, INFERRED)}


def test_cors_for_browser_clients(client: TestClient) -> None:
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "access-control-allow-credentials" not in preflight.headers
    answer = client.get("/sparql", params={"query": EVERYTHING}, headers={"Origin": ORIGIN})
    assert "x-clustergraph-truncated" in answer.headers["access-control-expose-headers"].lower()
    other = client.get("/sparql", params={"query": COUNT}, headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("accept", list(RDFLIB_FORMATS))
def test_graph_store_downloads(client: TestClient, accept: str) -> None:
    named = client.get("/graphs", params={"graph": ONTOLOGY}, headers={"Accept": accept})
    assert len(graph_of(named)) == 8
    default = client.get("/graphs?default", headers={"Accept": accept})
    assert len(graph_of(default)) == 24
    asserted = client.get("/graphs?default&entailment=none", headers={"Accept": accept})
    assert len(graph_of(asserted)) == 22


def test_graph_store_errors(client: TestClient) -> None:
    assert_error(client.get("/graphs", params={"graph": "https://example.org/none"}), 404, "ResourceNotFound")
    assert ONTOLOGY in assert_error(client.get("/graphs"), 400, "BadRequest")
    assert_error(client.get("/graphs?default", headers={"Accept": "text/csv"}), 406, "NotAcceptable")


def test_health_probes_the_store_and_reports_its_pools(embedded_client: TestClient) -> None:
    health = embedded_client.get("/health")
    assert health.status_code == 200
    report = health.json()
    assert (report["status"], report["store"], report["problem"]) == ("ok", "embedded", None)
    assert report["probe_ms"] > 0
    assert report["pools"]["api"]["size"] >= 1 and report["pools"]["sparql"]["size"] >= 1
    assert report["isolation"] in {"network-namespace+seccomp", "seccomp", "network-namespace"}
    assert len(report["release"]) == 16  # the digest of the release version served


def test_health_is_503_when_the_store_cannot_answer_in_time(tmp_path: Path) -> None:
    settings = small_settings(tmp_path, api_workers=1, spare_worker=False, health_timeout_s=0.5)
    with TestClient(create_app(settings)) as busy_client:
        store = busy_client.app.state.store  # type: ignore[attr-defined]

        def occupy_the_api_worker() -> None:
            with pytest.raises(QueryTimeout):
                store.solutions(QueryRequest(RUNAWAY, trusted=True))

        runaway = threading.Thread(target=occupy_the_api_worker)
        runaway.start()
        while store.state()["api"]["busy"] == 0:
            time.sleep(0.01)
        health = busy_client.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        assert "did not answer a probe within 0.5 s" in health.json()["problem"]
        runaway.join()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", f"/sparql?query={COUNT}", 200),  # the shortcut to the endpoint (api.shortcut)
        ("POST", "/sparql", 415),  # the shortcut, an error
        ("GET", "/sparql?query=SELEC", 400),
        ("HEAD", f"/sparql?query={COUNT}", 200),  # the framework's path
        ("PUT", "/sparql", 405),
        ("GET", "/health", 200),
        ("GET", "/no/such/page", 404),
    ],
)
def test_every_answer_carries_its_request_id_and_release(
    embedded_client: TestClient, method: str, path: str, status: int
) -> None:
    response = embedded_client.request(method, path)
    assert response.status_code == status
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-Id"])
    digest = embedded_client.get("/health").json()["release"]
    assert response.headers["X-Clustergraph-Release"] == digest
    assert response.headers["ETag"] == f'W/"{digest}"'
    if status >= 400:
        assert response.json()["request_id"] == response.headers["X-Request-Id"]
    if method == "HEAD":
        assert response.content == b""


def test_metrics_in_the_prometheus_format(embedded_client: TestClient) -> None:
    query(embedded_client, COUNT)
    metrics = embedded_client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain; version=")
    text = metrics.text
    assert 'clustergraph_requests_total{method="GET",route="/sparql",status="200"}' in text
    assert 'clustergraph_request_duration_seconds_bucket{le="+Inf",route="/sparql"}' in text
    assert "clustergraph_query_timeouts_total " in text
    assert re.search(r"^process_resident_memory_bytes [0-9.e+]+$", text, re.MULTILINE)
    assert re.search(r'^clustergraph_workers\{pool="sparql",state="idle"\} [1-9]', text, re.MULTILINE)
    assert 'clustergraph_worker_restarts_total{pool="api"}' in text
    assert re.search(r"^clustergraph_query_isolation_seccomp [01]", text, re.MULTILINE)


def _turtle_string(cell: str) -> str:
    """The value of a TSV cell: an IRI, or a literal in Turtle syntax (JSON's string escapes)."""
    return cell[1:-1] if cell.startswith("<") else json.loads(cell[: cell.rindex('"') + 1])


@pytest.mark.parametrize(
    ("text", "format_name", "expected"),
    [
        pytest.param(LABELS, "json", "application/sparql-results+json", id="select-json"),
        pytest.param(LABELS, "xml", "application/sparql-results+xml", id="select-xml"),
        pytest.param(LABELS, "csv", "text/csv", id="select-csv"),
        pytest.param(LABELS, "tsv", "text/tab-separated-values", id="select-tsv"),
        pytest.param(LABELS, "text/csv", "text/csv", id="select-media-type"),
        pytest.param(LABEL_GRAPH, "turtle", "text/turtle", id="construct-turtle"),
        pytest.param(LABEL_GRAPH, "ntriples", "application/n-triples", id="construct-ntriples"),
        pytest.param(LABEL_GRAPH, "json", "application/ld+json", id="construct-json"),
        pytest.param(LABEL_GRAPH, "xml", "application/rdf+xml", id="construct-xml"),
    ],
)
@pytest.mark.parametrize("how", ["get", "form"])
def test_format_parameter_wins_over_accept(
    client: TestClient, how: str, text: str, format_name: str, expected: str
) -> None:
    response = query(client, text, how, accept="application/sparql-results+json", format=format_name)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].partition(";")[0] == expected
    if expected == "text/csv":
        assert sorted(row["label"] for row in csv.DictReader(io.StringIO(response.text))) == LABEL_VALUES
    elif text == LABEL_GRAPH:
        assert len(graph_of(response)) == len(LABEL_VALUES)


def test_an_unknown_format_is_406_naming_the_known_ones(client: TestClient) -> None:
    message = assert_error(query(client, LABELS, format="xlsx"), 406, "NotAcceptable")
    assert "json, xml, csv, tsv" in message


def test_a_browser_opening_the_endpoint_lands_on_the_query_page(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": browser}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/query"
    assert client.get("/sparql", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")
