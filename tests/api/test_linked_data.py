"""Dereferencing `/id/{kind}/{slug}` and `/ontology`: every RDF type parses with a real parser, a
browser gets HTML whose links stay on this service, and an unknown IRI is a 404."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from clustergraph.api.app import create_app
from clustergraph.namespaces import CG, ID, ONTOLOGY_IRI
from clustergraph.settings import Settings

OREGON = ID["source/creative-economy-2017-07/case/oregon"]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_FORMATS = [
    pytest.param("text/turtle", "ttl", id="turtle"),
    pytest.param("application/ld+json", "jsonld", id="json-ld"),
    pytest.param("application/n-triples", "nt", id="n-triples"),
    pytest.param("application/rdf+xml", "rdf", id="rdf-xml"),
]


def _parse(body: bytes, media_type: str) -> set[ox.Triple]:
    """The triples of a response, read by Oxigraph's parser for that media type."""
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    assert rdf_format is not None, media_type
    return {quad.triple for quad in ox.parse(body, format=rdf_format)}


def _triple(subject: str, predicate: str, obj: str | ox.Literal) -> ox.Triple:
    value = obj if isinstance(obj, ox.Literal) else ox.NamedNode(obj)
    return ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), value)


@pytest.mark.parametrize(("media_type", "short"), RDF_FORMATS)
def test_a_resource_in_every_rdf_format(client: TestClient, media_type: str, short: str) -> None:
    response = client.get("/id/source/creative-economy-2017-07/case/oregon", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "accept" in response.headers["vary"].lower()
    triples = _parse(response.content, response.headers["content-type"])
    label = ox.Literal("Oregon: discussion platforms", language="en")
    assert _triple(OREGON, str(RDFS.label), label) in triples
    assert _triple(OREGON, str(CG.inRegion), ID["region/oregon"]) in triples
    restson = _triple(OREGON, str(CG.restsOn), ID["source/mobilizing-oregon-clusters-2013"])
    assert restson in triples, "inferred triples are there"
    assert _triple(ID["region/oregon"], str(CG.hasCase), OREGON) in triples, "so are incoming links"
    by_format = client.get(f"/id/source/creative-economy-2017-07/case/oregon?format={short}")
    assert by_format.headers["content-type"].startswith(media_type)
    assert _parse(by_format.content, media_type) == triples


def test_turtle_reads_in_rdflib_too(client: TestClient) -> None:
    graph = Graph().parse(
        data=client.get("/id/source/creative-economy-2017-07/case/oregon?format=ttl").text, format="turtle"
    )
    assert (URIRef(OREGON), CG.inRegion, URIRef(ID["region/oregon"])) in graph


def test_q_values_choose_between_rdf_formats(client: TestClient) -> None:
    response = client.get(
        "/id/source/creative-economy-2017-07/case/oregon",
        headers={"Accept": "text/turtle;q=0.4, application/n-triples;q=0.8"},
    )
    assert response.headers["content-type"].startswith("application/n-triples")


@pytest.mark.parametrize("accept", [BROWSER, "*/*", "text/html", ""])
def test_a_browser_gets_html(client: TestClient, accept: str) -> None:
    response = client.get(
        "/id/source/creative-economy-2017-07/case/oregon", headers={"Accept": accept} if accept else {}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Oregon: discussion platforms" in response.text


def test_nothing_acceptable_is_406(client: TestClient) -> None:
    assert (
        client.get("/id/source/creative-economy-2017-07/case/oregon", headers={"Accept": "image/png"}).status_code
        == 406
    )


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/id/case/atlantis", id="unknown-slug"),
        pytest.param("/id/planet/earth", id="unknown-kind"),
        pytest.param("/id/case/Not%20A%20Slug", id="not-a-slug"),
        pytest.param("/id/case/oregon%3E%20%3Fp%20%3Fo", id="injection"),
    ],
)
def test_an_unknown_iri_is_404_for_rdf_clients_and_browsers(client: TestClient, path: str) -> None:
    rdf = client.get(path, headers={"Accept": "text/turtle"})
    assert rdf.status_code == 404
    assert rdf.text
    html = client.get(path, headers={"Accept": BROWSER})
    assert html.status_code == 404
    assert html.headers["content-type"].startswith("text/html")


