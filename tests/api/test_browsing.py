"""Web basics: HEAD everywhere GET is, HTML errors for browsers (JSON for API clients), offline API
docs, a favicon, the OpenAPI schema's allowed values, and CORS origins written either way."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from clustergraph.settings import Settings

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SOURCE = "creative-economy-2017-07"  # the fixture graph holds the article's resources


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/query",
        "/api/cases",
        "/api/queries/labels",
        "/ontology",
        "/id/source/creative-economy-2017-07/case/oregon",
        "/static/style.css",
        "/health",
    ],
)
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/no/such/page", 404, id="unknown-path"),
        pytest.param("/api/cases/atlantis", 404, id="unknown-case"),
        pytest.param("/api/queries/case-instruments?case=atlantis", 404, id="unknown-slug"),
        pytest.param("/api/search?q=", 422, id="bad-parameter"),
    ],
)
def test_a_browser_gets_an_html_error_page_and_an_api_client_json(
    client: TestClient, path: str, status: int, assert_well_formed: Callable[[str], None]
) -> None:
    page = client.get(path, headers=BROWSER)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert_well_formed(page.text)
    assert f"<h1>{status} " in page.text
    api = client.get(path)
    assert api.status_code == status and api.headers["content-type"].startswith("application/json")
    assert api.json()["message"] in page.text.replace("&#39;", "'").replace("&#34;", '"')


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_use_no_cdn(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert "cdn." not in page.text and "googleapis" not in page.text
    script = next(
        src for src in ("/static-offline-docs/swagger-ui-bundle.js", "/redoc.standalone.js") if src in page.text
    )
    assert client.get(script).status_code == 200


def test_redoc_fetches_nothing_from_its_cdn(client: TestClient) -> None:
    script = client.get("/redoc.standalone.js").text
    assert "cdn.redoc.ly" not in script and "/static/favicon.svg" in script


def test_there_is_a_favicon(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_slug_parameters_list_their_allowed_values(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    kind = {p["name"]: p for p in paths["/api/resources/{kind}/{slug}/provenance"]["get"]["parameters"]}["kind"]
    assert "case" in kind["schema"]["enum"] and "region" in kind["schema"]["enum"]
    for path, name in (
        ("/api/queries/case-instruments", "case"),
        ("/api/cases/{slug}", "slug"),
        ("/api/compare", "case"),
    ):
        parameter = {p["name"]: p for p in paths[path]["get"]["parameters"]}[name]
        assert parameter["schema"]["examples"] == [f"{SOURCE}/massachusetts", f"{SOURCE}/oregon"], path
        assert f"Slugs in the graph: {SOURCE}/massachusetts, {SOURCE}/oregon." in parameter["description"]


@pytest.mark.parametrize(
    "value",
    [
        '["https://a.example","https://b.example"]',
        "https://a.example, https://b.example",
        "https://a.example,https://b.example",
    ],
)
def test_cors_origins_are_read_as_json_or_comma_separated(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CLUSTERGRAPH_CORS_ORIGINS", value)
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]
