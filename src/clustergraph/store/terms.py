"""RDF terms across the store boundary: rdflib terms in, `Term` over the pipe, pyoxigraph
terms inside.

`Term` follows the SPARQL 1.1 JSON results: a plain string has no datatype, a language-tagged string
only its `lang`, and a blank node's value is its label without `_:`.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node

from clustergraph.store.base import Term

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def from_rdflib(term: Identifier) -> Term:
    if isinstance(term, URIRef):
        return Term("uri", str(term))
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    if isinstance(term, Literal):
        if term.language:
            return Term("literal", str(term), lang=term.language)
        datatype = None if term.datatype is None or str(term.datatype) == _XSD_STRING else str(term.datatype)
        return Term("literal", str(term), datatype=datatype)
    raise TypeError(f"cannot bind {term!r}: only IRIs, blank nodes and literals can be bound")


def from_oxigraph(term: OxTerm) -> Term:
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Term("literal", term.value, lang=term.language)
        datatype = term.datatype.value
        return Term(
            "literal",
            term.value,
            datatype=None if datatype in (_XSD_STRING, _LANG_STRING) else datatype,
        )
    return Term("triple", str(term))


def rdflib_to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib one, made directly: a build converts every triple of every source."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or _XSD_STRING)))
    raise TypeError(f"cannot bind {term!r}: only IRIs, blank nodes and literals can be bound")


def oxigraph_to_rdflib(term: OxTerm) -> URIRef | BNode | Literal:
    """The rdflib term for a pyoxigraph one, made with rdflib's own constructors (so a literal is
    normalized as rdflib's parser would: `"01"^^xsd:integer` reads as `"1"`); a plain string has no datatype."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"{term!r}: an RDF-star triple has no rdflib term")


def to_oxigraph(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term; its constructor rejects a malformed IRI or language tag (ValueError)."""
    if term.type == "uri":
        return ox.NamedNode(term.value)
    if term.type == "bnode":
        return ox.BlankNode(term.value)
    if term.type == "literal":
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype or _XSD_STRING))
    raise TypeError(f"cannot bind a {term.type} term")
