"""The API on a remote store answers as on the embedded one: the fixture release loaded by
`load-remote` into each real engine (`benchmarks/engines.py`), and every named query, the analysts'
JSON views and the linked-data representations asked of both apps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.compare import isomorphic

from clustergraph.api.app import create_app
from clustergraph.queries import load_catalog
from clustergraph.settings import Settings
from clustergraph.store.remote_load import load_remote
from engines import REMOTE_ENGINES, started

pytestmark = pytest.mark.slow

QUERIES = load_catalog(Path(__file__).parent / "data" / "queries")
VIEWS = [
    "/api/cases",
    "/api/cases/oregon",
    "/api/compare?case=oregon&case=massachusetts",
    "/api/lifecycle",
    "/api/roles",
    "/api/institutions",
    "/api/instruments",
    "/api/search?q=cluster",
    "/api/provenance?iri=https://w3id.org/clustergraph/id/case/oregon",
]
GRAPHS = ["/id/case/oregon", "/ontology"]
# Where an engine answers otherwise, the fields that differ (wherever they occur in the view), and
# why; the rest of the view must still be the same:
# - SPARQL leaves the order of literals in different languages to the engine, and /api/search shows
#   the first text of a resource that matched.
DIFFERS = {
    "virtuoso": {
        "/api/search?q=cluster": {"matched", "matched_lang"},
    },
}


class Remote(NamedTuple):
    engine: str
    client: TestClient


@pytest.fixture(scope="module", params=REMOTE_ENGINES)
def remote(
    request: pytest.FixtureRequest, fixture_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Remote]:
    """The app on a fresh server of one engine holding the fixture release."""
    with started(request.param, tmp_path_factory.mktemp(request.param)) as engine:
        settings = Settings(**{**fixture_settings.model_dump(), **engine.remote_settings()})
        load_remote(settings)
        with TestClient(create_app(settings)) as client:
            yield Remote(engine.name, client)


def answer(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params) if params else client.get(url)  # params= would drop url's query
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("name", sorted(n for n, q in QUERIES.items() if q.form in ("SELECT", "ASK")))
def test_named_queries_answer_alike(client: TestClient, remote: Remote, name: str) -> None:
    examples = {p.name: p.example for p in QUERIES[name].parameters if p.example is not None}
    embedded = answer(client, f"/api/queries/{name}", **examples)
    served = answer(remote.client, f"/api/queries/{name}", **examples)
    assert embedded["rows"] or embedded["boolean"] is not None
    assert {**served, "rows": sorted(map(repr, served["rows"]))} == {
        **embedded,
        "rows": sorted(map(repr, embedded["rows"])),
    }


@pytest.mark.parametrize("url", VIEWS)
def test_views_answer_alike(client: TestClient, remote: Remote, url: str) -> None:
    served, embedded = answer(remote.client, url), answer(client, url)
    fields = DIFFERS.get(remote.engine, {}).get(url, set())
    assert without(served, fields) == without(embedded, fields)


def without(value: Any, fields: set[str]) -> Any:
    """`value` with every `fields` key dropped, at any depth."""
    if isinstance(value, dict):
        return {k: without(v, fields) for k, v in value.items() if k not in fields}
    if isinstance(value, list):
        return [without(v, fields) for v in value]
    return value


@pytest.mark.parametrize("path", GRAPHS)
def test_linked_data_is_the_same_graph(client: TestClient, remote: Remote, path: str) -> None:
    turtle = {"Accept": "text/turtle"}
    embedded, response = client.get(path, headers=turtle), remote.client.get(path, headers=turtle)
    assert response.status_code == embedded.status_code == 200
    served = Graph().parse(data=response.text, format="turtle")
    assert isomorphic(served, Graph().parse(data=embedded.text, format="turtle"))
