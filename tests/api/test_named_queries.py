"""`/api/queries/{name}`: one endpoint per `.rq` file, typed parameters, JSON and CSV, exact paging,
and parameters that can only ever be values."""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from clustergraph.api.app import create_app
from clustergraph.queries import load_catalog
from clustergraph.settings import Settings

DATA_DIR = Path(__file__).parent / "data"
PROJECT_DIR = Path(__file__).resolve().parents[2]
TEST_QUERIES = load_catalog(DATA_DIR / "queries")
ANSWER_KEYS = {
    "query",
    "parameters",
    "columns",
    "rows",
    "limit",
    "offset",
    "next",
    "truncated",
    "boolean",
}


def _examples(name: str) -> dict[str, str]:
    return {p.name: p.example for p in TEST_QUERIES[name].parameters if p.example is not None}


def _walk(client: TestClient, url: str) -> tuple[list[dict[str, Any]], int]:
    rows: list[dict[str, Any]] = []
    pages = 0
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        page = response.json()
        rows += page["rows"]
        pages += 1
        next_url = page["next"]
        assert pages <= 1000, "paging does not end"
    return rows, pages


def test_the_list_names_every_query_with_its_parameters(client: TestClient) -> None:
    listed = {q["name"]: q for q in client.get("/api/queries").json()["queries"]}
    assert set(listed) == set(TEST_QUERIES)
    assert [p["name"] for p in listed["stage-items"]["parameters"]] == ["stage", "row", "lang"]
    assert listed["stage-items"]["parameters"][1]["type"] == "integer"
    assert listed["case-instruments"]["url"].endswith("/api/queries/case-instruments")


TABLES = sorted(name for name, query in TEST_QUERIES.items() if query.form in ("SELECT", "ASK"))


@pytest.mark.parametrize("name", TABLES)
def test_every_query_answers_its_example(client: TestClient, name: str) -> None:
    response = client.get(f"/api/queries/{name}", params=_examples(name))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert set(answer) == ANSWER_KEYS
    assert answer["query"] == name
    assert answer["parameters"] == _examples(name)
    assert all(set(row) == set(answer["columns"]) for row in answer["rows"])


def test_rows_are_bound_by_the_parameters(client: TestClient) -> None:
    answer = client.get("/api/queries/case-instruments", params={"case": "oregon"}).json()
    assert answer["columns"] == ["case", "instrument", "label"]
    assert [row["label"] for row in answer["rows"]] == [
        "Oregon Business Plan",
        "Oregon focus groups",
    ]
    assert {row["case"] for row in answer["rows"]} == {
        "https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/oregon"
    }


def test_an_absolute_iri_works_where_a_slug_does(client: TestClient) -> None:
    by_slug = client.get("/api/queries/case-instruments", params={"case": "oregon"}).json()["rows"]
    iri = "https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/oregon"
    assert client.get("/api/queries/case-instruments", params={"case": iri}).json()["rows"] == by_slug


def test_optional_parameters_narrow_the_answer_and_numbers_are_typed(client: TestClient) -> None:
    everything = client.get("/api/queries/stage-items", params={"stage": "potential"}).json()["rows"]
    first_row_ru = client.get("/api/queries/stage-items", params={"stage": "potential", "row": 1, "lang": "ru"}).json()
    assert len(everything) == 8  # four items of the potential stage, each labelled in two languages
    assert {r["label"] for r in first_row_ru["rows"]} == {
        "привлечение новых участников",
        "фандрайзинг",
    }
    assert {r["position"] for r in first_row_ru["rows"]} == {1}


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        pytest.param(None, ox.RdfFormat.TURTLE, id="turtle-by-default"),
        pytest.param("application/ld+json", ox.RdfFormat.JSON_LD, id="json-ld"),
        pytest.param("application/n-triples", ox.RdfFormat.N_TRIPLES, id="n-triples"),
    ],
)
def test_a_construct_query_answers_rdf(client: TestClient, accept: str | None, rdf_format: ox.RdfFormat) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/api/queries/case-graph", params={"case": "oregon"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(rdf_format.media_type)
    subjects = {quad.subject for quad in ox.parse(response.content, format=rdf_format)}
    assert subjects == {ox.NamedNode("https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/oregon")}


def test_an_ask_query_answers_a_boolean(client: TestClient) -> None:
    assert client.get("/api/queries/has-lessons", params={"case": "massachusetts"}).json()["boolean"] is True
    region = "https://w3id.org/clustergraph/id/region/oregon"  # known to the graph, but teaches nothing
    assert client.get("/api/queries/has-lessons", params={"case": region}).json()["boolean"] is False


@pytest.mark.parametrize("name", ["has-lessons", "case-instruments"])
def test_an_unknown_slug_is_404_and_lists_the_slugs_there_are(client: TestClient, name: str) -> None:
    response = client.get(f"/api/queries/{name}", params={"case": "atlantis"})
    assert response.status_code == 404
    message = response.json()["message"]
    slugs = "creative-economy-2017-07/massachusetts, creative-economy-2017-07/oregon"
    assert "'atlantis'" in message and slugs in message


