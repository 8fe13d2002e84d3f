"""The guard reads SPARQL text as tokens: it refuses updates, SERVICE, LOAD, oversized and deeply
nested queries, and is fooled neither by keywords inside strings, IRIs, names and comments, nor by
brackets there; where Oxigraph would read the text otherwise than a naive lexer (`<` as less-than,
keywords glued to other tokens, prefixed names cut short), it decides as Oxigraph does or refuses.
Each case marked "bypass" made Oxigraph fetch a URL before the guard knew about it
(`test_guard_differential.py` checks the whole class with a canary)."""

from __future__ import annotations

import pytest

from clustergraph.errors import QueryRefused, QuerySyntaxError, UpdateRefused
from clustergraph.store.guard import Limits, QueryInfo, inspect_query

LIMITS = Limits(max_bytes=1000, max_depth=8)


def inspect(text: str) -> QueryInfo:
    return inspect_query(text, LIMITS)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        pytest.param("SELECT * WHERE { ?s ?p ?o }", "SELECT", id="select"),
        pytest.param("ask { ?s ?p ?o }", "ASK", id="lower-case"),
        pytest.param(
            "PREFIX ex: <http://example.org/>\nBASE <http://x/> CONSTRUCT WHERE { ?s ex:p ?o }",
            "CONSTRUCT",
            id="prologue",
        ),
        pytest.param("# a comment with SELECT\nDESCRIBE <http://example.org/a>", "DESCRIBE", id="comment-first"),
    ],
)
def test_form(text: str, form: str) -> None:
    assert inspect(text).form == form


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "the query is empty", id="empty"),
        pytest.param("  # only a comment\n", "the query is empty", id="comment-only"),
        pytest.param("PREFIX ex: <http://x/>", "no SELECT, ASK, CONSTRUCT or DESCRIBE", id="prologue-only"),
        pytest.param("nonsense { }", "not NONSENSE", id="no-form"),
        pytest.param("DEFINE input:grab-all 'yes' SELECT * { ?s ?p ?o }", "not DEFINE", id="virtuoso-pragma"),
        pytest.param("SELECTX * { }", "not SELECTX", id="glued"),
    ],
)
def test_text_that_is_no_query_is_a_syntax_error(text: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        inspect(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", id="service"),
        pytest.param("select * where { service silent ?endpoint { ?s ?p ?o } }", id="lower-case-silent"),
        pytest.param("SELECT * WHERE {?s ?p ?o FILTER(?o<3)SERVICE<http://x>{}}", id="no-spaces"),
        pytest.param("SELECT * WHERE { ?s ?p '''{ ( [''' . SeRvIcE <http://x> { } }", id="after-long-string"),
        pytest.param('SELECT * WHERE { ?s ?p "\\"" SERVICE <http://x> { } }', id="after-escaped-quote"),
        pytest.param("SELECT * WHERE { ?s ?p 1.5e3SERVICE <http://x> { } }", id="bypass-glued-to-a-double"),
        pytest.param("SELECT * WHERE { ?s ?p trueSERVICE <http://x> { } }", id="bypass-glued-to-true"),
        pytest.param("SELECT * WHERE { ?s a ?o . aSERVICE <http://x> { } }", id="glued-to-a"),
        pytest.param("PREFIX : <http://x/> SELECT * WHERE { ?s ?p trueSERVICE:y { } }", id="bypass-prefix-after-true"),
        pytest.param(
            "PREFIX service: <http://e/> PREFIX : <http://x/> SELECT * WHERE { service:y { } }",
            id="bypass-prefix-named-service",
        ),
        pytest.param(
            "PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p ex:.SERVICE <http://x> { } }",
            id="bypass-local-name-cut-at-a-dot",
        ),
        pytest.param("SELECT * WHERE { ?s ?p 'x'@en-SERVICE }", id="in-a-language-tag"),
    ],
)
def test_service_is_refused(text: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        inspect(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("SELECT ?service WHERE { ?s <http://example.org/SERVICE> ?service }", id="variable-and-iri"),
        pytest.param("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:service ex:LOAD.x }", id="local-names"),
        pytest.param("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:p ex:a..SERVICE }", id="local-name-with-dots"),
        pytest.param("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:p ex:SERVICE.LOAD }", id="local-name-with-dot"),
        pytest.param("SELECT * WHERE { ?s ?p 'SERVICE <http://x> { }' }", id="string"),
        pytest.param('SELECT * WHERE { ?s ?p """INSERT DATA { }""" }', id="long-string"),
        pytest.param("SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x> { }", id="comment"),
    ],
)
def test_keywords_inside_other_tokens_are_fine(text: str) -> None:
    assert inspect(text).form == "SELECT"


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX x: <http://x/> WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <http://x/g>",
        "CREATE GRAPH <http://x/g>",
        "COPY DEFAULT TO <http://x/g>",
        "MOVE DEFAULT TO <http://x/g>",
        "ADD DEFAULT TO <http://x/g>",
        "SELECT * WHERE { ?s ?p ?o } ; LOAD <http://example.org/x>",
    ],
)
def test_updates_are_refused(text: str) -> None:
    with pytest.raises(UpdateRefused, match="read-only"):
        inspect(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("ASK " + "{" * 9 + "}" * 9, id="braces"),
        pytest.param("ASK { FILTER(" + "(" * 9 + "1" + ")" * 9 + ") }", id="parentheses"),
        pytest.param("ASK { ?s ?p " + "[ ?p " * 9 + "?o" + "]" * 9 + " }", id="blank-nodes"),
        pytest.param("ASK { { ( [ { ( [ { ( [ ] ) } ] ) } ] ) } }", id="mixed"),
        pytest.param("ASK " + "{" * 100_000, id="unbalanced"),
    ],
)
def test_deep_nesting_is_refused(text: str) -> None:
    with pytest.raises(QueryRefused, match="deeper than 8"):
        inspect_query(text, Limits(max_bytes=10**6, max_depth=8))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "SELECT * WHERE { FILTER(1<2)SERVICE#>\n<http://127.0.0.1:9/x> { ?s ?p ?o } }", id="bypass-service"
        ),
        pytest.param("ASK { FILTER(1<2)#>\n" + "(" * 20 + "1" + ")" * 20 + ") }", id="bypass-hidden-depth"),
        pytest.param("ASK { FILTER(?a<?b&&'>'=?c) }", id="quote"),
        pytest.param("ASK { FILTER(?x<x(y)>) }", id="brackets"),
    ],
)
def test_a_less_than_that_could_open_an_iri_is_refused_when_the_readings_differ(text: str) -> None:
    with pytest.raises(QueryRefused, match="less-than or as the start of the IRI"):
        inspect_query(text, Limits(max_bytes=10**4, max_depth=8))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("ASK { FILTER(?x = <http://x/ns#a>) }", id="after-an-operator"),
        pytest.param("ASK { FILTER(?x IN (<http://x/ns#a>, <http://x/ns#b>)) }", id="in-a-list"),
        pytest.param("ASK { FILTER(?a<?b&&?b>3) }", id="both-readings-agree"),
        pytest.param("ASK { ?s <http://x/ns#p> <http://x/ns#o> }", id="triples"),
        pytest.param("ASK { FILTER(?x = '1'^^<http://www.w3.org/2001/XMLSchema#integer>) }", id="datatype"),
        pytest.param("ASK { VALUES (?a ?b) { (<http://x/ns#a> <http://x/ns#b>) } }", id="values-rows"),
        pytest.param("ASK { FILTER EXISTS { ?s ?p <http://x/ns#o> } }", id="exists"),
    ],
)
def test_an_iri_where_less_than_cannot_stand_is_an_iri(text: str) -> None:
    assert inspect(text).form == "ASK"


