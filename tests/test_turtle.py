"""Turtle from several graphs' blocks, merged by subject, is the Turtle of their union written at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from clustergraph.compile.serialize import ntriples_lines, union
from clustergraph.compile.turtle import Blocks, write_turtle
from clustergraph.namespaces import PREFIXES

REGION = "https://w3id.org/clustergraph/id/region/"
CG = "https://w3id.org/clustergraph/ontology#"


def _graph(*triples: tuple[str, URIRef, URIRef | Literal]) -> Graph:
    graph = Graph()
    for subject, predicate, obj in triples:
        graph.add((URIRef(subject), predicate, obj))
    return graph


@pytest.fixture
def graphs() -> list[Graph]:
    """Three graphs: subjects of their own, one subject two of them describe (one triple in both), and one
    whose IRI is a prefix of another's (`…/a` and `…/a/b`), where the order of lines and of subjects could part."""
    return [
        _graph(
            (REGION + "a", RDFS.label, Literal("A", lang="en")),
            (REGION + "shared", RDFS.label, Literal("Shared", lang="en")),
            (REGION + "shared", RDF.type, URIRef(CG + "Region")),
        ),
        _graph(
            (REGION + "a/b", RDFS.label, Literal("A/B", lang="en")),
            (REGION + "shared", RDF.type, URIRef(CG + "Region")),
            (REGION + "shared", RDFS.comment, Literal("From the second graph.", lang="en")),
        ),
        _graph((REGION + "c", RDFS.seeAlso, URIRef("http://www.wikidata.org/entity/Q1"))),
    ]


def test_merged_blocks_write_what_the_union_of_the_lines_writes(graphs: list[Graph], tmp_path: Path) -> None:
    merged, whole = tmp_path / "merged.ttl", tmp_path / "whole.ttl"
    each = [ntriples_lines(g) for g in graphs]
    asked: list[int] = []

    def lines(index: int) -> list[str]:
        asked.append(index)
        return each[index]

    count = write_turtle([Blocks.of(lines, PREFIXES) for lines in each], lines, merged, PREFIXES)
    assert sorted(set(asked)) == [0, 1], "only the graphs that share a subject are read line by line"
    union_lines = list(union(*each))
    assert write_turtle([Blocks.of(union_lines, PREFIXES)], each.__getitem__, whole, PREFIXES) == count == 6
    assert len(union_lines) == 6
    assert merged.read_bytes() == whole.read_bytes()
    union_graph = Graph()
    for graph in graphs:
        union_graph += graph
    assert isomorphic(Graph().parse(merged, format="turtle"), union_graph)
    assert merged.read_text(encoding="utf-8").count("region:shared\n") == 1, "one block for the shared subject"


def test_blocks_read_back_as_they_were_written(graphs: list[Graph]) -> None:
    lines = ntriples_lines(graphs[1])
    blocks = Blocks.of(lines, PREFIXES)
    assert Blocks.from_header(blocks.header(), blocks.text, len(lines)) == blocks
    with pytest.raises(ValueError, match="do not fit their lines"):
        Blocks.from_header(blocks.header(), blocks.text, len(lines) - 1)
    with pytest.raises(ValueError, match="do not fit their text"):
        Blocks.from_header(blocks.header(), blocks.text[:-1], len(lines))
