"""The article's Table 1: a resource with the article's title, and its rows in the article's order.

The rows are the table's entries (cg:TableEntry), each attested by the passage that quotes its cell;
the quotes themselves are checked against the article (test_quotes), so a cell's entries, read by
position, must name what the quote lists, in the quote's order. Which stage a function or competence
is at is derived from the entries by the reasoner, never stated beside them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, XSD
from rdflib.term import Node

from clustergraph.compile.load import parse_turtle
from clustergraph.namespaces import CG, ID, source_base

SOURCE = "creative-economy-2017-07"
OWN = source_base(SOURCE)
ARTICLE_FOLDER = Path(__file__).resolve().parents[1] / "data" / SOURCE
TABLE = URIRef(OWN + "table/1")
STAGES = ("potential", "growing", "mature")
KINDS = {"functions": CG.entryFunction, "competences": CG.entryCompetence}
CELL_HEADS = re.compile(r"^(Функции|Компетенции):\s*")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower().replace("ё", "е")


@pytest.fixture(scope="module")
def article_data() -> Graph:
    graph = Graph()
    for path in sorted(ARTICLE_FOLDER.glob("*.ttl")):
        parse_turtle(path, graph)
    return graph


def _ru(graph: Graph, subject: URIRef, predicate: URIRef = RDFS.label) -> str:
    [value] = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language == "ru"]
    return str(value)


def _integer(graph: Graph, subject: Node, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), f"{subject} has no {predicate}"
    return int(value)


def _item(graph: Graph, entry: Node) -> str:
    """The function or the competence an entry lists."""
    return str(graph.value(entry, CG.entryFunction) or graph.value(entry, CG.entryCompetence))


def _quote(graph: Graph, passage: str) -> str:
    return str(graph.value(URIRef(OWN + f"passage/{passage}"), CG.quote))


def test_table_1_is_a_resource_with_the_article_s_number_title_and_source_note(
    article_data: Graph, article_text: str
) -> None:
    assert (TABLE, RDF.type, CG.SourceTable) in article_data
    number = article_data.value(TABLE, CG.tableNumber)
    assert isinstance(number, Literal) and number.datatype == XSD.positiveInteger and number.toPython() == 1
    assert article_data.value(TABLE, DCTERMS.isPartOf) == URIRef(ID[f"source/{SOURCE}"])
    title = _ru(article_data, TABLE, DCTERMS.title)
    assert _norm(title) in _norm(_quote(article_data, "table-1-caption"))
    assert _norm(title) in _norm(re.sub(r"\s+", " ", article_text))
    note = URIRef(OWN + "passage/table-1-source")
    assert article_data.value(TABLE, CG.sourceNote) == note
    cited = {_integer(article_data, s, CG.referenceNumber) for s in article_data.objects(note, CG.citesSource)}
    assert cited == {8, 16}, "«Источник: составлено автором по [8, 16]»"


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_cell_of_table_1_lists_the_article_s_items_in_the_article_s_order(
    article_data: Graph, stage: str, kind: str
) -> None:
    passage = URIRef(OWN + f"passage/table-1-{stage}-{kind}")
    entries = [
        entry
        for entry in article_data.subjects(CG.inTable, TABLE)
        if article_data.value(entry, CG.entryStage) == URIRef(OWN + f"stage/{stage}")
        and article_data.value(entry, KINDS[kind]) is not None
    ]
    assert entries, f"no entries in the cell {stage}/{kind}"
    assert all((entry, CG.attestedBy, passage) in article_data for entry in entries)
    by_position = sorted(entries, key=lambda entry: _integer(article_data, entry, CG.listPosition))
    positions = [_integer(article_data, entry, CG.listPosition) for entry in by_position]
    assert positions == list(range(1, len(entries) + 1))
    listed = [_ru(article_data, URIRef(_item(article_data, entry))) for entry in by_position]
    quoted = CELL_HEADS.sub("", str(article_data.value(passage, CG.quote))).split("; ")
    assert [_norm(item) for item in listed] == [_norm(item) for item in quoted]


def test_table_1_has_every_function_and_competence_once_in_its_26_entries(article_data: Graph) -> None:
    entries = list(article_data.subjects(CG.inTable, TABLE))
    items = [_item(article_data, entry) for entry in entries]
    concepts = {
        *article_data.subjects(RDF.type, CG.FacilitatorFunction),
        *article_data.subjects(RDF.type, CG.Competence),
    }
    assert len(entries) == 26 and sorted(items) == sorted(map(str, concepts))


def test_the_stage_of_a_function_or_competence_is_derived_from_the_entries_not_stated(
    article_data: Graph, release_store: ox.Store
) -> None:
    assert not list(article_data.triples((None, CG.functionAtStage, None)))
    assert not list(article_data.triples((None, CG.competenceAtStage, None)))
    concepts = {
        *article_data.subjects(RDF.type, CG.FacilitatorFunction),
        *article_data.subjects(RDF.type, CG.Competence),
    }
    assert not [c for c in concepts if (c, CG.listPosition, None) in article_data], "the position is the entry's"
    derived = {
        (str(quad.subject), str(quad.object))
        for predicate in (CG.functionAtStage, CG.competenceAtStage)
        for quad in release_store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None)
    }
    stated = {(f"<{_item(article_data, e)}>", f"<{stage}>") for e, stage in article_data.subject_objects(CG.entryStage)}
    assert derived == stated