def test_brackets_in_strings_and_iris_do_not_count() -> None:
    text = "SELECT * WHERE { ?s <http://x/((((((((((> '{{{{{{{{{{' }"
    assert inspect(text).form == "SELECT"


def test_nesting_message_says_where() -> None:
    with pytest.raises(QueryRefused, match="line 2, column 9"):
        inspect("ASK\n{{{{{{{{{}}}}}}}}}")


def test_size_is_counted_in_bytes() -> None:
    text = "SELECT * WHERE { ?s ?p 'ж' }"
    inspect_query(text, Limits(max_bytes=len(text) + 1, max_depth=8))
    with pytest.raises(QueryRefused, match="bytes"):
        inspect_query(text, Limits(max_bytes=len(text), max_depth=8))


@pytest.mark.parametrize(
    ("text", "has_dataset", "has_trailing_values"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", False, False),
        ("SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }", True, False),
        ("SELECT * FROM NAMED <http://x/g> WHERE { GRAPH ?g { ?s ?p ?o } }", True, False),
        ("SELECT * WHERE { VALUES ?s { <http://x/a> } ?s ?p ?o }", False, False),
        ("SELECT * WHERE { ?s ?p ?o } VALUES ?s { <http://x/a> }", False, True),
    ],
)
def test_dataset_and_values(text: str, has_dataset: bool, has_trailing_values: bool) -> None:
    info = inspect(text)
    assert (info.has_dataset, info.has_trailing_values) == (has_dataset, has_trailing_values)


