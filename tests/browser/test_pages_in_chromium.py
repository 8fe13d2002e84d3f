"""Every page in Chromium, at desktop and phone width: nothing fetched from elsewhere, no console
error, no horizontal overflow at 390 px; and the article's content where the article has it."""

from __future__ import annotations

import pytest
from playwright.sync_api import ViewportSize
from watching import Watched

PAGES = [
    pytest.param("/", id="home"),
    pytest.param("/query", id="query"),
    pytest.param("/compare?case=oregon&case=massachusetts&case=south-carolina", id="compare"),
    pytest.param("/lifecycle", id="lifecycle"),
    pytest.param("/roles", id="roles"),
    pytest.param("/search?q=волонт", id="search"),
    pytest.param("/ontology", id="ontology"),
    pytest.param("/classes/Institution", id="class"),
    pytest.param("/id/source/creative-economy-2017-07/case/south-carolina", id="case"),
    pytest.param("/api/queries/case-lessons?case=minnesota", id="named-query"),
    pytest.param("/docs", id="swagger"),
    pytest.param("/redoc", id="redoc"),
]
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.mark.parametrize("path", PAGES)
def test_a_page_loads_offline_and_fits_a_phone(watched: Watched, path: str, request: pytest.FixtureRequest) -> None:
    name = request.node.callspec.id
    page = watched.open(path)
    watched.shoot(f"{name}-desktop")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(100)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    watched.shoot(f"{name}-phone")
    assert overflow <= 0, f"{path} is {overflow} px wider than a 390 px screen"
    watched.assert_clean()


def test_table_1_shows_the_article_s_stages_and_first_items(watched: Watched) -> None:
    page = watched.open("/lifecycle")
    title = page.locator("h1").inner_text() + page.locator("p.subtitle").inner_text()
    assert "Изменение роли фасилитаторов в ходе эволюции регионального бизнес-кластера" in title
    assert page.title().startswith("Table 1: The changing role of facilitators")
    headers = page.locator("table.table-1 thead th").all_inner_texts()
    assert [h.split("\n")[0] for h in headers[1:]] == ["Potential cluster", "Growing cluster", "Mature cluster"]
    functions = page.locator("table.table-1 tbody tr").nth(0).inner_text()
    competences = page.locator("table.table-1 tbody tr").nth(1).inner_text()
    assert "Привлечение новых участников" in functions
    assert "Фандрайзинг" in competences or "фандрайзинг" in competences
    assert page.locator("img[src$='/diagrams/lifecycle.svg']").evaluate("img => img.naturalWidth") > 0
    watched.assert_clean()


def test_the_comparison_page_sets_cases_side_by_side(watched: Watched) -> None:
    page = watched.open("/compare?case=massachusetts&case=south-carolina")
    table = page.locator("table.compare")
    heads = table.locator("thead th").all_inner_texts()
    assert any("Massachusetts" in h for h in heads) and any("South Carolina" in h for h in heads)
    lead = table.locator("tbody tr").filter(has_text="Institutions").inner_text()
    assert "lead" in lead
    lessons = table.locator("tbody tr").filter(has_text="Lessons").inner_text()
    assert "paid positions" in lessons
    assert page.locator("section", has_text="What all 2 share").count() == 1
    watched.assert_clean()


def test_search_from_the_header_finds_the_volunteers_lesson(watched: Watched) -> None:
    page = watched.open("/")
    page.fill("#site-search", "volunteer")
    page.press("#site-search", "Enter")
    page.wait_for_load_state("networkidle")
    assert "paid positions" in page.inner_text("ol.hits")
    watched.assert_clean()


def test_an_unknown_page_is_an_html_page_for_a_browser(watched: Watched) -> None:
    response = watched.page.goto(watched.site + "/no/such/page")
    assert response is not None and response.status == 404
    assert watched.page.inner_text("h1") == "404 Not Found"
    assert watched.page.locator("#site-search").count() == 1
    watched.shoot("not-found")
    assert watched.errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    assert not watched.outside
