"""The release's RDF files written from sorted N-Triples lines: deterministic bytes, no serializer's graph walk.

A graph becomes its N-Triples lines, sorted (`ntriples_lines`): each distinct term is written once, the way
rdflib's N-Triples serializer writes it (so the N-Quads, and the digests taken of them, are what they
were when rdflib wrote them), and two builds of the same graph give the same lines. The Turtle downloads
are written from such lines too (`turtle`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from heapq import merge
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from clustergraph.compile.canonical import stable_blank_nodes
from clustergraph.compile.terms import ToRdflib


def ntriples_lines(graph: Graph) -> list[str]:
    """The graph's triples as N-Triples lines (`s p o`, without the final ` .`), sorted; blank nodes
    labelled from their content (`stable_blank_nodes`), so that the lines are the same on every run."""
    lines, blank = _lines(graph)
    return _lines(stable_blank_nodes(graph))[0] if blank else lines


def _lines(graph: Graph) -> tuple[list[str], bool]:
    """The sorted lines, and whether the graph has blank nodes."""
    text: dict[Node, str] = {}
    blank = False

    def term(node: Node) -> str:
        nonlocal blank
        found = text.get(node)
        if found is None:
            found = text[node] = _literal(node) if isinstance(node, Literal) else _resource(node)
            blank = blank or isinstance(node, BNode)
        return found

    return sorted(f"{term(s)} {term(p)} {term(o)}" for s, p, o in graph), blank


def triples_of(lines: Iterable[str], predicate: str) -> Iterator[tuple[str, str]]:
    """The subject and object tokens of the lines whose predicate is `predicate` (an IRI)."""
    token = f" <{predicate}> "
    for line in lines:
        if token in line:
            s, p, o = line.split(" ", 2)
            if p == token[1:-1]:
                yield s, o


def term_text(token: str) -> str:
    """What `str()` gives for the rdflib term an N-Triples token of `ntriples_lines` writes: an IRI's
    text, a blank node's label, a literal's lexical form."""
    if token.startswith("<"):
        return token[1:-1]
    if token.startswith("_:"):
        return token[2:]
    parsed = ox.parse(input=f"<x:s> <x:p> {token} .", format=ox.RdfFormat.N_TRIPLES)
    return str(next(iter(ToRdflib().triples(parsed)))[2])


def union(*sorted_lines: Iterable[str]) -> Iterator[str]:
    """Sorted lines of several graphs merged into the sorted lines of their union (each line once).

    Blank nodes are labelled from their content, so two graphs' blank nodes with the same content
    become one: a graph that means what their union means (simple entailment), with fewer triples."""
    last = None
    for line in merge(*sorted_lines):
        if line != last:
            yield line
            last = line


def write_rdfxml(lines: Iterable[str], path: Path, prefixes: Mapping[str, str]) -> None:
    """RDF/XML from sorted N-Triples lines, one description per subject in the lines' order: the same bytes
    on every run (rdflib's writer walks a set, whose order changes from one process to the next)."""
    triples = ox.parse("".join(f"{line} .\n" for line in lines), format=ox.RdfFormat.N_TRIPLES)
    with path.open("wb") as output:
        ox.serialize(triples, output, format=ox.RdfFormat.RDF_XML, prefixes=dict(prefixes))


def compact_jsonld(graph: Graph) -> str:
    """rdflib's JSON-LD compacted with the graph's prefixes, its unordered arrays sorted and its blank nodes
    labelled from their content: the same text on every run. `@list` arrays (RDF lists) keep their order."""
    document = json.loads(stable_blank_nodes(graph).serialize(format="json-ld", auto_compact=True))
    return json.dumps(_ordered(document), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _ordered(value: object) -> object:
    if isinstance(value, dict):
        return {key: [_ordered(v) for v in item] if key == "@list" else _ordered(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_ordered(v) for v in value), key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def _resource(node: Node) -> str:
    if isinstance(node, URIRef | BNode):
        return node.n3()
    raise ValueError(f"{node!r}: not an RDF term")


def _literal(literal: Literal) -> str:
    """As rdflib's N-Triples serializer writes it: quotes, backslashes and line breaks escaped, the rest as is."""
    quoted = str(literal).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
    if literal.language:
        return f'"{quoted}"@{literal.language}'
    return f'"{quoted}"^^<{literal.datatype}>' if literal.datatype else f'"{quoted}"'
