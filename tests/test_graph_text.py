"""A graph as the release writes it: the N-Quads rdflib's lines give, and read back from the cache as written."""

from __future__ import annotations

import hashlib

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from clustergraph.compile.graph_text import GraphText
from clustergraph.compile.serialize import ntriples_lines
from clustergraph.namespaces import PREFIXES
from clustergraph.release_format import DIGEST_LENGTH

NAME = "https://w3id.org/clustergraph/graph/source/example"
CASE = URIRef("https://w3id.org/clustergraph/id/case/example")
POLICY_CASE = URIRef("https://w3id.org/clustergraph/ontology#PolicyCase")


def _text() -> GraphText:
    graph = Graph()
    graph.add((CASE, RDF.type, POLICY_CASE))
    graph.add((CASE, RDFS.label, Literal('A "case"\nover two lines', lang="en")))
    return GraphText.of(NAME, ntriples_lines(graph), PREFIXES)


def test_a_graphs_nquads_are_its_lines_with_its_name_and_their_digest() -> None:
    text = _text()
    expected = "".join(f"{line} <{NAME}> .\n" for line in text.lines()).encode("utf-8")
    assert b"".join(text.nquads()) == expected
    assert text.digest == hashlib.sha256(expected).hexdigest()[:DIGEST_LENGTH]
    assert text.triples == 2 == len(text.lines())
    assert list(text.typed) == [(CASE.n3(), POLICY_CASE.n3())]


def test_a_graph_reads_back_from_its_header_and_body() -> None:
    text = _text()
    header, body = text.encode()
    again = GraphText.decode(header, memoryview(b"".join(body)))
    assert b"".join(again.nquads()) == b"".join(text.nquads())
    assert again.lines() == text.lines()
    assert (again.digest, again.triples, list(again.typed)) == (text.digest, text.triples, list(text.typed))
    assert bytes(again.blocks.text) == bytes(text.blocks.text) and again.blocks.subjects == text.blocks.subjects
