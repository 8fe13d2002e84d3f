"""Oxigraph's parse errors made readable, and when a query needs the endpoint's base IRI."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from clustergraph.store.syntax import is_empty, may_have_relative_iris, readable


def oxigraph_message(text: str) -> str:
    with pytest.raises(SyntaxError) as raised:
        ox.Store().query(text)
    return str(raised.value)


def test_an_undeclared_prefix_is_named_with_the_line_that_declares_it() -> None:
    text = "SELECT ?x WHERE {\n  ?x a foo:Case\n}"
    message = readable(oxigraph_message(text), text)
    assert message.startswith("line 2, column ")
    assert 'the prefix "foo:" is not declared: add a line "PREFIX foo: <...>"' in message
    assert "cg:" in message  # the prefixes declared already


def test_other_errors_say_where_and_which_keywords_were_expected() -> None:
    text = "SELECT ?x WHERE { ?x a }"
    message = readable(oxigraph_message(text), text)
    assert message.startswith("line 1, column 25, after 'SELECT ?x WHERE { ?x a }': expected one of ")
    assert "VALUES" in message and "[" not in message  # keywords, not Oxigraph's character classes


@pytest.mark.parametrize("text", ["", "  \n\t", "# a comment\n# another"])
def test_an_empty_query(text: str) -> None:
    assert is_empty(text)
    assert readable("anything", text).startswith("the query is empty")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CONSTRUCT { <s> <p> 1 } WHERE {}", True),
        ("ASK { <#part> ?p ?o }", True),
        ("SELECT * { <http://x/a> ?p ?o FILTER(?o<3 && ?o>1) }", False),
        ("SELECT * { ?s a <urn:x:y> }", False),
    ],
)
def test_a_base_iri_is_passed_only_where_a_relative_iri_may_be(text: str, expected: bool) -> None:
    assert may_have_relative_iris(text) is expected
