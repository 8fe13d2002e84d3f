"""The HTML pages: well-formed, escaped, offline (nothing fetched from elsewhere), with the links a
visitor needs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES = [
    "/",
    "/query",
    "/ontology",
    "/compare?case=oregon&case=massachusetts",
    "/compare",
    "/lifecycle",
    "/roles",
    "/search?q=oregon",
    "/search",
    "/classes/Institution",
    "/api/queries/case-instruments?case=oregon",
    "/id/source/creative-economy-2017-07/case/oregon",
    "/id/source/creative-economy-2017-07/outcome/markup-test",
    "/id/source/creative-economy-2017-07/role/facilitator",
]


class _Resources(HTMLParser):
    """The URLs a browser would fetch by itself: scripts, stylesheets, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.fetched.append(values["src"] or "")
        if tag == "link" and values.get("rel") in ("stylesheet", "icon"):
            self.fetched.append(values.get("href") or "")


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_well_formed_html(client: TestClient, path: str, assert_well_formed: Callable[[str], None]) -> None:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_well_formed(response.text)


@pytest.mark.parametrize("path", PAGES)
def test_pages_fetch_nothing_from_elsewhere(client: TestClient, path: str) -> None:
    parser = _Resources()
    parser.feed(client.get(path, headers=BROWSER).text)
    assert parser.fetched
    assert all(url.startswith("http://testserver/") for url in parser.fetched), parser.fetched
    for url in parser.fetched:
        assert client.get(url).status_code == 200


def test_labels_are_escaped(client: TestClient) -> None:
    for path in ("/id/source/creative-economy-2017-07/outcome/markup-test", "/id/instrument/oregon-focus-groups"):
        page = client.get(path, headers=BROWSER).text
        assert "<script>alert" not in page and "<b>bold</b>" not in page and "<i>разметка</i>" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_the_home_page_says_what_the_graph_holds(client: TestClient) -> None:
    page = client.get("/", headers=BROWSER).text
    counts = dict(
        re.findall(
            r'ontology#(\w+)">[^<]*</a></td><td lang="ru">[^<]*</td><td class="number"><a [^>]*>(\d+)</a></td>',
            page,
        )
    )
    assert counts["PolicyCase"] == "2"
    assert counts["Institution"] == "3"
    assert counts["OrganizationalRole"] == "6"
    assert 'href="http://testserver/id/source/creative-economy-2017-07/case/oregon"' in page
    for link in (
        "/docs",
        "/sparql",
        "/query",
        "/api/queries/case-instruments?case=oregon",
        "/graphs?default",
    ):
        assert f'href="http://testserver{link}"' in page, link
    assert 'href="http://testserver/graphs?graph=https%3A//w3id.org/clustergraph/graph/ontology"' in page


def _query_config(client: TestClient) -> dict[str, Any]:
    page = client.get("/query", headers=BROWSER).text
    embedded = re.search(r'<script type="application/json" id="query-config">(.*?)</script>', page, re.S)
    assert embedded is not None
    config: dict[str, Any] = json.loads(embedded.group(1))
    return config


def test_the_query_page_offers_every_named_query_as_an_example(client: TestClient) -> None:
    page = client.get("/query", headers=BROWSER).text
    assert '<label for="query" class="editor-label">SPARQL query</label>' in page
    examples = {example["name"]: example for example in _query_config(client)["examples"]}
    listed = [q["name"] for q in client.get("/api/queries").json()["queries"]]
    assert sorted(examples) == sorted(listed)
    assert all(f'<option value="{name}">' in page for name in listed)
    instruments = examples["case-instruments"]
    assert "SELECT ?case ?instrument ?label" in instruments["text"]
    assert "#+" not in instruments["text"]
    assert [p["name"] for p in instruments["parameters"]] == ["case"]


def test_the_query_page_offers_the_project_prefixes_and_terms(client: TestClient) -> None:
    config = _query_config(client)
    assert config["prefixes"]["cg"] == "https://w3id.org/clustergraph/ontology#"
    assert config["endpoint"] == "http://testserver/sparql"
    assert "https://w3id.org/clustergraph/ontology#PolicyCase" in config["classes"]
    assert "https://w3id.org/clustergraph/ontology#usesInstrument" in config["properties"]
    assert not set(config["classes"]) & set(config["properties"])


def test_the_query_script_and_stylesheet_are_served(client: TestClient) -> None:
    script = client.get("/static/query.js")
    assert script.status_code == 200
    assert "fetch(" in script.text and "innerHTML" not in script.text
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")


def test_the_release_pages_are_well_formed(
    release_client: TestClient, assert_well_formed: Callable[[str], None]
) -> None:
    home = release_client.get("/", headers=BROWSER).text
    assert_well_formed(home)
    cases = release_client.get("/api/cases").json()["cases"]
    for case in cases:
        assert f'href="{case["url"]}"' in home
        page = release_client.get(case["url"], headers=BROWSER)
        assert page.status_code == 200
        assert_well_formed(page.text)
    assert_well_formed(release_client.get("/ontology", headers=BROWSER).text)


def test_the_query_page_s_request_is_answered_by_the_sparql_endpoint(client: TestClient) -> None:
    """What query.js sends when "Run" is pressed: the editor's text as a form, with the entailment switch."""
    examples = {example["name"]: example for example in _query_config(client)["examples"]}
    response = client.post(
        "/sparql",
        data={"query": examples["case-instruments"]["text"], "entailment": "none"},
        headers={"Accept": "application/sparql-results+json,*/*;q=0.9"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["head"]["vars"] == ["case", "instrument", "label"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.add(href.split("#", 1)[0])


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/id/source/creative-economy-2017-07/case/massachusetts",
        "/id/source/creative-economy-2017-07/passage/oregon-network",
    ],
)
def test_every_local_link_on_a_page_answers(client: TestClient, path: str) -> None:
    parser = _Links()
    parser.feed(client.get(path, headers=BROWSER).text)
    local = sorted(href for href in parser.hrefs if href.startswith("http://testserver/"))
    assert local
    broken = [(href, status) for href in local if (status := client.get(href, headers=BROWSER).status_code) != 200]
    assert not broken
