"""The build's own parsing and writing of RDF (pyoxigraph underneath) against rdflib's, which it replaced:
the same triples in, the same N-Triples lines out, Turtle downloads that read back as the graphs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from clustergraph.compile.build import BuildResult
from clustergraph.compile.canonical import stable_blank_nodes
from clustergraph.compile.load import load_files, load_project
from clustergraph.compile.serialize import ntriples_lines, union
from clustergraph.compile.terms import ToOxigraph, ToRdflib
from clustergraph.compile.turtle import Blocks, write_turtle
from clustergraph.namespaces import INFERRED_GRAPH, PREFIXES, source_graph

EX = "https://example.org/"


def _tricky() -> Graph:
    """Literals and IRIs a writer must escape or leave alone, blank nodes, typed and tagged values."""
    graph = Graph()
    s, p = URIRef(EX + "s"), URIRef(EX + "p")
    for value in [
        Literal('quote " backslash \\ newline \n return \r tab \t end'),
        Literal("Сколково, «кластер»", lang="ru"),
        Literal("2017-07-01", datatype=XSD.date),
        Literal("01", datatype=XSD.integer),
        Literal(""),
        URIRef("https://w3id.org/clustergraph/id/region/oregon"),
        URIRef("https://w3id.org/clustergraph/id/region/a.b."),  # no prefixed name ends with a dot
        URIRef("https://w3id.org/clustergraph/ontology#"),
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"),
        BNode("b1"),
    ]:
        graph.add((s, p, value))
    graph.add((BNode("b1"), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(EX + "C")))
    graph.add((URIRef("https://w3id.org/clustergraph/id/case/x"), p, Literal("x", lang="en")))
    return graph


def test_lines_are_what_rdflibs_ntriples_serializer_writes() -> None:
    graph = _tricky()
    stable = stable_blank_nodes(graph)  # blank nodes labelled from their content, as the lines label them
    expected = sorted(line[:-2] for line in stable.serialize(format="nt").splitlines() if line.strip())
    assert ntriples_lines(graph) == expected
    assert "_:b1" not in "".join(expected)


def test_the_projects_graphs_are_written_as_rdflib_wrote_them(project_dir: Path) -> None:
    """The lines (and so the N-Quads and the digests of a release) are rdflib's N-Triples, line for line."""
    sources = load_project(project_dir)
    for graph in [sources.ontology, *sources.data.values()]:
        stable = stable_blank_nodes(graph)
        expected = sorted(line[:-2] for line in stable.serialize(format="nt").splitlines() if line.strip())
        assert ntriples_lines(graph) == expected


def test_turtle_from_lines_reads_back_as_the_graph(tmp_path: Path) -> None:
    graph = _tricky()
    path = tmp_path / "out.ttl"
    lines = ntriples_lines(graph)
    assert write_turtle([Blocks.of(lines, PREFIXES)], lambda _: lines, path, PREFIXES) == len(graph)
    text = path.read_text(encoding="utf-8")
    assert "@prefix region: <https://w3id.org/clustergraph/id/region/> ." in text
    assert "@prefix sh:" not in text, "a prefix the file does not use is declared"
    assert _triples(path) == _oxigraph(stable_blank_nodes(graph))
    assert isomorphic(Graph().parse(path, format="turtle"), graph)


def test_union_keeps_each_line_once_in_order() -> None:
    assert list(union(["a", "c", "d"], ["b", "c"], [])) == ["a", "b", "c", "d"]


def test_data_and_inferred_turtle_hold_what_the_named_graphs_hold(built_all: BuildResult) -> None:
    quads = list(ox.parse(path=built_all.version / "dataset.nq", format=ox.RdfFormat.N_QUADS))
    sources = {source_graph(name) for name in built_all.report["sources"]}
    data = {ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value in sources}
    inferred = {ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value == str(INFERRED_GRAPH)}
    assert _triples(built_all.version / "data.ttl") == data
    assert _triples(built_all.version / "inferred.ttl") == inferred
    assert built_all.report["triples"]["asserted_data"] == len(data)


def test_the_build_reads_the_projects_turtle_as_rdflib_does(project_dir: Path) -> None:
    """pyoxigraph parses the build's files; every file of the project gives the triples rdflib's parser
    gives (the literals it would normalize, say), so a release does not change with the parser."""
    files = [
        *sorted((project_dir / "ontology").glob("*.ttl")),
        *sorted((project_dir / "shapes").rglob("*.ttl")),
        *sorted((project_dir / "data").rglob("*.ttl")),
    ]
    assert len(files) > 20
    for path in files:
        fast = load_files([path], project_dir, {})
        reference = Graph().parse(path, format="turtle")
        assert len(fast) == len(reference), path
        if not any(isinstance(term, BNode) for triple in reference for term in triple):
            assert ntriples_lines(fast) == ntriples_lines(reference), path


def test_terms_survive_the_round_trip_through_pyoxigraph() -> None:
    graph = _tricky()
    to_oxigraph, to_rdflib = ToOxigraph(), ToRdflib()
    back = {tuple(to_rdflib.term(term) for term in triple) for triple in to_oxigraph.triples(graph)}
    assert back == set(graph)


def _oxigraph(graph: Graph) -> set[ox.Triple]:
    return {ox.Triple(*triple) for triple in ToOxigraph().triples(graph)}  # type: ignore[arg-type]


def _triples(path: Path) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE)}
