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
from rdflib.term import Identifier, Node

from clustergraph.store.terms import OxTerm, oxigraph_to_rdflib, rdflib_to_oxigraph

RdflibTriple = tuple[Identifier, Identifier, Identifier]


class ToRdflib:
    """pyoxigraph terms and triples to rdflib's, each distinct term converted once."""

    def __init__(self) -> None:
        self._terms: dict[OxTerm, Identifier] = {}

    def term(self, term: OxTerm) -> Identifier:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = oxigraph_to_rdflib(term)
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
            found = self._terms[term] = rdflib_to_oxigraph(term)
        return found

    def triples(self, triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[tuple[OxTerm, OxTerm, OxTerm]]:
        term = self.term
        for s, p, o in triples:
            yield term(s), term(p), term(o)