def test_a_named_query_in_a_browser_is_an_html_table(
    client: TestClient, assert_well_formed: Callable[[str], None]
) -> None:
    page = client.get("/api/queries/case-instruments", params={"case": "oregon"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert_well_formed(page.text)
    assert "<caption>case-instruments: rows 1–" in page.text
    assert '<label for="parameter-case">case (required)</label>' in page.text
    assert 'href="http://testserver/id/source/creative-economy-2017-07/case/oregon"' in page.text
    for format_name in ("csv", "excel", "json"):
        assert f"format={format_name}" in page.text


def test_excel_csv_starts_with_a_byte_order_mark(client: TestClient) -> None:
    response = client.get("/api/queries/case-instruments", params={"case": "oregon", "format": "excel"})
    assert response.content.startswith("\ufeff".encode())
    assert response.headers["content-disposition"].startswith("attachment")
    plain = client.get("/api/queries/case-instruments", params={"case": "oregon", "format": "csv"})
    assert response.content.decode("utf-8-sig") == plain.text


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        pytest.param({"Accept": "text/csv"}, {}, id="accept"),
        pytest.param({}, {"format": "csv"}, id="format"),
        pytest.param({"Accept": "application/json;q=0.2, text/csv;q=0.9"}, {}, id="q-values"),
        pytest.param({"Accept": "application/json"}, {"format": "csv"}, id="format-wins"),
    ],
)
def test_csv_has_the_same_rows_as_json(client: TestClient, headers: dict[str, str], params: dict[str, str]) -> None:
    query = {"case": "oregon", **params}
    response = client.get("/api/queries/case-instruments", params=query, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.text, newline="")))
    answer = client.get("/api/queries/case-instruments", params={"case": "oregon"}).json()
    assert table[0] == answer["columns"]
    assert table[1:] == [[str(row[c]) for c in answer["columns"]] for row in answer["rows"]]
    assert response.text.endswith("\r\n")


