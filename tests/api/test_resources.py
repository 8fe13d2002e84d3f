"""The analysts' resource endpoints on the hand-made graph: shapes, order, hierarchy, errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

ID = "https://w3id.org/clustergraph/id/"
OWN = ID + "source/creative-economy-2017-07/"  # the article's own resources
A = "creative-economy-2017-07/"  # … are named `{source}/{slug}` in the API


def _slugs(items: list[dict[str, Any]]) -> list[str]:
    return [item["slug"] for item in items]


def test_cases_are_listed_with_their_regions(client: TestClient) -> None:
    cases = client.get("/api/cases").json()["cases"]
    assert _slugs(cases) == [A + "massachusetts", A + "oregon"]
    oregon = cases[1]
    assert oregon["iri"] == OWN + "case/oregon"
    assert oregon["url"] == "http://testserver/id/source/creative-economy-2017-07/case/oregon"
    assert oregon["label"] == {
        "en": "Oregon: discussion platforms",
        "ru": "Орегон: дискуссионные площадки",
    }
    assert _slugs(oregon["regions"]) == ["oregon"]


def test_one_case_has_its_region_institutions_instruments_lessons_and_sources(
    client: TestClient,
) -> None:
    case = client.get("/api/cases/massachusetts").json()
    assert case["regions"][0]["wikidata"] == "http://www.wikidata.org/entity/Q771"
    [institute] = case["institutions"]
    assert institute["slug"] == "innovation-institute" and institute["lead"] is True
    assert sorted(k["name"] for k in institute["kinds"]) == [
        "CoordinatingInstitute",
        "PrivateInstitution",
    ]
    assert [k["name"] for i in case["instruments"] for k in i["kinds"]] == ["GrantProgramme"]
    assert [(lesson["position"], lesson["slug"]) for lesson in case["lessons"]] == [
        (1, A + "massachusetts-internal-interactions"),
        (2, A + "massachusetts-realistic-grants"),
    ]
    assert _slugs(case["clusters"]) == ["massachusetts-precision-manufacturing"]
    assert [(s["slug"], s["reference_number"]) for s in case["sources"]] == [
        ("creative-economy-2017-07", None),
        ("precision-manufacturing-alliance-2013", 15),
    ]
    assert case["description"]["ru"].startswith("Важную функцию")


def test_lead_and_other_institutions_are_told_apart(client: TestClient) -> None:
    institutions = client.get("/api/cases/oregon").json()["institutions"]
    assert {i["slug"]: i["lead"] for i in institutions} == {
        "oregon-business-plan-committee": True,
        "oregon-industry-cluster-network": False,
    }


def test_two_cases_side_by_side(client: TestClient) -> None:
    comparison = client.get("/api/compare", params=[("case", "oregon"), ("case", "massachusetts")]).json()
    assert _slugs(comparison["cases"]) == [A + "oregon", A + "massachusetts"]
    assert _slugs(comparison["shared"]["sources"]) == ["creative-economy-2017-07"]
    assert comparison["shared"]["institution_kinds"] == []


@pytest.mark.parametrize(
    ("query", "status"),
    [
        pytest.param("case=oregon", 422, id="one-case"),
        pytest.param("case=oregon&case=oregon", 422, id="the-same-case-twice"),
        pytest.param("", 422, id="no-case"),
        pytest.param("case=oregon&case=atlantis", 404, id="unknown-case"),
        pytest.param("case=oregon&case=Oregon%20%7D", 422, id="not-a-slug"),
    ],
)
def test_compare_refuses_what_it_cannot_compare(client: TestClient, query: str, status: int) -> None:
    response = client.get(f"/api/compare?{query}")
    assert response.status_code == status, response.text
    assert response.text


def test_an_unknown_case_is_404_and_a_malformed_slug_422(client: TestClient) -> None:
    missing = client.get("/api/cases/atlantis")
    assert missing.status_code == 404
    assert "atlantis" in missing.text
    assert client.get("/api/cases/region").status_code == 404
    assert client.get("/api/cases/Not%20a%20slug").status_code == 422


def test_a_region_is_not_a_case(client: TestClient) -> None:
    assert client.get("/api/cases/united-states").status_code == 404


def test_the_life_cycle_is_table_1_in_order(client: TestClient) -> None:
    stages = client.get("/api/lifecycle").json()["stages"]
    assert [(s["order"], s["slug"]) for s in stages] == [
        (1, A + "potential"),
        (2, A + "growing"),
        (3, A + "mature"),
    ]
    assert [s["next"] for s in stages] == [OWN + "stage/growing", OWN + "stage/mature", None]
    potential = stages[0]
    assert [(f["position"], f["label"]["en"]) for f in potential["functions"]] == [
        (1, "attracting new participants"),
        (2, "stimulating communication"),
    ]
    assert [(c["position"], c["label"]["ru"]) for c in potential["competences"]] == [
        (1, "фандрайзинг"),
        (2, "event-менеджмент"),
    ]
    assert stages[2]["competences"] == []
    assert {item["table"] for stage in stages for item in stage["functions"] + stage["competences"]} == {
        OWN + "table/1"
    }


def test_the_life_cycle_names_its_table_with_the_title_the_data_gives(client: TestClient) -> None:
    [table] = client.get("/api/lifecycle").json()["tables"]
    assert (table["iri"], table["number"], table["source"]) == (
        OWN + "table/1",
        1,
        ID + "source/creative-economy-2017-07",
    )
    assert table["title"]["ru"] == "Изменение роли фасилитаторов в ходе эволюции регионального бизнес-кластера"
    assert table["label"] == {"en": "Table 1", "ru": "Таблица 1"}


def test_roles_form_a_tree_in_the_articles_numbering(client: TestClient) -> None:
    def outline(roles: list[dict[str, Any]]) -> list[Any]:
        return [(r["number"], r["slug"], outline(r["children"])) for r in roles]

    roles = client.get("/api/roles").json()["roles"]
    assert outline(roles) == [
        ("1", A + "knowledge-generator", []),
        ("2", A + "facilitator", [("2.1", A + "gr-coordinator", [])]),
        (
            "3",
            A + "clustepreneur",
            [("3.1", A + "production-entrepreneur", []), ("3.2", A + "service-entrepreneur", [])],
        ),
    ]
    assert [k["name"] for k in roles[1]["children"][0]["kinds"]] == ["GRCoordinatorRole"]


def test_institutions_and_instruments_are_listed_with_kinds_regions_and_cases(
    client: TestClient,
) -> None:
    institutions = {i["slug"]: i for i in client.get("/api/institutions").json()["items"]}
    assert set(institutions) == {
        "innovation-institute",
        "oregon-business-plan-committee",
        "oregon-industry-cluster-network",
    }
    network = institutions["oregon-industry-cluster-network"]
    assert [k["name"] for k in network["kinds"]] == ["ClusterNetwork"]
    assert _slugs(network["regions"]) == ["oregon"] and _slugs(network["cases"]) == [A + "oregon"]
    instruments = {i["slug"]: i for i in client.get("/api/instruments").json()["items"]}
    assert [k["name"] for k in instruments["oregon-business-plan"]["kinds"]] == ["Forum"]
    assert _slugs(instruments["massachusetts-regional-grants"]["cases"]) == [A + "massachusetts"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"q": "OREGON", "lang": "en"}, "region/oregon", id="english-any-case"),
        pytest.param({"q": "орегон", "lang": "ru"}, "region/oregon", id="russian-lower-case"),
        pytest.param({"q": "ОРЕГОН"}, "region/oregon", id="russian-upper-case-any-language"),
        pytest.param({"q": "институт-координатор"}, "ontology#CoordinatingInstitute", id="ontology-term"),
    ],
)
def test_search_finds_labels_in_both_languages(client: TestClient, params: dict[str, str], expected: str) -> None:
    results = client.get("/api/search", params=params).json()["results"]
    assert any(hit["iri"].endswith(expected) for hit in results), [hit["iri"] for hit in results]
    if "lang" in params:
        assert {hit["matched_lang"] for hit in results} == {params["lang"]}


def test_search_shortest_label_first_and_limited(client: TestClient) -> None:
    results = client.get("/api/search", params={"q": "cluster", "limit": 3}).json()["results"]
    assert len(results) == 3
    assert [len(hit["matched"]) for hit in results] == sorted(len(hit["matched"]) for hit in results)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"q": ""}, id="empty"),
        pytest.param({}, id="missing"),
        pytest.param({"q": "x", "lang": "de"}, id="other-language"),
        pytest.param({"q": "x", "limit": "0"}, id="bad-limit"),
        pytest.param({"q": "x" * 201}, id="too-long"),
    ],
)
def test_bad_search_parameters_are_422(client: TestClient, params: dict[str, str]) -> None:
    assert client.get("/api/search", params=params).status_code == 422


@pytest.mark.parametrize("q", ['" } ; DROP ALL', "<http://x> ?p ?o", ".*", "\\", "'))#"])
def test_search_text_is_only_text(client: TestClient, q: str) -> None:
    response = client.get("/api/search", params={"q": q})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_provenance_gives_passages_quotes_and_sources(client: TestClient) -> None:
    provenance = client.get("/api/provenance", params={"iri": OWN + "case/oregon"}).json()
    assert provenance["resource"]["slug"] == A + "oregon"
    passages = {p["slug"]: p for p in provenance["passages"]}
    assert set(passages) == {A + "oregon-forum", A + "oregon-network"}
    network = passages[A + "oregon-network"]
    assert network["quote"].startswith("Кроме того, в Орегоне")
    assert _slugs(network["quoted_from"]) == ["creative-economy-2017-07"]
    assert [(s["slug"], s["reference_number"]) for s in network["cites"]] == [("mobilizing-oregon-clusters-2013", 12)]
    assert _slugs(provenance["sources"]) == [
        "creative-economy-2017-07",
        "mobilizing-oregon-clusters-2013",
    ]


def test_provenance_by_kind_and_slug_and_by_service_url_agree(client: TestClient) -> None:
    by_iri = client.get("/api/provenance", params={"iri": ID + "institution/innovation-institute"}).json()
    by_path = client.get("/api/resources/institution/innovation-institute/provenance").json()
    by_url = client.get(
        "/api/provenance", params={"iri": "http://testserver/id/institution/innovation-institute"}
    ).json()
    assert by_iri == by_path == by_url
    assert _slugs(by_iri["passages"]) == [A + "massachusetts-institute"]


def test_a_passage_is_its_own_provenance(client: TestClient) -> None:
    provenance = client.get(f"/api/resources/passage/{A}table-1/provenance").json()
    assert _slugs(provenance["passages"]) == [A + "table-1"]
    cited = client.get("/api/resources/passage/table-1/provenance").json()
    assert cited == provenance, "a slug cited before passages moved under their source names where it went"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        pytest.param(
            "/api/provenance?iri=https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/atlantis",
            404,
            id="unknown-iri",
        ),
        pytest.param("/api/provenance?iri=not%20an%20iri", 422, id="not-an-iri"),
        pytest.param("/api/provenance?iri=%3Chttp://x%3E%20?p%20?o", 422, id="injection"),
        pytest.param("/api/provenance", 422, id="missing"),
        pytest.param("/api/resources/planet/earth/provenance", 422, id="unknown-kind-lists-the-kinds"),
        pytest.param("/api/resources/case/atlantis/provenance", 404, id="unknown-slug"),
        pytest.param("/api/resources/case/Atlantis/provenance", 422, id="not-a-slug"),
    ],
)
def test_provenance_of_nothing_is_an_error_with_a_message(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.text


def test_the_openapi_schema_names_every_resource_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/cases",
        "/api/cases/{slug}",
        "/api/compare",
        "/api/lifecycle",
        "/api/roles",
        "/api/institutions",
        "/api/instruments",
        "/api/search",
        "/api/provenance",
        "/api/resources/{kind}/{slug}/provenance",
    ):
        assert "summary" in paths[path]["get"], path


# -- On the article's release (built by `clustergraph build`) ---------------------------------


def test_the_release_has_the_four_us_states_among_its_cases(release_client: TestClient) -> None:
    slugs = set(_slugs(release_client.get("/api/cases").json()["cases"]))
    assert {A + "minnesota", A + "oregon", A + "massachusetts", A + "south-carolina"} <= slugs


@pytest.mark.parametrize(
    ("case", "lead"),
    [
        pytest.param("massachusetts", "innovation-institute", id="massachusetts"),
        pytest.param("south-carolina", "new-carolina", id="south-carolina"),
    ],
)
def test_the_release_credits_the_article_s_lead_institutions(release_client: TestClient, case: str, lead: str) -> None:
    institutions = release_client.get(f"/api/cases/{case}").json()["institutions"]
    assert [i["slug"] for i in institutions if i["lead"]] == [lead]


def test_the_release_life_cycle_is_table_1(release_client: TestClient) -> None:
    lifecycle = release_client.get("/api/lifecycle").json()
    stages = lifecycle["stages"]
    assert [(t["number"], t["title"]["ru"]) for t in lifecycle["tables"]] == [
        (1, "Изменение роли фасилитаторов в ходе эволюции регионального бизнес-кластера")
    ]
    assert [s["order"] for s in stages] == [1, 2, 3]
    assert [len(s["functions"]) for s in stages] == [6, 5, 4]
    assert [len(s["competences"]) for s in stages] == [3, 4, 4]
    assert stages[0]["competences"][0]["label"]["ru"].lower() == "фандрайзинг"
    for stage in stages:
        for column in (stage["functions"], stage["competences"]):
            assert [item["position"] for item in column] == list(range(1, len(column) + 1))


def test_the_release_roles_follow_the_article_s_numbering(release_client: TestClient) -> None:
    roles = release_client.get("/api/roles").json()["roles"]
    assert [r["number"] for r in roles] == ["1", "2", "3", "4", "5"]
    children = {r["number"]: [c["number"] for c in r["children"]] for r in roles}
    assert children == {"1": [], "2": ["2.1"], "3": ["3.1", "3.2", "3.3", "3.4"], "4": [], "5": []}
