"""Every passage quotes its own source word for word, and every source says where its facts are said.

Invariants run over every folder in `data/`: a source that ships its text (`text.txt` beside its Turtle)
has every quote checked against it, and a source with a manifest quotes only the source its graph
derives from. The article's own checks use the copy of the article kept beside the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from clustergraph.compile.build import BuildResult
from clustergraph.compile.load import has_manifest, parse_turtle
from clustergraph.namespaces import CG, ID, source_graph

PROJECT_DIR = Path(__file__).resolve().parents[1]
SOURCE_FOLDERS = sorted(p for p in (PROJECT_DIR / "data").iterdir() if p.is_dir())
ARTICLE_FOLDER = PROJECT_DIR / "data" / "creative-economy-2017-07"
ARTICLE_SOURCE = URIRef(ID["source/creative-economy-2017-07"])
SOURCE_TEXT = "text.txt"


def _letters(text: str) -> str:
    """Compare on letters and digits alone: the PDF's line breaks, hyphens and spaces are not words."""
    return re.sub(r"[^\w]|_", "", text).lower().replace("ё", "е")


def _graph(folder: Path) -> Graph:
    graph = Graph()
    for path in sorted(folder.rglob("*.ttl")):
        parse_turtle(path, graph)
    return graph


def _quotes_not_in(graph: Graph, text: str) -> list[str]:
    letters = _letters(text)
    return [
        f"{passage}: {quote}"
        for passage in graph.subjects(RDF.type, CG.Passage)
        for quote in graph.objects(passage, CG.quote)
        if _letters(str(quote)) not in letters
    ]


@pytest.fixture(scope="module")
def article_data() -> Graph:
    return _graph(ARTICLE_FOLDER)


def test_every_quote_stands_in_the_article(article_data: Graph, article_text: str) -> None:
    assert list(article_data.subjects(RDF.type, CG.Passage)), "the article's data has no passages"
    not_found = _quotes_not_in(article_data, article_text)
    assert not not_found, "quotes not found in the article:\n" + "\n".join(not_found)


def test_every_passage_of_the_article_is_quoted_from_it(article_data: Graph) -> None:
    for passage in article_data.subjects(RDF.type, CG.Passage):
        assert (passage, PROV.wasQuotedFrom, ARTICLE_SOURCE) in article_data, passage


@pytest.mark.parametrize("folder", [f for f in SOURCE_FOLDERS if (f / SOURCE_TEXT).is_file()], ids=lambda f: f.name)
def test_every_quote_stands_in_its_own_sources_text(folder: Path) -> None:
    not_found = _quotes_not_in(_graph(folder), (folder / SOURCE_TEXT).read_text(encoding="utf-8"))
    assert not not_found, f"quotes not found in {folder.name}/{SOURCE_TEXT}:\n" + "\n".join(not_found)


@pytest.mark.parametrize("folder", SOURCE_FOLDERS, ids=lambda f: f.name)
def test_a_source_with_a_manifest_quotes_only_the_source_its_graph_derives_from(folder: Path) -> None:
    graph = _graph(folder)
    if not has_manifest(graph, folder.name):
        pytest.skip(f"{folder.name} has no manifest")
    primary = set(graph.objects(URIRef(source_graph(folder.name)), PROV.hadPrimarySource))
    assert set(graph.objects(None, PROV.wasQuotedFrom)) <= primary


def test_provenance_is_stated_on_source_graphs_not_on_the_things_they_describe(built_all: BuildResult) -> None:
    """Only passages derive from a source (prov:wasQuotedFrom); a graph has its primary source; a region neither."""
    quads = list(ox.parse(path=str(built_all.release_dir / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    passages = {
        q.subject.value
        for q in quads
        if q.predicate == ox.NamedNode(str(RDF.type)) and q.object.value == str(CG.Passage)
    }
    derived = {q.subject.value for q in quads if q.predicate.value == str(PROV.wasDerivedFrom)}
    assert derived <= passages
    primary = {q.subject.value for q in quads if q.predicate.value == str(PROV.hadPrimarySource)}
    assert primary == {source_graph(folder.name) for folder in SOURCE_FOLDERS if _has_manifest(folder)}


def _has_manifest(folder: Path) -> bool:
    return has_manifest(_graph(folder), folder.name)


def test_every_attribution_is_the_articles_own_words(article_data: Graph, article_text: str) -> None:
    """«по мнению экспертов» and the like are quoted, like passages: a view the article names, not ours."""
    attributions = [a for a in article_data.objects(None, CG.attribution) if getattr(a, "language", None) == "ru"]
    assert attributions
    article = _letters(article_text)
    assert [str(a) for a in attributions if _letters(str(a)) not in article] == []


def test_the_articles_keywords_audience_and_latin_names_are_its_own_words(
    article_data: Graph, article_text: str
) -> None:
    """What the article says about itself is copied from it: its keywords, audience and transliterations."""
    article = _letters(article_text)
    own_words = [
        *article_data.objects(ARTICLE_SOURCE, DCTERMS.subject),
        *article_data.objects(ARTICLE_SOURCE, CG.intendedAudience),
        *article_data.objects(None, CG.authorNamesLatin),
    ]
    assert len(own_words) >= 6 + 2 + 4
    assert [str(w) for w in own_words if _letters(str(w)) not in article] == []


def test_every_brand_name_is_the_articles_own_words(article_data: Graph, article_text: str) -> None:
    """«Новая Каролина» as the article writes it, and "New Carolina" as its reference [14] is titled."""
    names = list(article_data.objects(None, CG.brandName))
    assert {n.language for n in names if isinstance(n, Literal)} == {"en", "ru"}
    article = _letters(article_text)
    assert [str(n) for n in names if _letters(str(n)) not in article] == []
