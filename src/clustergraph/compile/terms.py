"""RDF terms between pyoxigraph, which parses, reasons and serializes at native speed, and rdflib, whose
graphs the shapes, the checks and the edit tools read.

Each converter keeps the terms it made: a build meets the same IRI (a class, a property, a shared
region) thousands of times, and one dictionary look-up is cheaper than a new term. rdflib's literals
are made with rdflib's own constructor, so they are normalized as its Turtle parser would
(`"01"^^xsd:integer` reads as `"1"`), and a plain string (`xsd:string`) is an rdflib literal without
datatype, as rdflib reads one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
RdflibTriple = tuple[Node, Node, Node]


class ToRdflib:
    """pyoxigraph terms and triples to rdflib's, each distinct term converted once."""

    def __init__(self) -> None:
        self._terms: dict[object, Node] = {}

    def term(self, term: object) -> Node:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = _to_rdflib(term)
        return found

    def triples(self, triples: Iterable[ox.Triple | ox.Quad]) -> Iterator[RdflibTriple]:
        term = self.term
        for triple in triples:
            yield term(triple.subject), term(triple.predicate), term(triple.object)


class ToOxigraph:
    """rdflib terms and triples to pyoxigraph's, each distinct term converted once."""

    def __init__(self) -> None:
        self._terms: dict[Node, OxTerm] = {}

    def term(self, term: Node) -> OxTerm:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = _to_oxigraph(term)
        return found

    def triples(self, triples: Iterable[RdflibTriple]) -> Iterator[tuple[OxTerm, OxTerm, OxTerm]]:
        term = self.term
        for s, p, o in triples:
            yield term(s), term(p), term(o)


def _to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    raise ValueError(f"{term!r}: RDF-star triples are not part of the sources' RDF")


def _to_oxigraph(term: Node) -> OxTerm:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    raise ValueError(f"{term!r}: not an RDF term")