def test_json_is_the_default_a_browser_gets_html_and_an_impossible_accept_is_406(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get("/api/queries/labels").headers["content-type"].startswith("application/json")
    assert (
        client.get("/api/queries/labels", headers={"Accept": "*/*"})
        .headers["content-type"]
        .startswith("application/json")
    )
    page = client.get("/api/queries/labels", headers={"Accept": browser})
    assert page.headers["content-type"].startswith("text/html")
    refused = client.get("/api/queries/labels", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert "text/csv" in refused.text


@pytest.mark.parametrize("limit", [1, 7, 50, 1000])
def test_walking_the_next_links_gives_the_whole_answer_once(client: TestClient, limit: int) -> None:
    whole = client.get("/api/queries/labels", params={"limit": 10_000}).json()
    assert whole["next"] is None and not whole["truncated"]
    rows, pages = _walk(client, f"/api/queries/labels?limit={limit}")
    assert rows == whole["rows"]
    assert pages == max(1, math.ceil(len(whole["rows"]) / limit))


def test_the_next_link_is_exact_at_the_boundary(client: TestClient) -> None:
    total = len(client.get("/api/queries/labels", params={"limit": 10_000}).json()["rows"])
    assert client.get("/api/queries/labels", params={"limit": total}).json()["next"] is None
    short = client.get("/api/queries/labels", params={"limit": total - 1}).json()
    assert short["next"] is not None
    last = client.get(short["next"]).json()
    assert len(last["rows"]) == 1 and last["next"] is None and last["offset"] == total - 1


def test_the_next_link_keeps_the_other_parameters_and_says_so_in_a_link_header(
    client: TestClient,
) -> None:
    response = client.get("/api/queries/stage-items", params={"stage": "potential", "limit": 3, "format": "csv"})
    link = response.headers["link"]
    assert link.startswith("<http://testserver/api/queries/stage-items?") and link.endswith('>; rel="next"')
    for part in ("stage=potential", "limit=3", "format=csv", "offset=3"):
        assert part in link


def test_an_offset_past_the_end_is_an_empty_last_page(client: TestClient) -> None:
    answer = client.get("/api/queries/labels", params={"offset": 1_000_000}).json()
    assert answer["rows"] == [] and answer["next"] is None and answer["offset"] == 1_000_000


@pytest.mark.parametrize(
    ("name", "params", "needle"),
    [
        pytest.param("case-instruments", {"case": "oregon", "colour": "red"}, "colour", id="unknown"),
        pytest.param("case-instruments", {}, "case", id="missing"),
        pytest.param("stage-items", {"stage": "potential", "row": "first"}, "row", id="not-an-integer"),
        pytest.param("stage-items", {"stage": "potential", "lang": "en us"}, "lang", id="not-a-language"),
        pytest.param("labels", {"limit": "0"}, "limit", id="limit-zero"),
        pytest.param("labels", {"limit": "-3"}, "limit", id="limit-negative"),
        pytest.param("labels", {"limit": "many"}, "limit", id="limit-text"),
        pytest.param("labels", {"limit": "100001"}, "limit", id="limit-too-large"),
        pytest.param("labels", {"offset": "-1"}, "offset", id="offset-negative"),
        pytest.param("labels", {"format": "xml"}, "format", id="unknown-format"),
    ],
)
def test_bad_parameters_are_422_with_a_message(
    client: TestClient, name: str, params: dict[str, str], needle: str
) -> None:
    response = client.get(f"/api/queries/{name}", params=params)
    assert response.status_code == 422, response.text
    assert needle in response.text


def test_a_parameter_given_twice_is_422(client: TestClient) -> None:
    response = client.get("/api/queries/case-instruments?case=oregon&case=massachusetts")
    assert response.status_code == 422
    assert "more than once" in response.text


def test_an_unknown_query_is_404(client: TestClient) -> None:
    response = client.get("/api/queries/no-such-query")
    assert response.status_code == 404


INJECTIONS = [
    '"',
    "'",
    '" } ; DROP ALL ; SELECT * { ?s ?p "',
    "> } ; DROP",
    "oregon> } INSERT DATA { <http://x> <http://x> <http://x> } #",
    "<http://x> ?p ?o",
    "oregon\n} UNION { ?s ?p ?o",
    "?s ?p ?o",
    "\\u0022",
    "CLEAR DEFAULT",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_through_a_text_parameter_is_just_text(client: TestClient, value: str) -> None:
    before = client.get("/api/queries/labels", params={"limit": 10_000}).json()["rows"]
    response = client.get("/api/queries/label-contains", params={"text": value})
    assert response.status_code == 200
    assert all(value in row["label"] and row["text"] == value for row in response.json()["rows"])
    assert client.get("/api/queries/labels", params={"limit": 10_000}).json()["rows"] == before


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_through_an_iri_parameter_is_refused(client: TestClient, value: str) -> None:
    response = client.get("/api/queries/case-instruments", params={"case": value})
    assert response.status_code == 422
    assert "case" in response.text


def test_the_openapi_schema_documents_each_query(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/queries/case-instruments"]["get"]
    assert operation["summary"] == TEST_QUERIES["case-instruments"].summary
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"case", "limit", "offset", "format"}
    assert parameters["case"]["required"] is True
    assert parameters["case"]["examples"]["example"]["value"] == "oregon"
    assert "text/csv" in operation["responses"]["200"]["content"]
    integer = {p["name"]: p for p in schema["paths"]["/api/queries/stage-items"]["get"]["parameters"]}["row"]
    assert integer["required"] is False
    assert "integer" in str(integer["schema"])


def test_adding_a_query_file_adds_an_endpoint(fixture_settings: Settings, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(fixture_settings.project_dir / "queries", project / "queries")
    (project / "queries" / "regions.rq").write_text(
        "#+ summary: The regions.\n"
        "PREFIX cg: <https://w3id.org/clustergraph/ontology#>\n"
        "SELECT ?region WHERE { ?region a cg:Region } ORDER BY ?region\n",
        encoding="utf-8",
    )
    settings = fixture_settings.model_copy(update={"project_dir": project, "store_dir": tmp_path / "store"})
    with TestClient(create_app(settings)) as fresh:
        rows = fresh.get("/api/queries/regions").json()["rows"]
    assert [r["region"].rsplit("/", 1)[-1] for r in rows] == [
        "massachusetts",
        "oregon",
        "united-states",
    ]


REAL_QUERIES = load_catalog(PROJECT_DIR / "queries")


@pytest.mark.parametrize("name", sorted(REAL_QUERIES))
def test_every_named_query_of_the_project_answers_its_example_on_the_release(
    release_client: TestClient, name: str
) -> None:
    params = {p.name: p.example for p in REAL_QUERIES[name].parameters if p.example is not None}
    json_answer = release_client.get(f"/api/queries/{name}", params=params)
    assert json_answer.status_code == 200, json_answer.text
    csv_answer = release_client.get(f"/api/queries/{name}", params={**params, "format": "csv"})
    assert csv_answer.status_code == 200
    table = list(csv.reader(io.StringIO(csv_answer.text, newline="")))
    if json_answer.json()["boolean"] is None:
        assert table[0] == json_answer.json()["columns"]
        assert len(table) - 1 == len(json_answer.json()["rows"])


def test_the_html_table_pages_forward_and_back(client: TestClient) -> None:
    browser = {"Accept": "text/html"}
    total = len(client.get("/api/queries/labels", params={"limit": 10_000}).json()["rows"])
    first = client.get("/api/queries/labels", params={"limit": 3}, headers=browser).text
    assert 'rel="prev"' not in first and "<caption>labels: rows 1–3</caption>" in first
    following = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert following is not None
    second = client.get(following.group(1).replace("&amp;", "&"), headers=browser).text
    assert "<caption>labels: rows 4–6</caption>" in second and 'rel="prev"' in second
    last = client.get("/api/queries/labels", params={"limit": 3, "offset": total - 1}, headers=browser).text
    assert 'rel="next"' not in last
