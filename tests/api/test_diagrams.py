"""The pictures: well-formed SVG, drawn from the graph (every stage, role and class appears), links
to the pages of what they show, and nothing an image could fetch."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

SVG = "{http://www.w3.org/2000/svg}"


def _svg(client: TestClient, name: str) -> ET.Element:
    response = client.get(f"/diagrams/{name}.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.text)
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title") is not None
    return root


def _texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def _links(root: ET.Element) -> set[str]:
    return {element.get("href") or "" for element in root.iter(f"{SVG}a")}


def test_the_life_cycle_shows_every_stage_in_order(client: TestClient) -> None:
    stages = client.get("/api/lifecycle").json()["stages"]
    root = _svg(client, "lifecycle")
    shown = [t for t in _texts(root) if any(t.endswith(s["label"]["en"]) for s in stages)]
    assert shown == [f"{s['order']}. {s['label']['en']}" for s in stages]
    assert {s["url"] for s in stages} <= _links(root)


def test_the_roles_show_every_role_with_its_number(client: TestClient) -> None:
    def walk(roles: list[dict[str, object]]) -> list[dict[str, object]]:
        return [r for role in roles for r in (role, *walk(role["children"]))]  # type: ignore[arg-type]

    roles = walk(client.get("/api/roles").json()["roles"])
    texts = _texts(_svg(client, "roles"))
    for role in roles:
        assert any(role["label"]["en"] in text for text in texts), role  # type: ignore[index]


def test_the_class_overview_shows_the_ontology_s_classes_with_counts(client: TestClient) -> None:
    root = _svg(client, "classes")
    texts = _texts(root)
    assert any(text.startswith("policy case (") for text in texts)
    assert "http://testserver/classes/PolicyCase" in _links(root)


@pytest.mark.parametrize("name", ["lifecycle", "roles", "classes"])
def test_a_picture_fetches_nothing(client: TestClient, name: str) -> None:
    text = client.get(f"/diagrams/{name}.svg").text
    assert "<image" not in text and "<script" not in text and "@import" not in text and "url(http" not in text