@pytest.mark.parametrize(
    ("text", "functions"),
    [
        pytest.param("SELECT * WHERE { ?s ?p ?o FILTER(STR(?o) = 'x') }", (), id="built-ins"),
        pytest.param("SELECT (xsd:integer(?o) AS ?n) WHERE { ?s ?p ?o }", (), id="xsd-cast"),
        pytest.param(
            "SELECT * WHERE { ?s ?p ?o FILTER(<http://www.w3.org/2001/XMLSchema#integer>(?o) > 1) }", (), id="xsd-iri"
        ),
        pytest.param("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:p (1 2) }", (), id="collection"),
        pytest.param("SELECT * WHERE { ?s ?p ?o FILTER(bif:http_get(?o)) }", ("bif:http_get",), id="virtuoso"),
        pytest.param("SELECT * WHERE { ?s ?p ?o FILTER bif:contains(?o, 'x') }", ("bif:contains",), id="filter-call"),
        pytest.param("SELECT * WHERE { ?s ?p ?o } ORDER BY <http://x/f>(?o)", ("<http://x/f>",), id="order-by"),
        pytest.param(
            "PREFIX xsd: <http://x/> SELECT (xsd:integer(?o) AS ?n) WHERE { ?s ?p ?o }",
            ("xsd:integer",),
            id="xsd-prefix-declared-elsewhere",
        ),
    ],
)
def test_extension_functions_are_named(text: str, functions: tuple[str, ...]) -> None:
    assert inspect(text).extension_functions == functions


@pytest.mark.parametrize(
    ("text", "removed"),
    [
        pytest.param('ASK { ?s ?p "a"^^xsd:string }', ["^^xsd:string"], id="prefixed"),
        pytest.param(
            "ASK { ?s ?p 'a' ^^ <http://www.w3.org/2001/XMLSchema#string> }",
            ["^^ <http://www.w3.org/2001/XMLSchema#string>"],
            id="iri",
        ),
        pytest.param('ASK { ?s ?p "a"^^xsd:integer }', [], id="another-datatype"),
        pytest.param('PREFIX xsd: <http://x/> ASK { ?s ?p "a"^^xsd:string }', [], id="xsd-prefix-declared-elsewhere"),
        pytest.param('ASK { ?s ?p "a" . ?s ?q xsd:string }', [], id="not-after-a-string"),
        pytest.param('ASK { ?s ?p "^^xsd:string" }', [], id="inside-a-string"),
    ],
)
def test_strings_typed_xsd_string_are_found(text: str, removed: list[str]) -> None:
    assert [text[start:end] for start, end in inspect(text).string_datatypes] == removed


@pytest.mark.parametrize(
    ("text", "used"),
    [
        ("SELECT ?t WHERE { <http://example.org/a> a ?t }", set()),
        ("SELECT * WHERE { ?s a cg:Case ; rdfs:label 'cg:no' }", {"cg", "rdfs"}),
        ("PREFIX cg: <http://example.org/> SELECT * WHERE { ?s ?p ?o } # cg:Case", {"cg"}),
        ("SELECT * WHERE { ?s facilitator-function:x :y }", {"facilitator-function", ""}),
        ("SELECT * WHERE { ?s <http://example.org/p> xcg:a }", {"xcg"}),
    ],
)
def test_the_prefixes_a_query_uses_are_noted(text: str, used: set[str]) -> None:
    """The store declares the project's prefixes only for a query whose prefixed names use one."""
    assert inspect_query(text, LIMITS).prefixes_used == used
