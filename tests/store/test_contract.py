"""What every store must do, run on the embedded store and on a real Oxigraph server (`store`)."""

from __future__ import annotations

import csv
import io
import json
import warnings
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS
from smallrelease import CASE, GRAPHS, INFERRED, MAX_RESULTS, NOTE_TEXT, ONTOLOGY, QUADS, SOURCE, TEST

from clustergraph.errors import (
    QueryRefused,
    QuerySyntaxError,
    ResourceNotFound,
    UpdateRefused,
)
from clustergraph.store.base import Dataset, GraphStore, QueryRequest, Term
from clustergraph.store.formats import GRAPH_FORMATS, RESULT_FORMATS

LABELS = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?case ?label WHERE {{ ?case a <{TEST}PolicyCase> ; rdfs:label ?label }} ORDER BY ?label
"""
TYPES = f"SELECT ?type WHERE {{ <{CASE}oregon> a ?type }}"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
NOTE = f"SELECT ?note WHERE {{ ?case <{TEST}note> ?note }}"
LABEL_GRAPH = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {{ ?case rdfs:label ?label }} WHERE {{ ?case a <{TEST}PolicyCase> ; rdfs:label ?label }}
"""
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def select(store: GraphStore, text: str, **options: object) -> list[dict[str, str]]:
    rows = store.solutions(QueryRequest(text, **options)).rows  # type: ignore[arg-type]
    return [{name: term.value for name, term in row.items()} for row in rows]


def label_graph() -> Graph:
    graph = Graph()
    for slug, en, ru in (("oregon", "Oregon", "Орегон"), ("minnesota", "Minnesota", "Миннесота")):
        graph.add((URIRef(CASE + slug), RDFS.label, Literal(en, lang="en")))
        graph.add((URIRef(CASE + slug), RDFS.label, Literal(ru, lang="ru")))
    return graph


def test_graph_names(store: GraphStore) -> None:
    assert tuple(store.graph_names()) == GRAPHS


def test_rows_are_terms(store: GraphStore) -> None:
    rows = store.solutions(QueryRequest(LABELS)).rows
    assert rows[0] == {"case": Term("uri", CASE + "minnesota"), "label": Term("literal", "Minnesota", lang="en")}
    assert {row["label"].value for row in rows} == {"Minnesota", "Oregon", "Миннесота", "Орегон"}


def test_typed_literal_and_blank_node(store: GraphStore) -> None:
    text = f"SELECT ?y ?part WHERE {{ ?c <{TEST}year> ?y ; <{TEST}hasPart> ?part }}"
    (row,) = store.solutions(QueryRequest(text)).rows
    assert row["y"] == Term("literal", "2017", datatype="http://www.w3.org/2001/XMLSchema#integer")
    assert row["part"].type == "bnode"


def test_entailment_is_on_by_default_and_can_be_left_out(store: GraphStore) -> None:
    assert {r["type"] for r in select(store, TYPES)} == {TEST + "PolicyCase", TEST + "Practice"}
    asserted = select(store, TYPES, dataset=Dataset(entailment=False))
    assert {r["type"] for r in asserted} == {TEST + "PolicyCase"}


def test_named_graphs_follow_entailment(store: GraphStore) -> None:
    assert {r["g"]: int(r["n"]) for r in select(store, PER_GRAPH)} == QUADS
    asserted = select(store, PER_GRAPH, dataset=Dataset(entailment=False))
    assert {r["g"] for r in asserted} == {ONTOLOGY, SOURCE}


def test_protocol_dataset_replaces_the_default(store: GraphStore) -> None:
    only_ontology = Dataset(default_graphs=(ONTOLOGY,), named_graphs=(INFERRED,))
    assert select(store, COUNT, dataset=only_ontology) == [{"n": str(QUADS[ONTOLOGY])}]
    assert {r["g"] for r in select(store, PER_GRAPH, dataset=only_ontology)} == {INFERRED}


def test_a_query_may_name_its_own_dataset(store: GraphStore) -> None:
    text = f"SELECT (COUNT(*) AS ?n) FROM <{SOURCE}> WHERE {{ ?s ?p ?o }}"
    assert select(store, text) == [{"n": str(QUADS[SOURCE])}]


@pytest.mark.parametrize("datatype", ["^^xsd:string", "^^<http://www.w3.org/2001/XMLSchema#string>", " ^^ xsd:string"])
def test_a_string_typed_xsd_string_is_the_plain_string(store: GraphStore, datatype: str) -> None:
    """RDF 1.1: `"a"^^xsd:string` and `"a"` are one literal."""
    note = json.dumps(NOTE_TEXT)
    text = f"SELECT ?case WHERE {{ ?case <{TEST}note> {note}{datatype} }}"
    assert select(store, text) == [{"case": CASE + "oregon"}]


def test_bound_parameters_are_terms(store: GraphStore) -> None:
    rows = select(store, LABELS, bindings={"case": URIRef(CASE + "oregon")})
    assert {r["label"] for r in rows} == {"Oregon", "Орегон"}
    assert select(store, LABELS, bindings={"case": Literal(f"{CASE}oregon> }} # ")}) == []


def test_a_bound_variable_is_bound_where_the_query_filters_on_it(store: GraphStore) -> None:
    text = "SELECT ?case ?text WHERE { ?case rdfs:label ?label FILTER(CONTAINS(STR(?label), ?text)) }"
    rows = select(store, text, bindings={"text": Literal("Oreg")})
    assert {row["case"] for row in rows} == {CASE + "oregon", "http://example.org/test/region/oregon"}


