"""/ontology as documentation: each term with what the ontology says of it, labelled as itself."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

BROWSER = {"Accept": "text/html"}


def _term(page: str, anchor: str) -> str:
    """The block of one term: from its <dt id=anchor> to the next term's or the section's end."""
    found = re.search(rf'<dt id="{anchor}">.*?(?=<dt id=|</section>)', page, re.S)
    assert found is not None, anchor
    return found.group(0)


@pytest.fixture(scope="module")
def page(release_client: TestClient) -> str:
    response = release_client.get("/ontology", headers=BROWSER)
    assert response.status_code == 200
    return response.text


def test_a_super_class_link_carries_the_super_class_s_label(page: str) -> None:
    block = _term(page, "CoordinatingInstitute")
    assert re.search(r"Subclass / subproperty of</dt><dd><a [^>]*ontology#Institution\">institution</a>", block)


def test_a_class_lists_its_subclasses_and_members(page: str) -> None:
    block = _term(page, "Institution")
    assert "Superclass / superproperty of" in block and ">coordinating institute</a>" in block
    assert re.search(r'Members</dt><dd><a href="[^"]*/classes/Institution">[1-9]\d*</a>', block)


def test_a_property_shows_domain_range_and_inverse_from_both_sides(page: str) -> None:
    teaches = _term(page, "teachesLesson")
    assert re.search(r"Domain</dt><dd><a [^>]*>policy case</a>", teaches)
    assert re.search(r"Range</dt><dd><a [^>]*>lesson</a>", teaches)
    assert "Inverse of</dt><dd><a" in teaches and "cg:lessonOf" in teaches
    assert "cg:teachesLesson" in _term(page, "lessonOf")


def test_characteristics_are_shown(page: str) -> None:
    # Since ontology 0.2.0 no property is functional (a second source may say more); some are transitive.
    assert "Characteristics</dt>" in page and "owl:TransitiveProperty" in page


def test_the_cite_as_block_and_the_version_iri(page: str, release_client: TestClient) -> None:
    cite = re.search(r'<section class="cite" id="cite">.*?</section>', page, re.S)
    assert cite is not None
    version = re.search(r'This version: <a href="http://testserver(/ontology/([^"]+))">', cite.group(0))
    assert version is not None, "the ontology states an owl:versionIRI"
    assert f"version {version.group(2)}" in cite.group(0)
    assert "creativecommons.org/licenses/by/4.0" in cite.group(0)
    resolved = release_client.get(version.group(1), headers=BROWSER)
    assert resolved.status_code == 200 and "Cite as" in resolved.text
    turtle = release_client.get(version.group(1), params={"format": "ttl"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert release_client.get("/ontology/0.0.0-no-such-version").status_code == 404
