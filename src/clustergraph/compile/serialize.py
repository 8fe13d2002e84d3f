"""The release's RDF files written from sorted N-Triples lines: deterministic bytes, no serializer's graph walk.

A graph becomes its N-Triples lines, sorted (`ntriples_lines`): each distinct term is written once, the way
rdflib's N-Triples serializer writes it (so the N-Quads, and the digests taken of them, are what they
were when rdflib wrote them), and two builds of the same graph give the same lines. The Turtle downloads
are written from such lines (`write_turtle`): sorted lines keep a subject's triples together, so one
pass groups them under the subject and their predicate, IRIs shortened by the project's prefixes.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from heapq import merge
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from clustergraph.compile.canonical import stable_blank_nodes
from clustergraph.compile.terms import ToRdflib

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
# A local name every Turtle parser reads after a prefix, without escapes (a safe part of PN_LOCAL).
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_INDENT = "    "


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


def write_turtle(lines: Iterable[str], path: Path, prefixes: Mapping[str, str]) -> int:
    """Turtle from sorted N-Triples lines, with the prefixes it uses declared first; the number of triples."""
    shorten = _Shortener(prefixes)
    count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8", dir=path.parent) as body:
        subject = predicate = None
        for line in lines:
            s, p, o = line.split(" ", 2)
            if s != subject:
                body.write(" .\n\n" if subject is not None else "")
                body.write(f"{shorten.resource(s)}\n{_INDENT}{shorten.predicate(p)} {shorten.object(o)}")
            elif p != predicate:
                body.write(f" ;\n{_INDENT}{shorten.predicate(p)} {shorten.object(o)}")
            else:
                body.write(f" ,\n{_INDENT * 2}{shorten.object(o)}")
            subject, predicate = s, p
            count += 1
        body.write(" .\n" if subject is not None else "")
        body.seek(0)
        with path.open("w", encoding="utf-8") as turtle:
            turtle.writelines(f"@prefix {name}: <{prefixes[name]}> .\n" for name in sorted(shorten.used))
            turtle.write("\n" if shorten.used else "")
            shutil.copyfileobj(body, turtle)
    return count


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


class _Shortener:
    """IRIs as prefixed names where a prefix's namespace ends at the IRI's last `/` or `#`."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self._names = {namespace: name for name, namespace in sorted(prefixes.items(), reverse=True)}
        self._short: dict[str, str] = {}
        self.used: set[str] = set()

    def resource(self, token: str) -> str:
        """An N-Triples IRI (`<…>`) shortened if it can be; a blank node as it is."""
        found = self._short.get(token)
        if found is None:
            found = self._short[token] = self._shorten(token)
        return found

    def predicate(self, token: str) -> str:
        return "a" if token == _RDF_TYPE else self.resource(token)

    def object(self, token: str) -> str:
        if not token.startswith('"'):
            return self.resource(token)
        quote = token.rfind('"^^<')
        return token if quote < 0 else token[: quote + 3] + self.resource(token[quote + 3 :])

    def _shorten(self, token: str) -> str:
        if not token.startswith("<"):
            return token
        iri = token[1:-1]
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        name = self._names.get(iri[:cut])
        if name is None or not _LOCAL_NAME.fullmatch(iri[cut:]):
            return token
        self.used.add(name)
        return f"{name}:{iri[cut:]}"


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