def test_rows_are_bounded_and_say_so(store: GraphStore) -> None:
    capped = store.solutions(QueryRequest(EVERYTHING))
    assert (len(capped.rows), capped.truncated) == (MAX_RESULTS, True)
    asked = store.solutions(QueryRequest(EVERYTHING, limit=2))
    assert (len(asked.rows), asked.truncated) == (2, True)
    whole = store.solutions(QueryRequest(EVERYTHING + " LIMIT 3"))
    assert (len(whole.rows), whole.truncated) == (3, False)
    too_many = store.solutions(QueryRequest(EVERYTHING + " LIMIT 3", limit=100))
    assert len(too_many.rows) == 3


def test_ask(store: GraphStore) -> None:
    assert store.solutions(QueryRequest(f"ASK {{ <{CASE}oregon> ?p ?o }}")).boolean is True
    assert store.solutions(QueryRequest("ASK { <http://example.org/nothing> ?p ?o }")).boolean is False


@pytest.mark.parametrize("media_type", list(RESULT_FORMATS))
def test_results_in_every_format(store: GraphStore, media_type: str) -> None:
    result = store.serialized(QueryRequest(NOTE), media_type)
    assert (result.media_type, result.truncated) == (media_type, False)
    assert parse_results(result.body, media_type) == [NOTE_TEXT]


@pytest.mark.parametrize("media_type", list(RESULT_FORMATS))
def test_boolean_in_every_format(store: GraphStore, media_type: str) -> None:
    body = store.serialized(QueryRequest("ASK { ?s ?p ?o }"), media_type).body
    if media_type == "application/sparql-results+json":
        assert json.loads(body)["boolean"] is True
    elif media_type == "application/sparql-results+xml":
        assert ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"  # type: ignore[union-attr]
    else:
        assert body.strip() == b"true"


@pytest.mark.parametrize("media_type", list(RESULT_FORMATS))
def test_serialized_results_are_bounded_and_say_so(store: GraphStore, media_type: str) -> None:
    result = store.serialized(QueryRequest(EVERYTHING), media_type)
    assert result.truncated
    assert len(parse_results(result.body, media_type, column="s")) == MAX_RESULTS
    if media_type == "application/sparql-results+json":
        assert json.loads(result.body)["truncated"] is True


@pytest.mark.parametrize("media_type", list(GRAPH_FORMATS))
def test_graphs_in_every_format(store: GraphStore, media_type: str) -> None:
    result = store.serialized(QueryRequest(LABEL_GRAPH), media_type)
    assert isomorphic(parse_rdf(result.body, media_type), label_graph())
    assert not result.truncated


def test_construct_is_bounded(store: GraphStore) -> None:
    result = store.serialized(QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }"), "application/n-triples")
    assert result.truncated
    assert len(Graph().parse(data=result.body, format="nt")) == MAX_RESULTS


@pytest.mark.parametrize("name", [*GRAPHS, None])
def test_graph_download_is_whole(store: GraphStore, name: str | None) -> None:
    body = store.graph(name, "application/n-triples")
    expected = QUADS[name] if name else sum(QUADS.values())
    assert len(Graph().parse(data=body, format="nt")) == expected


def test_default_graph_download_without_entailment(store: GraphStore) -> None:
    body = store.graph(None, "text/turtle", entailment=False)
    assert len(Graph().parse(data=body, format="turtle")) == QUADS[ONTOLOGY] + QUADS[SOURCE]


def test_unknown_graph(store: GraphStore) -> None:
    with pytest.raises(ResourceNotFound, match="no graph"):
        store.graph("https://w3id.org/clustergraph/graph/nothing", "text/turtle")


def test_syntax_errors_carry_the_parsers_message(store: GraphStore) -> None:
    with pytest.raises(QuerySyntaxError) as error:
        store.solutions(QueryRequest("SELECT * WHERE { ?s ?p }"))
    assert str(error.value)


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        pytest.param("INSERT DATA { <a:b> <a:c> <a:d> }", UpdateRefused, id="update"),
        pytest.param("LOAD <http://example.org/data.ttl>", UpdateRefused, id="load"),
        pytest.param("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", QueryRefused, id="service"),
        pytest.param("SELECT * WHERE " + "{" * 5000 + "}" * 5000, QueryRefused, id="nesting"),
    ],
)
def test_refusals(store: GraphStore, text: str, refusal: type[Exception]) -> None:
    with pytest.raises(refusal):
        store.solutions(QueryRequest(text))
    assert store.solutions(QueryRequest("ASK { ?s ?p ?o }")).boolean is True


def parse_rdf(body: bytes, media_type: str) -> Graph:
    """The graph, read back by rdflib (whose JSON-LD parser warns about its own deprecated classes)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=body, format=RDFLIB_FORMATS[media_type])


def parse_results(body: bytes, media_type: str, column: str = "note") -> list[str]:
    """The values of one column, read back with the standard library's own parsers."""
    text = body.decode("utf-8")
    if media_type == "application/sparql-results+json":
        return [b[column]["value"] for b in json.loads(text)["results"]["bindings"]]
    if media_type == "application/sparql-results+xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        cells = ET.fromstring(body).iterfind(f".//r:result/r:binding[@name='{column}']/*", ns)
        return [cell.text or "" for cell in cells]
    if media_type == "text/csv":
        return [row[column] for row in csv.DictReader(io.StringIO(text, newline=""))]
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))
    index = rows[0].index(f"?{column}")
    return [_tsv_term(row[index]) for row in rows[1:]]


def _tsv_term(cell: str) -> str:
    """A TSV cell is a term in Turtle syntax; the test data has IRIs and plain strings."""
    if cell.startswith("<"):
        return cell[1:-1]
    return str(json.loads(cell))
