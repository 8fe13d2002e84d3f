"""One place for IRI patterns and prefixed names: what the API, the pages and the validation report use."""

from __future__ import annotations

import pytest

from clustergraph.namespaces import ABSOLUTE_IRI, CG, ID, SLUG, curie


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        pytest.param(str(CG.PolicyCase), "cg:PolicyCase", id="term"),
        pytest.param(f"{ID}case/oregon", "case:oregon", id="resource"),
        pytest.param(f"{ID}case/oregon/x", f"{ID}case/oregon/x", id="a-slash-is-not-a-local-name"),
        pytest.param("http://www.w3.org/2000/01/rdf-schema#label", "rdfs:label", id="longest-namespace"),
        pytest.param("https://example.org/x", "https://example.org/x", id="unknown"),
        pytest.param(str(CG), str(CG), id="namespace-alone"),
    ],
)
def test_curie(iri: str, expected: str) -> None:
    assert curie(iri) == expected


def test_slug_and_iri_patterns() -> None:
    assert SLUG.fullmatch("north-rhine-westphalia") and not SLUG.fullmatch("Oregon")
    assert not SLUG.fullmatch("a--b") and not SLUG.fullmatch("-a")
    assert ABSOLUTE_IRI.fullmatch("https://w3id.org/clustergraph/id/case/oregon")
    assert not ABSOLUTE_IRI.fullmatch("oregon") and not ABSOLUTE_IRI.fullmatch("http://x/a b")
