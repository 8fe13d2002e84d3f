"""With a remote store the guard is the only control: the bypasses that once made a real
`oxigraph serve` fetch a URL or abort on hidden nesting are refused before anything is sent, and the
server answers on; a server's own extension functions are not called."""

from __future__ import annotations

import pytest

from clustergraph.errors import QueryRefused
from clustergraph.store.base import QueryRequest
from clustergraph.store.remote import RemoteStore
from engines import Engine

pytestmark = pytest.mark.slow

HIDDEN_DEPTH = [
    pytest.param("ASK { FILTER(1<2)#>\n" + "(" * 2000 + "1" + ")" * 2000 + ") }", id="parentheses-2000"),
    pytest.param("ASK { FILTER(1<2)#>\n" + "{" * 5000 + "}" * 5000 + " }", id="braces-5000"),
    pytest.param("ASK { FILTER(?x<x(y)>" + "(" * 2000 + "1" + ")" * 2000 + ") }", id="bracket-in-iri"),
]


@pytest.mark.parametrize("text", HIDDEN_DEPTH)
def test_hidden_nesting_is_refused_and_the_server_lives(remote_store: RemoteStore, text: str) -> None:
    with pytest.raises(QueryRefused):
        remote_store.solutions(QueryRequest(text))
    assert remote_store.solutions(QueryRequest("ASK { ?s ?p ?o }")).boolean is True


def test_hidden_service_is_refused(remote_store: RemoteStore, engine: Engine) -> None:
    text = f"SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{engine.query_url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryRefused):
        remote_store.solutions(QueryRequest(text))


def test_extension_functions_are_not_passed_on(remote_store: RemoteStore) -> None:
    with pytest.raises(QueryRefused, match="bif:http_get"):
        remote_store.solutions(QueryRequest("SELECT * WHERE { ?s ?p ?o FILTER(bif:http_get(STR(?o))) }"))