def test_the_page_shows_the_canonical_iri_and_links_locally(client: TestClient) -> None:
    page = client.get("/id/source/creative-economy-2017-07/case/oregon", headers={"Accept": BROWSER}).text
    assert "<code>https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/oregon</code>" in page
    assert 'href="http://testserver/id/region/oregon"' in page
    assert 'href="http://testserver/id/source/creative-economy-2017-07/passage/oregon-forum"' in page
    assert 'href="https://w3id.org/' not in page


def test_links_follow_the_configured_base_url(fixture_settings: Settings, tmp_path: Path) -> None:
    settings = fixture_settings.model_copy(
        update={"base_url": "https://graph.example.org/cg", "store_dir": tmp_path / "store"}
    )
    with TestClient(create_app(settings)) as proxied:
        page = proxied.get("/id/source/creative-economy-2017-07/case/oregon", headers={"Accept": BROWSER}).text
        cases = proxied.get("/api/cases").json()["cases"]
    assert 'href="https://graph.example.org/cg/id/region/oregon"' in page
    assert 'href="https://graph.example.org/cg/static/style.css"' in page
    assert cases[0]["url"] == "https://graph.example.org/cg/id/source/creative-economy-2017-07/case/massachusetts"


def test_a_resource_page_shows_labels_properties_links_and_passages(
    client: TestClient, assert_well_formed: Callable[[str], None]
) -> None:
    page = client.get("/id/institution/innovation-institute", headers={"Accept": BROWSER}).text
    assert_well_formed(page)
    for expected in (
        "Innovation Institute",
        'lang="ru"',
        "Институт инноваций",
        "located in",  # a property, with its label
        'href="http://testserver/id/region/massachusetts"',  # a linked object
        "Linked from",  # incoming links
        'href="http://testserver/id/source/creative-economy-2017-07/case/massachusetts"',
        '<blockquote lang="ru">важную функцию',  # the passage's quote
        "[15]",  # the reference it cites
    ):
        assert expected in page, expected


@pytest.mark.parametrize(("media_type", "short"), RDF_FORMATS)
def test_the_ontology_in_every_rdf_format(client: TestClient, media_type: str, short: str) -> None:
    response = client.get("/ontology", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    triples = _parse(response.content, media_type)
    assert _triple(str(CG.PolicyCase), str(RDF.type), str(OWL.Class)) in triples
    assert _triple(ONTOLOGY_IRI, str(RDF.type), str(OWL.Ontology)) in triples
    assert not any(t.subject == ox.NamedNode(OREGON) for t in triples), "the ontology alone"
    assert _parse(client.get(f"/ontology?format={short}").content, media_type) == triples


def test_the_ontology_page_anchors_every_term(client: TestClient, assert_well_formed: Callable[[str], None]) -> None:
    page = client.get("/ontology", headers={"Accept": BROWSER}).text
    assert_well_formed(page)
    for anchor in (
        'id="PolicyCase"',
        'id="leadInstitution"',
        'id="quote"',
        'id="dcterms-description"',
    ):
        assert anchor in page, anchor
    assert 'href="http://testserver/ontology#Institution"' in page  # a super-class, linked locally
    assert "кейс кластерной политики" in page


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("/id/case/oregon", "/id/source/creative-economy-2017-07/case/oregon", id="a-case"),
        pytest.param(
            "/id/passage/conclusion-1", "/id/source/creative-economy-2017-07/passage/conclusion-1", id="a-passage"
        ),
        pytest.param("/id/role/facilitator", "/id/source/creative-economy-2017-07/role/facilitator", id="a-role"),
        pytest.param(
            "/id/stage/potential?format=ttl",
            "/id/source/creative-economy-2017-07/stage/potential?format=ttl",
            id="keeping-the-query",
        ),
    ],
)
def test_an_iri_that_moved_under_its_source_answers_301_to_the_new_one(
    release_client: TestClient, old: str, new: str
) -> None:
    """Researchers cited the IRIs of 0.2.0; the data (a source's moved.ttl) says where each one went."""
    for accept in (BROWSER, "text/turtle"):
        moved = release_client.get(old, headers={"Accept": accept}, follow_redirects=False)
        assert moved.status_code == 301
        assert moved.headers["location"] == f"http://testserver{new}"
        assert release_client.get(new, headers={"Accept": accept}).status_code == 200


def test_a_shared_kind_has_no_source_scoped_iri(release_client: TestClient) -> None:
    assert release_client.get("/id/region/oregon", headers={"Accept": "text/turtle"}).status_code == 200
    scoped = release_client.get("/id/source/creative-economy-2017-07/region/oregon", headers={"Accept": "text/turtle"})
    assert scoped.status_code == 404
