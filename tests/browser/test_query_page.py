"""The query page in Chromium: typed and shared queries run, without PREFIX lines, offline."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

from playwright.sync_api import Page
from watching import MAX_RESULTS, Watched

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


def _type_query(page: Page, text: str) -> None:
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def test_a_typed_query_runs_with_ctrl_enter_and_links_to_local_pages(watched: Watched) -> None:
    page = watched.open("/query")
    typed = "SELECT ?x WHERE { ?x a cg:PolicyCase } ORDER BY ?x"
    _type_query(page, typed)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#results table tbody tr")
    links = page.locator("#results table tbody a").evaluate_all("links => links.map(a => a.href)")
    assert links and all(link.startswith(watched.site + "/id/source/creative-economy-2017-07/case/") for link in links)
    oregon = "#results table tbody a[href$='/id/source/creative-economy-2017-07/case/oregon']"
    page.wait_for_function(f"document.querySelector(\"{oregon}\")?.textContent === 'Oregon case'")
    assert page.get_attribute(oregon, "title") != "Oregon case", "the IRI's short form stays as the title"
    shared = urlsplit(page.get_attribute("#share", "href") or "")
    assert parse_qs(shared.query)["query"] == [typed]
    watched.assert_clean()


def test_the_entailment_switch_leaves_inferred_statements_out(watched: Watched) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?x a cg:Institution }"
    page = watched.open("/query?query=" + quote(query))
    page.wait_for_selector("#results table tbody tr")
    with_inference = int(page.inner_text("#results table tbody td:last-child").split('"')[1])
    page.uncheck("#entailment")
    page.click("#run")
    page.wait_for_function(
        f"!document.querySelector('#results table tbody').innerText.includes('\"{with_inference}\"')"
    )
    without = int(page.inner_text("#results table tbody td:last-child").split('"')[1])
    assert without < with_inference
    assert "entailment=none" in (page.get_attribute("#share", "href") or "")
    watched.assert_clean()


def test_an_error_is_readable(watched: Watched) -> None:
    page = watched.open("/query")
    _type_query(page, "SELECT ?x WHERE { ?x a }")
    page.click("#run")
    page.wait_for_selector(".yasr .errorResult, .yasr [class*=error]")
    shown = page.inner_text("#results")
    assert '"error"' not in shown and "{" not in shown.split("\n", 1)[0]
    assert page.inner_text("#status").startswith("Error")
    watched.errors.clear()  # the failed request is logged by Chromium itself: it is what this test provokes
    watched.assert_clean()


def test_a_named_query_example_asks_for_its_parameters(watched: Watched) -> None:
    page = watched.open("/query")
    page.select_option("#examples", "case-lessons")
    field = page.locator("#parameter-case")
    assert field.input_value() == "creative-economy-2017-07/minnesota"
    assert page.locator("label[for='parameter-case']").count() == 1
    field.fill("creative-economy-2017-07/south-carolina")
    page.click("#example-parameters button")
    editor = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert (
        "VALUES ?case { <https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/south-carolina> }"
        in editor
    )
    assert "#+" not in editor
    page.click("#run")
    page.wait_for_selector("#results table tbody tr")
    assert "paid positions" in page.inner_text("#results table")
    watched.assert_clean()


def test_prefixes_classes_and_properties_are_offered_as_you_type(watched: Watched) -> None:
    page = watched.open("/query")
    _type_query(page, "SELECT * WHERE { ?x a cg:Polic")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert "cg:PolicyCase" in hints.all_inner_texts()
    watched.assert_clean()


def test_a_cut_answer_says_so(watched: Watched) -> None:
    page = watched.open("/query?query=" + quote("SELECT * WHERE { ?s ?p ?o }"))
    page.wait_for_selector("#results table tbody tr")
    status = page.inner_text("#status")
    assert status.startswith(f"{MAX_RESULTS} rows in")
    assert "cut at the service's result limit" in status
    watched.assert_clean()
