"""CSV on every resource endpoint: a flat table with the same items as the JSON; 406, not silent JSON."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

ENDPOINTS = [
    pytest.param("/api/cases", "cases", id="cases"),
    pytest.param("/api/cases/oregon", None, id="case"),
    pytest.param("/api/compare?case=oregon&case=massachusetts", None, id="compare"),
    pytest.param("/api/lifecycle", None, id="lifecycle"),
    pytest.param("/api/roles", None, id="roles"),
    pytest.param("/api/institutions", "items", id="institutions"),
    pytest.param("/api/instruments", "items", id="instruments"),
    pytest.param("/api/search?q=oregon", "results", id="search"),
    pytest.param(
        "/api/provenance?iri=https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/oregon",
        "passages",
        id="provenance",
    ),
    pytest.param("/api/resources/case/oregon/provenance", "passages", id="resource-provenance"),
]


def _table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(("url", "items"), ENDPOINTS)
def test_every_resource_endpoint_answers_a_flat_csv(client: TestClient, url: str, items: str | None) -> None:
    by_format = client.get(url + ("&" if "?" in url else "?") + "format=csv")
    by_accept = client.get(url, headers={"Accept": "text/csv"})
    assert by_format.status_code == by_accept.status_code == 200
    assert by_format.headers["content-type"].startswith("text/csv")
    assert by_format.text == by_accept.text
    rows = _table(by_format.text)
    assert rows
    assert all("{" not in value and "[" not in value for row in rows for value in row.values() if value)
    if items is not None:
        assert len(rows) == len(client.get(url).json()[items])


@pytest.mark.parametrize(("url", "items"), ENDPOINTS)
def test_an_impossible_accept_is_406_not_json(client: TestClient, url: str, items: str | None) -> None:
    response = client.get(url, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in response.json()["message"]


def test_the_lifecycle_table_is_table_1_row_by_row(client: TestClient) -> None:
    rows = _table(client.get("/api/lifecycle", params={"format": "csv"}).text)
    stages = client.get("/api/lifecycle").json()["stages"]
    expected = sum(len(stage["functions"]) + len(stage["competences"]) for stage in stages)
    assert len(rows) == expected
    assert {row["aspect"] for row in rows} <= {"function", "competence"}
    assert all(row["stage_label_en"] for row in rows)
    assert all(bool(row["next"]) == bool(row["next_label_en"]) for row in rows)


def test_the_comparison_table_says_which_case_has_what(client: TestClient) -> None:
    rows = _table(client.get("/api/compare", params={"case": ["oregon", "massachusetts"], "format": "csv"}).text)
    oregon, massachusetts = "creative-economy-2017-07/oregon", "creative-economy-2017-07/massachusetts"
    assert {"aspect", "item", "item_label_en", oregon, massachusetts} <= set(rows[0])
    assert {row[oregon] for row in rows} <= {"True", "False"}
    assert any(row[oregon] == "True" and row[massachusetts] == "False" for row in rows)


def test_excel_csv_keeps_cyrillic_for_a_double_click(client: TestClient) -> None:
    response = client.get("/api/cases", params={"format": "excel"})
    assert response.content.startswith("\ufeff".encode())
    assert response.headers["content-disposition"] == 'attachment; filename="cases.csv"'
    assert "Орегон" in response.content.decode("utf-8-sig") or "орегон" in response.content.decode("utf-8-sig")
