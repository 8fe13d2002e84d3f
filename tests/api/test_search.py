"""Full-text search: stems, fields beyond labels, totals and pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from clustergraph.api.views.search import stem, stems


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        pytest.param("волонтеров", "волонтер", id="genitive-plural"),
        pytest.param("Волонтёры", "волонтер", id="yo-and-capital"),
        pytest.param("волонт", "волонт", id="already-a-stem"),
        pytest.param("кластерная", "кластерн", id="adjective"),
        pytest.param("volunteers", "volunteer", id="english-plural"),
        pytest.param("policies", "polic", id="english-ies"),
        pytest.param("art", "art", id="too-short-to-cut"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_stems_put_the_longest_first_and_drop_repeats() -> None:
    assert stems("кластер кластеры policy") == ["кластер", "policy"]
    assert stems("!!!") == []


def test_search_reads_descriptions_and_quotes_not_only_labels(client: TestClient) -> None:
    answer = client.get("/api/search", params={"q": "кластер", "limit": 500}).json()
    assert answer["total"] == len(answer["results"]) > 0
    assert {hit["field"] for hit in answer["results"]} <= {"label", "definition", "description", "quote"}
    ranks = [("label", "definition", "description", "quote").index(hit["field"]) for hit in answer["results"]]
    assert ranks == sorted(ranks)


def test_search_pages_with_total_and_offset(client: TestClient) -> None:
    everything = client.get("/api/search", params={"q": "cluster", "limit": 500}).json()
    assert everything["total"] >= 4
    first = client.get("/api/search", params={"q": "cluster", "limit": 2}).json()
    second = client.get("/api/search", params={"q": "cluster", "limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == everything["total"]
    iris = [hit["iri"] for hit in everything["results"]]
    assert [hit["iri"] for hit in first["results"] + second["results"]] == iris[:4]
    past = client.get("/api/search", params={"q": "cluster", "offset": everything["total"]}).json()
    assert past["results"] == [] and past["total"] == everything["total"]


def test_every_word_must_occur(client: TestClient) -> None:
    one = client.get("/api/search", params={"q": "cluster", "limit": 500}).json()["total"]
    two = client.get("/api/search", params={"q": "cluster zzzzqqq", "limit": 500}).json()["total"]
    assert one > 0 and two == 0


# -- On the article's release --------------------------------------------------------------------


@pytest.mark.parametrize("q", ["волонт", "волонтеров", "volunteer", "Volunteers"])
def test_the_release_finds_the_south_carolina_lesson_about_volunteers(release_client: TestClient, q: str) -> None:
    results = release_client.get("/api/search", params={"q": q}).json()["results"]
    assert "https://w3id.org/clustergraph/id/source/creative-economy-2017-07/lesson/south-carolina-paid-staff" in [
        hit["iri"] for hit in results
    ]
