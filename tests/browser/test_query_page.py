"""The query page in Chromium: typed and shared queries run, without PREFIX lines, offline."""

from __future__ import annotations

from urllib.parse import quote

from watching import Watched

SHARED = (
    "SELECT ?case ?label WHERE { ?case a cg:PolicyCase ; rdfs:label ?label FILTER(LANG(?label) = 'en') }"
    " ORDER BY ?label"
)


def test_a_shared_link_without_prefix_lines_opens_with_its_results(watched: Watched) -> None:
    page = watched.open("/query?query=" + quote(SHARED))
    page.wait_for_selector("#results table tbody tr", timeout=30_000)
    table = page.inner_text("#results table")
    for case in ("Minnesota", "Oregon", "Massachusetts", "South Carolina"):
        assert case in table
    assert "rows in" in page.inner_text("#status")
    watched.shoot("query-shared")
    watched.assert_clean()
