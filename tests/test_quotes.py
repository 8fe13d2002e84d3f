"""Every passage quotes the article word for word, and every fact says where it is said."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import PROV

from clustergraph.load import parse_turtle
from clustergraph.namespaces import CG, ID

PROJECT_DIR = Path(__file__).resolve().parents[1]
ARTICLE_SOURCE = URIRef(ID["source/creative-economy-2017-07"])


def _letters(text: str) -> str:
    """Compare on letters and digits alone: the PDF's line breaks, hyphens and spaces are not words."""
    return re.sub(r"[^\w]|_", "", text).lower().replace("ё", "е")


@pytest.fixture(scope="module")
def data() -> Graph:
    graph = Graph()
    for path in sorted((PROJECT_DIR / "data").rglob("*.ttl")):
        parse_turtle(path, graph)
    return graph


def test_every_quote_stands_in_the_article(data: Graph, article_text: str) -> None:
    article = _letters(article_text)
    passages = list(data.subjects(RDF.type, CG.Passage))
    assert passages, "the data has no passages"
    not_found = []
    for passage in passages:
        for quote in data.objects(passage, CG.quote):
            if _letters(str(quote)) not in article:
                not_found.append(f"{passage}: {quote}")
    assert not not_found, "quotes not found in the article:\n" + "\n".join(not_found)


def test_every_passage_is_quoted_from_the_article(data: Graph) -> None:
    for passage in data.subjects(RDF.type, CG.Passage):
        assert (passage, PROV.wasQuotedFrom, ARTICLE_SOURCE) in data, passage


def test_the_article_is_the_only_source_quoted(data: Graph) -> None:
    assert set(data.objects(None, PROV.wasQuotedFrom)) == {ARTICLE_SOURCE}
